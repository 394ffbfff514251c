"""The admin speaks Chinese: each demo role walks the pages of its daily work and finds no
English in what it reads (visible text, and the placeholder, title, aria-label and alt text
a user meets), with validation errors shown and a page in the review workflow.

Wagtail 8.0.1's zh_Hans catalogues lack hundreds of its strings; the portal supplies them in
portal/locale (and overrides a few). One demo, one forced login per role: the walk is
what costs, about a hundred admin pages.
"""

import json
import re
import shutil
import subprocess
from itertools import chain
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import TemplateDoesNotExist, engines
from django.template.loaders.app_directories import Loader as AppDirectoriesLoader
from django.test import TestCase

from wagtail.blocks import BlockWidget
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, Task, Workflow

import pytest
from bs4 import BeautifulSoup, Comment

from content.models import ObservationDimension, RecordingPage, ResourcePage, WorkshopPage
from portal.upstream_templates import REPLACEMENTS
from tests.session_demo import load_demo
from tests.test_roles_duties import post_data
from tracking.models import (
    CadenceRule,
    EvaluationScore,
    Measure,
    OutputRecord,
    Semester,
    Target,
)

LOCALE = Path(settings.BASE_DIR) / "portal" / "locale" / "zh_Hans" / "LC_MESSAGES"

# Words a Chinese user reads as they are: the product's name, file types and units, and
# what the demo's own data holds in Latin letters.
ALLOWED = {
    "wagtail",  # the CMS's name, as in "Wagtail 8.0.1 编辑指南（英文）"
    "api",
    "xlsx",
    "pdf",
    "doc",
    "docx",
    "ppt",
    "pptx",
    "xls",
    "mp4",
    "jpg",
    "jpeg",
    "png",
    "gif",
    "svg",
    "webp",
    "mb",
    "kb",
    "gb",
    "url",
    "id",
    "javascript",
    "html",
    "logo",
    "bilibili",
    "youku",
    "ai",
    "stem",
    "icp",
    "csv",
    "txt",
    "zip",
}
SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt", "aria-description")
WORD = re.compile(r"[A-Za-z]{2,}(?:['’][A-Za-z]+)*")


# Lists of names in their own languages and scripts: the account's language and time zone.
NAME_LISTS = 'select[name$="preferred_language"], select[name$="current_time_zone"]'


def visible_text(html):
    """What a user reads: text outside scripts, styles and templates, plus the attributes a
    browser shows (placeholder, tooltip) or reads aloud (aria-label, alt)."""
    soup = BeautifulSoup(html, "lxml")
    for hidden in soup(["script", "style", "template", "noscript", "svg", "head"]):
        hidden.decompose()
    for names in soup.select(NAME_LISTS):
        names.decompose()
    for hidden in soup.select("[hidden]"):
        hidden.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    texts = [soup.get_text(" ")]
    for tag in soup.find_all(True):
        if tag.name == "input" and tag.get("type") in ("submit", "button") and tag.get("value"):
            texts.append(tag["value"])
        texts += [tag[name] for name in SHOWN_ATTRIBUTES if isinstance(tag.get(name), str)]
    return "\n".join(texts)


# Addresses, e-mail addresses, file names and content types ("content.resourcepage").
NOT_WORDS = re.compile(r"https?://\S+|[\w.+-]+@[\w.-]+|\S+\.\w{2,4}\b|\b[a-z_]+\.[a-z_]+\b")


def english_words(html, allowed=()):
    text = NOT_WORDS.sub(" ", visible_text(html))
    return sorted({w for w in WORD.findall(text) if w.lower() not in allowed})


def data_words():
    """Latin words in what people entered (titles, names of accounts, codes): shown as they
    are, not the portal's to translate. Not the names of groups, workflows, tasks and folders:
    those the portal makes (Wagtail's own included, renamed by setup_roles) are Chinese."""
    texts = chain(
        Page.objects.values_list("title", flat=True),
        get_document_model().objects.values_list("title", flat=True),
        get_image_model().objects.values_list("title", flat=True),
        CadenceRule.objects.values_list("code", flat=True),
        get_user_model().objects.values_list("username", flat=True),
    )
    return {word.lower() for text in texts for word in WORD.findall(text)}


def page_html(response):
    """The HTML a response shows: a page, or the modal or message Wagtail sends as JSON."""
    if response["Content-Type"].startswith("application/json"):
        data = response.json()
        return f"{data.get('html', '')}<p>{data.get('error_message', '')}</p>"
    return response.content.decode()


def bad_file():
    return SimpleUploadedFile("setup.exe", b"MZ not a document", "application/octet-stream")


