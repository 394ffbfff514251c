"""Resources and recordings as teachers browse them: detail pages, faceted lists, downloads."""

import re

from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction
from wagtail.test.utils import WagtailPageTestCase

import pytest

import caching
from caching.models import KeptCard
from content.models import (
    LessonStudyPage,
    RecordingIndexPage,
    RecordingPage,
    ResourceIndexPage,
    ResourcePage,
    StandardPage,
    WorkshopPage,
)
from content.video import player_url
from home.models import HomePage
from tests.factories import make_document, make_recording, make_resource
from tests.session_demo import load_demo


def titles(response):
    return re.findall(r'<h3 class="item-card__title"><a href="[^"]+">([^<]+)</a>', response.text)


def facet(response, label):
    """{option label: count} of one facet group as shown on the page."""
    group = re.search(
        rf'<h3 class="facet__label">{label}</h3>(.*?)</ul>', response.content.decode(), re.S
    )
    if not group:
        return {}
    options = re.findall(
        r'class="facet__option[^"]*"[^>]*>([^<]+?) <span class="facet__count">(\d+)</span>',
        group.group(1),
    )
    return {name: int(count) for name, count in options}


class PageTypeRulesTests(WagtailPageTestCase):
    def test_resources_live_under_the_resource_section(self):
        self.assertAllowedParentPageTypes(ResourcePage, {ResourceIndexPage, WorkshopPage})
        self.assertAllowedSubpageTypes(ResourceIndexPage, {ResourcePage})
        self.assertCanNotCreateAt(HomePage, ResourcePage)
        self.assertCanNotCreateAt(StandardPage, ResourcePage)

    def test_recordings_live_under_the_recording_section(self):
        self.assertAllowedParentPageTypes(RecordingPage, {RecordingIndexPage, WorkshopPage})
        self.assertAllowedSubpageTypes(RecordingIndexPage, {RecordingPage, LessonStudyPage})
        self.assertAllowedSubpageTypes(RecordingPage, set())


class LibraryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def test_resource_page_shows_its_facts_and_files(self):
        page = ResourcePage.objects.get(slug="hanshu-dandiaoxing-jiaoan")
        response = self.client.get(page.url)
        html = response.content.decode()
        assert response.status_code == 200
        assert "<h1>函数的单调性 教学设计</h1>" in html
        assert "<dt>教材版本</dt><dd>人教A版</dd>" in html
        assert (
            '<dt>作者</dt><dd><a href="/people/linjianhua/">林建华</a>、'
            '<a href="/people/mawenjing/">马文静</a></dd>'
        ) in html
        assert '<span class="document-link__type">DOCX</span>' in html
        assert re.search(r'document-link__size">\d+(\.\d)?\xa0KB<', html)

    def test_downloads_are_counted(self):
        page = ResourcePage.objects.get(slug="hanshu-dandiaoxing-jiaoan")
        document = page.documents.get().document
        for _ in range(2):
            response = self.client.get(document.url)
            assert response.status_code == 200
            b"".join(response.streaming_content)
        assert "<dt>下载次数</dt><dd>2</dd>" in self.client.get(page.url).content.decode()

    def test_recording_page_shows_poster_and_lesson_documents(self):
        page = RecordingPage.objects.get(slug="jpk-hanshu-dandiaoxing")
        html = self.client.get(page.url).content.decode()
        assert '<span class="badge">市级精品课</span>' in html
        assert '<dt>授课教师</dt><dd><a href="/people/mawenjing/">马文静</a></dd>' in html
        assert '<span class="attachments__role">教学设计</span>' in html
        assert '<span class="attachments__role">教学反思</span>' in html
        assert re.search(r'<img[^>]+src="/media/images/[^"]+\.webp"', html)

    def test_showcase_lesson_needs_a_level(self):
        page = RecordingPage.objects.get(slug="jpk-hanshu-dandiaoxing")
        page.level = None
        with pytest.raises(ValidationError, match="精品课须填写级别"):
            page.full_clean()

    def test_teacher_filters_to_grade_one_maths_showcase_lessons(self):
        # 首页 → 课堂实录 → 精品课 → 数学 → 高一: each step a link on the page before it.
        response = self.client.get("/recordings/")
        assert facet(response, "类型")["精品课"] == 3
        response = self.client.get("/recordings/", {"kind": "showcase"})
        assert facet(response, "学科/专业") == {"数学": 1, "物理": 1, "语文": 1}
        response = self.client.get("/recordings/", {"kind": "showcase", "subject": "shuxue"})
        assert titles(response) == ["市级精品课：函数的单调性"]
        response = self.client.get(
            "/recordings/", {"kind": "showcase", "subject": "shuxue", "grade": "gaoyi"}
        )
        assert titles(response) == ["市级精品课：函数的单调性"]
        assert "共 1 条符合条件的课堂实录" in response.text

    def test_facet_counts_follow_the_other_filters(self):
        response = self.client.get("/resources/", {"subject": "shuxue"})
        grades = facet(response, "年级")
        assert grades == {"高一": 6, "高二": 1}
        # the subject facet itself still offers the other subjects, with their own counts
        assert facet(response, "学科/专业")["物理"] == 4
        assert len(titles(response)) == 8  # one has no grade

    def test_facet_counts_are_shared_but_change_as_soon_as_a_resource_is_published(self):
        before = facet(self.client.get("/resources/", {"subject": "shuxue"}), "年级")
        # a second visitor gets the same counts without counting again
        with CaptureQueriesContext(connection) as counted:
            self.client.get("/resources/", {"subject": "shuxue"})
        assert not [
            q for q in counted.captured_queries if "COUNT(" in q["sql"] and "GROUP BY" in q["sql"]
        ]
        make_resource("高二数学教案：数列求和", grade="gaoer")
        after = facet(self.client.get("/resources/", {"subject": "shuxue"}), "年级")
        assert after["高二"] == before["高二"] + 1

    def test_listing_total_is_counted_once_and_follows_publishing(self):
        params = {"subject": "shuxue", "grade": "gaoyi"}

        def total():
            response = self.client.get("/resources/", params)
            return int(re.search(r"共 (\d+) 条符合条件的", response.text).group(1))

        before = total()
        with CaptureQueriesContext(connection) as counted:
            self.client.get("/resources/", params)
        assert not [q for q in counted.captured_queries if q["sql"].startswith("SELECT COUNT(")]
        make_resource("高一数学教案：集合的运算")
        assert total() == before + 1
        make_resource("高一数学学案：已撤下").unpublish()
        assert total() == before + 1

    def test_cards_are_rendered_once_and_show_a_published_change_at_once(self):
        def card_renders(response):
            return [t.name for t in response.templates].count("components/resource_card.html")

        first = self.client.get("/resources/", {"subject": "shuxue"})
        assert card_renders(first) == len(titles(first)) > 0
        # Another filter, the same resources: their cards come from the cache.
        again = self.client.get("/resources/", {"subject": "shuxue", "stage": "gaozhong"})
        assert card_renders(again) == 0
        assert titles(again) == titles(first)
        resource = ResourcePage.objects.get(title=titles(first)[0])
        resource.title = "改过标题的教案"
        resource.save_revision().publish()
        changed = self.client.get("/resources/", {"subject": "shuxue"})
        assert "改过标题的教案" in titles(changed)

    def test_unknown_filter_values_find_nothing_without_an_error(self):
        for value in ["", "不存在", "shuxue' OR 1=1 --", "x" * 300]:
            with self.subTest(value=value):
                response = self.client.get("/resources/", {"subject": value, "school": value})
                assert response.status_code == 200
                assert value == "" or titles(response) == []

    def test_filters_stay_in_links_and_can_be_removed(self):
        response = self.client.get("/resources/", {"subject": "shuxue", "grade": "gaoyi"})
        html = response.content.decode()
        assert "?subject=shuxue&amp;grade=gaoyi&amp;type=jiaoan" in html  # adds to the filters
        assert 'href="?grade=gaoyi" rel="nofollow">数学 <span aria-hidden="true">×' in html
        assert 'href="?" rel="nofollow">清除全部</a>' in html

    def test_year_facet(self):
        response = self.client.get("/recordings/", {"year": "2024"})
        assert facet(response, "年份") == {"2024年": 3, "2023年": 7}
        assert len(titles(response)) == 3

    def test_impossible_or_unknown_filters_say_so(self):
        for params in [
            {"subject": "wudao"},
            {"year": "abc"},
            {"subject": "niangjiu", "grade": "gaoyi"},
        ]:
            with self.subTest(params=params):
                response = self.client.get(
                    "/resources/" if "year" not in params else "/recordings/", params
                )
                assert response.status_code == 200
                assert "没有符合这些条件的" in response.text
                assert "清除全部筛选条件" in response.text

    def test_pagination_keeps_the_filters(self):
        response = self.client.get("/resources/", {"stage": "gaozhong"})
        assert '<a href="?stage=gaozhong&amp;page=2" rel="next">下一页</a>' in response.text

    def test_private_items_are_neither_listed_nor_counted(self):
        page = ResourcePage.objects.get(slug="niangjiu-kebiao")
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
        response = self.client.get("/resources/", {"subject": "niangjiu"})
        assert titles(response) == []
        assert "葡萄酒酿造与营销" not in facet(response, "学科/专业")

    def test_unpublished_items_are_neither_listed_nor_counted(self):
        RecordingPage.objects.get(slug="sfk-qixiu-fadongji").unpublish()
        response = self.client.get("/recordings/")
        assert "示范课：发动机拆装实训" not in titles(response)
        assert facet(response, "类型")["示范课"] == 1


