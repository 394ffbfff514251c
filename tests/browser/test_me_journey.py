"""我的 in a real browser: a teacher saves a resource and follows the physics workshop from
their pages (the buttons turn over without a reload), finds the resource on /me/, and after a
member's new resource there passes review, finds it on /me/ as new."""

import re

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

import pytest

from content.models import ResourcePage, WorkshopPage
from tests.browser.test_journeys import password
from tests.browser.test_review_journey import submitted
from tests.session_demo import load_demo

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NEW = "电磁感应 分层作业设计"


def approve(page, username):
    """As the reviewer's dashboard button posts it (content.review.ReviewActionView)."""
    reviewer = Client()
    reviewer.force_login(get_user_model().objects.get(username=username))
    page.refresh_from_db()
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=(page.pk, "approve", page.current_workflow_task_state.pk),
    )
    response = reviewer.post(url, {"next": "/admin/"}, follow=True)
    assert f"已通过审核：《{NEW}》已发布。" in response.content.decode()


def test_teacher_saves_follows_and_sees_what_is_new(journey):
    load_demo(demo_accounts=True)
    workshop = WorkshopPage.objects.get(slug="wuli-mingshi")
    resource = ResourcePage.objects.live().public().filter(subject__slug="wuli").first()
    page = journey.page

    with journey.step("an anonymous visitor is offered to log in to save"):
        journey.goto(resource.url)
        page.get_by_role("link", name="登录后收藏").click()
        page.get_by_label("用户名").fill("teacher")
        page.get_by_label("密码").fill(password("teacher"))
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"**{resource.url}")

    with journey.step("teacher saves the resource without leaving the page"):
        page.evaluate("window.sameDocument = true")
        page.get_by_role("button", name="收藏", exact=True).click()
        page.get_by_role("button", name="已收藏 · 取消").wait_for()
        assert page.evaluate("window.sameDocument === true"), "the page was not reloaded"

    with journey.step("teacher follows the physics workshop from its page"):
        journey.goto(workshop.url)
        page.evaluate("window.sameDocument = true")
        page.get_by_role("button", name=f"关注 {workshop.title}").click()
        page.get_by_role("button", name=f"已关注 {workshop.title} · 取消").wait_for()
        assert page.evaluate("window.sameDocument === true"), "the page was not reloaded"

    with journey.step("我的 lists the saved resource"):
        page.get_by_role("navigation", name="账户").get_by_role("link", name="我的").click()
        page.get_by_role("heading", level=1, name="我的").wait_for()
        saved = page.get_by_role("region", name="我的收藏")
        saved.get_by_role("link", name=resource.title).wait_for()
        follows = page.get_by_role("region", name="我的关注")
        follows.get_by_role("link", name=workshop.title).wait_for()

    with journey.step("member submits a new resource there and the reviewer approves it"):
        member = get_user_model().objects.get(username="member")
        new = submitted(workshop, member, NEW)
        approve(new, "reviewer")

    with journey.step("teacher's 我的 shows it as new"):
        page.reload()
        fresh = page.get_by_role("region", name="关注的新内容")
        fresh.get_by_role("link", name=NEW).wait_for()
        fresh.get_by_role("link", name=NEW).click()
        page.get_by_role("heading", level=1, name=NEW).wait_for()
        assert re.search(r"/workshops/wuli-mingshi/", page.url)

    journey.step_name = "console errors"
    journey.assert_no_console_errors()