# Not both_databases: what language the admin speaks does not depend on the database, and
# the walk costs a minute on PostgreSQL.
class AdminInChineseTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo(demo_accounts=True)
        users = get_user_model().objects
        cls.users = {
            name: users.get(username=name)
            for name in ("admin", "member", "lead", "reviewer", "office")
        }
        cls.workshop = WorkshopPage.objects.get(slug="wuli-mingshi")  # the member's and lead's
        member, reviewer = cls.users["member"], cls.users["reviewer"]
        # The member's drafts in the workshop's section: one awaiting review, one returned
        # with a comment, a recording.
        cls.resource = cls.draft(ResourcePage, "daishen", "待审")
        cls.returned = cls.draft(ResourcePage, "tuihui", "退回")
        cls.recording = cls.draft(RecordingPage, "shilu", "实录")
        workflow = cls.resource.get_workflow()
        workflow.start(cls.resource, member)
        state = workflow.start(cls.returned, member)
        task_state = state.current_task_state
        task_state.task.specific.on_action(
            task_state, reviewer, "reject", comment="请补充教学目标。"
        )
        cls.task_state = cls.resource.current_workflow_task_state

    @classmethod
    def draft(cls, model, slug, note):
        original = model.objects.live().first()
        page = original.copy(
            to=cls.workshop,
            update_attrs={"slug": slug, "title": f"{original.title}（{note}）"},
            keep_live=False,
            user=cls.users["member"],
        )
        page.save_revision(user=cls.users["member"])
        return page.specific

    def setUp(self):
        self.allowed = ALLOWED | data_words()

    def get(self, url):
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    def post(self, url, data):
        response = self.client.post(url, data)
        assert response.status_code == 200, (url, response.status_code)
        return response

    def invalid_form(self, url, **blank):
        """The form as a user gets it back: their entries, with blank required fields."""
        form = self.get(url).context["form"]
        data = post_data(form)
        for bound in form:  # a StreamField posts its blocks' count, not its value
            if isinstance(bound.field.widget, BlockWidget):
                data.pop(bound.html_name, None)
                data[f"{bound.html_name}-count"] = "0"
        data.update(blank or {"title": ""})
        return self.post(url, data)

    def english(self, responses):
        found = {}
        for response in responses:
            words = english_words(page_html(response), self.allowed)
            if words:
                found[response.request["PATH_INFO"]] = words
        return found

    def editor_pages(self):
        w, r, v = self.workshop, self.resource, self.recording
        add_resource = f"/admin/pages/add/content/resourcepage/{w.pk}/"
        add_recording = f"/admin/pages/add/content/recordingpage/{w.pk}/"
        return [
            self.get("/admin/"),
            self.get(f"/admin/pages/{w.pk}/"),
            self.get(f"/admin/pages/search/?q={w.title[:2]}"),
            self.invalid_form(add_resource),
            self.invalid_form(add_recording),
            self.invalid_form(f"/admin/pages/{r.pk}/edit/"),
            self.invalid_form(f"/admin/pages/{v.pk}/edit/"),
            self.get(f"/admin/pages/{self.returned.pk}/edit/"),
            self.get(f"/admin/pages/{r.pk}/history/"),
            self.get(f"/admin/pages/{r.pk}/workflow_history/"),
            self.get("/admin/documents/"),
            self.get("/admin/documents/multiple/add/"),
            self.post("/admin/documents/multiple/add/", {"files[]": bad_file()}),
            self.get("/admin/images/multiple/add/"),
        ]

    def test_member(self):
        self.client.force_login(self.users["member"])
        assert self.english(self.editor_pages()) == {}

    def test_lead(self):
        self.client.force_login(self.users["lead"])
        record = OutputRecord.objects.filter(workshop=self.workshop).first()
        pages = [  # the member's pages are the lead's too: not walked again
            self.get("/admin/"),
            self.invalid_form(f"/admin/pages/{self.workshop.pk}/edit/"),
            self.get("/admin/tracking/outputrecord/"),
            self.invalid_form("/admin/tracking/outputrecord/create/", title=""),
            self.get(f"/admin/tracking/outputrecord/inspect/{record.pk}/"),
        ]
        assert self.english(pages) == {}

    def test_reviewer(self):
        self.client.force_login(self.users["reviewer"])
        r, task = self.resource, self.task_state
        record = OutputRecord.objects.filter(workshop=self.workshop).first()
        pages = [
            self.get("/admin/"),
            self.get(f"/admin/pages/{self.workshop.pk}/"),
            self.get(f"/admin/pages/{r.pk}/edit/"),
            self.get(f"/admin/pages/workflow/action/{r.pk}/approve/{task.pk}/"),
            self.get(f"/admin/pages/workflow/action/{r.pk}/reject/{task.pk}/"),
            self.get(f"/admin/pages/{r.pk}/workflow_history/"),
            self.get(f"/admin/pages/{r.pk}/history/"),
            self.get("/admin/reports/site-history/"),
            self.get("/admin/tracking/outputrecord/"),
            self.get(f"/admin/tracking/outputrecord/inspect/{record.pk}/"),
        ]
        assert self.english(pages) == {}

    def test_office(self):
        self.client.force_login(self.users["office"])
        news = Page.objects.get(slug="news")
        pages = [
            self.get("/admin/"),
            self.get(f"/admin/pages/{news.pk}/"),
            self.invalid_form(f"/admin/pages/add/content/newspage/{news.pk}/"),
            self.get("/admin/tracking/report/"),
        ]
        for model in (OutputRecord, Target, Measure, CadenceRule, Semester, EvaluationScore):
            name = model._meta.model_name
            pages += [
                self.get(f"/admin/tracking/{name}/"),
                self.get(f"/admin/tracking/{name}/inspect/{model.objects.first().pk}/"),
            ]
        pages += [self.get(f"/admin/tracking/{name}/create/") for name in ("target", "cadencerule")]
        scale, dimension = (
            "/admin/snippets/content/observationdimension/",
            ObservationDimension.objects.first(),
        )
        pages += [self.get(f"{scale}{view}") for view in ("", "add/", f"edit/{dimension.pk}/")]
        assert self.english(pages) == {}

    def test_admin(self):
        self.client.force_login(self.users["admin"])
        pages = [
            self.get(url)
            for url in (
                "/admin/",
                "/admin/pages/",
                "/admin/users/",
                "/admin/groups/",
                "/admin/workflows/list/",
                "/admin/reports/aging-pages/",
                "/admin/reports/workflow/",
                "/admin/reports/page-types-usage/",
                "/admin/snippets/content/school/",
                "/admin/collections/",
                "/admin/media/",
                "/admin/account/",
            )
        ]
        assert self.english(pages) == {}

    def test_wagtails_own_groups_workflow_and_root_folder_are_named_in_chinese(self):
        names = {
            *Group.objects.values_list("name", flat=True),
            *Workflow.objects.values_list("name", flat=True),
            *Task.objects.values_list("name", flat=True),
            *Collection.objects.values_list("name", flat=True),
        }
        assert {"全站编辑", "全站审核", "全站默认审核流程", "全部文件夹"} <= names
        assert not [name for name in names if WORD.search(name)]

    def test_login_pages(self):
        pages = [self.get("/admin/login/"), self.get("/_util/login/")]
        pages.append(self.post("/_util/login/", {"username": "member", "password": "wrong"}))
        pages.append(self.post("/admin/login/", {"username": "member", "password": "wrong"}))
        assert self.english(pages) == {}

    def test_workflow_emails_speak_chinese(self):
        member, reviewer = self.users["member"], self.users["reviewer"]
        state = self.recording.get_workflow().start(self.recording, member)  # to the reviewers
        task_state = state.current_task_state
        task_state.task.specific.on_action(task_state, reviewer, "reject", comment="请补充。")
        assert len(mail.outbox) >= 2
        found = {
            message.subject: english_words(
                f"<p>{message.subject}</p><pre>{message.body}</pre>", self.allowed
            )
            for message in mail.outbox
        }
        assert all(not words for words in found.values()), found

    def test_the_admin_scripts_speak_chinese_too(self):
        self.client.force_login(self.users["member"])
        catalogue = self.get("/admin/jsi18n/").content.decode()
        for shown in ("插入块", "正在自动保存…", "修改已自动保存。", "%(num)s 处错误"):
            assert json.dumps(shown)[1:-1] in catalogue or shown in catalogue


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="GNU gettext's msgfmt is not installed")
@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_committed_catalogues_are_compiled_from_their_sources(domain, tmp_path):
    """The .mo files are committed (nothing compiles them on install): each must be what
    msgfmt makes of its .po today, and msgfmt --check (placeholders, plurals) must pass."""
    compiled = tmp_path / f"{domain}.mo"
    subprocess.run(
        ["msgfmt", "--check", "-o", str(compiled), str(LOCALE / f"{domain}.po")],
        check=True,
        capture_output=True,
    )
    assert compiled.read_bytes() == (LOCALE / f"{domain}.mo").read_bytes()


def test_each_upstream_template_still_has_the_words_the_portal_translates():
    """portal/upstream_templates.py replaces literal English in Wagtail's templates; after an
    upgrade that changed one, the replacement would silently do nothing."""
    plain = AppDirectoriesLoader(engines["django"].engine)
    for name, replacements in REPLACEMENTS.items():
        contents = None
        for origin in plain.get_template_sources(name):
            try:
                contents = plain.get_contents(origin)
                break
            except TemplateDoesNotExist:
                continue
        assert contents is not None, name
        for upstream, _ in replacements:
            assert upstream in contents, (name, upstream)
        patched = engines["django"].engine.find_template(name)[0].source
        assert all(replacement in patched for _, replacement in replacements), name
