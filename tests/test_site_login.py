"""The site's own login (/_util/login/), where teachers-only pages and files send a teacher:
in the site's header and footer, in Chinese, usable on a phone, and django-axes' lockout
in Chinese too."""

from django.contrib.auth import get_user_model
from django.test import TestCase

from bs4 import BeautifulSoup

from tests.session_demo import load_demo

LOGIN = "/_util/login/"


class SiteLoginTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)
        get_user_model().objects.create_user("wang", password="Right-pass-2026")

    def test_the_login_page_wears_the_site_and_speaks_chinese(self):
        response = self.client.get(LOGIN, {"next": "/resources/"})
        assert response.status_code == 200
        page = BeautifulSoup(response.content, "lxml")
        assert page.select_one("header.site-header .site-brand")  # the site's own header
        assert page.select_one("footer")
        # The header offers no second 登录 link, to the page the visitor is already on.
        assert page.select_one("nav.site-account a") is None
        assert page.select_one('meta[name="viewport"]')["content"].startswith("width=device-width")
        assert page.title.get_text().startswith("登录 - ")
        assert page.h1.get_text() == "登录"
        assert "这个页面仅供登录用户查看，请先登录。" in page.get_text()
        form = page.select_one("form.login__form")
        labels = [label.get_text() for label in form.select("label")]
        assert labels == ["用户名", "密码"]
        assert form.select_one("#id_username")["autocomplete"] == "username"
        assert form.select_one("#id_password")["autocomplete"] == "current-password"
        assert form.select_one('input[name="next"]')["value"] == "/resources/"
        assert form.select_one("button[type=submit]").get_text() == "登录"

    def test_a_wrong_password_is_told_in_chinese_and_keeps_the_username(self):
        response = self.client.post(
            LOGIN, {"username": "wang", "password": "wrong", "next": "/resources/"}
        )
        assert response.status_code == 200
        page = BeautifulSoup(response.content, "lxml")
        assert "用户名或密码不正确" in page.select_one('[role="alert"]').get_text()
        assert page.select_one("#id_username")["value"] == "wang"
        assert page.select_one("#id_username")["aria-invalid"] == "true"
        assert page.select_one('input[name="next"]')["value"] == "/resources/"

        blank = self.client.post(LOGIN, {"username": "", "password": ""})
        assert "请填写用户名。" in blank.content.decode()
        assert "请填写密码。" in blank.content.decode()

    def test_the_right_password_goes_on_to_the_page_asked_for(self):
        response = self.client.post(
            LOGIN, {"username": "wang", "password": "Right-pass-2026", "next": "/resources/"}
        )
        self.assertRedirects(response, "/resources/", fetch_redirect_response=False)

    def test_the_fifth_failure_locks_out_with_a_chinese_page_in_the_site(self):
        statuses = [
            self.client.post(LOGIN, {"username": "wang", "password": "wrong"}).status_code
            for _ in range(5)
        ]
        assert statuses == [200, 200, 200, 200, 429]
        response = self.client.post(LOGIN, {"username": "wang", "password": "Right-pass-2026"})
        assert response.status_code == 429
        page = BeautifulSoup(response.content, "lxml")
        assert page.h1.get_text() == "登录已暂停"
        assert "30 分钟" in page.get_text()
        assert page.select_one("header.site-header")
