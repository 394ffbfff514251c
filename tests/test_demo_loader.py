"""load_initial_data: builds the demo site from the plan; a second run changes nothing."""

from io import StringIO

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.http import HttpRequest
from django.test import TestCase

from wagtail.models import Page, Revision, Site

import pytest

from content.models import (
    ActivityPage,
    Apprenticeship,
    ForumSessionPage,
    LessonStudyPage,
    Level,
    NewsPage,
    Person,
    PortalDocument,
    RecordingPage,
    ResourcePage,
    ResourceType,
    ResponsibleUnit,
    School,
    WorkshopPage,
)
from home.models import HomePage
from tests.session_demo import load_demo

# One of the suite's longest: parallel runs hand it out first (tests/scheduling.py).
pytestmark = pytest.mark.heavy


def load(*args):
    out = StringIO()
    call_command("load_initial_data", *args, stdout=out)
    return out.getvalue()


def snapshot():
    """Every row the loader could touch, by model."""
    models = [
        *apps.get_app_config("content").get_models(),
        *apps.get_app_config("home").get_models(),
        *apps.get_app_config("portal").get_models(),
        *apps.get_app_config("tracking").get_models(),
        Page,
        Revision,
        Site,
        get_user_model(),
    ]
    return {m._meta.label: sorted(m.objects.values_list("pk", flat=True)) for m in models}


@pytest.mark.both_databases
class DemoLoaderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.had_welcome_page = Page.objects.filter(title__startswith="Welcome").exists()
        # What load_initial_data builds on a fresh site: the loader's own run from this
        # starting point in this test session, made here or by whichever test asked first
        # and copied in (tests/session_demo.py), rather than a second run of ~10 s of CPU.
        cls.created = load_demo()

    def test_second_run_changes_nothing(self):
        assert self.created[str(School._meta.verbose_name)] == 3
        assert self.created[str(ResourcePage._meta.verbose_name)] > 0
        before = snapshot()
        assert "无需改动" in load()
        assert snapshot() == before

    def test_builds_the_plans_reference_data(self):
        assert set(School.objects.values_list("short_name", flat=True)) == {
            "罗山中学",
            "职业技术学校",
            "红寺堡中学",
        }
        aided = set(School.objects.filter(role="aided").values_list("slug", flat=True))
        assert aided == {"luoshan", "zhijiao"}
        units = set(ResponsibleUnit.objects.values_list("short_name", flat=True))
        for unit in [
            "组织部",
            "教育局",
            "财政局",
            "人社局",
            "发改局",
            "住建交通局",
            "自然资源局",
            "编办",
        ]:
            assert unit in units
        assert ResponsibleUnit.objects.filter(kind="school").count() == 2
        types = set(ResourceType.objects.values_list("name", flat=True))
        required = ["课件", "教案", "学案", "试题", "课堂实录", "校本教材", "校企合作教材"]
        required += ["典型案例", "微课题", "论坛材料", "课程标准"]
        assert set(required) <= types
        levels = list(Level.objects.values_list("name", flat=True))
        assert levels == ["国家级", "自治区级", "市级", "区级", "县级", "校级"]
        aid_members = Person.objects.filter(kind="aid_member")
        assert aid_members.count() >= 4
        assert all(p.sending_unit for p in aid_members)

    def test_replaces_the_wagtail_welcome_page_with_the_home_page(self):
        assert self.had_welcome_page
        site = Site.objects.get(is_default_site=True)
        assert isinstance(site.root_page.specific, HomePage)
        assert site.site_name == "红寺堡教育帮扶门户"
        assert not Page.objects.filter(title__startswith="Welcome").exists()
        sections = [p.slug for p in site.root_page.get_children()]
        assert sections == [
            "workshops",
            "resources",
            "recordings",
            "forum",
            "news",
            "activities",
            "results",
            "about",
        ]
        assert all(p.live for p in site.root_page.get_descendants(inclusive=True))

    def test_builds_the_library_with_files(self):
        assert ResourcePage.objects.live().count() == 30
        assert ResourcePage.objects.values("resource_type").distinct().count() >= 8
        assert ResourcePage.objects.values("subject").distinct().count() >= 8
        assert RecordingPage.objects.live().count() == 10
        assert RecordingPage.objects.filter(kind="lesson_study").count() == 3
        assert not RecordingPage.objects.filter(poster=None).exists()
        resource = ResourcePage.objects.get(slug="hanshu-dandiaoxing-jiaoan")
        document = resource.documents.get().document
        assert document.file_extension == "docx"
        assert document.file.size > 0
        assert PortalDocument.objects.count() == 30 + 2 * 10 + 4  # resources, recordings, forums

    def test_builds_the_programme_pages(self):
        kinds = sorted(WorkshopPage.objects.values_list("kind", flat=True))
        assert kinds == sorted(
            ["principal", "head_teacher", "master_teacher", "master_teacher", "enterprise_mentor"]
        )
        assert Apprenticeship.objects.count() >= 5
        study = LessonStudyPage.objects.get()
        assert len(study.lesson_recordings()) == 3
        assert ForumSessionPage.objects.count() == 4
        assert NewsPage.objects.values("category").distinct().count() >= 5
        assert NewsPage.objects.count() == 12
        semesters = ActivityPage.objects.filter(start__date__range=("2023-09-01", "2024-07-31"))
        assert semesters.count() == 20
        assert semesters.filter(start__date__lt="2024-02-01").count() >= 8  # autumn 2023
        assert semesters.filter(start__date__gte="2024-02-01").count() >= 8  # spring 2024

    def test_an_editors_changes_survive_a_rerun(self):
        school = School.objects.get(slug="luoshan")
        school.introduction = "编辑修改过的简介"
        school.save()
        about = Page.objects.get(slug="about").specific
        about.title = "项目简介"
        about.save_revision().publish()

        load()

        assert School.objects.get(slug="luoshan").introduction == "编辑修改过的简介"
        assert Page.objects.get(slug="about").title == "项目简介"
        assert Page.objects.filter(slug="about").count() == 1

    def test_demo_accounts_only_on_request(self):
        assert not get_user_model().objects.filter(username="admin").exists()
        output = load("--demo-accounts")
        assert "新建" in output and "演示内容已载入" in output
        assert self.client.login(request=HttpRequest(), username="admin", password="Hsb-admin-2026")
        assert self.client.get("/admin/").status_code == 200
        assert self.client.login(
            request=HttpRequest(), username="teacher", password="Hsb-teacher-2026"
        )
        assert self.client.get("/admin/").status_code == 302  # a teacher has no admin access
