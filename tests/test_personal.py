"""我的 (/me/): saving without JavaScript, downloads, follows and what is new since the last
visit, the weekly digest and its unsubscribe link, and that nothing a user may no longer
read is listed (not even its title)."""

import io
import re
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import Page, PageViewRestriction

import pytest

from content.groups import TEACHERS
from content.models import (
    NewsPage,
    Person,
    RecordingPage,
    ResourcePage,
    StandardPage,
    Subject,
    WorkshopPage,
)
from personal.models import Download, Follow, SavedPage, Visitor
from personal.tokens import unsubscribe_token
from tests.session_demo import load_demo
from tests.test_roles_privacy import resource_in, user

BUDGET = 12
QUERIES = []


def restrict_to_group(page, group_name):
    group, _ = Group.objects.get_or_create(name=group_name)
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    return restriction


class PersonalTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.teacher = user("t", [TEACHERS], first_name="李老师")
        cls.other = user("t2", [TEACHERS])
        cls.workshop = WorkshopPage.objects.get(slug="wuli-mingshi")
        cls.resource = ResourcePage.objects.live().public().order_by("pk").first()

    def save_page(self, page_id, action="save", **extra):
        return self.client.post(
            "/me/save/", {"page": page_id, "action": action, "next": "/back/"}, **extra
        )

    def me(self):
        response = self.client.get("/me/")
        assert response.status_code == 200
        return response.content.decode()


@pytest.mark.both_databases
class SaveTests(PersonalTestCase):
    def test_anonymous_visitors_are_sent_to_log_in_and_see_a_login_link_on_pages(self):
        response = self.client.get("/me/")
        assert response.status_code == 302
        assert response["Location"].startswith("/login/") or "next=/me/" in response["Location"]
        page = self.client.get(self.resource.url).content.decode()
        assert "登录后收藏" in page
        assert 'action="/me/save/"' not in page and "csrfmiddlewaretoken" not in page
        assert 'href="/me/"' not in page  # the header's 我的 is for logged-in users

    def test_saving_and_unsaving_without_javascript(self):
        self.client.force_login(self.teacher)
        page = self.client.get(self.resource.url).content.decode()
        assert 'href="/me/"' in page, "the header links to 我的"
        assert 'action="/me/save/"' in page and ">收藏</button>" in page

        response = self.save_page(self.resource.pk)
        assert response.status_code == 302 and response["Location"] == "/back/"
        assert self.resource.title in self.me()
        assert "已收藏 · 取消" in self.client.get(self.resource.url).content.decode()

        self.save_page(self.resource.pk)  # twice is still once
        assert SavedPage.objects.filter(user=self.teacher).count() == 1

        self.save_page(self.resource.pk, action="unsave")
        assert self.resource.title not in self.me()
        assert not SavedPage.objects.filter(user=self.teacher).exists()

    def test_our_script_gets_the_new_state_as_json(self):
        self.client.force_login(self.teacher)
        response = self.save_page(self.resource.pk, HTTP_X_REQUESTED_WITH="fetch")
        assert response.json() == {"saved": True}
        response = self.save_page(self.resource.pk, "unsave", HTTP_X_REQUESTED_WITH="fetch")
        assert response.json() == {"saved": False}

    def test_an_offsite_next_is_not_followed(self):
        self.client.force_login(self.teacher)
        response = self.client.post(
            "/me/save/", {"page": self.resource.pk, "action": "save", "next": "https://evil.cn/"}
        )
        assert response["Location"] == "/me/"

    def test_odd_values_get_400_or_404_with_a_message(self):
        self.client.force_login(self.teacher)
        standard = StandardPage.objects.live().first()
        cases = [
            ({"page": "abc", "action": "save"}, 400),
            ({"page": "1" * 30, "action": "save"}, 400),
            ({"page": "-3", "action": "save"}, 400),
            ({"action": "save"}, 400),
            ({"page": self.resource.pk, "action": "delete-all"}, 400),
            ({"page": 987654321, "action": "save"}, 404),
            ({"page": standard.pk, "action": "save"}, 400),
            ({"page": self.workshop.pk, "action": "save"}, 400),
        ]
        for data, status in cases:
            response = self.client.post("/me/save/", data)
            assert response.status_code == status, data
            if status == 400:
                assert "收藏" in response.content.decode()
        follow_cases = [
            ({"kind": "school", "id": 1, "action": "follow"}, 400),
            ({"kind": "subject", "id": "x", "action": "follow"}, 400),
            ({"kind": "subject", "id": 987654321, "action": "follow"}, 404),
            ({"kind": "workshop", "id": self.resource.pk, "action": "follow"}, 404),
            ({"kind": "person", "id": 1, "action": "bogus"}, 400),
        ]
        for data, status in follow_cases:
            assert self.client.post("/me/follow/", data).status_code == status, data
        assert self.client.get("/me/save/").status_code == 405
        assert not SavedPage.objects.exists() and not Follow.objects.exists()

    def test_a_page_the_user_may_not_read_cannot_be_saved(self):
        restrict_to_group(self.resource, "某工作室成员")
        self.client.force_login(self.teacher)
        assert self.save_page(self.resource.pk).status_code == 404

    @override_settings(PAGE_CACHE_ENABLED=True)
    def test_the_button_does_not_leak_through_the_page_cache(self):
        url = self.resource.url
        first = self.client.get(url)
        assert first["X-Page-Cache"] == "miss"
        self.client.force_login(self.teacher)
        self.save_page(self.resource.pk)
        mine = self.client.get(url)
        assert "X-Page-Cache" not in mine and "已收藏" in mine.content.decode()
        self.client.logout()
        self.client.cookies.clear()
        again = self.client.get(url)
        assert again["X-Page-Cache"] == "hit"
        assert "登录后收藏" in again.content.decode() and "已收藏" not in again.content.decode()


