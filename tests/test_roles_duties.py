"""Every role does its own job and no more: a school's reviewer approves and publishes through
the workflow but does not take a workshop offline, move, copy, delete or make it private; a
workshop's members draft in its section but do not edit the workshop page (lead, members,
师徒结对 register); a public activity does not name a workshop its visitor may not read;
private files and videos send an anonymous visitor to a login page that exists."""

from django import forms
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.test import TestCase

from wagtail.models import Page, PageViewRestriction

import pytest

from content.groups import OFFICE, REVIEWERS, TEACHERS
from content.models import ActivityIndexPage, ActivityPage, WorkshopPage
from portal.setup.roles import RoleSetup
from tests.session_demo import load_demo
from tests.test_roles_privacy import document, resource_in, user

ACTIONS = ("unpublish", "delete", "move", "copy", "privacy")


def admin_url(page, action):
    return f"/admin/pages/{page.pk}/{action}/"


def post_data(form):
    """What the browser would post back from an admin page form, formsets included."""
    data = {}

    def add(bound_form):
        for bound in bound_form:
            value, widget = bound.value(), bound.field.widget
            if isinstance(widget, forms.CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
            elif value not in (None, ""):
                shown = widget.format_value(value)
                data[bound.html_name] = shown if shown is not None else ""

    add(form)
    for formset in getattr(form, "formsets", {}).values():
        add(formset.management_form)
        for child in formset.forms:
            add(child)
    return data


@pytest.mark.both_databases
class ReviewerTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.workshop = WorkshopPage.objects.get(slug="wuli-mingshi")  # 罗山中学
        cls.member = user("m", [TEACHERS], person="杨海军")
        cls.reviewer = user("rx", [REVIEWERS.format("罗山中学")])
        cls.admin = user("a", is_superuser=True)
        RoleSetup().run()
        cls.resource = resource_in(cls.workshop, "审核员面前的样本课件")

    def test_reviewer_cannot_unpublish_delete_move_copy_or_make_private(self):
        self.client.force_login(self.reviewer)
        for page in (self.workshop, self.resource):
            for action in ACTIONS:
                with self.subTest(page=page.title, action=action):
                    response = self.client.get(admin_url(page, action))
                    self.assertIn(response.status_code, (302, 403))
                    if response.status_code == 302:
                        shown = [str(m) for m in get_messages(response.wsgi_request)]
                        self.assertTrue(any("权限" in m for m in shown), shown)
        # Posting the forms changes nothing either.
        self.client.post(admin_url(self.workshop, "unpublish"))
        self.client.post(admin_url(self.workshop, "privacy"), {"restriction_type": "login"})
        self.client.post(admin_url(self.resource, "delete"))
        self.workshop.refresh_from_db()
        self.assertTrue(self.workshop.live)
        self.assertFalse(PageViewRestriction.objects.filter(page=self.workshop).exists())
        self.assertTrue(Page.objects.filter(pk=self.resource.pk, live=True).exists())
        self.assertEqual(self.client.get(self.workshop.url).status_code, 200)

        # Nor does the page listing offer them.
        listing = self.client.get(f"/admin/pages/{self.workshop.pk}/").content.decode()
        for action in ACTIONS:
            self.assertNotIn(admin_url(self.resource, action), listing)

    def test_the_site_admin_still_may(self):
        self.client.force_login(self.admin)
        for action in ACTIONS:
            with self.subTest(action=action):
                self.assertEqual(self.client.get(admin_url(self.workshop, action)).status_code, 200)
        self.client.post(admin_url(self.resource, "unpublish"))
        self.assertFalse(Page.objects.get(pk=self.resource.pk).live)

    def test_reviewer_judges_and_publishes_through_the_workflow(self):
        self.client.force_login(self.reviewer)
        # Outside a review: the history, but not the editor.
        self.assertEqual(
            self.client.get(f"/admin/pages/{self.resource.pk}/history/").status_code, 200
        )
        self.assertIn(
            self.client.get(f"/admin/pages/{self.resource.pk}/edit/").status_code, (302, 403)
        )

        pending = resource_in(self.workshop, "送审的样本教案", owner=self.member, live=False)
        pending.get_workflow().start(pending, self.member)
        self.assertEqual(self.client.get(f"/admin/pages/{pending.pk}/edit/").status_code, 200)
        self.assertIn(self.client.get(admin_url(pending, "copy")).status_code, (302, 403))
        pending.current_workflow_task_state.approve(user=self.reviewer)
        pending.refresh_from_db()
        self.assertTrue(pending.live)
        self.assertEqual(self.client.get(pending.url).status_code, 200)

    def test_setup_roles_takes_back_record_editing_from_reviewers(self):
        group = self.reviewer.groups.get()
        change = Permission.objects.get(
            content_type__app_label="tracking", codename="change_outputrecord"
        )
        group.permissions.add(change)
        changes = RoleSetup().run()
        self.assertTrue(any("收回" in change for change in changes), changes)
        self.assertFalse(group.permissions.filter(pk=change.pk).exists())
        self.assertEqual(RoleSetup().run(), [])


@pytest.mark.both_databases
class WorkshopPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.workshop = WorkshopPage.objects.get(slug="wuli-mingshi")
        cls.member = user("m", [TEACHERS], person="杨海军")
        cls.lead = user("la", [TEACHERS], person="黄志强")
        RoleSetup().run()

    def test_members_cannot_edit_the_workshop_page(self):
        members = set(self.workshop.members.values_list("pk", flat=True))
        apprenticeships = self.workshop.apprenticeships.count()
        self.client.force_login(self.member)
        edit = f"/admin/pages/{self.workshop.pk}/edit/"
        self.assertIn(self.client.get(edit).status_code, (302, 403))
        response = self.client.post(
            edit,
            {
                "title": self.workshop.title,
                "slug": self.workshop.slug,
                "lead": self.member.pk,
                "members": [],
                "apprenticeships-TOTAL_FORMS": "0",
                "apprenticeships-INITIAL_FORMS": "0",
            },
        )
        self.assertIn(response.status_code, (302, 403))
        workshop = WorkshopPage.objects.get(pk=self.workshop.pk)
        self.assertEqual(workshop.lead.name, "黄志强")
        self.assertEqual(set(workshop.members.values_list("pk", flat=True)), members)
        self.assertEqual(workshop.apprenticeships.count(), apprenticeships)
        self.assertEqual(workshop.get_latest_revision().pk, self.workshop.latest_revision_id)
        # Their section stays theirs: they still add and edit pages under the workshop.
        add = f"/admin/pages/add/content/resourcepage/{self.workshop.pk}/"
        self.assertEqual(self.client.get(add).status_code, 200)
        own = resource_in(self.workshop, "成员自己的草稿", owner=self.member, live=False)
        self.assertEqual(self.client.get(f"/admin/pages/{own.pk}/edit/").status_code, 200)

    def test_the_lead_edits_the_workshop_page(self):
        self.client.force_login(self.lead)
        edit = f"/admin/pages/{self.workshop.pk}/edit/"
        response = self.client.get(edit)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "师徒结对")
        self.assertFalse(self.workshop.permissions_for_user(self.lead).can_publish())

        data = post_data(response.context["form"])
        data["members"] = []
        response = self.client.post(edit, data)
        self.assertIn(response.status_code, (200, 302))
        draft = WorkshopPage.objects.get(pk=self.workshop.pk).get_latest_revision_as_object()
        self.assertEqual(list(draft.members.all()), [])  # saved as a draft for review


