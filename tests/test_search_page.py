"""The search page answers any query with a page, never a server error."""

from unittest import mock

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from wagtail.contrib.search_promotions.models import Query
from wagtail.models import PageViewRestriction

import pytest

import caching
from content.models import StandardPage
from tests.session_demo import load_demo

ODD_QUERIES = [
    "",
    "   ",
    "a" * 2000,
    "精" * 2000,
    "' OR 1=1 --",
    "'; DROP TABLE wagtailcore_page; --",
    '"unbalanced',
    '"精品课"',
    "(((",
    "NEAR(a b)",
    "AND OR NOT",
    "title:精品课",
    "*",
    "-",
    "精品课 -数学",
    "😀🎓",
    "\x00",
    "a\x00b",
    "%",
    "_",
    "\\",
    "<script>alert(1)</script>",
]


@pytest.mark.both_databases
class SearchPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)

    def search(self, query, **params):
        return self.client.get("/search/", {"q": query, **params})

    def test_any_query_returns_a_page(self):
        for query in ODD_QUERIES:
            with self.subTest(query=query[:40]):
                response = self.search(query)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["X-Robots-Tag"], "noindex")
                self.assertNotIn("<script>alert(1)</script>", response.content.decode())

    def test_bad_page_numbers_fall_back_to_a_page(self):
        for page in ["0", "-1", "abc", "99999"]:
            with self.subTest(page=page):
                self.assertEqual(self.search("关于项目", page=page).status_code, 200)

    def test_finds_a_page_by_its_title(self):
        response = self.search("关于项目")
        self.assertEqual([r["page"].url for r in response.context["results"]], ["/about/"])
        self.assertContains(response, "共 1 条")
        self.assertContains(response, "<mark>关于</mark><mark>项目</mark>", html=False)

    def test_empty_result_says_so_helpfully(self):
        html = self.search("不存在的内容xyz").content.decode()
        self.assertIn("没有找到与“不存在的内容xyz”相关的内容", html)
        self.assertIn("同课异构", html)  # a suggestion of what to try

    def test_most_searched_terms_are_offered_when_nothing_is_found(self):
        self.search("关于项目")  # found, so counted as a search
        caching.clear()  # the popular terms are kept for a few minutes
        html = self.search("不存在的内容xyz").content.decode()
        self.assertIn("大家常搜", html)
        self.assertIn('<a href="?q=%E5%85%B3%E4%BA%8E%E9%A1%B9%E7%9B%AE">关于项目</a>', html)

    def test_a_search_that_finds_pages_does_not_read_the_most_searched_terms(self):
        # They show only on an empty result; reading them cost a cold search a query.
        with mock.patch.object(Query, "get_most_popular", wraps=Query.get_most_popular) as read:
            caching.clear()
            self.assertContains(self.search("关于项目"), "共 1 条")
            read.assert_not_called()
            self.search("不存在的内容xyz")
            read.assert_called_once()

    def test_private_pages_are_not_found(self):
        about = StandardPage.objects.get(slug="about")
        PageViewRestriction.objects.create(page=about, restriction_type=PageViewRestriction.LOGIN)
        html = self.search("关于项目").content.decode()
        self.assertNotIn('<a href="/about/">', html)
        self.assertIn("没有找到", html)


