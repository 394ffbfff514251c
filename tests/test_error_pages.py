"""With DEBUG off, errors get the portal's own Chinese pages, which need no database."""

from unittest import mock

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError, connection
from django.template.loader import render_to_string
from django.test import TestCase, override_settings
from django.urls import path

from wagtail.models import Page


def fails(request):
    raise RuntimeError("a bug")


def reads_the_database(request):
    Page.objects.count()  # the database is down: this raises OperationalError


def forbidden(request):
    raise PermissionDenied


def bad(request):
    raise SuspiciousOperation("malformed")


urlpatterns = [
    path("fails/", fails),
    path("database/", reads_the_database),
    path("forbidden/", forbidden),
    path("bad/", bad),
]


@override_settings(ROOT_URLCONF="tests.test_error_pages", DEBUG=False)
class ErrorPageTests(TestCase):
    def setUp(self):
        self.client.raise_request_exception = False

    def assertPortalPage(self, response, status, heading):
        self.assertEqual(response.status_code, status)
        text = response.content.decode()
        self.assertIn('lang="zh-Hans"', text)
        self.assertIn(heading, text)
        self.assertIn("红寺堡教育帮扶门户", text)
        self.assertIn("css/portal.css", text)
        self.assertNotIn("Server Error", text)
        self.assertNotIn("Not Found", text)

    def test_server_error_page_is_the_portals_own(self):
        self.assertPortalPage(self.client.get("/fails/"), 500, "服务器出错")

    def test_error_templates_need_no_query_and_no_context(self):
        for name, heading in [
            ("500.html", "服务器出错"),
            ("404.html", "页面不存在"),
            ("403.html", "无权访问"),
            ("400.html", "请求有误"),
        ]:
            with self.subTest(name), self.assertNumQueries(0):
                text = render_to_string(name)
            self.assertIn(heading, text)

    def test_server_error_page_renders_when_the_database_is_down(self):
        down = OperationalError("could not connect to server")
        with mock.patch.object(connection, "ensure_connection", side_effect=down):
            response = self.client.get("/database/")
        self.assertPortalPage(response, 500, "服务器出错")

    def test_not_found_page(self):
        self.assertPortalPage(self.client.get("/nowhere/"), 404, "页面不存在")

    def test_missing_page_with_the_database_down_gets_the_server_error_page(self):
        # Looking for a redirect (wagtail.contrib.redirects) needs the database.
        down = OperationalError("could not connect to server")
        with mock.patch.object(connection, "ensure_connection", side_effect=down):
            response = self.client.get("/nowhere/")
        self.assertPortalPage(response, 500, "服务器出错")

    def test_forbidden_page(self):
        self.assertPortalPage(self.client.get("/forbidden/"), 403, "无权访问")

    def test_bad_request_page(self):
        self.assertPortalPage(self.client.get("/bad/"), 400, "请求有误")


@override_settings(DEBUG=False)
class PortalNotFoundTests(TestCase):
    """A missing page under the portal's own URLs, past Wagtail's page serving."""

    def test_missing_page_in_the_portal(self):
        response = self.client.get("/no-such-section/")
        self.assertEqual(response.status_code, 404)
        self.assertIn("页面不存在（404）", response.content.decode())
