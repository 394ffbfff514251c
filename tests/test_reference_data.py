"""Reference data as editors manage it in the admin (基础数据)."""

import json
import re

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse

from content.models import Grade, Person, School, Stage, Subject
from tests.session_demo import load_demo

REFERENCE_MENU = [
    "人员",
    "学校",
    "责任单位",
    "学段",
    "学科/专业",
    "年级",
    "教材版本",
    "资源类型",
    "级别",
]

VIEWSETS = {
    School: "红寺堡区罗山中学",
    Subject: "葡萄酒酿造与营销",
    Grade: "中职一年级",
    Person: "林建华",
}


def sidebar_menu(html):
    props = re.search(r'<script id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S)
    return json.loads(props.group(1))


def submenu_labels(node, label):
    """The labels inside the sidebar submenu called label (the sidebar's JSON props)."""
    if isinstance(node, dict):
        args = node.get("_args")
        is_item = isinstance(args, list) and len(args) > 1 and isinstance(args[0], dict)
        if is_item and args[0].get("label") == label:
            return [item["_args"][0]["label"] for item in args[1]]
        node = list(node.values())
    if isinstance(node, list):
        for child in node:
            if (found := submenu_labels(child, label)) is not None:
                return found
    return None


class ReferenceDataAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)
        cls.admin = get_user_model().objects.create_superuser("site-admin", "a@example.com", "pw")

    def setUp(self):
        self.client.force_login(self.admin)

    def test_listing_shows_demo_rows(self):
        for model, expected in VIEWSETS.items():
            with self.subTest(model=model.__name__):
                url = reverse(f"wagtailsnippets_content_{model._meta.model_name}:list")
                response = self.client.get(url)
                assert response.status_code == 200
                assert expected in response.content.decode()

    def test_admin_menu_groups_the_reference_data(self):
        menu = sidebar_menu(self.client.get(reverse("wagtailadmin_home")).content.decode())
        assert submenu_labels(menu, "基础数据") == REFERENCE_MENU

    def test_schools_export_as_csv(self):
        url = reverse("wagtailsnippets_content_school:list")
        response = self.client.get(url, {"export": "csv"})
        assert response.status_code == 200
        body = b"".join(response.streaming_content).decode("utf-8")
        header, luoshan = body.splitlines()[:2]
        assert header == "名称,简称,标识,类型,帮扶角色,地址"
        assert luoshan.startswith("红寺堡区罗山中学,罗山中学,luoshan,普通高中,受援学校,")

    def test_new_subject_gets_a_pinyin_slug(self):
        subject = Subject.objects.create(name="舞蹈")
        assert subject.slug == "wudao"
        again = Subject(name="舞蹈 ")
        again.name = "舞蹈（选修）"
        again.save()
        assert again.slug == "wudao-xuanxiu"

    def test_aid_member_without_sending_unit_is_refused_in_the_admin(self):
        url = reverse("wagtailsnippets_content_person:add")
        response = self.client.post(
            url,
            {
                "name": "测试人员",
                "kind": "aid_member",
                "school": School.objects.get(slug="luoshan").pk,
                "sending_unit": "",
                "position": "",
                "biography": "",
            },
        )
        assert response.status_code == 200
        assert "帮扶人才须填写派出单位" in response.content.decode()
        assert not Person.objects.filter(name="测试人员").exists()

    def test_people_are_published_with_history(self):
        url = reverse("wagtailsnippets_content_person:add")
        response = self.client.post(
            url,
            {
                "name": "新教师",
                "kind": "teacher",
                "school": School.objects.get(slug="zhijiao").pk,
                "subjects": [Subject.objects.get(slug="qixiu").pk],
                "sending_unit": "",
                "position": "实习指导教师",
                "biography": "",
            },
        )
        assert response.status_code == 302
        person = Person.objects.get(name="新教师")
        assert not person.live  # saved as a draft until someone publishes it
        assert person.latest_revision is not None
        assert list(person.latest_revision.as_object().subjects.values_list("name", flat=True)) == [
            "汽车运用与维修"
        ]

    def test_grades_belong_to_stages(self):
        assert list(Stage.objects.get(slug="gaozhong").grades.values_list("name", flat=True)) == [
            "高一",
            "高二",
            "高三",
        ]

    def test_person_preview_shows_the_profile(self):
        from django.test import RequestFactory

        person = Person.objects.get(name="林建华")
        request = RequestFactory().get("/")
        request.user = self.admin
        html = person.serve_preview(request, "").render().content.decode()
        assert "<h1>林建华</h1>" in html
        assert "派出单位：福州第一中学" in html
