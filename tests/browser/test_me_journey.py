"""A teacher's own work in a real browser (issue 16): `teacher` saves a resource and follows the
physics workshop from their pages (the buttons turn over without a reload), finds the resource
on /me/, and after a member's new resource there passes review, finds it on /me/ as new; then
opens the physics 精品课 recording, adds two observation notes at different moments of the
video (the time field follows the player), and a click on the first note seeks the video
back there."""

import re

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

import pytest

from content.models import ObservationNote, RecordingPage, ResourcePage, WorkshopPage
from content.video_processing import available
from tests.browser.test_journeys import password
from tests.browser.test_review_journey import submitted
from tests.session_demo import load_demo

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not available(), reason="ffmpeg is not installed: no demo video"),
]

NEW = "电磁感应 分层作业设计"
VIDEO = "document.querySelector('video[data-video]')"


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


def seek_and_pause(page, seconds):
    page.evaluate(f"() => {{ const v = {VIDEO}; v.pause(); v.currentTime = {seconds}; }}")
    page.wait_for_function(
        f"() => !{VIDEO}.seeking && Math.abs({VIDEO}.currentTime - {seconds}) < 0.3"
    )


def add_note(page, dimension, text, expected_time):
    form = page.locator("form[data-note-form]")
    form.get_by_label("观察记录").fill(text)
    # The script keeps the time field at the player's position until the teacher types in it.
    assert form.get_by_label("视频时间").input_value() == expected_time
    form.get_by_label("观察维度").select_option(label=dimension)
    form.get_by_role("button", name="添加记录").click()
    page.locator(".observations__note", has_text=text).wait_for()


def test_teacher_saves_follows_sees_what_is_new_and_observes_a_lesson(journey):
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

    recording = RecordingPage.objects.get(slug="jpk-niudun-dierdinglv")
    assert recording.video_id, "the demo's physics lesson has its uploaded clip"
    with journey.step("teacher opens the physics 精品课, where 课堂观察 is offered"):
        journey.goto(recording.url)
        assert page.get_by_role("heading", name="课堂观察").is_visible()

    with journey.step("the video plays"):
        page.evaluate(f"() => {{ const v = {VIDEO}; v.muted = true; return v.play(); }}")
        page.wait_for_function(f"() => {VIDEO}.currentTime > 0.3")

    with journey.step("a note at 00:01"):
        seek_and_pause(page, 1.5)
        add_note(
            page,
            "学生学习（准备、倾听、互动、自主、达成）",
            "用小车与打点计时器引入，学生很快进入实验",
            "00:01",
        )

    with journey.step("a note at 00:04, while the lesson goes on"):
        seek_and_pause(page, 4.2)
        add_note(
            page,
            "教师教学（环节、呈示、对话、指导、机智）",
            "教师追问加速度与合力的方向关系",
            "00:04",
        )
        notes = page.locator(".observations__note .observations__time")
        assert notes.all_inner_texts() == ["00:01", "00:04"]
        # Sent in the background: the video was not reloaded and is still where it was.
        assert abs(page.evaluate(f"() => {VIDEO}.currentTime") - 4.2) < 0.5

    with journey.step("clicking the first note seeks the video there"):
        notes.first.click()
        page.wait_for_function(f"() => !{VIDEO}.seeking")
        position = page.evaluate(f"() => {VIDEO}.currentTime")
        assert abs(position - 1.5) <= 1, position

    saved = ObservationNote.objects.filter(recording=recording).order_by("seconds")
    assert [(n.seconds, n.author.username) for n in saved] == [(1, "teacher"), (4, "teacher")]

    journey.step_name = "console errors"
    journey.assert_no_console_errors()
