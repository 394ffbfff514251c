from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse

from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Revision, Site
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

import pytest

from content.models import StandardPage
from content.slugs import (
    is_machine_made,
    pinyin_slug,
    repair_blank_slugs,
    synced_from,
    unique_slug,
)
from home.models import HomePage
from tests.session_demo import load_demo


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("精品课：函数的单调性 (Unit 3)", "jingpinke-hanshudedandiaoxing-unit-3"),
        ("红寺堡区罗山中学", "hongsibaoquluoshanzhongxue"),
        ("Python 编程", "python-biancheng"),
        ("2023年秋季学期", "2023-nianqiujixueqi"),
        ("😀！", ""),
    ],
)
def test_pinyin_slug(title, slug):
    assert pinyin_slug(title) == slug


def test_pinyin_slug_is_cut_at_a_word_boundary():
    slug = pinyin_slug("名师工作室 " * 20, max_length=40)
    assert len(slug) <= 40
    assert slug.split("-")[-1] == "mingshigongzuoshi"


def test_unique_slug_counts_up():
    assert unique_slug("about", {"about", "about-2"}) == "about-3"
    assert unique_slug("news", set()) == "news"


@pytest.mark.parametrize(
    ("title", "slug", "machine_made"),
    [
        ("楞次定律 探究课 教学设计", "--", True),
        ("高一物理 第3章：牛顿定律（Newton's Laws）", "-3newtons-laws", True),
        ("C++ 与 Python：第2课", "c--python2", True),
        ("C++ 与 Python：第2课", "python-2", False),  # typed by the editor
        ("Python Basics", "python-basics", False),  # no Chinese: the sync is right
    ],
)
def test_what_the_slug_sync_makes_of_a_chinese_title_is_machine_made(title, slug, machine_made):
    assert is_machine_made(slug, title) is machine_made


@pytest.mark.both_databases
class AdminFormSlugTests(TestCase):
    """The add view as the admin's JavaScript posts it: the slug field holds what its slug
    sync made of the title."""

    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)
        cls.home = HomePage.objects.get()
        cls.editor = get_user_model().objects.create_superuser("ed", "ed@example.com", "pw")

    def add(self, title, slug):
        self.client.force_login(self.editor)
        response = self.client.post(
            reverse("wagtailadmin_pages:add", args=("content", "standardpage", self.home.pk)),
            nested_form_data(
                {
                    "title": title,
                    "slug": slug,
                    "body": streamfield([("paragraph", rich_text("<p>正文</p>"))]),
                    "action-publish": "action-publish",
                }
            ),
        )
        assert response.status_code == 302, response.context["form"].errors
        return StandardPage.objects.filter(title=title).latest("pk")

    def test_titles_with_spaces_latin_digits_and_punctuation_get_pinyin_addresses(self):
        cases = {
            "楞次定律 探究课 教学设计": "lengcidinglv-tanjiuke-jiaoxuesheji",
            "高一物理 第3章：牛顿定律（Newton's Laws）": (
                "gaoyiwuli-di-3-zhang-niudundinglv-newtons-laws"
            ),
            "“双减”背景下的作业设计 - 2024": "shuangjian-beijingxiadezuoyesheji-2024",
        }
        for title, expected in cases.items():
            page = self.add(title, synced_from(title))
            assert page.slug == expected
            assert self.client.get(f"/{expected}/").status_code == 200
        # A second page of the same title gets the next free address, not "--" again.
        assert self.add("楞次定律 探究课 教学设计", "--").slug == (
            "lengcidinglv-tanjiuke-jiaoxuesheji-2"
        )
        # What the editor typed stays.
        assert self.add("动量守恒 实验", "dongliang").slug == "dongliang"

    def test_addresses_of_hyphens_are_repaired_with_a_redirect(self):
        page = self.add("楞次定律 探究课", "lenci")
        child = StandardPage(title="附录", slug="fulu", body=[])
        page.add_child(instance=child)
        # As such a page was stored before: slug and url paths of hyphens.
        Page.objects.filter(pk=page.pk).update(slug="--", url_path="/home/--/")
        Page.objects.filter(pk=child.pk).update(url_path="/home/--/fulu/")

        repaired = repair_blank_slugs(Page, Redirect, Site, Revision)
        assert repaired == [("/home/--/", "/home/lengcidinglv-tanjiuke/")]
        page.refresh_from_db()
        child.refresh_from_db()
        assert page.slug == "lengcidinglv-tanjiuke"
        assert child.url_path == "/home/lengcidinglv-tanjiuke/fulu/"
        self.client.logout()
        assert self.client.get("/lengcidinglv-tanjiuke/fulu/").status_code == 200
        response = self.client.get("/--/")
        assert (response.status_code, response["Location"]) == (301, "/lengcidinglv-tanjiuke/")
        assert repair_blank_slugs(Page, Redirect, Site, Revision) == []  # once only
