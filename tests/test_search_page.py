"""The search page answers any query with a page, never a server error."""

from django.test import TestCase

from wagtail.models import PageViewRestriction

import pytest

from content.demo.loader import DemoLoader
from content.models import StandardPage

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
        DemoLoader(library=False).run()

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

    def test_private_pages_are_not_found(self):
        about = StandardPage.objects.get(slug="about")
        PageViewRestriction.objects.create(page=about, restriction_type=PageViewRestriction.LOGIN)
        html = self.search("关于项目").content.decode()
        self.assertNotIn('<a href="/about/">', html)
        self.assertIn("没有找到", html)