@pytest.mark.both_databases
class ListingQueryCountTests(TestCase):
    """Listing and detail pages cost the same number of queries for 2 items as for several
    times as many: a query per item (card, attachment) shows as a difference. Every item is
    published through Wagtail, which is what costs the time, so the lists grow only as far
    as that proof needs."""

    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)

    def count_queries(self, url, params=None):
        self.client.get(url, params or {})  # warm the per-process caches (site, settings)
        with CaptureQueriesContext(connection) as queries:
            assert self.client.get(url, params or {}).status_code == 200
        return len(queries)

    def grow(self, make, count, **kwargs):
        for i in range(count):
            subject = ["shuxue", "wuli", "yuwen"][i % 3]
            make(f"测试条目 {i}", subject=subject, **kwargs)

    def test_resource_list(self):
        self.grow(make_resource, 2, documents=[make_document()])
        few = self.count_queries("/resources/", {"grade": "gaoyi"})
        self.grow(make_resource, 8, documents=[make_document()])  # 10 listed where 2 were
        many = self.count_queries("/resources/", {"grade": "gaoyi"})
        assert few == many

    def test_recording_list(self):
        self.grow(make_recording, 2)
        few = self.count_queries("/recordings/", {"subject": "shuxue"})
        self.grow(make_recording, 12)  # 5 in 数学 where 1 was, the others in the facets
        many = self.count_queries("/recordings/", {"subject": "shuxue"})
        assert few == many

    def test_resource_list_costs_the_same_with_every_card_to_render(self):
        def cold(params):
            caching.clear()  # every card is rendered again, none read from the kept ones
            KeptCard.objects.all().delete()
            with CaptureQueriesContext(connection) as queries:
                assert self.client.get("/resources/", params).status_code == 200
            return len(queries)

        self.grow(make_resource, 2)
        # The list's first view of the month makes its usage row (an INSERT where later
        # views UPDATE): not what this measures.
        self.client.get("/resources/", {"grade": "gaoyi"})
        few = cold({"grade": "gaoyi"})
        self.grow(make_resource, 6)  # 8 cards to render where 2 were
        assert cold({"grade": "gaoyi"}) == few

    def test_resource_page_with_more_attachments(self):
        page = make_resource("附件很多的资源", documents=[make_document() for _ in range(2)])
        few = self.count_queries(page.url)
        for _ in range(4):  # 6 attachments where 2 were
            page.documents.create(document=make_document())
        page.save_revision().publish()
        many = self.count_queries(page.url)
        assert few == many


@pytest.mark.parametrize(
    ("link", "player"),
    [
        (
            "https://www.bilibili.com/video/BV1xx411c7mD?p=2",
            "https://player.bilibili.com/player.html?bvid=BV1xx411c7mD&autoplay=0",
        ),
        (
            "https://v.youku.com/v_show/id_XMzk4NjA2NjQ0OA==.html",
            "https://player.youku.com/embed/XMzk4NjA2NjQ0OA==",
        ),
        (
            "https://v.qq.com/x/page/b0136et5ztz.html",
            "https://v.qq.com/txp/iframe/player.html?vid=b0136et5ztz",
        ),
        ("https://example.com/video/1", None),
        ("javascript:alert(1)", None),
        ("", None),
    ],
)
def test_video_site_links_become_players(link, player):
    assert player_url(link) == player


class VideoEmbedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)

    def test_recording_from_a_video_site_embeds_its_player(self):
        page = make_recording(
            "远程教研录像", kind="remote", video_url="https://www.bilibili.com/video/BV1xx411c7mD"
        )
        html = self.client.get(page.url).content.decode()
        assert (
            '<iframe src="https://player.bilibili.com/player.html?bvid=BV1xx411c7mD&amp;autoplay=0"'
            in html
        )
        assert 'title="远程教研录像 视频"' in html

    def test_unknown_site_is_a_link_not_a_frame(self):
        page = make_recording("外部录像", video_url="https://example.com/video/1")
        html = self.client.get(page.url).content.decode()
        assert "<iframe" not in html
        assert 'href="https://example.com/video/1"' in html
