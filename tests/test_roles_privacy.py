"""Roles, review workflow and privacy: every role against every surface, for a public page, a
teachers-only resource with a file, a group-only page, a draft and a page awaiting review."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.http import HttpRequest
from django.test import TestCase

from wagtail.models import Page, PageViewRestriction

import pytest

from content.groups import LEADS, MEMBERS, OFFICE, REVIEWERS, TEACHERS
from content.models import (
    Person,
    PortalDocument,
    ResourceDocument,
    ResourcePage,
    ResourceType,
    Stage,
    Subject,
    WorkshopPage,
)
from content.slugs import pinyin_slug
from portal.setup.roles import RoleSetup
from tests.factories import make_resource
from tests.session_demo import load_demo
from tests.test_extraction import docx_bytes

ROLES = [
    "anonymous",
    "teacher",
    "member_a",
    "lead_a",
    "lead_b",
    "reviewer_x",
    "reviewer_y",
    "office",
    "admin",
]


def user(username, groups=(), person=None, **fields):
    account = get_user_model().objects.create_user(
        username, password="Hsb-test-2026", email=f"{username}@example.com", **fields
    )
    account.groups.add(*Group.objects.filter(name__in=groups))
    if person:
        Person.objects.filter(name=person).update(user=account)
    return account


def document(title, text):
    doc = PortalDocument(title=title, file=ContentFile(docx_bytes(text), name=f"{title}.docx"))
    doc.save()
    return doc


def resource_in(workshop, title, owner=None, live=True, documents=()):
    page = ResourcePage(
        title=title,
        slug=pinyin_slug(title),
        summary=f"{title}的简介",
        resource_type_id=ResourceType.objects.first().pk,
        stage_id=Stage.objects.first().pk,
        subject_id=Subject.objects.first().pk,
        owner=owner,
        live=live,
        documents=[ResourceDocument(document=d) for d in documents],
    )
    workshop.add_child(instance=page)
    revision = page.save_revision(user=owner)
    if live:
        revision.publish()
    return ResourcePage.objects.get(pk=page.pk)


@pytest.mark.both_databases
class RoleMatrixTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.workshop_a = WorkshopPage.objects.get(slug="wuli-mingshi")  # 罗山中学, 黄志强
        cls.workshop_b = WorkshopPage.objects.get(slug="qiye-deyu")  # 职业技术学校, 周涛
        cls.users = {
            "teacher": user("t", [TEACHERS]),
            "member_a": user("m", [TEACHERS], person="杨海军"),
            "lead_a": user("la", [TEACHERS], person="黄志强"),
            "lead_b": user("lb", [TEACHERS], person="周涛"),
            "reviewer_x": user("rx", [REVIEWERS.format("罗山中学")]),
            "reviewer_y": user("ry", [REVIEWERS.format("职业技术学校")]),
            "office": user("o", [OFFICE]),
            "admin": user("a", is_superuser=True),
        }
        RoleSetup().run()  # workshop groups follow the workshops' leads and members

        cls.public = resource_in(cls.workshop_a, "公开的样本课件")
        cls.secret_file = document("教师专用附件", "附件里的样本内容")
        cls.teachers_only = resource_in(
            cls.workshop_a, "教师专用的样本教案", documents=[cls.secret_file]
        )
        PageViewRestriction.objects.create(
            page=cls.teachers_only, restriction_type=PageViewRestriction.LOGIN
        )
        cls.group_file = document("项目办附件", "项目办的样本材料")
        cls.group_only = resource_in(cls.workshop_a, "项目办内部的样本", documents=[cls.group_file])
        restriction = PageViewRestriction.objects.create(
            page=cls.group_only, restriction_type=PageViewRestriction.GROUPS
        )
        restriction.groups.set([Group.objects.get(name=OFFICE)])
        cls.draft = resource_in(
            cls.workshop_a, "草稿里的样本", owner=cls.users["member_a"], live=False
        )
        cls.pending = resource_in(
            cls.workshop_a, "待审核的样本", owner=cls.users["member_a"], live=False
        )
        cls.pending.get_workflow().start(cls.pending, cls.users["member_a"])

    def as_role(self, role):
        self.client.logout()
        if role != "anonymous":
            self.client.force_login(self.users[role])

    def surfaces(self):
        """The public surfaces as the current visitor gets them, each read once and then
        searched for every page: what a surface lists does not depend on the page looked for."""
        search = self.client.get("/search/", {"q": "样本"})
        suggestions = self.client.get("/search/suggest/", {"q": "样本"}).json()["suggestions"]
        api = self.client.get("/api/v2/pages/", {"search": "样本", "limit": 20}).json()
        return {
            "search": [r["page"].pk for r in search.context["results"]],
            "suggest": [s["title"] for s in suggestions],
            "api": [item["id"] for item in api["items"]],
            "sitemap": self.client.get("/sitemap.xml").content.decode(),
            "feed": self.client.get("/feeds/resources/").content.decode(),
            "workshop": self.client.get(self.workshop_a.url).content.decode(),
            "listing": self.client.get("/resources/").content.decode(),
        }

    def seen_everywhere(self, page, surfaces):
        """Where a page shows on the public surfaces, for the current visitor."""
        found = set()
        if page.pk in surfaces["search"]:
            found.add("search")
        if page.title in surfaces["suggest"]:
            found.add("suggest")
        if page.pk in surfaces["api"]:
            found.add("api")
        if self.client.get(f"/api/v2/pages/{page.pk}/").status_code == 200:
            found.add("api_detail")
        if page.url and page.url in surfaces["sitemap"]:
            found.add("sitemap")
        for surface in ("feed", "workshop", "listing"):
            if page.title in surfaces[surface]:
                found.add(surface)
        return found

    def test_who_reads_each_page(self):
        expected = {
            "public": set(ROLES),
            "teachers_only": set(ROLES) - {"anonymous"},
            "group_only": {"office", "admin"},
            "draft": set(),
            "pending": set(),
        }
        for name, readers in expected.items():
            page = getattr(self, name)
            for role in ROLES:
                with self.subTest(page=name, role=role):
                    self.as_role(role)
                    response = self.client.get(page.url or f"/{page.slug}/")
                    if role in readers:
                        self.assertEqual(response.status_code, 200)
                    else:
                        self.assertIn(response.status_code, (302, 404))
                        self.assertNotIn(page.title, response.content.decode())

    def test_each_surface_shows_each_visitor_what_they_may_read(self):
        for role in ROLES:
            self.as_role(role)
            surfaces = self.surfaces()
            with self.subTest(role=role):
                self.assertEqual(
                    self.seen_everywhere(self.public, surfaces),
                    {
                        "search",
                        "suggest",
                        "api",
                        "api_detail",
                        "feed",
                        "sitemap",
                        "workshop",
                        "listing",
                    },
                )
                # Search, suggestions and the API answer each visitor with what they may
                # read; lists, feeds and the sitemap show public pages only, whoever asks.
                own = {"api", "api_detail", "search", "suggest"}
                expected = {
                    self.teachers_only: own if role != "anonymous" else set(),
                    self.group_only: own if role in ("office", "admin") else set(),
                    self.draft: set(),
                    self.pending: set(),
                }
                for page, seen in expected.items():
                    self.assertEqual(self.seen_everywhere(page, surfaces), seen, page.title)

    def test_files_follow_their_pages(self):
        readers = {
            self.secret_file: set(ROLES) - {"anonymous"},
            # The workshop's lead and member may edit the page, so may open it; reviewer_x
            # edits only what awaits review.
            self.group_file: {"office", "admin", "member_a", "lead_a"},
        }
        for doc, allowed in readers.items():
            for role in ROLES:
                with self.subTest(document=doc.title, role=role):
                    self.as_role(role)
                    response = self.client.get(doc.url)
                    if role in allowed:
                        self.assertEqual(response.status_code, 200)
                    elif role == "anonymous":
                        self.assertEqual(response.status_code, 302)
                        self.assertIn("login", response["Location"])
                    else:
                        self.assertEqual(response.status_code, 404)
        self.as_role("anonymous")
        response = self.client.get("/api/v2/documents/", {"limit": 20})
        self.assertEqual(response.status_code, 200, response.content[:300])
        listed = [d["title"] for d in response.json()["items"]]
        self.assertNotIn(self.secret_file.title, listed)
        self.assertNotIn(self.group_file.title, listed)

    def test_qr_codes_only_for_public_pages(self):
        self.as_role("anonymous")
        self.assertEqual(self.client.get(f"/share/{self.public.pk}/qr.svg").status_code, 200)
        for page in (self.teachers_only, self.group_only, self.draft, self.pending):
            with self.subTest(page=page.title):
                self.assertEqual(self.client.get(f"/share/{page.pk}/qr.svg").status_code, 404)
        # Their readers' share box offers the link without a QR code that would not load.
        self.as_role("teacher")
        html = self.client.get(self.teachers_only.url).content.decode()
        self.assertNotIn("/qr.svg", html)
        self.assertIn("本页不公开", html)
        self.assertIn(
            f"/share/{self.public.pk}/qr.svg", self.client.get(self.public.url).content.decode()
        )

    def test_who_may_edit_where(self):
        add_a = f"/admin/pages/add/content/resourcepage/{self.workshop_a.pk}/"
        add_b = f"/admin/pages/add/content/resourcepage/{self.workshop_b.pk}/"
        edit_a = f"/admin/pages/{self.public.pk}/edit/"
        may = {
            "member_a": (add_a, edit_a),
            "lead_a": (add_a, edit_a, f"/admin/pages/{self.workshop_a.pk}/edit/"),
            "admin": (add_a, add_b, edit_a),
        }
        may_not = {
            "lead_a": (add_b, f"/admin/pages/{self.workshop_b.pk}/edit/"),
            "lead_b": (add_a, edit_a),
            "member_a": (add_b,),
            "reviewer_y": (edit_a, add_a),
            "office": (add_a,),
        }
        for role, urls in may.items():
            self.as_role(role)
            for url in urls:
                with self.subTest(role=role, url=url):
                    self.assertEqual(self.client.get(url).status_code, 200)
        for role, urls in may_not.items():
            self.as_role(role)
            for url in urls:
                with self.subTest(role=role, url=url):
                    self.assertIn(self.client.get(url).status_code, (302, 403))
        self.as_role("teacher")
        self.assertEqual(self.client.get("/admin/").status_code, 302)  # no admin at all

    def test_members_cannot_publish_and_reviewers_see_the_history(self):
        page = self.public
        self.assertFalse(page.permissions_for_user(self.users["member_a"]).can_publish())
        self.assertFalse(page.permissions_for_user(self.users["lead_a"]).can_publish())
        self.assertFalse(page.permissions_for_user(self.users["lead_b"]).can_edit())
        self.as_role("reviewer_x")
        self.assertEqual(self.client.get(f"/admin/pages/{page.pk}/history/").status_code, 200)
        self.as_role("reviewer_y")
        self.assertIn(self.client.get(f"/admin/pages/{page.pk}/history/").status_code, (302, 403))


@pytest.mark.both_databases
class WorkflowTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.workshop = WorkshopPage.objects.get(slug="wuli-mingshi")
        cls.member = user("m", [TEACHERS], person="杨海军")
        cls.reviewer = user("rx", [REVIEWERS.format("罗山中学")])
        cls.other_reviewer = user("ry", [REVIEWERS.format("职业技术学校")])
        RoleSetup().run()

    def submit(self, title):
        page = resource_in(self.workshop, title, owner=self.member, live=False)
        mail.outbox.clear()
        page.get_workflow().start(page, self.member)
        return page

    def test_draft_submit_notify_approve_publish(self):
        page = self.submit("牛顿第三定律 实验设计")
        self.assertEqual([m.to for m in mail.outbox], [[self.reviewer.email]])
        self.assertFalse(Page.objects.live().filter(pk=page.pk).exists())
        found = self.client.get("/search/", {"q": "牛顿第三定律"}).context["results"]
        self.assertNotIn(page.pk, [r["page"].pk for r in found])

        task_state = page.current_workflow_task_state
        self.assertTrue(task_state.task.specific.user_can_access_editor(page, self.reviewer))
        self.assertFalse(
            task_state.task.specific.get_actions(page, self.other_reviewer)
        )  # another school's reviewer cannot decide
        mail.outbox.clear()
        task_state.approve(user=self.reviewer)
        page.refresh_from_db()
        self.assertTrue(page.live)
        self.assertIn([self.member.email], [m.to for m in mail.outbox])
        self.assertEqual(self.client.get(page.url).status_code, 200)
        found = self.client.get("/search/", {"q": "牛顿第三定律 实验设计"}).context["results"]
        self.assertEqual(found[0]["page"].pk, page.pk)
        self.assertContains(self.client.get("/feeds/resources/"), "牛顿第三定律 实验设计")
        self.assertContains(self.client.get(self.workshop.url), "牛顿第三定律 实验设计")

    def test_rejection_returns_it_with_the_comment(self):
        page = self.submit("动量守恒 教学设计")
        mail.outbox.clear()
        page.current_workflow_task_state.reject(user=self.reviewer, comment="请补充实验数据")
        page.refresh_from_db()
        self.assertFalse(page.live)
        self.assertEqual(self.client.get(page.url or "/x/").status_code, 404)
        self.assertIn([self.member.email], [m.to for m in mail.outbox])
        self.assertEqual(page.workflow_states.get().status, "needs_changes")
        self.assertEqual(page.workflow_states.get().current_task_state.comment, "请补充实验数据")
        found = self.client.get("/search/", {"q": "动量守恒 教学设计"}).context["results"]
        self.assertNotIn(page.pk, [r["page"].pk for r in found])


@pytest.mark.both_databases
class SetupAndLoginTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def test_setup_roles_is_data_and_runs_again_without_change(self):
        from io import StringIO

        out = StringIO()
        call_command("setup_roles", stdout=out)
        self.assertIn("角色无需改动", out.getvalue())
        names = set(Group.objects.values_list("name", flat=True))
        for name in [
            TEACHERS,
            OFFICE,
            REVIEWERS.format("罗山中学"),
            REVIEWERS.format("职业技术学校"),
            MEMBERS.format("黄志强物理名师工作室"),
            LEADS.format("周涛企业德育导师工作室"),
        ]:
            self.assertIn(name, names)

    def test_the_right_password_logs_in(self):
        get_user_model().objects.create_user(
            "editor", password="Right-pass-2026", is_superuser=True
        )
        response = self.client.post(
            "/admin/login/", {"username": "editor", "password": "Right-pass-2026"}
        )
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/admin/").status_code, 200)

    def test_failed_logins_are_throttled(self):
        get_user_model().objects.create_user("locked", password="Right-pass-2026")
        statuses = [
            self.client.post(
                "/admin/login/", {"username": "locked", "password": "wrong"}
            ).status_code
            for _ in range(5)
        ]
        self.assertEqual(statuses, [200, 200, 200, 200, 429])  # the fifth failure locks
        response = self.client.post(
            "/admin/login/", {"username": "locked", "password": "Right-pass-2026"}
        )
        self.assertContains(response, "登录已暂停", status_code=429)
        request = HttpRequest()
        request.META["REMOTE_ADDR"] = "127.0.0.1"  # the address the test client posts from
        self.assertFalse(
            self.client.login(request=request, username="locked", password="Right-pass-2026")
        )

    def test_no_open_sign_up(self):
        self.assertEqual(self.client.get("/accounts/signup/").status_code, 404)
        self.assertNotContains(self.client.get("/admin/login/"), "注册")


@pytest.mark.both_databases
class PublishingToolsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)

    def test_scheduled_publishing_and_expiry(self):
        import datetime

        from django.utils import timezone

        page = make_resource("定时发布的样本")
        page.unpublish()
        revision = page.save_revision(
            approved_go_live_at=timezone.now() - datetime.timedelta(minutes=1)
        )
        expiring = make_resource("到期下线的样本")
        expiring.expire_at = timezone.now() - datetime.timedelta(minutes=1)
        expiring.save()
        call_command("publish_scheduled")
        page.refresh_from_db()
        expiring.refresh_from_db()
        self.assertTrue(page.live)
        self.assertEqual(page.live_revision, revision)
        self.assertFalse(expiring.live)
        self.assertTrue(expiring.expired)

    def test_deleting_a_referenced_page_warns_first(self):
        from content.models import StandardPage

        target = make_resource("被引用的样本")
        about = StandardPage.objects.get(slug="about")
        about.body = [("paragraph", f'<p>参见<a linktype="page" id="{target.pk}">样本</a></p>')]
        about.save_revision().publish()
        admin = get_user_model().objects.create_superuser("deleter", password="x")
        self.client.force_login(admin)
        response = self.client.get(f"/admin/pages/{target.pk}/delete/")
        self.assertEqual(response.status_code, 200)
        self.assertGreaterEqual(response.context["usage_count"], 1)


@pytest.mark.both_databases
class ReviewerScopeTests(TestCase):
    """A school's reviewer verifies that school's output records, not another's."""

    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.reviewer_x = user("rx", [REVIEWERS.format("罗山中学")])
        cls.reviewer_y = user("ry", [REVIEWERS.format("职业技术学校")])
        cls.office = user("o", [OFFICE])

    def test_only_the_schools_reviewer_and_the_office_verify(self):
        import datetime

        from tracking.models import OutputRecord

        record = OutputRecord.objects.create(
            category=OutputRecord._meta.get_field("category").choices[0][0],
            title="罗山中学的样本成果",
            date=datetime.date(2026, 10, 1),
            workshop=WorkshopPage.objects.get(slug="wuli-mingshi"),
        )
        self.assertIn(record, OutputRecord.objects.for_user(self.reviewer_x))
        self.assertNotIn(record, OutputRecord.objects.for_user(self.reviewer_y))
        self.assertIn(record, OutputRecord.objects.for_user(self.office))
        url = f"/admin/tracking/outputrecord/review/{record.pk}/"
        self.client.force_login(self.reviewer_y)
        self.assertIn(self.client.post(url, {"verify": "1"}).status_code, (302, 403))
        record.refresh_from_db()
        self.assertNotEqual(record.status, "verified")
        self.client.force_login(self.reviewer_x)
        self.client.post(url, {"verify": "1"})
        record.refresh_from_db()
        self.assertEqual(record.status, "verified")