@pytest.mark.both_databases
class PrivacyTests(PersonalTestCase):
    def test_a_saved_page_made_private_or_unpublished_disappears_without_its_title(self):
        news = NewsPage.objects.live().public().order_by("pk").first()
        SavedPage.objects.create(user=self.teacher, page=self.resource)
        SavedPage.objects.create(user=self.teacher, page=news)
        self.client.force_login(self.teacher)
        page = self.me()
        assert self.resource.title in page and news.title in page

        restrict_to_group(self.resource, "某工作室成员")
        news.unpublish()
        page = self.me()
        assert self.resource.title not in page and news.title not in page

    def test_a_teachers_only_page_stays_for_a_logged_in_teacher(self):
        PageViewRestriction.objects.create(
            page=self.resource, restriction_type=PageViewRestriction.LOGIN
        )
        SavedPage.objects.create(user=self.teacher, page=self.resource)
        self.client.force_login(self.teacher)
        assert self.resource.title in self.me()

    def test_group_members_keep_what_their_group_may_read(self):
        restrict_to_group(self.resource, "某工作室成员")
        self.teacher.groups.add(Group.objects.get(name="某工作室成员"))
        SavedPage.objects.create(user=self.teacher, page=self.resource)
        self.client.force_login(self.teacher)
        assert self.resource.title in self.me()


def attached(page):
    return page.documents.select_related("document").first().document


@pytest.mark.both_databases
class DownloadTests(PersonalTestCase):
    def test_a_download_is_recorded_with_the_page_it_came_from(self):
        document = attached(self.resource)
        b"".join(self.client.get(document.url).streaming_content)  # anonymous: counted, unnamed
        assert not Download.objects.exists()

        self.client.force_login(self.teacher)
        response = self.client.get(
            document.url, HTTP_REFERER=f"http://testserver{self.resource.url}"
        )
        assert response.status_code == 200
        # Read through, as the client's wrapper closes it (close() itself would end the
        # test's database connection on PostgreSQL, as at the end of a real request).
        b"".join(response.streaming_content)
        record = Download.objects.get()
        assert (record.user, record.document_id, record.page_id) == (
            self.teacher,
            document.pk,
            self.resource.pk,
        )
        response = self.client.get(document.url, HTTP_REFERER="https://elsewhere.cn/resources/")
        b"".join(response.streaming_content)
        assert Download.objects.filter(page=None).count() == 1

        page = self.me()
        section = page[page.index("下载记录") :]
        assert document.title in section and self.resource.title in section

    def test_a_download_whose_file_became_private_is_not_listed(self):
        document = attached(self.resource)
        Download.objects.create(user=self.teacher, document=document, page=self.resource)
        restrict_to_group(self.resource, "某工作室成员")
        self.client.force_login(self.teacher)
        page = self.me()
        assert self.resource.title not in page
        assert document.title not in page


