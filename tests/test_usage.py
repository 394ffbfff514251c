"""Usage figures: views (cached copies included) and downloads counted per page and month,
shown to the office alone, on 成效 and in the semester report; counting never breaks a page."""

import tempfile
from io import StringIO
from pathlib import Path
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import PageViewRestriction

import pytest
from openpyxl import load_workbook

import caching
from caching import failfast, tallies
from content.models import ResourcePage
from tests.factories import make_document, make_resource
from tests.session_demo import load_demo
from tests.test_page_cache import REDIS_URL, redis_answers
from usage import counting
from usage.figures import usage_figures
from usage.models import MonthlyUsage

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 Safari/537.36"


def views_of(page):
    return sum(MonthlyUsage.objects.filter(page=page).values_list("views", flat=True))


def downloads_of(page):
    return sum(MonthlyUsage.objects.filter(page=page).values_list("downloads", flat=True))


class UsageTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo(demo_accounts=True)
        users = get_user_model().objects
        cls.office = users.get(username="office")
        cls.teacher = users.get(username="teacher")
        cls.document = make_document("力学实验报告模板")
        cls.resource = make_resource("牛顿第二定律实验", subject="wuli", documents=[cls.document])

    def setUp(self):
        cache.clear()
        self.client.defaults["HTTP_USER_AGENT"] = BROWSER


@pytest.mark.both_databases
@override_settings(PAGE_CACHE_ENABLED=True)
class CountingTests(UsageTestCase):
    def test_views_served_from_the_page_cache_count(self):
        first, second = self.client.get(self.resource.url), self.client.get(self.resource.url)
        assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
        assert views_of(self.resource) == 2
        row = MonthlyUsage.objects.get(page=self.resource)
        assert row.month == timezone.localdate().replace(day=1)

    def test_crawlers_and_head_requests_do_not_count(self):
        for _ in range(2):  # the second from the cache
            self.client.get(self.resource.url, HTTP_USER_AGENT="Baiduspider/2.0 (compatible)")
            self.client.get(self.resource.url, HTTP_USER_AGENT="Googlebot/2.1")
            self.client.head(self.resource.url)
        assert views_of(self.resource) == 0
        self.client.get(self.resource.url)
        assert views_of(self.resource) == 1

    def test_downloads_count_for_the_page_carrying_the_file(self):
        assert self.client.get(self.document.url).status_code == 200
        assert self.client.get(self.document.url).status_code == 200
        assert downloads_of(self.resource) == 2
        self.document.refresh_from_db()
        assert self.document.download_count == 2  # the document's own counter, as before

    def test_a_file_no_page_carries_counts_as_its_own(self):
        loose = make_document("散页")
        self.client.force_login(self.office)  # a file used by no page follows its folder
        assert self.client.get(loose.url).status_code == 200
        assert MonthlyUsage.objects.get(document=loose).downloads == 1

    def test_private_page_counts_for_a_teacher_but_not_a_refused_visitor(self):
        private = make_resource("教师内部教案", subject="wuli")
        PageViewRestriction.objects.create(page=private, restriction_type="login")
        assert self.client.get(private.url).status_code == 302
        assert self.client.get(private.url).status_code == 302
        assert self.client.get("/resources/no-such-resource/").status_code == 404
        assert views_of(private) == 0
        assert MonthlyUsage.objects.count() == 0
        self.client.force_login(self.teacher)
        assert self.client.get(private.url).status_code == 200
        assert views_of(private) == 1

    def test_a_failing_count_still_serves_the_page(self):
        with mock.patch.object(counting, "add", side_effect=RuntimeError("database refused")):
            assert self.client.get(self.resource.url).status_code == 200
            assert self.client.get(self.resource.url).status_code == 200  # from the cache
            assert self.client.get(self.document.url).status_code == 200
        assert MonthlyUsage.objects.count() == 0


@pytest.mark.both_databases
@override_settings(
    PAGE_CACHE_ENABLED=True,
    CACHES={
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.25,
                "CONNECTION_POOL_CLASS": "caching.failfast.FailFastConnectionPool",
            },
        }
    },
)
class CacheDownTests(UsageTestCase):
    def setUp(self):
        self.client.defaults["HTTP_USER_AGENT"] = BROWSER
        self.addCleanup(failfast.reset)

    def test_views_are_stored_in_the_database_while_the_cache_is_down(self):
        for _ in range(2):
            response = self.client.get(self.resource.url)
            assert response.status_code == 200
            assert response.get("X-Page-Cache") != "hit"
        assert views_of(self.resource) == 2


