"""课堂观察 in a real browser: `teacher` opens the physics 精品课 recording, plays and seeks
the demo's uploaded clip, adds two notes at different moments (the time field follows the
player), and a click on the first note's time seeks the video back there."""

import pytest

from content.models import ObservationNote, RecordingPage
from content.video_processing import available
from tests.browser.test_journeys import password
from tests.session_demo import load_demo

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not available(), reason="ffmpeg is not installed: no demo video"),
]

VIDEO = "document.querySelector('video[data-video]')"


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


def test_a_teacher_observes_the_physics_lesson(journey):
    load_demo(demo_accounts=True)
    recording = RecordingPage.objects.get(slug="jpk-niudun-dierdinglv")
    assert recording.video_id, "the demo's physics lesson has its uploaded clip"
    page = journey.page

    with journey.step("teacher logs in and opens the physics 精品课"):
        journey.goto(f"/_util/login/?next={recording.url}")
        page.get_by_label("用户名").fill("teacher")
        page.get_by_label("密码").fill(password("teacher"))
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"**{recording.url}")
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
    journey.assert_no_console_errors()
