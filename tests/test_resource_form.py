"""The resource and recording forms are quick and clear: short lists are radios and selects,
the workshop's people are checkboxes, a new page starts from the editor's workshop, school and
person; a draft saves without its classification and 简介 while submitting requires them
with Chinese messages; a 年级 outside the 学段 is refused; 提交审核 is a button in view."""

from django.contrib.auth import get_user_model
from django.test import TestCase

from wagtail.models import WorkflowState

import pytest

from content.action_menu import SubmitBesideSaveDraft
from content.models import (
    Grade,
    Person,
    RecordingPage,
    ResourcePage,
    ResourceType,
    School,
    Stage,
    Subject,
    WorkshopPage,
)
from tests.session_demo import load_demo

TITLE = "电磁感应单元复习学案"


def management(prefix, total=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0"}


# What an empty page form posts besides its fields: no attachments, comments or blocks.
EMPTY = {**management("documents"), **management("comments"), "body-count": "0"}


class ResourceFormCase(TestCase):
    """The member (杨海军) adding a resource to the physics workshop."""

    @classmethod
    def setUpTestData(cls):
        load_demo(demo_accounts=True)
        cls.workshop = WorkshopPage.objects.get(slug="wuli-mingshi")
        cls.member = get_user_model().objects.get(username="member")  # 杨海军
        cls.add = f"/admin/pages/add/content/resourcepage/{cls.workshop.pk}/"
        cls.high = Stage.objects.get(name="普通高中")
        cls.junior = Stage.objects.get(name="初中")

    def setUp(self):
        self.client.force_login(self.member)

    def post(self, action=None, **fields):
        data = {"title": TITLE, **EMPTY}
        data.update(fields)
        if action:
            data[action] = "1"
        return self.client.post(self.add, data)

    def complete(self, **fields):
        return {
            "summary": "电磁感应一章的知识梳理与典型例题。",
            "resource_type": ResourceType.objects.get(name="学案").pk,
            "stage": self.high.pk,
            "subject": Subject.objects.get(name="物理").pk,
            **fields,
        }


class ResourceFormTests(ResourceFormCase):
    def test_the_add_form_lists_short_lists_and_starts_from_the_workshop(self):
        response = self.client.get(self.add)
        html = response.content.decode()
        form = response.context["form"]
        # 资源类型, 学段 and 学校 are radios, 学科 a select, no chooser modal for any of them.
        self.assertEqual(html.count('type="radio" name="stage"'), Stage.objects.count())
        self.assertEqual(html.count('type="radio" name="school"'), School.objects.count() + 1)
        self.assertIn('type="radio" name="resource_type"', html)
        self.assertIn('<select name="subject"', html)
        self.assertNotIn("选择 学段", html)
        self.assertNotIn("选择 学科/专业", html)
        # Each grade names its 学段, for the script that filters them; the script is served.
        high_grade = Grade.objects.filter(stage=self.high).first()
        self.assertIn(f'value="{high_grade.pk}" data-stage="{self.high.pk}"', str(form["grade"]))
        self.assertIn("content/resource-form.js", html)
        # 作者: checkboxes of the workshop's lead and members, the editor ticked.
        self.assertEqual(
            {label for _, label in form.fields["authors"].choices}, {"黄志强", "杨海军"}
        )
        self.assertIn('type="checkbox" name="authors"', html)
        me = Person.objects.get(user=self.member)
        self.assertEqual(form.initial["authors"], [me.pk])
        self.assertEqual(form.initial["school"], self.workshop.school_id)
        self.assertEqual(form.initial["subject"], Subject.objects.get(name="物理").pk)
        # One summary: 简介; 摘要 and 元描述 are not offered on a new page.
        self.assertIn("summary", form.fields)
        self.assertNotIn("listing_summary", form.fields)
        self.assertNotIn("search_description", form.fields)
        self.assertIn("页面地址", html)
        self.assertNotIn("缩略名", html)
        # 提交审核 is a button of its own, not inside 保存草稿's menu.
        menu = response.context["action_menu"]
        self.assertIsInstance(menu.default_item, SubmitBesideSaveDraft)
        self.assertFalse(any(item.name == "action-submit" for item in menu.menu_items))
        self.assertIn('name="action-submit"', html)

    def test_submitting_requires_classification_and_summary_in_chinese(self):
        response = self.post("action-submit")
        self.assertEqual(response.status_code, 200)
        errors = response.context["form"].errors
        self.assertEqual(errors["resource_type"], ["提交审核或发布前请选择资源类型。"])
        self.assertEqual(errors["stage"], ["提交审核或发布前请选择学段。"])
        self.assertEqual(errors["subject"], ["提交审核或发布前请选择学科/专业。"])
        self.assertIn("提交审核或发布前请填写简介", errors["summary"][0])
        self.assertFalse(ResourcePage.objects.filter(title=TITLE).exists())
        # Nothing typed is lost.
        self.assertContains(response, TITLE)

    def test_a_grade_outside_the_stage_is_refused(self):
        junior_grade = Grade.objects.filter(stage=self.junior).first()
        response = self.post("action-submit", **self.complete(grade=junior_grade.pk))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors["grade"],
            [f"年级“{junior_grade.name}”不属于学段“普通高中”，请重新选择年级或学段。"],
        )
        self.assertFalse(ResourcePage.objects.filter(title=TITLE).exists())

    def test_filled_overrides_of_the_summary_stay_editable(self):
        page = ResourcePage.objects.first()
        ResourcePage.objects.filter(pk=page.pk).update(search_description="给搜索引擎的描述")
        self.client.force_login(get_user_model().objects.get(username="admin"))
        response = self.client.get(f"/admin/pages/{page.pk}/edit/")
        form = response.context["form"]
        self.assertIn("search_description", form.fields)
        self.assertNotIn("listing_summary", form.fields)


