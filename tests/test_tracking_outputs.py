"""The life of an output record: a lead files it for their workshop, a reviewer verifies or
returns it, and only a verified record moves a target."""

from unittest import mock

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.test import TestCase

import pytest

from content.groups import LEADS, OFFICE, REVIEWERS
from content.models import Person, WorkshopPage
from portal.setup.roles import RoleSetup
from tests.factories import make_user
from tests.session_demo import load_demo
from tests.test_roles_privacy import user
from tracking.models import OutputRecord, OutputStatus, Target
from tracking.models.outputs import OutputRecordForm
from tracking.progress import target_progress

ADMIN = "/admin/tracking/outputrecord/"


def progress_of(code):
    return target_progress(Target.objects.filter(code=code))[0]


class OutputRecordLifeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.lead = make_user(
            "huang",
            "tracking.add_outputrecord",
            "tracking.change_outputrecord",
            "tracking.view_outputrecord",
            person="黄志强",  # leads 黄志强物理名师工作室
        )
        cls.reviewer = make_user(
            "reviewer",
            "tracking.view_outputrecord",
            "tracking.change_outputrecord",
            "tracking.verify_outputrecord",
        )
        cls.own = WorkshopPage.objects.get(slug="wuli-mingshi")
        cls.other = WorkshopPage.objects.get(slug="mingxiaozhang")

    def submit(self, workshop, title="市级精品课：楞次定律"):
        self.client.force_login(self.lead)
        return self.client.post(
            f"{ADMIN}create/",
            {
                "category": "quality_lesson",
                "level": _level("shi"),
                "title": title,
                "date": "2024-05-16",
                "quantity": 1,
                "school": self.own.school.pk,
                "workshop": workshop.pk,
                "description": "市教育局公布的精品课名单第3项。",
            },
        )

    def review(self, record, **data):
        self.client.force_login(self.reviewer)
        return self.client.post(f"{ADMIN}review/{record.pk}/", data)

    def test_lead_submits_reviewer_verifies_target_moves_by_one(self):
        before = progress_of("2023-04")  # 罗山中学打造市级精品课8节
        assert before.current == 4

        response = self.submit(self.own)
        assert response.status_code == 302, response.content.decode()[:2000]
        record = OutputRecord.objects.get(title="市级精品课：楞次定律")
        assert record.status == OutputStatus.SUBMITTED
        assert record.submitted_by == self.lead
        assert progress_of("2023-04").current == 4  # waiting for review counts for nothing

        self.client.force_login(self.reviewer)
        page = self.client.get(f"{ADMIN}review/{record.pk}/")
        assert "市教育局公布的精品课名单第3项。" in page.content.decode()
        assert self.review(record, verify="1").status_code == 302

        record.refresh_from_db()
        assert record.status == OutputStatus.VERIFIED
        assert record.reviewed_by == self.reviewer and record.reviewed_at
        assert progress_of("2023-04").current == 5
        assert "5节" in self.client.get("/results/").content.decode()

    def test_a_returned_record_does_not_count(self):
        self.submit(self.own, title="市级精品课：电磁感应")
        record = OutputRecord.objects.get(title="市级精品课：电磁感应")

        response = self.review(record, reason="  ")  # returning needs a reason
        assert "退回须写明理由" in response.content.decode()
        record.refresh_from_db()
        assert record.status == OutputStatus.SUBMITTED

        self.review(record, reason="缺少市教育局的公布文件。")
        record.refresh_from_db()
        assert record.status == OutputStatus.RETURNED
        assert record.return_reason == "缺少市教育局的公布文件。"
        assert progress_of("2023-04").current == 4

        # The lead sees why, corrects it and submits again: back in the queue.
        self.client.force_login(self.lead)
        assert (
            "缺少市教育局的公布文件。"
            in self.client.get(f"{ADMIN}inspect/{record.pk}/").content.decode()
        )
        response = self.client.post(
            f"{ADMIN}edit/{record.pk}/",
            {
                "category": "quality_lesson",
                "level": _level("shi"),
                "title": record.title,
                "date": "2024-05-16",
                "quantity": 1,
                "school": self.own.school.pk,
                "workshop": self.own.pk,
                "description": "已补充市教育局公布文件。",
            },
        )
        assert response.status_code == 302
        record.refresh_from_db()
        assert record.status == OutputStatus.SUBMITTED and record.return_reason == ""

    def test_an_edit_that_fails_halfway_changes_nothing(self):
        self.submit(self.own, title="半途失败的修改")
        record = OutputRecord.objects.get(title="半途失败的修改")
        self.client.force_login(self.reviewer)
        self.review(record, verify="1")
        record.refresh_from_db()
        people = Person.objects.filter(name="黄志强")
        data = {
            "category": "quality_lesson",
            "level": _level("shi"),
            "title": "改过的标题",
            "date": "2024-05-17",
            "quantity": 2,
            "school": self.own.school.pk,
            "workshop": self.own.pk,
            "people": [p.pk for p in people],
            "description": "改过的说明",
        }
        # The record row is written, then saving its people fails.
        failing = mock.patch.object(
            OutputRecordForm, "_save_m2m", side_effect=DatabaseError("连接中断")
        )
        with failing, pytest.raises(DatabaseError):
            self.client.post(f"{ADMIN}edit/{record.pk}/", data)
        kept = OutputRecord.objects.get(pk=record.pk)
        assert (kept.title, kept.quantity, kept.status) == ("半途失败的修改", 1, "verified")
        assert kept.reviewed_by == self.reviewer and not kept.people.exists()

    def test_a_lead_cannot_file_for_another_workshop(self):
        response = self.submit(self.other, title="别人的工作室的成果")
        assert response.status_code == 200
        assert "workshop" in response.context["form"].errors
        assert not OutputRecord.objects.filter(title="别人的工作室的成果").exists()

        # The workshop list offers only their own; the index lists only their records.
        form = self.client.get(f"{ADMIN}create/").context["form"]
        assert list(form.fields["workshop"].queryset) == [self.own]
        listed = self.client.get(ADMIN).context["object_list"]
        assert {r.workshop_id for r in listed} == {self.own.pk}

        theirs = OutputRecord.objects.filter(workshop=self.other).first()
        assert self.client.get(f"{ADMIN}edit/{theirs.pk}/").status_code in (302, 403)
        assert self.client.get(f"{ADMIN}inspect/{theirs.pk}/").status_code in (302, 403)

    def test_a_lead_cannot_verify_or_change_a_verified_record(self):
        self.submit(self.own, title="自己核实不行")
        record = OutputRecord.objects.get(title="自己核实不行")
        response = self.client.post(f"{ADMIN}review/{record.pk}/", {"verify": "1"})
        assert response.status_code in (302, 403)
        record.refresh_from_db()
        assert record.status == OutputStatus.SUBMITTED

        verified = OutputRecord.objects.get(title="市级精品课：牛顿第二定律")
        assert verified.workshop == self.own
        assert self.client.get(f"{ADMIN}edit/{verified.pk}/").status_code in (302, 403)

    def test_reviewer_sees_every_record_and_the_review_button(self):
        self.client.force_login(self.reviewer)
        response = self.client.get(ADMIN, {"status": "submitted"})
        listed = list(response.context["object_list"])
        assert len(listed) == OutputRecord.objects.filter(status="submitted").count() == 3
        assert ">审核</a>" in response.content.decode()