@pytest.mark.both_databases
class ActivityWorkshopPrivacyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.workshop = WorkshopPage.objects.get(slug="wuli-mingshi")
        index = ActivityIndexPage.objects.get()
        activity = ActivityPage.objects.filter(workshop=cls.workshop).first()
        if activity is None or not activity.is_descendant_of(index):
            activity = ActivityPage(
                title="物理工作室的公开观摩课",
                slug="wuli-guanmo",
                activity_type=ActivityPage._meta.get_field("activity_type").choices[0][0],
                start="2026-10-10T09:00+08:00",
                end="2026-10-10T11:00+08:00",
                summary="面向全区的公开观摩课。",
                workshop=cls.workshop,
            )
            index.add_child(instance=activity)
            activity.save_revision().publish()
        cls.activity = activity
        cls.teacher = user("t", [TEACHERS])
        cls.office = user("o", [OFFICE])

    def shows_workshop(self):
        html = self.client.get(self.activity.url).content.decode()
        self.assertIn(self.activity.title, html)
        return self.workshop.title in html or f'href="{self.workshop.url}"' in html

    def test_a_private_workshop_is_neither_named_nor_linked(self):
        self.assertTrue(self.shows_workshop())
        restriction = PageViewRestriction.objects.create(
            page=self.workshop, restriction_type=PageViewRestriction.LOGIN
        )
        self.assertFalse(self.shows_workshop())  # anonymous
        self.client.force_login(self.teacher)
        self.assertTrue(self.shows_workshop())

        restriction.restriction_type = PageViewRestriction.GROUPS
        restriction.save()
        restriction.groups.set([self.office.groups.get()])
        self.assertFalse(self.shows_workshop())  # a teacher, not in the group
        self.client.force_login(self.office)
        self.assertTrue(self.shows_workshop())
        self.client.logout()
        self.assertFalse(self.shows_workshop())

    def test_an_unpublished_workshop_is_not_linked(self):
        self.workshop.unpublish()
        self.assertFalse(self.shows_workshop())


@pytest.mark.both_databases
class LoginRedirectTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        from wagtailmedia.models import get_media_model

        from tests.factories import make_recording

        load_demo()
        workshop = WorkshopPage.objects.get(slug="wuli-mingshi")
        cls.file = document("教师专用的登录样本", "登录后下载的样本")
        page = resource_in(workshop, "教师专用的登录样本页", documents=[cls.file])
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
        cls.video = get_media_model().objects.create(
            title="登录后观看的样本视频",
            file=ContentFile(b"\x00\x00\x00\x18ftypmp42", name="login.mp4"),
            type="video",
        )
        recording = make_recording("登录后观看的样本实录", teacher="马文静", video=cls.video)
        PageViewRestriction.objects.create(
            page=recording, restriction_type=PageViewRestriction.LOGIN
        )
        cls.page = page

    def assert_sent_to_a_login_page(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 302)
        login = self.client.get(response["Location"])
        self.assertEqual(login.status_code, 200, response["Location"])
        self.assertContains(login, 'name="password"')
        return response["Location"]

    def test_files_videos_and_pages_use_the_same_login(self):
        page_login = self.assert_sent_to_a_login_page(self.page.url).split("?")[0]
        file_login = self.assert_sent_to_a_login_page(self.file.url)
        video_login = self.assert_sent_to_a_login_page(
            f"/media-files/{self.video.pk}/{self.video.filename}"
        )
        self.assertTrue(file_login.startswith(page_login + "?next="), file_login)
        self.assertTrue(video_login.startswith(page_login + "?next="), video_login)
