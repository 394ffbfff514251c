"""The full-page cache: anonymous visitors get cached pages, and never a stale or private one."""

import json
import os
import re
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory, TestCase, override_settings

from wagtail.models import PageViewRestriction

import pytest
from django_redis import get_redis_connection
from django_redis.cache import RedisCache

from caching.middleware import PageCacheMiddleware
from content.importing import ResourceImporter
from content.models import NewsPage, StandardPage
from portal.models import PortalSettings
from tests.factories import make_document, make_resource
from tests.session_demo import load_demo
from tracking.models import OutputRecord


def state(response):
    return response.get("X-Page-Cache")


@override_settings(PAGE_CACHE_ENABLED=True)
class PageCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def setUp(self):
        cache.clear()

    def fetch_twice(self, url):
        first, second = self.client.get(url), self.client.get(url)
        assert (state(first), state(second)) == ("miss", "hit"), url
        return second

    def test_anonymous_visitor_gets_a_miss_then_a_hit(self):
        first = self.client.get("/about/")
        second = self.client.get("/about/")
        assert state(first) == "miss"
        assert state(second) == "hit"
        assert second.content == first.content
        assert second["Content-Type"] == first["Content-Type"]

    def test_query_strings_are_cached_apart(self):
        self.fetch_twice("/news/")
        filtered = self.client.get("/news/?category=notice")
        assert state(filtered) == "miss"

    def test_a_published_change_shows_at_once(self):
        news = NewsPage.objects.live().order_by("-date").first()
        self.fetch_twice(news.url)
        self.fetch_twice("/news/")
        news.title = "新标题：帮扶团队到位"
        news.save_revision().publish()
        assert "新标题：帮扶团队到位" in self.client.get(news.url).content.decode()
        assert "新标题：帮扶团队到位" in self.client.get("/news/").content.decode()

    def test_unpublished_page_is_gone_at_once(self):
        news = NewsPage.objects.live().order_by("-date").first()
        self.fetch_twice(news.url)
        news.unpublish()
        assert self.client.get(news.url).status_code == 404
        assert news.title not in self.client.get("/news/").content.decode()

    def test_moved_page_answers_at_its_new_address(self):
        about = StandardPage.objects.get(slug="about")
        child = StandardPage(title="帮扶政策", slug="zhengce")
        about.add_child(instance=child)
        child.save_revision().publish()
        contact = StandardPage(title="联系我们", slug="lianxi")
        about.get_parent().add_child(instance=contact)
        contact.save_revision().publish()
        self.fetch_twice("/about/zhengce/")
        child.move(contact, pos="last-child")
        old = self.client.get("/about/zhengce/")
        assert (old.status_code, old.get("Location")) == (301, "/lianxi/zhengce/")
        assert self.client.get("/lianxi/zhengce/").status_code == 200

    def test_deleted_page_is_gone_at_once(self):
        news = NewsPage.objects.live().order_by("-date").first()
        self.fetch_twice(news.url)
        self.fetch_twice("/news/")
        news.delete()
        assert self.client.get(news.url).status_code == 404
        assert news.title not in self.client.get("/news/").content.decode()

    def test_page_made_teachers_only_is_not_served_from_the_cache(self):
        news = NewsPage.objects.live().order_by("-date").first()
        self.fetch_twice(news.url)
        self.fetch_twice("/news/")
        PageViewRestriction.objects.create(page=news, restriction_type=PageViewRestriction.LOGIN)
        response = self.client.get(news.url)
        assert response.status_code == 302
        assert "/login/" in response["Location"]
        assert news.title not in self.client.get("/news/").content.decode()
        # and the login redirect itself is not cached as the page
        assert state(self.client.get(news.url)) is None

    def test_password_protected_page_is_never_cached(self):
        about = StandardPage.objects.get(slug="about")
        PageViewRestriction.objects.create(
            page=about, restriction_type=PageViewRestriction.PASSWORD, password="hsb-2026"
        )
        for _ in range(2):
            response = self.client.get("/about/")
            assert response.status_code == 200
            assert "19项帮扶措施分为六组" not in response.content.decode()
            assert state(response) is None

    def test_logged_in_teacher_neither_gets_nor_fills_the_cache(self):
        hidden = make_resource("教师专享：函数复习课件")
        PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
        url = "/search/?q=函数复习课件"
        anonymous = self.fetch_twice(url)
        assert hidden.url not in anonymous.content.decode()
        teacher = get_user_model().objects.create_user("teacher1", password="Hsb-teacher-2026")
        self.client.force_login(teacher)
        response = self.client.get(url)
        assert state(response) is None
        assert hidden.url in response.content.decode()
        assert state(self.client.get("/about/")) is None
        self.client.logout()
        self.client.cookies.clear()
        assert state(self.client.get("/about/")) == "miss"  # the teacher left nothing behind
        assert hidden.url not in self.client.get(url).content.decode()

    def test_what_a_teacher_is_shown_leaves_nothing_private_in_any_shared_cache(self):
        """The page cache is one of several: cards, listings' fragments, facet counts and
        the home page's lists are kept for every visitor. A teacher's search and API requests,
        rendered with the teachers-only resource in them, and the pages the teacher saw
        around them, must leave none of it for the anonymous visitor after."""
        make_resource("三角函数诱导公式练习")  # public, found beside it
        hidden = make_resource("教师专享：三角函数诱导公式课件")
        PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
        search = "/search/?q=三角函数诱导公式"
        urls = [
            "/",
            "/resources/",
            "/resources/?subject=shuxue&grade=gaoyi",
            search,
            "/search/?q=三角函数诱导公式&subject=shuxue",
            "/search/?q=函数",
            "/search/suggest/?q=三角函数",
            "/api/v2/pages/?type=content.ResourcePage&fields=title&search=三角函数诱导公式",
            "/feeds/resources/",
        ]
        teacher = get_user_model().objects.create_user("teacher2", password="Hsb-teacher-2026")
        self.client.force_login(teacher)
        seen_by_teacher = {url: self.client.get(url) for url in urls}
        for url in (search, urls[4]):  # the teacher finds it (its title may be highlighted)
            assert hidden.url in seen_by_teacher[url].content.decode(), url
        assert hidden.title in seen_by_teacher[urls[-2]].content.decode()  # and the API too
        self.client.logout()
        self.client.cookies.clear()
        for url in urls:
            for _ in range(2):  # rendered from the shared caches, then from the page cache
                response = self.client.get(url)
                assert response.status_code == 200, url
                body = response.content.decode()
                assert "教师专享" not in body, url
                assert hidden.url not in body, url
        # nor in the counts: 数学 beside the results counts what the visitor can open
        teacher_count = self.facet_count(seen_by_teacher[search], "shuxue")
        assert self.facet_count(self.client.get(search), "shuxue") == teacher_count - 1

    @staticmethod
    def facet_count(response, slug):
        """The number the list shows beside a subject's filter link."""
        body = response.content.decode()
        found = re.search(
            rf'href="[^"]*subject={slug}[^"]*"[^>]*>[^<]*<span class="facet__count">(\d+)<', body
        )
        assert found, f"no count beside subject={slug}"
        return int(found.group(1))

    def test_a_response_that_sets_a_cookie_is_not_cached(self):
        calls = []

        def view(request):
            calls.append(request)
            response = HttpResponse("为这位访客而做")
            response.set_cookie("choice", "1")
            return response

        middleware = PageCacheMiddleware(view)
        for _ in range(2):
            response = middleware(RequestFactory().get("/about/"))
            assert state(response) is None
        assert len(calls) == 2

    def test_admin_is_never_cached(self):
        assert state(self.client.get("/admin/login/")) is None
        assert state(self.client.get("/admin/login/")) is None

    def test_footer_setting_change_shows_at_once(self):
        self.fetch_twice("/about/")
        setting = PortalSettings.objects.get()
        setting.phone = "0953-7654321"
        setting.save()
        assert "0953-7654321" in self.client.get("/about/").content.decode()

    def test_a_verified_output_record_updates_the_results_page(self):
        self.fetch_twice("/results/")
        record = OutputRecord.objects.filter(status="verified").first()
        assert record is not None
        record.delete()
        assert state(self.client.get("/results/")) == "miss"

    def test_a_bulk_import_shows_at_once(self):
        self.fetch_twice("/resources/")
        row = {
            "title": "导入后立即可见的资源",
            "summary": "批量导入的资源",
            "body": "正文",
            "subject": "数学",
            "grade": "高一",
            "school": "红寺堡区罗山中学",
            "resource_type": "教案",
        }
        path = Path(tempfile.mkdtemp()) / "rows.jsonl"
        path.write_text(json.dumps(row, ensure_ascii=False), encoding="utf-8")
        importer = ResourceImporter(create_missing=True)
        importer.write(importer.check(path))
        assert "导入后立即可见的资源" in self.client.get("/resources/").content.decode()

    def test_a_download_does_not_purge(self):
        document = make_document("下载计数测试")
        make_resource("下载计数资源", documents=[document])
        self.fetch_twice("/about/")
        download = self.client.get(document.url)
        assert download.status_code == 200
        b"".join(download.streaming_content) if download.streaming else download.content
        document.refresh_from_db()
        assert document.download_count == 1
        assert state(self.client.get("/about/")) == "hit"

    def test_a_search_served_from_the_cache_is_still_counted(self):
        from wagtail.contrib.search_promotions.models import Query

        self.fetch_twice("/search/?q=同课异构")
        assert Query.get("同课异构").hits == 2

    @override_settings(PAGE_CACHE_ENABLED=False)
    def test_switched_off(self):
        assert state(self.client.get("/about/")) is None
        assert state(self.client.get("/about/")) is None


