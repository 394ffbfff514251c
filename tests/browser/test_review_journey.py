"""The reviewer's morning in a real browser: the pages awaiting them top the dashboard, they
return one with a comment and approve another, each confirmed; the member then finds the
comment in the page's editor; the lead's 成果 form asks only what it must. Screenshots of each
screen at 1280 and 390 px are kept in test-artifacts/browser/."""

import re

from django.contrib.auth import get_user_model

import pytest

from content.models import WorkshopPage
from tests.browser.conftest import DESKTOP
from tests.browser.test_journeys import admin_login
from tests.session_demo import load_demo
from tests.test_roles_privacy import resource_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TO_APPROVE = "楞次定律 探究课 教学设计"
TO_RETURN = "动量守恒 实验设计"
COMMENT = "请补充实验数据和误差分析。"


def submitted(workshop, member, title):
    page = resource_in(workshop, title, owner=member, live=False)
    page.get_workflow().start(page, member)
    return page


def shots(journey, name):
    journey.step_name = name
    journey.screenshots("admin-flows")
    journey.page.set_viewport_size(DESKTOP)


def test_reviewer_decides_first_and_the_member_reads_the_request(journey):
    load_demo(demo_accounts=True)
    workshop = WorkshopPage.objects.get(slug="wuli-mingshi")
    member = get_user_model().objects.get(username="member")
    submitted(workshop, member, TO_APPROVE)
    returned = submitted(workshop, member, TO_RETURN)
    page = journey.page

    with journey.step("reviewer sees the pages awaiting them first"):
        journey.goto("/admin/login/")
        admin_login(page, "reviewer")
        page.wait_for_url("**/admin/")
        awaiting = page.locator("#awaiting-review-section")
        tracking = page.locator("#tracking-section")
        assert awaiting.bounding_box()["y"] < tracking.bounding_box()["y"]
        assert awaiting.bounding_box()["y"] < DESKTOP["height"]  # on the first screen
        awaiting.get_by_role("row", name=TO_RETURN).wait_for()
    shots(journey, "dashboard-reviewer")

    with journey.step("reviewer requests changes with a comment"):
        row = page.get_by_role("row", name=TO_RETURN)
        row.get_by_role("button", name="操作").click()
        row.get_by_role("button", name="请求修改").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_label(re.compile("评论")).fill(COMMENT)
        dialog.get_by_role("button", name="请求修改").click()
        page.get_by_text(f"已退回《{TO_RETURN}》要求修改").wait_for()

    with journey.step("reviewer approves and sees it confirmed"):
        row = page.get_by_role("row", name=TO_APPROVE)
        row.get_by_role("button", name="操作").click()
        row.get_by_role("button", name="批准", exact=True).click()
        page.get_by_text(f"已通过审核：《{TO_APPROVE}》已发布。").wait_for()
        assert page.get_by_role("row", name=TO_APPROVE).count() == 0
    shots(journey, "dashboard-reviewer-approved")

    journey.context.clear_cookies()
    with journey.step("member finds the comment in the editor"):
        journey.goto("/admin/login/")
        admin_login(page, "member")
        page.wait_for_url("**/admin/")
        journey.goto(f"/admin/pages/{returned.pk}/edit/")
        message = page.get_by_text(re.compile("审核员 要求修改"))
        message.wait_for()
        assert COMMENT in message.inner_text()
    shots(journey, "editor-changes-requested")

    journey.context.clear_cookies()
    with journey.step("lead opens the 成果 form"):
        journey.goto("/admin/login/")
        admin_login(page, "lead")
        page.wait_for_url("**/admin/")
        journey.goto("/admin/tracking/outputrecord/create/")
        page.get_by_text(workshop.title, exact=True).wait_for()
        target = page.get_by_role("combobox", name="对应目标")
        target.select_option(label="2023-04 罗山中学打造市级精品课8节 · ≥ 8 节")
        page.get_by_text("佐证材料").scroll_into_view_if_needed()
    shots(journey, "output-form-lead")

    journey.step_name = "console errors"
    journey.assert_no_console_errors()