@pytest.mark.both_databases
class OfficeFiguresTests(UsageTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.unused = make_resource("无人问津的练习册", subject="shuxue")

    def use(self):
        with override_settings(PAGE_CACHE_ENABLED=True):
            for _ in range(3):
                self.client.get(self.resource.url)
            self.client.get(self.document.url)
        assert views_of(self.resource) == 3

    def test_the_office_sees_the_counts_on_the_results_page(self):
        self.use()
        self.client.force_login(self.office)
        response = self.client.get("/results/")
        usage = response.context["usage"]
        top, _section = usage.most_used[0]
        assert (top.name, top.views, top.downloads) == ("牛顿第二定律实验", 3, 1)
        assert ("物理", 3, 1) in [(r.name, r.views, r.downloads) for r in usage.subjects]
        # Every live resource but the one used, of which the page names the first 20.
        assert usage.never_used_count == ResourcePage.objects.live().count() - 1
        assert len(usage.never_used) == 20
        assert "牛顿第二定律实验" not in [title for title, _ in usage.never_used]
        self.assertContains(response, "使用统计（仅办公室可见）")
        self.assertContains(response, "从未使用的资源")

    def test_the_report_has_a_usage_sheet(self):
        self.use()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "report.xlsx"
            call_command("programme_report", "--output", str(path), stdout=StringIO())
            sheet = load_workbook(path)["使用统计"]
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        assert rows[0] == ["分组", "名称", "浏览次数", "下载次数"]
        assert ["最常用·教学资源", "牛顿第二定律实验", 3, 1] in rows
        assert ["按学科/专业", "物理", 3, 1] in rows
        assert ["按学校", "红寺堡区罗山中学", 3, 1] in rows or any(
            r[0] == "按学校" and r[2] == 3 for r in rows
        )
        month = timezone.localdate()
        assert ["按月份", f"{month.year}年{month.month}月", 3, 1] in rows
        assert ["从未使用·教学资源", "无人问津的练习册", 0, 0] in rows

    def test_anonymous_visitors_and_teachers_see_none_of_it(self):
        self.use()
        for user in (None, self.teacher):
            if user:
                self.client.force_login(user)
            response = self.client.get("/results/")
            assert response.status_code == 200
            assert "usage" not in response.context
            for text in ("使用统计", "牛顿第二定律实验", "从未使用"):
                self.assertNotContains(response, text)

    def test_the_figures_cost_four_queries_however_much_is_used(self):
        """Grouped sums, the most used, the never used and their count; the section titles,
        schools and subjects are shared fragments. The office's whole 成效 page stays flat
        too (what a logged-in editor's page costs besides, Wagtail's user bar, is not ours)."""
        self.client.force_login(self.office)
        today = timezone.localdate()

        def measure():
            caching.clear()
            self.client.get("/results/")  # warms the shared fragments, as on a running site
            with CaptureQueriesContext(connection) as page:
                assert self.client.get("/results/").status_code == 200
            with caching.request_scope():
                caching.generation()
                with CaptureQueriesContext(connection) as figures:
                    usage_figures(today, today)
            return len(page), len(figures)

        few = measure()
        pages = list(ResourcePage.objects.live().values_list("pk", flat=True))
        MonthlyUsage.objects.bulk_create(
            MonthlyUsage(page_id=pk, month=today.replace(day=1), views=i + 1, downloads=i % 3)
            for i, pk in enumerate(pages[::2])
        )
        assert measure() == few
        assert few[1] == 4


@pytest.mark.skipif(not redis_answers(), reason=f"no Redis at {REDIS_URL}")
@override_settings(
    PAGE_CACHE_ENABLED=True,
    CACHES={
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal-test",
        }
    },
)
class RedisTallyTests(UsageTestCase):
    def setUp(self):
        def empty():
            cache.clear()
            tallies._redis().delete(counting.KEY)

        super().setUp()
        empty()
        self.addCleanup(empty)

    def test_views_wait_in_redis_until_flushed(self):
        for _ in range(3):
            self.client.get(self.resource.url)
        assert views_of(self.resource) == 0  # one HINCRBY each, not yet stored
        call_command("flush_usage", verbosity=0)
        assert views_of(self.resource) == 3
        assert counting.flush() == 0

    def test_the_office_reads_them_at_once(self):
        self.client.get(self.resource.url)
        self.client.force_login(self.office)
        response = self.client.get("/results/")
        assert response.context["usage"].total.views == 1

    def test_a_failed_store_keeps_the_tally(self):
        self.client.get(self.resource.url)
        with (
            mock.patch.object(counting, "add", side_effect=RuntimeError("database down")),
            pytest.raises(RuntimeError),
        ):
            counting.flush()
        assert views_of(self.resource) == 0
        assert counting.flush() == 1
        assert views_of(self.resource) == 1