@pytest.mark.both_databases
class SectionCollectionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def test_files_uploaded_to_a_private_sections_folder_are_private(self):
        from wagtail.models import Collection

        workshop = WorkshopPage.objects.get(slug="wuli-mingshi")
        folder = Collection.objects.get(name=f"工作室·{workshop.title}")
        doc = document("工作室内部资料", "只给教师看的样本")
        doc.collection = folder
        doc.save()
        self.assertEqual(self.client.get(doc.url).status_code, 200)
        restriction = PageViewRestriction.objects.create(
            page=workshop, restriction_type=PageViewRestriction.LOGIN
        )
        response = self.client.get(doc.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("login", response["Location"])
        listed = [d["title"] for d in self.client.get("/api/v2/documents/").json()["items"]]
        self.assertNotIn(doc.title, listed)
        self.client.force_login(user("t", [TEACHERS]))
        self.assertEqual(self.client.get(doc.url).status_code, 200)
        restriction.delete()
        self.client.logout()
        self.assertEqual(self.client.get(doc.url).status_code, 200)


@pytest.mark.both_databases
class MediaPrivacyTests(TestCase):
    """Uploaded videos are served through the portal, as private as their recordings."""

    @classmethod
    def setUpTestData(cls):
        from wagtailmedia.models import get_media_model

        from tests.factories import make_recording

        load_demo(library=False)
        Media = get_media_model()
        cls.video = Media.objects.create(
            title="样本课堂视频",
            file=ContentFile(b"\x00\x00\x00\x18ftypmp42", name="lesson.mp4"),
            type="video",
        )
        cls.recording = make_recording("样本课堂实录", teacher="马文静", video=cls.video)

    def test_video_follows_its_recording(self):
        page = self.client.get(self.recording.url)
        url = f"/media-files/{self.video.pk}/{self.video.filename}"
        self.assertContains(page, url)
        self.assertNotContains(page, self.video.file.url)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(b"".join(response.streaming_content), b"\x00\x00\x00\x18ftypmp42")
        PageViewRestriction.objects.create(
            page=self.recording, restriction_type=PageViewRestriction.LOGIN
        )
        response = self.client.get(url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("login", response["Location"])
        self.client.force_login(user("t", [TEACHERS]))
        self.assertEqual(self.client.get(url).status_code, 200)
        self.recording.unpublish()
        self.assertEqual(self.client.get(url).status_code, 404)
