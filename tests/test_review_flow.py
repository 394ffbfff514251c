"""The reviewer's work first: the pages awaiting them top the dashboard, a decision is
confirmed, and a request for changes reaches the member in the editor and by e-mail."""

from django.core import mail
from django.test import TestCase
from django.urls import reverse

import pytest

from content.groups import REVIEWERS, TEACHERS
from content.models import WorkshopPage
from portal.setup.roles import RoleSetup
from tests.session_demo import load_demo
from tests.test_roles_privacy import resource_in, user


@pytest.mark.both_databases
class ReviewFlowTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.workshop = WorkshopPage.objects.get(slug="wuli-mingshi")
        cls.member = user("m", [TEACHERS], person="杨海军", first_name="杨海军")
        cls.reviewer = user("rx", [REVIEWERS.format("罗山中学")], first_name="王老师")
        RoleSetup().run()

    def submit(self, title):
        page = resource_in(self.workshop, title, owner=self.member, live=False)
        page.get_workflow().start(page, self.member)
        return page

    def act(self, page, action, **data):
        """As the dashboard's buttons post it: a plain form with the page to return to."""
        url = reverse(
            "wagtailadmin_pages:workflow_action",
            args=(page.pk, action, page.current_workflow_task_state.pk),
        )
        return self.client.post(url, {"next": "/admin/", **data}, follow=True)

    def test_the_reviewer_sees_the_task_first_and_approving_is_confirmed(self):
        page = self.submit("楞次定律 探究课")
        self.client.force_login(self.reviewer)
        dashboard = self.client.get("/admin/").content.decode()
        awaiting, tracking = (
            dashboard.find('id="awaiting-review-section"'),
            dashboard.find('id="tracking-section"'),
        )
        assert 0 < awaiting < tracking, "等待你的审查 comes before 帮扶跟踪"
        assert "楞次定律 探究课" in dashboard[awaiting:tracking]

        response = self.act(page, "approve")
        assert response.redirect_chain[-1][0] == "/admin/"
        assert "已通过审核：《楞次定律 探究课》已发布。" in response.content.decode()
        page.refresh_from_db()
        assert page.live

    def test_a_change_request_reaches_the_member_in_the_editor_and_by_email(self):
        page = self.submit("动量守恒 教学设计")
        self.client.force_login(self.reviewer)
        mail.outbox.clear()
        response = self.act(page, "reject", comment="请补充实验数据和误差分析。")
        assert "已退回《动量守恒 教学设计》要求修改" in response.content.decode()

        (email,) = [m for m in mail.outbox if self.member.email in m.to]
        assert "需要修改" in email.subject and "被拒绝" not in email.subject
        body = email.body + "".join(alt for alt, _ in email.alternatives)
        assert "请补充实验数据和误差分析。" in body and "王老师" in body
        assert "被拒绝" not in body and "rejected" not in body

        self.client.force_login(self.member)
        editor = self.client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,)))
        html = editor.content.decode()
        assert "王老师 要求修改" in html and "请补充实验数据和误差分析。" in html

        # Submitted again, the request is answered: the editor no longer shows it.
        page.current_workflow_state.resume(user=self.member)
        html = self.client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,))).content
        assert "请补充实验数据和误差分析。" not in html.decode()