@pytest.mark.both_databases
class FollowTests(PersonalTestCase):
    def follow(self, kind, pk, action="follow"):
        return self.client.post(
            "/me/follow/", {"kind": kind, "id": pk, "action": action, "next": "/me/"}
        )

    def test_follow_a_workshop_from_its_page_and_see_what_is_new_since_the_last_visit(self):
        self.client.force_login(self.teacher)
        page = self.client.get(self.workshop.url).content.decode()
        assert f"关注 {self.workshop.title}" in page
        assert self.follow("workshop", self.workshop.pk).status_code == 302
        page = self.client.get(self.workshop.url).content.decode()
        assert f"已关注 {self.workshop.title}" in page
        self.me()  # the first visit
        visitor = Visitor.objects.get(user=self.teacher)
        hours_ago = timezone.now() - timedelta(hours=3)
        Visitor.objects.filter(pk=visitor.pk).update(last_seen=hours_ago)

        new = resource_in(self.workshop, "楞次定律 新课件")
        secret = resource_in(self.workshop, "组内 秘密教案")
        restrict_to_group(secret, "某工作室成员")
        elsewhere = resource_in(WorkshopPage.objects.exclude(pk=self.workshop.pk).first(), "别处")
        page = self.me()
        section = page[page.index("关注的新内容") : page.index("我的收藏")]
        assert new.title in section
        assert secret.title not in page
        assert elsewhere.title not in section
        assert "上次访问" in page

        # A reload within the visit keeps showing it; a visit after it has seen it.
        assert new.title in self.me()
        Page.objects.filter(pk=new.pk).update(first_published_at=hours_ago)
        an_hour_ago = timezone.now() - timedelta(hours=1)
        Visitor.objects.filter(user=self.teacher).update(last_seen=an_hour_ago)
        page = self.me()
        assert new.title not in page[page.index("关注的新内容") : page.index("我的收藏")]

    def test_follow_a_subject_and_a_person(self):
        recording = RecordingPage.objects.live().public().order_by("pk").first()
        self.client.force_login(self.teacher)
        page = self.client.get(recording.url).content.decode()
        assert f"关注 学科·{recording.subject.name}" in page
        assert f"关注 {recording.teacher.name}" in page
        physics = Subject.objects.get(slug="wuli")
        author = Person.objects.filter(live=True).exclude(pk=recording.teacher_id).first()
        self.follow("subject", physics.pk)
        self.follow("person", author.pk)
        assert Follow.objects.filter(user=self.teacher).count() == 2

        by_subject = resource_in(self.workshop, "物理 新教案")
        ResourcePage.objects.filter(pk=by_subject.pk).update(subject=physics)
        elsewhere = WorkshopPage.objects.exclude(pk=self.workshop.pk).first()
        by_author = resource_in(elsewhere, "作者新作")
        by_author.authors.add(author)
        by_author.save()  # a ParentalManyToManyField is written when its page is saved
        unrelated = resource_in(elsewhere, "无关")
        ResourcePage.objects.filter(pk=unrelated.pk).update(
            subject=Subject.objects.exclude(pk=physics.pk).first()
        )
        page = self.me()
        section = page[page.index("关注的新内容") : page.index("我的收藏")]
        assert by_subject.title in section and by_author.title in section
        assert unrelated.title not in section

        self.follow("subject", physics.pk, "unfollow")
        assert not Follow.objects.filter(user=self.teacher, subject=physics).exists()

    def test_follow_a_person_from_their_portfolio_page(self):
        person = Person.objects.filter(live=True).order_by("pk").first()
        anonymous = self.client.get(f"/people/{person.slug}/").content.decode()
        assert "登录后关注" in anonymous and f"关注 {person.name}" not in anonymous
        self.client.force_login(self.teacher)
        assert f"关注 {person.name}" in self.client.get(f"/people/{person.slug}/").content.decode()
        assert self.follow("person", person.pk).status_code == 302
        page = self.client.get(f"/people/{person.slug}/").content.decode()
        assert f"已关注 {person.name} · 取消" in page
        assert Follow.objects.filter(user=self.teacher, person=person).exists()

    def test_a_workshop_made_private_to_others_is_not_listed(self):
        Follow.objects.create(user=self.teacher, workshop=self.workshop)
        restrict_to_group(self.workshop, "某工作室成员")
        self.client.force_login(self.teacher)
        page = self.me()
        assert self.workshop.title not in page[page.index("我的关注") :]

    def test_me_renders_in_a_flat_number_of_queries(self):
        def count():
            with CaptureQueriesContext(connection) as queries:
                self.me()
            QUERIES[:] = queries.captured_queries
            return len(queries.captured_queries)

        self.client.force_login(self.teacher)
        # Private sections of each kind, so that the user's restrictions are asked.
        news = NewsPage.objects.live().order_by("pk")
        restrict_to_group(news[0], "某工作室成员")
        PageViewRestriction.objects.create(page=news[1], restriction_type="login")
        resources = list(ResourcePage.objects.live().order_by("pk"))
        documents = [attached(r) for r in resources if r.documents.exists()]
        for resource in resources[:2]:
            SavedPage.objects.create(user=self.teacher, page=resource)
        Download.objects.create(user=self.teacher, document=documents[0], page=resources[0])
        Follow.objects.create(user=self.teacher, workshop=self.workshop)
        self.me()  # warms the shared fragments, as any earlier request does
        few = count()
        for resource in resources[2:]:
            SavedPage.objects.create(user=self.teacher, page=resource)
        for document in documents[1:]:
            Download.objects.create(user=self.teacher, document=document, page=resources[1])
        Follow.objects.create(user=self.teacher, subject=Subject.objects.first())
        Follow.objects.create(user=self.teacher, person=Person.objects.first())
        many = count()
        assert len(resources) > 20
        sql = "\n".join(q["sql"][:100] for q in QUERIES)
        assert few <= BUDGET and many <= BUDGET, (few, many, sql)
        assert many == few


