"""The cache layer across processes and without Redis: every process of a deployment sees
a change made in another on its next request, and Redis going away costs speed, not pages
or sessions."""

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import closing, contextmanager
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, TestCase, override_settings

import psycopg
import pytest
import redis

import caching
from caching import failfast
from tests.session_demo import load_demo

# One of the suite's longest: parallel runs hand it out first (tests/scheduling.py).
pytestmark = pytest.mark.heavy

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- two processes, one database, no Redis ---------------------------------------------


def copy_of_this_database():
    """A database of the processes' own holding what this one holds: the demo, loaded here
    from the session's snapshot in under a second instead of migrated and loaded again in
    a subprocess (half a minute). The test is transactional, so what it copies is committed."""
    if connection.vendor == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="portal-processes-"))
        connection.ensure_connection()
        with closing(sqlite3.connect(folder / "db.sqlite3")) as target:
            connection.connection.backup(target)
        return f"sqlite:///{folder / 'db.sqlite3'}", lambda: shutil.rmtree(folder, True)
    params = connection.settings_dict
    name = f"{params['NAME']}_processes"
    server = f"postgres://{params['USER']}@{params['HOST']}:{params['PORT'] or 5432}"

    def admin(sql):
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(sql)

    # PostgreSQL copies a database only while nobody is connected to it.
    connection.close()
    admin(f'DROP DATABASE IF EXISTS "{name}"')
    admin(f'CREATE DATABASE "{name}" TEMPLATE "{params["NAME"]}"')
    return f"{server}/{name}", lambda: admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Deployment:
    """A server process and a shell, without REDIS_URL, on one database: as a gunicorn
    worker and `manage.py publish_scheduled` (or the shell, or another worker) are."""

    def __init__(self, database_url, media):
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        self.env.update(
            DATABASE_URL=database_url,
            DJANGO_SETTINGS_MODULE="tests.live_settings",
            PORTAL_TEST_MEDIA_ROOT=str(media),
            PYTHONPATH=str(ROOT),
            REDIS_URL="",
        )
        self.port = free_port()
        self.server = None
        self.shell_process = None

    def shell(self, code):
        """`code` run in another process, as `manage.py shell -c` runs it, the change
        committed. One process serves every call (tests/shell_process.py): booting Django
        and Wagtail for each cost more than the rest of the test; what it proves is that a
        process other than the server made the change, with caches of its own."""
        if self.shell_process is None:
            self.shell_process = subprocess.Popen(
                [sys.executable, "-m", "tests.shell_process"],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        self.shell_process.stdin.write(json.dumps(code) + "\n")
        self.shell_process.stdin.flush()
        line = self.shell_process.stdout.readline()
        assert line, "the shell process ended"
        answer = json.loads(line)
        assert answer["ok"], answer["out"]
        return answer["out"]

    def start(self):
        self.server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(300):
            try:
                self.get("/")
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("the server did not start")

    def stop(self):
        try:
            if self.shell_process is not None:
                self.shell_process.stdin.close()  # its loop ends, and the process with it
                try:
                    self.shell_process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    self.shell_process.kill()
                    self.shell_process.wait()
        finally:
            if self.server is not None:
                self.server.send_signal(signal.SIGTERM)
                self.server.wait(timeout=30)

    def get(self, path):
        """(status, X-Page-Cache, body) of an anonymous visitor's request, no redirect
        followed."""

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(f"http://127.0.0.1:{self.port}{path}", timeout=60) as response:
                body = response.read().decode()
                return response.status, response.headers.get("X-Page-Cache"), body
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("X-Page-Cache"), ""


@pytest.mark.both_databases
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_change_made_in_one_process_is_seen_by_another_at_once():
    load_demo()
    url, drop = copy_of_this_database()
    media = Path(tempfile.mkdtemp(prefix="portal-processes-media-"))
    shutil.copytree(settings.MEDIA_ROOT, media, dirs_exist_ok=True)
    deployment = Deployment(url, media)
    try:
        found = deployment.shell(
            "from content.models import NewsPage, ResourcePage\n"
            "news = NewsPage.objects.live().order_by('-date')\n"
            "resource = ResourcePage.objects.live().exclude(school=None).order_by('pk').first()\n"
            "print(news[0].pk, news[0].url, news[1].pk, news[1].url, resource.url,"
            " resource.school.name)"
        )
        news_pk, news_url, other_pk, other_news_url, resource_url, school = found.split()[-6:]
        deployment.start()

        def cached(path):
            first, second = deployment.get(path), deployment.get(path)
            assert (first[0], second[0]) == (200, 200), path
            assert second[1] == "hit", path  # the server keeps it in its own memory
            return second[2]

        # A publish in the shell: the server's cached page and listing show it.
        cached(news_url)
        cached("/news/")
        deployment.shell(
            "from content.models import NewsPage\n"
            f"page = NewsPage.objects.get(pk={news_pk})\n"
            "page.title = '另一进程发布的新标题'\n"
            "page.save_revision().publish()"
        )
        assert "另一进程发布的新标题" in deployment.get(news_url)[2]
        assert "另一进程发布的新标题" in deployment.get("/news/")[2]

        # Unpublished in the shell: gone from the server at once.
        cached(other_news_url)
        deployment.shell(
            f"from content.models import NewsPage\nNewsPage.objects.get(pk={other_pk}).unpublish()"
        )
        assert deployment.get(other_news_url)[0] == 404

        # Made teachers-only in the shell: no anonymous visitor gets it from the cache.
        cached(news_url)
        deployment.shell(
            "from wagtail.models import PageViewRestriction\n"
            "from content.models import NewsPage\n"
            f"page = NewsPage.objects.get(pk={news_pk})\n"
            "PageViewRestriction.objects.create(page=page, restriction_type='login')"
        )
        answers = [deployment.get(news_url) for _ in range(3)]
        stale = [answer for answer in answers if answer[0] == 200]
        assert stale == []
        assert all(status == 302 for status, _, _ in answers)
        assert "另一进程发布的新标题" not in deployment.get("/news/")[2]

        # Reference data renamed in the shell: the resource page names the new school.
        assert school in cached(resource_url)
        deployment.shell(
            "from content.models import School\n"
            f"school = School.objects.get(name='{school}')\n"
            "school.name = '改名后的学校'\n"
            "school.save()"
        )
        assert "改名后的学校" in deployment.get(resource_url)[2]
    finally:
        deployment.stop()
        drop()
        shutil.rmtree(media, ignore_errors=True)


# -- Redis going away ------------------------------------------------------------------


class OwnRedis:
    """A redis-server of this test's own, on a free port, to stop and start again."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self):
        if self.proc is not None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


REDIS = OwnRedis()


def redis_cache(url):
    return {
        "default": {
            **settings.CACHES["default"],
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "portal-test",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.25,
                "SOCKET_TIMEOUT": 0.5,
                "CONNECTION_POOL_CLASS": "caching.failfast.FailFastConnectionPool",
            },
        }
    }


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="no redis-server")
@override_settings(PAGE_CACHE_ENABLED=True, CACHES=redis_cache(REDIS.url))
class RedisGoesAwayTests(TestCase):
    PASSWORD = "Hsb-editor-2026"

    @classmethod
    def setUpClass(cls):
        REDIS.start()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        REDIS.stop()

    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)
        get_user_model().objects.create_superuser("editor-r", password=cls.PASSWORD)

    def setUp(self):
        if REDIS.proc is None:
            REDIS.start()
        failfast.reset()
        caching.clear()

    @contextmanager
    def waits_on_redis(self):
        """The seconds this process spends connecting to Redis and waiting for its answers:
        what a dead Redis costs a request, apart from rendering (which a slow or busy
        machine makes slow too: a bound on wall-clock time failed there, not here)."""
        waited = []

        def timed(method):
            def wrapper(*args, **kwargs):
                started = time.perf_counter()
                try:
                    return method(*args, **kwargs)
                finally:
                    waited.append(time.perf_counter() - started)

            return wrapper

        connection_class = failfast.FailFastConnection
        with (
            mock.patch.object(connection_class, "connect", timed(connection_class.connect)),
            mock.patch.object(
                connection_class, "read_response", timed(connection_class.read_response)
            ),
        ):
            yield waited

    def log_in(self):
        client = Client()
        response = client.post("/admin/login/", {"username": "editor-r", "password": self.PASSWORD})
        assert response.status_code == 302
        return client

    def test_redis_stopped_mid_run_costs_no_page_and_no_session(self):
        editor = self.log_in()
        visitor = Client()
        assert visitor.get("/about/")["X-Page-Cache"] == "miss"
        assert visitor.get("/about/")["X-Page-Cache"] == "hit"

        REDIS.stop()
        with self.assertLogs("caching.failfast", "WARNING") as logged:
            for path in ("/about/", "/news/", "/search/?q=帮扶", "/admin/login/", "/"):
                for _ in range(2):
                    with self.waits_on_redis() as waited:
                        response = visitor.get(path)
                    assert response.status_code == 200, path
                    assert response.get("X-Page-Cache") != "hit", path
                    # At most one refused connect (0.25 s timeout) per back-off, not one per call
                    assert sum(waited) < 1, (path, waited)
            # Logging in works, and the editor logged in before is still logged in.
            newcomer = self.log_in()
            assert newcomer.get("/admin/").status_code == 200
            assert editor.get("/admin/").status_code == 200
        assert len(logged.records) == 1  # the outage, once: not once per call

        REDIS.start()
        failfast.reset()  # rather than waiting out the back-off
        assert editor.get("/admin/").status_code == 200
        visitor = Client()  # the login page gave the other a CSRF cookie
        assert visitor.get("/about/")["X-Page-Cache"] == "miss"
        assert visitor.get("/about/")["X-Page-Cache"] == "hit"

    def test_a_redis_that_does_not_answer_is_skipped_after_the_first_wait(self):
        visitor = Client()
        visitor.get("/about/")
        REDIS.proc.send_signal(signal.SIGSTOP)  # connections accepted, nothing answered
        try:
            with self.assertLogs("caching.failfast", "WARNING"):
                with self.waits_on_redis() as waited_first:
                    first = visitor.get("/news/")
                with self.waits_on_redis() as waited_second:
                    second = visitor.get("/about/")
        finally:
            REDIS.proc.send_signal(signal.SIGCONT)
        assert (first.status_code, second.status_code) == (200, 200)
        # A page makes a dozen cache calls: each waiting for the 0.5 s timeout would be 6 s.
        assert sum(waited_first) < 2, waited_first
        assert sum(waited_second) < 0.1, waited_second  # skipped, not waited for

    def test_search_counts_go_to_the_database_while_redis_is_away(self):
        from wagtail.contrib.search_promotions.models import Query

        REDIS.stop()
        with mock.patch.object(failfast, "BACKOFF", 0):
            for _ in range(2):
                assert self.client.get("/search/", {"q": "关于项目"}).status_code == 200
        assert Query.get("关于项目").hits == 2
