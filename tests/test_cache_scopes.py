"""Invalidation by scope: a change makes cold only what it can change (caching.generations).

A news item leaves the resource listing's cached page and its facet counts warm and shows
in the news list at once; a resource shows in the resource list at once; a tracking record
changes 成效 and leaves the listings warm; privacy still changes everything at once.
"""

import datetime

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction

import pytest

from caching import generations
from content.models import NewsIndexPage, NewsPage
from tests.factories import make_resource
from tests.session_demo import load_demo
from tracking.models import OutputRecord

# The generations are SQL of their own (caching.generations): both databases.
pytestmark = pytest.mark.both_databases


def state(response):
    return response.get("X-Page-Cache")


def counts(queries):
    """The grouped counts of a listing's facets and total, among the captured queries."""
    return [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def publish_news(title):
    news = NewsPage(
        title=title,
        date=datetime.date(2026, 11, 30),
        category="aid_news",
        introduction=f"{title}的导语",
    )
    NewsIndexPage.objects.get().add_child(instance=news)
    news.save_revision().publish()
    return news


class ScopeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def setUp(self):
        generations.clear()

    @override_settings(PAGE_CACHE_ENABLED=True)
    def test_a_news_item_leaves_the_resource_list_warm_and_shows_in_the_news_list(self):
        url = "/resources/?subject=shuxue"
        assert state(self.client.get(url)) == "miss"
        assert state(self.client.get("/news/")) == "miss"
        publish_news("帮扶团队召开冬季教研部署会")
        with CaptureQueriesContext(connection) as queries:
            warm = self.client.get(url)
        assert state(warm) == "hit"
        assert counts(queries) == []
        news = self.client.get("/news/")
        assert state(news) == "miss"
        assert "帮扶团队召开冬季教研部署会" in news.content.decode()

    @override_settings(PAGE_CACHE_ENABLED=False)
    def test_a_news_item_does_not_recount_the_resource_facets(self):
        url = "/resources/?subject=shuxue"
        self.client.get(url)
        with CaptureQueriesContext(connection) as warm:
            self.client.get(url)
        assert counts(warm) == []  # counted once, then shared
        publish_news("帮扶团队召开冬季教研部署会")
        with CaptureQueriesContext(connection) as after:
            response = self.client.get(url)
        assert response.status_code == 200
        assert counts(after) == []
        # while the news list reads its counts again, kept up to date (content.facet_counts)
        with CaptureQueriesContext(connection) as news:
            self.client.get("/news/")
        assert [q for q in news.captured_queries if "content_facetcount" in q["sql"]]

    @override_settings(PAGE_CACHE_ENABLED=True)
    def test_a_published_resource_shows_in_the_resource_list_at_once(self):
        assert state(self.client.get("/resources/")) == "miss"
        assert state(self.client.get("/resources/")) == "hit"
        before = self.client.get("/resources/?subject=shuxue").content.decode()
        make_resource("二次函数图像复习学案")
        response = self.client.get("/resources/")
        assert state(response) == "miss"
        assert "二次函数图像复习学案" in response.content.decode()
        after = self.client.get("/resources/?subject=shuxue").content.decode()
        assert "二次函数图像复习学案" in after and after != before

    @override_settings(PAGE_CACHE_ENABLED=True)
    def test_a_tracking_record_changes_results_and_leaves_the_listings_warm(self):
        self.client.get("/results/")
        self.client.get("/resources/")
        self.client.get("/news/")
        OutputRecord.objects.filter(status="verified").first().delete()
        assert state(self.client.get("/results/")) == "miss"
        assert state(self.client.get("/resources/")) == "hit"
        assert state(self.client.get("/news/")) == "hit"

    @override_settings(PAGE_CACHE_ENABLED=True)
    def test_a_news_item_changes_the_home_page_but_not_results(self):
        self.client.get("/")
        self.client.get("/results/")
        publish_news("红寺堡区教研简报第十期")
        home = self.client.get("/")
        assert state(home) == "miss"
        assert "红寺堡区教研简报第十期" in home.content.decode()
        assert state(self.client.get("/results/")) == "hit"

    @override_settings(PAGE_CACHE_ENABLED=True)
    def test_a_private_resource_leaves_every_list_at_once(self):
        resource = make_resource("教师专享：导数综合练习")
        listing = self.client.get("/resources/")
        assert resource.title in listing.content.decode()
        self.client.get("/news/")
        PageViewRestriction.objects.create(
            page=resource, restriction_type=PageViewRestriction.LOGIN
        )
        listing = self.client.get("/resources/")
        assert state(listing) == "miss"
        assert resource.title not in listing.content.decode()
        assert state(self.client.get("/news/")) == "miss"  # privacy: everything, to be sure

    def test_generations_are_read_in_one_query_per_request(self):
        with generations.request_scope(), CaptureQueriesContext(connection) as queries:
            generations.generation(["news"])
            generations.generation(["resources"])
            generations.generation()
        assert len(queries.captured_queries) == 1


@override_settings(PAGE_CACHE_ENABLED=True, PAGE_WARMUP=True)
class WarmupTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def setUp(self):
        generations.clear()

    def test_a_publish_renders_the_most_visited_pages_for_the_next_visitor(self):
        with self.captureOnCommitCallbacks(execute=True):
            publish_news("县教育局部署期末质量检测")
        home = self.client.get("/")
        assert state(home) == "hit"  # rendered by the job, not by this visitor
        assert "县教育局部署期末质量检测" in home.content.decode()
        news = self.client.get("/news/")
        assert state(news) == "hit"
        assert "县教育局部署期末质量检测" in news.content.decode()
        assert state(self.client.get("/resources/")) == "hit"
        assert state(self.client.get("/results/")) == "hit"
