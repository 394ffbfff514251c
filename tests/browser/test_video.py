"""A lesson video from upload to playing: a workshop member uploads a short MP4 without a
poster; once the jobs have run, its recording page offers a poster, the duration and two
renditions; Chromium plays it and seeks in it; byte ranges come back exact; and once the page
is private an anonymous visitor gets no byte of the video, its poster or its renditions."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from wagtail.models import PageViewRestriction

import pytest
from wagtailmedia.models import get_media_model

from content.models import VideoProcessing, VideoRendition, VideoStatus
from content.video_processing import available, generate_clip
from tests.browser.test_journeys import admin_login
from tests.factories import make_recording
from tests.session_demo import load_demo

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not available(), reason="ffmpeg is not installed"),
]


def run_jobs():
    """Run what the upload enqueued: at once on the immediate backend; a database backend's
    worker drains its queue here."""
    backend = settings.TASKS["default"]["BACKEND"]
    if not backend.endswith("ImmediateBackend"):
        call_command("db_worker", batch=True)


def test_an_uploaded_lesson_plays_seeks_and_stays_private(journey, tmp_path):
    load_demo(demo_accounts=True)
    page = journey.page
    clip = tmp_path / "楞次定律实验.mp4"
    assert generate_clip(str(clip), seconds=5, size="320x240")
    data = clip.read_bytes()

    with journey.step("member uploads a video without a poster"):
        journey.goto("/admin/login/?next=/admin/media/video/add/")
        admin_login(page, "member")
        page.wait_for_url("**/admin/media/video/add/")
        page.locator("#id_title").fill("楞次定律实验课录像")
        page.locator("#id_file").set_input_files(str(clip))
        page.locator("form[enctype] [type=submit]").last.click()
        page.wait_for_url("**/admin/media/")

    with journey.step("the jobs transcode it"):
        run_jobs()
        media = get_media_model().objects.get(title="楞次定律实验课录像")
        processing = VideoProcessing.objects.get(media=media)
        assert processing.status == VideoStatus.READY, processing.reason
        assert VideoRendition.objects.filter(media=media).count() == 2

    recording = make_recording("楞次定律实验课", subject="wuli", video=media)

    with journey.step("the recording page offers a poster, the duration and two renditions"):
        journey.goto(recording.url)
        video = page.locator("video[data-video]")
        assert video.get_attribute("poster") == f"/media-files/{media.pk}/renditions/poster.jpg"
        assert page.locator("[data-video-duration]").inner_text() == "0:05"
        sources = video.locator("source").evaluate_all("ss => ss.map(s => s.dataset.label)")
        assert sources[:2] == ["360p", "720p"]
        quality = page.get_by_role("group", name="清晰度")
        assert quality.get_by_role("button").count() == 2
        # A desktop window starts at 720p (the script); the markup's default is 360p.
        assert quality.get_by_role("button", name="高清 720p").get_attribute("aria-pressed") == (
            "true"
        )

    with journey.step("Chromium plays the video"):
        page.evaluate(
            "() => { const v = document.querySelector('video'); v.muted = true; return v.play(); }"
        )
        page.wait_for_function("() => document.querySelector('video').currentTime > 0.3")

    with journey.step("a later position is reached"):
        page.evaluate("() => { document.querySelector('video').currentTime = 3.5; }")
        page.wait_for_function(
            "() => { const v = document.querySelector('video');"
            " return !v.seeking && v.currentTime >= 3.5; }"
        )

    with journey.step("switching to 360p keeps the position"):
        page.evaluate("() => document.querySelector('video').pause()")
        before = page.evaluate("() => document.querySelector('video').currentTime")
        quality.get_by_role("button", name="流畅 360p").click()
        page.wait_for_function(
            "() => { const v = document.querySelector('video');"
            " return v.currentSrc.endsWith('/360p.mp4') && v.readyState >= 1 && !v.seeking; }"
        )
        after = page.evaluate("() => document.querySelector('video').currentTime")
        assert abs(after - before) < 0.5, (before, after)

    with journey.step("a Range request gets exactly those bytes"):
        response = page.request.get(
            f"{journey.base_url}/media-files/{media.pk}/{media.filename}",
            headers={"Range": "bytes=1000-1999"},
        )
        assert response.status == 206
        assert response.headers["content-range"] == f"bytes 1000-1999/{len(data)}"
        assert response.body() == data[1000:2000]

    with journey.step("once private, an anonymous visitor gets none of it"):
        PageViewRestriction.objects.create(
            page=recording, restriction_type=PageViewRestriction.LOGIN
        )
        anonymous = journey.context.browser.new_context()
        try:
            for path in (
                f"/media-files/{media.pk}/{media.filename}",
                f"/media-files/{media.pk}/renditions/720p.mp4",
                f"/media-files/{media.pk}/renditions/360p.mp4",
                f"/media-files/{media.pk}/renditions/poster.jpg",
            ):
                answer = anonymous.request.get(
                    journey.base_url + path, headers={"Range": "bytes=0-"}, max_redirects=0
                )
                assert answer.status in (302, 404), (path, answer.status)
                assert b"ftyp" not in answer.body() and b"JFIF" not in answer.body(), path
        finally:
            anonymous.close()
    assert Path(media.file.path).read_bytes() == data  # the original, kept as uploaded
    journey.assert_no_console_errors()
