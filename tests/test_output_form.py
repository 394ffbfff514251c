"""The lead's 成果 form: their own workshop only, the target chosen by code and wording, an
evidence document from (or uploaded to) the workshop's 文件夹."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from wagtail.models import Collection, ReferenceIndex

import pytest

from content.groups import REVIEWERS
from content.models import PortalDocument, WorkshopPage
from content.privacy import workshop_collection_name
from portal.setup.roles import RoleSetup
from tests.session_demo import load_demo
from tests.test_extraction import docx_bytes
from tests.test_roles_privacy import user
from tracking.models import OutputRecord, Target

ADMIN = "/admin/tracking/outputrecord/"


@pytest.mark.both_databases
class LeadFilesAnOutputTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.own = WorkshopPage.objects.get(slug="wuli-mingshi")  # 罗山中学
        cls.other = WorkshopPage.objects.get(slug="qiye-deyu")  # 职业技术学校
        cls.lead = user("la", person="黄志强")
        cls.reviewer = user("rx", [REVIEWERS.format("罗山中学")])
        RoleSetup().run()
        cls.folder = Collection.objects.get(name=workshop_collection_name(cls.own))

    def setUp(self):
        self.client.force_login(self.lead)

    def upload_evidence(self):
        """Through the 佐证材料 chooser's upload tab, as the admin's modal posts it."""
        response = self.client.post(
            reverse("wagtaildocs_chooser:create"),
            {
                "document-chooser-upload-title": "市级精品课公布文件",
                "document-chooser-upload-file": SimpleUploadedFile(
                    "gongbu.docx", docx_bytes("市教育局关于公布市级精品课的通知")
                ),
                "document-chooser-upload-collection": self.folder.pk,
            },
        )
        assert response.status_code == 200
        assert response.json()["step"] == "chosen", response.json()
        return PortalDocument.objects.get(title="市级精品课公布文件")

    def test_a_lead_files_with_an_uploaded_evidence_document_for_their_own_workshop(self):
        form_page = self.client.get(f"{ADMIN}create/")
        html = form_page.content.decode()
        form = form_page.context["form"]
        # One workshop: no list to choose from, their own named and preselected.
        assert form["workshop"].value() == self.own.pk
        assert 'name="workshop"' in html and "<select" not in str(form["workshop"])
        assert self.own.title in str(form["workshop"])
        # Targets told apart by code and wording, grouped by year and school; none of
        # another school's.
        labels = {
            label: value
            for group, options in form.fields["target"].choices[1:]
            for value, label in options
        }
        wanted = "2023-04 罗山中学打造市级精品课8节 · ≥ 8 节"
        assert wanted in labels
        assert "2023-05 罗山中学打造区级精品课2节 · ≥ 2 节" in labels
        assert not any("职业技术学校" in label for label in labels)
        groups = [group for group, _ in form.fields["target"].choices[1:]]
        assert "2023年 · 罗山中学" in groups and "2023年 · 全区" in groups

        # The chooser lists the workshop's files, and one is uploaded there.
        document = self.upload_evidence()
        assert document.collection == self.folder
        listed = self.client.get(reverse("wagtaildocs_chooser:choose"))
        assert "市级精品课公布文件" in listed.json()["html"]

        response = self.client.post(
            f"{ADMIN}create/",
            {
                "category": "quality_lesson",
                "title": "市级精品课：楞次定律",
                "date": "2024-05-16",
                "quantity": 1,
                "school": self.own.school_id,
                "workshop": self.own.pk,
                "target": labels[wanted],
                "evidence_document": document.pk,
            },
        )
        assert response.status_code == 302, response.context["form"].errors
        record = OutputRecord.objects.get(title="市级精品课：楞次定律")
        assert (record.workshop, record.school) == (self.own, self.own.school)
        assert record.target == Target.objects.get(code="2023-04")
        assert record.evidence_document == document

        # The record's use of the file is in Wagtail's reference index (its usage page
        # names the record); no page uses it, so its 文件夹 keeps deciding who reads it.
        assert ReferenceIndex.get_references_to(document).filter(object_id=str(record.pk)).exists()
        self.client.force_login(self.reviewer)
        review = self.client.get(f"{ADMIN}review/{record.pk}/").content.decode()
        assert document.url in review
        self.client.logout()
        private = bool(self.folder.get_view_restrictions())
        assert (self.client.get(document.url).status_code == 200) is not private

    def test_a_forged_workshop_is_refused_in_chinese(self):
        response = self.client.post(
            f"{ADMIN}create/",
            {
                "category": "quality_lesson",
                "title": "别人的工作室",
                "date": "2024-05-16",
                "quantity": 1,
                "school": self.own.school_id,
                "workshop": self.other.pk,
                "target": Target.objects.get(code="2023-06").pk,  # 职业技术学校's
                "description": "说明",
            },
        )
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert errors["workshop"] == [f"只能为你主持的工作室填报成果（{self.own.title}）。"]
        assert errors["target"] == ["请从列表中选择对应目标。"]
        html = response.content.decode()
        assert "只能为你主持的工作室填报成果" in html
        assert f'name="workshop" value="{self.own.pk}"' in html  # offered again, as the one choice
        assert not OutputRecord.objects.filter(title="别人的工作室").exists()