@pytest.mark.both_databases
class DigestTests(PersonalTestCase):
    def test_the_digest_goes_to_opted_in_users_with_only_what_they_may_read(self):
        quiet = user("t3", [TEACHERS])
        for account in (self.teacher, self.other, quiet):
            Follow.objects.create(user=account, workshop=self.workshop)
        Visitor.objects.create(user=self.teacher, digest=True)
        Visitor.objects.create(user=self.other, digest=False)
        self.client.force_login(quiet)  # opts in through the form on /me/
        self.client.post("/me/digest/", {"digest": "on"})
        assert Visitor.objects.get(user=quiet).digest
        Follow.objects.filter(user=quiet).delete()  # and follows nothing: no mail

        new = resource_in(self.workshop, "电磁感应 复习课件")
        secret = resource_in(self.workshop, "组内 秘密教案")
        restrict_to_group(secret, "某工作室成员")
        mail.outbox.clear()
        call_command("send_digests", stdout=io.StringIO())
        assert [m.to for m in mail.outbox] == [[self.teacher.email]]
        body = mail.outbox[0].body
        assert new.title in body and secret.title not in body
        assert f"http://testserver{new.url}" in body
        assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"]

        # A week later with nothing new: nothing sent.
        mail.outbox.clear()
        call_command("send_digests", stdout=io.StringIO())
        assert mail.outbox == []

    def test_unsubscribe_needs_no_login_and_refuses_a_tampered_token(self):
        Visitor.objects.create(user=self.teacher, digest=True)
        token = unsubscribe_token(self.teacher)
        url = f"/me/unsubscribe/{token}/"
        page = self.client.get(url)
        assert page.status_code == 200 and "确认退订" in page.content.decode()
        assert Visitor.objects.get(user=self.teacher).digest, "a GET only asks"
        done = self.client.post(url)
        assert done.status_code == 200 and "已退订" in done.content.decode()
        assert not Visitor.objects.get(user=self.teacher).digest

        Visitor.objects.filter(user=self.teacher).update(digest=True)
        other_id = re.sub(r"^[^:]+", str(self.other.pk), token)
        for bad in (other_id, token[:-2] + "xx", "nonsense"):
            response = self.client.post(f"/me/unsubscribe/{bad}/")
            assert response.status_code == 400
            assert "退订链接无效" in response.content.decode()
        assert Visitor.objects.get(user=self.teacher).digest

    def test_the_unsubscribe_link_in_the_mail_works(self):
        Visitor.objects.create(user=self.teacher, digest=True)
        Follow.objects.create(user=self.teacher, workshop=self.workshop)
        resource_in(self.workshop, "牛顿定律 新课件")
        call_command("send_digests", stdout=io.StringIO())
        link = re.search(r"http://testserver(/me/unsubscribe/\S+/)", mail.outbox[0].body)[1]
        assert self.client.post(link).status_code == 200
        assert not Visitor.objects.get(user=self.teacher).digest
