"""The search tally kept in Redis: stored by the report and the timer, never lost."""

from unittest import mock

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.test import TestCase, override_settings

from wagtail.contrib.search_promotions.models import Query

import pytest

from caching import tallies
from search import hits
from tests.session_demo import load_demo
from tests.test_page_cache import REDIS_URL, redis_answers

REDIS_CACHE = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "portal-test",
    }
}


@pytest.mark.skipif(not redis_answers(), reason=f"no Redis at {REDIS_URL}")
@override_settings(CACHES=REDIS_CACHE)
class RedisTallyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)
        cls.admin = get_user_model().objects.create_superuser("tally-admin", password="x")

    def setUp(self):
        def empty():
            cache.clear()
            tallies._redis().delete(hits.KEY)

        empty()
        self.addCleanup(empty)

    def test_searches_wait_in_redis_until_the_report_is_read(self):
        for _ in range(3):
            assert self.client.get("/search/", {"q": "关于项目"}).status_code == 200
        assert Query.get("关于项目").hits == 0  # counted in Redis, not yet stored
        self.client.force_login(self.admin)
        report = self.client.get("/admin/searchpicks/reports/search-terms/")
        self.assertContains(report, "关于项目")
        assert Query.get("关于项目").hits == 3

    def test_the_timer_command_stores_them(self):
        hits.count("精品课")
        hits.count("精品课 ")  # the same query, as Wagtail normalises it
        call_command("flush_search_hits", verbosity=0)
        assert Query.get("精品课").hits == 2
        assert hits.flush() == 0

    def test_a_failed_store_keeps_the_counts(self):
        hits.count("同课异构")
        failing = mock.patch.object(hits, "add", side_effect=RuntimeError("database down"))
        with failing, pytest.raises(RuntimeError):
            hits.flush()
        assert Query.get("同课异构").hits == 0
        assert hits.flush() == 1
        assert Query.get("同课异构").hits == 1

    def test_the_report_still_needs_an_admin_login(self):
        response = self.client.get("/admin/searchpicks/reports/search-terms/")
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