@pytest.mark.both_databases
class SearchPageFeaturesTests(TestCase):
    """Facets, sorting, highlights, promotions and the editors' report, on the demo site."""

    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.admin = get_user_model().objects.create_superuser("search-admin", password="x")

    def test_facets_count_and_filter_the_results(self):
        response = self.client.get("/search/", {"q": "函数"})
        groups = {g["param"]: g for g in response.context["listing"].groups}
        self.assertEqual(set(groups), {"type", "school", "subject", "year"} | set(groups))
        total = response.context["page_obj"].paginator.count
        types = {o["label"]: o["count"] for o in groups["type"]["options"]}
        self.assertEqual(sum(types.values()), total)
        recordings = self.client.get("/search/", {"q": "函数", "type": "recordingpage"})
        self.assertEqual(recordings.context["page_obj"].paginator.count, types["课堂实录"])
        self.assertTrue(all(r["type"] == "课堂实录" for r in recordings.context["results"]))
        self.assertContains(recordings, "清除全部")

    def test_facet_counts_are_shared_by_anonymous_visitors_but_not_with_teachers(self):
        def counts(response):
            groups = {g["param"]: g for g in response.context["listing"].groups}
            return {o["label"]: o["count"] for o in groups["type"]["options"]}

        def total(response):
            return response.context["page_obj"].paginator.count

        first = self.client.get("/search/", {"q": "函数"})
        before, before_total = counts(first), total(first)
        with CaptureQueriesContext(connection) as queries:
            again = self.client.get("/search/", {"q": "函数"})
        assert (counts(again), total(again)) == (before, before_total)
        # The facets were not counted again, nor was the index searched again.
        assert not [
            q
            for q in queries.captured_queries
            if "GROUP BY" in q["sql"] or "indexentry" in q["sql"]
        ]
        # A page only teachers may read is counted for a teacher, never for the others.
        page = StandardPage.objects.get(slug="about")
        page.title = "函数专题（仅教师）"
        page.save_revision().publish()
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
        assert counts(self.client.get("/search/", {"q": "函数"})) == before
        self.client.force_login(self.admin)
        as_teacher = self.client.get("/search/", {"q": "函数"})
        label = str(StandardPage._meta.verbose_name)
        assert counts(as_teacher)[label] == before.get(label, 0) + 1
        assert total(as_teacher) == before_total + 1
        self.client.logout()
        anonymous = self.client.get("/search/", {"q": "函数"})
        assert (counts(anonymous), total(anonymous)) == (before, before_total)

    def test_sort_by_date_puts_the_newest_first(self):
        response = self.client.get("/search/", {"q": "同课异构", "sort": "date"})
        dates = [r["date"] for r in response.context["results"] if r["date"]]
        self.assertEqual(dates, sorted(dates, reverse=True))
        self.assertContains(response, '<strong aria-current="true">日期</strong>', html=False)

    def test_query_words_are_marked_in_titles_and_excerpts(self):
        response = self.client.get("/search/", {"q": "单调性"})
        self.assertContains(response, "<mark>单调性</mark>", html=False)

    def test_a_promoted_page_comes_first_and_a_private_one_never(self):
        from wagtail.contrib.search_promotions.models import Query, SearchPromotion

        about = StandardPage.objects.get(slug="about")
        query = Query.get("精品课")
        SearchPromotion.objects.create(
            query=query, page=about, description="项目介绍", sort_order=0
        )
        response = self.client.get("/search/", {"q": "精品课"})
        self.assertEqual([p.page_id for p in response.context["promotions"]], [about.pk])
        self.assertContains(response, "推荐")
        PageViewRestriction.objects.create(page=about, restriction_type=PageViewRestriction.LOGIN)
        response = self.client.get("/search/", {"q": "精品课"})
        self.assertEqual(response.context["promotions"], [])

    def test_a_search_without_picks_asks_only_whether_it_has_any(self):
        # Most searches have no editors' picks: one small statement says so, without the
        # ORM's query of the picks and their pages.
        caching.clear()
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/search/", {"q": "精品课"})
        self.assertEqual(response.context["promotions"], [])
        picks = "wagtailsearchpromotions_searchpromotion"
        promotions = [q["sql"] for q in queries.captured_queries if picks in q["sql"]]
        self.assertEqual(len(promotions), 1, promotions)
        self.assertNotIn("wagtailcore_page", promotions[0])

    def test_searches_are_counted_for_the_popular_terms_report(self):
        from wagtail.contrib.search_promotions.models import Query

        self.client.get("/search/", {"q": "同课异构"})
        self.client.get("/search/", {"q": "同课异构"})
        self.assertEqual(Query.get("同课异构").hits, 2)
        self.client.force_login(self.admin)
        report = self.client.get("/admin/searchpicks/reports/search-terms/")
        self.assertContains(report, "同课异构")
        self.assertContains(report, "搜索词")
        self.assertContains(self.client.get("/admin/searchpicks/"), "推广搜索结果")

    def test_a_thousand_results_are_counted_as_more(self):
        from search.backends.ranked import RankedSearchResults

        original = RankedSearchResults.COUNT_LIMIT
        RankedSearchResults.COUNT_LIMIT = 5
        try:
            response = self.client.get("/search/", {"q": "数学"})
        finally:
            RankedSearchResults.COUNT_LIMIT = original
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.context["results"]), 5)
        counts = [o["count"] for g in response.context["listing"].groups for o in g["options"]]
        self.assertTrue(counts)
        self.assertTrue(all(c is None for c in counts))