def _level(slug):
    from content.models import Level

    return Level.objects.get(slug=slug).pk


class SeparateDutiesTests(TestCase):
    """Nobody verifies their own work; a reviewer only verifies; a verified record is changed
    only by the office, logged and back to 待审核; a record's school is its workshop's."""

    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.own = WorkshopPage.objects.get(slug="wuli-mingshi")  # 罗山中学
        cls.vocational = WorkshopPage.objects.get(slug="qiye-deyu")  # 职业技术学校
        cls.lead = user("la", person="黄志强")
        cls.reviewer = user("rx", [REVIEWERS.format("罗山中学")])
        cls.office = user("o", [OFFICE])
        cls.colleague = user("o2", [OFFICE])
        RoleSetup().run()
        assert cls.lead.groups.filter(name=LEADS.format(cls.own.title)).exists()
        cls.verified = OutputRecord.objects.get(title="市级精品课：牛顿第二定律")
        assert cls.verified.status == OutputStatus.VERIFIED and cls.verified.quantity == 1

    def data(self, record, **changes):
        return {
            "category": record.category,
            "level": record.level_id or "",
            "title": record.title,
            "date": record.date.isoformat(),
            "quantity": record.quantity,
            "school": record.school_id or "",
            "workshop": record.workshop_id or "",
            "people": [p.pk for p in record.people.all()],
            "description": record.description or "佐证说明",
            "evidence_page": record.evidence_page_id or "",
            **changes,
        }

    def test_a_reviewer_verifies_but_does_not_edit(self):
        self.client.force_login(self.reviewer)
        record = self.verified
        edit = f"{ADMIN}edit/{record.pk}/"
        assert self.client.get(edit).status_code in (302, 403)
        self.client.post(edit, self.data(record, quantity=50))
        self.client.post(edit, self.data(record, school=self.vocational.school_id))
        record.refresh_from_db()
        assert (record.quantity, record.school_id, record.status) == (
            1,
            self.own.school_id,
            OutputStatus.VERIFIED,
        )
        assert self.client.get(f"{ADMIN}create/").status_code in (302, 403)
        listing = self.client.get(ADMIN).content.decode()
        assert edit not in listing

    def test_the_office_changes_a_verified_record_logged_and_back_in_review(self):
        from wagtail.models import ModelLogEntry

        record = self.verified
        self.client.force_login(self.office)
        response = self.client.post(f"{ADMIN}edit/{record.pk}/", self.data(record, quantity=50))
        assert response.status_code == 302, response.content.decode()[:2000]
        record.refresh_from_db()
        assert record.quantity == 50
        assert record.status == OutputStatus.SUBMITTED and record.reviewed_by is None
        assert record.last_changed_by == self.office and record.last_changed_at
        entry = ModelLogEntry.objects.for_instance(record).get(action="tracking.reopen")
        assert entry.user_id == self.office.pk
        assert entry.data["changes"]["quantity"] == ["1", "50"]
        assert not record.counts
        report = self.client.get("/admin/reports/site-history/").content.decode()
        assert "重回待审核" in report or "修改已核实的成果" in report

        # The office cannot verify its own change; the school's reviewer can.
        response = self.client.post(f"{ADMIN}review/{record.pk}/", {"verify": "1"}, follow=True)
        assert "不能审核自己提交或修改的成果" in response.content.decode()
        record.refresh_from_db()
        assert record.status == OutputStatus.SUBMITTED
        self.client.force_login(self.reviewer)
        self.client.post(f"{ADMIN}review/{record.pk}/", {"verify": "1"})
        record.refresh_from_db()
        assert record.status == OutputStatus.VERIFIED and record.reviewed_by == self.reviewer
        assert ModelLogEntry.objects.for_instance(record).filter(action="tracking.verify").exists()

    def test_nobody_verifies_what_they_filed(self):
        self.client.force_login(self.office)
        response = self.client.post(
            f"{ADMIN}create/",
            self.data(self.verified, title="项目办录入的成果", quantity=1, people=[]),
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        record = OutputRecord.objects.get(title="项目办录入的成果")
        assert record.submitted_by == self.office
        listing = self.client.get(ADMIN, {"status": "submitted"}).content.decode()
        assert f"{ADMIN}review/{record.pk}/" not in listing
        self.client.post(f"{ADMIN}review/{record.pk}/", {"verify": "1"})
        record.refresh_from_db()
        assert record.status == OutputStatus.SUBMITTED
        self.client.force_login(self.colleague)
        self.client.post(f"{ADMIN}review/{record.pk}/", {"verify": "1"})
        record.refresh_from_db()
        assert record.status == OutputStatus.VERIFIED

    def test_a_records_school_is_its_workshops(self):
        self.client.force_login(self.lead)
        form = self.client.get(f"{ADMIN}create/").context["form"]
        assert list(form.fields["school"].queryset) == [self.own.school]
        response = self.client.post(
            f"{ADMIN}create/",
            self.data(
                self.verified,
                title="学校与工作室不符",
                school=self.vocational.school_id,
                people=[],
            ),
        )
        assert response.status_code == 200
        assert "school" in response.context["form"].errors
        assert not OutputRecord.objects.filter(title="学校与工作室不符").exists()

        # The office is offered every school, and told when it does not match.
        self.client.force_login(self.office)
        response = self.client.post(
            f"{ADMIN}create/",
            self.data(
                self.verified,
                title="学校与工作室不符",
                school=self.vocational.school_id,
                people=[],
            ),
        )
        assert response.status_code == 200
        assert "依托学校" in str(response.context["form"].errors["school"])
        record = OutputRecord(
            category="quality_lesson",
            title="直接保存也不行",
            date="2026-10-01",
            workshop=self.own,
            school=self.vocational.school,
            description="说明",
        )
        with pytest.raises(ValidationError):
            record.full_clean()