@pytest.mark.both_databases
class ResourceDraftTests(ResourceFormCase):
    """What reaches the database: a draft with empty classification columns, and the
    submitted page in its workflow."""

    def test_a_draft_saves_without_classification_or_summary(self):
        response = self.post()
        self.assertEqual(response.status_code, 302)
        draft = ResourcePage.objects.get(title=TITLE)
        self.assertFalse(draft.live)
        self.assertIsNone(draft.stage_id)
        self.assertEqual(draft.summary, "")

    def test_a_complete_resource_is_submitted_into_the_workflow(self):
        me = Person.objects.get(user=self.member)
        grade = Grade.objects.filter(stage=self.high).first()
        response = self.post("action-submit", **self.complete(grade=grade.pk, authors=[me.pk]))
        self.assertEqual(response.status_code, 302)
        page = ResourcePage.objects.get(title=TITLE)
        self.assertFalse(page.live)
        self.assertTrue(page.workflow_in_progress)
        self.assertEqual(page.current_workflow_state.status, WorkflowState.STATUS_IN_PROGRESS)
        revision = page.get_latest_revision_as_object()
        self.assertEqual(revision.grade, grade)
        self.assertEqual(list(revision.authors.all()), [me])


@pytest.mark.both_databases
class RecordingFormTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo(demo_accounts=True)
        cls.workshop = WorkshopPage.objects.get(slug="wuli-mingshi")
        cls.member = get_user_model().objects.get(username="member")
        cls.add = f"/admin/pages/add/content/recordingpage/{cls.workshop.pk}/"

    def test_the_recording_form_shares_the_treatment(self):
        self.client.force_login(self.member)
        response = self.client.get(self.add)
        html = response.content.decode()
        form = response.context["form"]
        self.assertIn('type="radio" name="kind"', html)
        self.assertIn('type="radio" name="school"', html)
        self.assertEqual(
            {label for value, label in form.fields["teacher"].choices if value},
            {"黄志强", "杨海军"},
        )
        self.assertEqual(form.initial["teacher"], Person.objects.get(user=self.member).pk)
        self.assertNotIn("listing_summary", form.fields)

        data = {
            "title": "楞次定律示范课",
            "lesson_date": "2026-11-20",
            **EMPTY,
        }
        self.assertEqual(self.client.post(self.add, data).status_code, 302)
        self.assertIsNone(RecordingPage.objects.get(title="楞次定律示范课").teacher_id)

        data["title"] = "楞次定律公开课"
        response = self.client.post(self.add, {**data, "action-submit": "1"})
        errors = response.context["form"].errors
        self.assertEqual(errors["teacher"], ["提交审核或发布前请选择授课教师。"])
        self.assertEqual(errors["school"], ["提交审核或发布前请选择学校。"])