def _own_redis_database():
    """The SQLite and PostgreSQL runs go side by side, each in one or more processes, and
    each empties its Redis database: a process of its own gets a database of its own
    (15 down to 8; the portal itself uses 0)."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    run = 0 if connection.vendor == "sqlite" else 4
    return 15 - run - worker % 4


REDIS_URL = os.environ.get(
    "PAGE_CACHE_TEST_REDIS", f"redis://127.0.0.1:6379/{_own_redis_database()}"
)


def redis_answers():
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:
        return False
    return True


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
class RedisPageCacheTests(TestCase):
    """The same cache against a real Redis (a database of this process's own, emptied
    before and after)."""

    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)

    def setUp(self):
        cache.clear()
        self.addCleanup(cache.clear)

    def test_one_redis_client_serves_every_call(self):
        # Django's own backend built a client per call: 8 ms of a 35 ms home page.
        assert get_redis_connection("default") is get_redis_connection("default")

    def test_hit_and_purge_on_publish(self):
        assert isinstance(caches["default"], RedisCache)
        about = StandardPage.objects.get(slug="about")
        assert state(self.client.get("/about/")) == "miss"
        assert state(self.client.get("/about/")) == "hit"
        about.title = "Redis 里的新标题"
        about.save_revision().publish()
        response = self.client.get("/about/")
        assert state(response) == "miss"
        assert "Redis 里的新标题" in response.content.decode()
