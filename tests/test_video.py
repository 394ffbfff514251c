"""Uploaded lesson videos: transcoded by ffmpeg in the sandbox into 720p and 360p MP4s with a
poster and the duration, served with byte ranges behind the privacy check, and offered on the
recording page (which used to answer 500 for a video with a poster)."""

import io
import json
import subprocess
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.utils.http import http_date

from wagtail.images import get_image_model
from wagtail.models import Collection, PageViewRestriction

import pytest
from PIL import Image as PILImage
from wagtailmedia.models import get_media_model

from content.models import VideoProcessing, VideoRendition, VideoStatus
from content.video_processing import available, generate_clip, process
from tests.factories import make_recording
from tests.session_demo import load_demo
from tests.test_roles_privacy import user

Media = get_media_model()
Image = get_image_model()

pytestmark = pytest.mark.skipif(not available(), reason="ffmpeg is not installed")

_clips = {}


def clip_bytes(seconds=2):
    """A short 320x240 clip with sound, made once per test session."""
    if seconds not in _clips:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "clip.mp4"
            assert generate_clip(str(path), seconds=seconds)
            _clips[seconds] = path.read_bytes()
    return _clips[seconds]


def video(title, data=None, name="lesson.mp4"):
    return Media.objects.create(
        title=title, type="video", file=ContentFile(data or clip_bytes(), name=name)
    )


def poster_image(title):
    picture = io.BytesIO()
    PILImage.new("RGB", (160, 90), "navy").save(picture, "PNG")
    return Image.objects.create(title=title, file=ImageFile(picture, name="poster.png"))


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def ffprobe(path):
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", path],
        capture_output=True,
        check=True,
    ).stdout
    return {s["codec_type"]: s for s in json.loads(out)["streams"]}


def transcoding(callbacks):
    """The after-commit callbacks that queue a transcode (a change to a video also has the
    kept cards of pages showing it forgotten after commit: caching.cards)."""
    return [c for c in callbacks if c.__module__ == "content.video_tasks"]


@pytest.mark.both_databases
class VideoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # Images move in and out of media/private/ when the transaction commits.
        with cls.captureOnCommitCallbacks(execute=True):
            load_demo()
            cls.public_video = video("公开课视频")
            cls.private_video = video("校内课视频")
            cls.public = make_recording(
                "视频样本公开课", video=cls.public_video, poster=poster_image("公开课封面")
            )
            cls.private = make_recording(
                "视频样本校内课", video=cls.private_video, poster=poster_image("校内课封面")
            )
            PageViewRestriction.objects.create(
                page=cls.private, restriction_type=PageViewRestriction.LOGIN
            )
        # What the background job does, done here once for the whole class.
        for media in (cls.public_video, cls.private_video):
            process(media, force=True)
        cls.teacher = user("video-teacher")
        cls.editor = user("video-editor", is_superuser=True)

    def url(self, media, what="original"):
        if what == "original":
            return f"/media-files/{media.pk}/{media.filename}"
        if what == "poster":
            return f"/media-files/{media.pk}/renditions/poster.jpg"
        return f"/media-files/{media.pk}/renditions/{what}.mp4"

    # Transcoding ---------------------------------------------------------------------

    def test_every_upload_gets_two_h264_aac_renditions_a_poster_and_its_duration(self):
        processing = VideoProcessing.objects.get(media=self.public_video)
        self.assertEqual(processing.status, VideoStatus.READY)
        self.assertAlmostEqual(processing.duration, 2.0, delta=0.2)
        self.assertEqual((processing.width, processing.height), (320, 240))
        renditions = {r.label: r for r in VideoRendition.objects.filter(media=self.public_video)}
        self.assertEqual(set(renditions), {"720p", "360p"})
        for rendition in renditions.values():
            streams = ffprobe(rendition.file.path)
            self.assertEqual(streams["video"]["codec_name"], "h264")
            self.assertEqual(streams["audio"]["codec_name"], "aac")
            # Never enlarged: a 240-line original stays 240 lines.
            self.assertEqual(streams["video"]["height"], 240)
            head = Path(rendition.file.path).read_bytes()
            # faststart: the index comes before the picture data, so playing starts at once.
            self.assertLess(head.index(b"moov"), head.index(b"mdat"))
        self.assertLess(renditions["360p"].bitrate, renditions["720p"].bitrate)
        self.assertTrue(processing.poster.read(3).startswith(b"\xff\xd8\xff"))  # a JPEG
        # The original is kept as it was.
        self.assertEqual(self.public_video.file.open("rb").read(), clip_bytes())

    def test_a_corrupt_file_is_marked_with_its_reason_and_keeps_its_original(self):
        broken = video("损坏的视频", data=b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2000)
        page = make_recording("视频样本损坏", video=broken)
        processing = process(broken)
        self.assertEqual(processing.status, VideoStatus.FAILED)
        self.assertEqual(processing.get_status_display(), "无法转码")
        self.assertIn("损坏", processing.reason)
        self.assertFalse(VideoRendition.objects.filter(media=broken).exists())

        anonymous = self.client.get(page.url)
        self.assertContains(anonymous, self.url(broken))  # the original, for browsers that can
        self.assertNotContains(anonymous, "无法转码")
        self.client.force_login(self.editor)
        self.assertContains(self.client.get(page.url), "无法转码")
        # The video's own edit page in the admin says so too.
        edit = self.client.get(f"/admin/media/edit/{broken.pk}/")
        self.assertContains(edit, "转码状态：无法转码")
        self.assertContains(edit, processing.reason[:12])
        listing = self.client.get("/admin/video-processing/")
        self.assertContains(listing, "损坏的视频")
        self.assertContains(listing, processing.reason[:12])

    @override_settings(PORTAL_VIDEO_TIMEOUT_FLOOR=0.05, PORTAL_VIDEO_TIMEOUT_FACTOR=0)
    def test_a_transcoding_that_runs_too_long_is_stopped_and_marked(self):
        processing = process(video("转码太久的视频"))
        self.assertEqual(processing.status, VideoStatus.FAILED)
        self.assertIn("超时", processing.reason)

    def test_an_upload_is_transcoded_by_a_job_after_commit_and_only_when_its_file_changes(self):
        # A broken file fails at once: enough to see the job run, without a transcode.
        with self.captureOnCommitCallbacks(execute=True) as jobs:
            media = video("新上传的视频", data=b"not a video at all", name="new.mp4")
        self.assertEqual(len(transcoding(jobs)), 1)
        self.assertEqual(VideoProcessing.objects.get(media=media).status, VideoStatus.FAILED)
        with self.captureOnCommitCallbacks(execute=True) as jobs:
            media.title = "改了标题的视频"
            media.save()
        self.assertEqual(transcoding(jobs), [])
        with self.captureOnCommitCallbacks(execute=True) as jobs:
            media.file = ContentFile(b"still not a video", name="replaced.mp4")
            media.save()
        self.assertEqual(len(transcoding(jobs)), 1)
        self.assertEqual(VideoProcessing.objects.get(media=media).source, media.file.name)

    @override_settings(PORTAL_MEDIA_MAX_UPLOAD_SIZE=10_000)
    def test_an_upload_past_the_size_limit_is_refused_in_chinese(self):
        self.client.force_login(self.editor)
        response = self.client.post(
            "/admin/media/video/add/",
            {
                "title": "太大的视频",
                "collection": Collection.get_first_root_node().pk,
                "file": SimpleUploadedFile("big.mp4", clip_bytes(), content_type="video/mp4"),
            },
        )
        self.assertContains(response, "文件过大")
        self.assertContains(response, "最大允许 9.8 KB")
        self.assertFalse(Media.objects.filter(title="太大的视频").exists())

    # The recording page --------------------------------------------------------------

    def test_a_public_recording_with_a_video_and_a_poster_plays_for_anyone(self):
        response = self.client.get(self.public.url)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn('poster="/media/images/', html)
        low, high, original = (
            html.index(self.url(self.public_video, "360p")),
            html.index(self.url(self.public_video, "720p")),
            html.index(f'<source src="{self.url(self.public_video)}"'),
        )
        # Without the script a browser plays the first source: the low one, then the original.
        self.assertLess(low, original)
        self.assertLess(high, original)
        self.assertLess(html.index('<source src="' + self.url(self.public_video, "360p")), high)
        self.assertIn('aria-label="清晰度"', html)
        self.assertIn("/static/js/video.js", html)
        self.assertInHTML('<dd data-video-duration="">0:02</dd>', html)

    def test_a_private_recording_shows_its_poster_through_the_checked_view(self):
        self.assertEqual(self.client.get(self.private.url).status_code, 302)
        self.client.force_login(self.teacher)
        response = self.client.get(self.private.url)
        self.assertEqual(response.status_code, 200)
        poster = response.content.decode().split('poster="', 1)[1].split('"', 1)[0]
        self.assertTrue(poster.startswith("/media/private/images/"), poster)
        self.assertEqual(self.client.get(poster).status_code, 200)
        self.assertContains(response, self.url(self.private_video, "360p"))

    # Privacy -------------------------------------------------------------------------

    def test_renditions_and_generated_poster_are_exactly_as_private_as_the_video(self):
        for what in ("original", "720p", "360p", "poster"):
            with self.subTest(what=what):
                self.client.logout()
                public = self.client.get(self.url(self.public_video, what))
                self.assertEqual(public.status_code, 200)
                self.assertTrue(body(public))
                refused = self.client.get(self.url(self.private_video, what))
                self.assertEqual(refused.status_code, 302)
                self.assertIn("login", refused["Location"])
                self.client.force_login(self.teacher)
                self.assertEqual(
                    self.client.get(self.url(self.private_video, what)).status_code, 200
                )

    # Byte ranges ---------------------------------------------------------------------

    def test_a_range_request_gets_exactly_the_bytes_asked(self):
        data = clip_bytes()
        size = len(data)
        url = self.url(self.public_video)
        whole = self.client.get(url)
        self.assertEqual(whole.status_code, 200)
        self.assertEqual(whole["Accept-Ranges"], "bytes")
        self.assertEqual(body(whole), data)
        for header, start, end in (
            ("bytes=100-199", 100, 199),
            ("bytes=1000-", 1000, size - 1),
            ("bytes=-500", size - 500, size - 1),
            (f"bytes=0-{size * 2}", 0, size - 1),
        ):
            with self.subTest(header=header):
                response = self.client.get(url, headers={"range": header})
                self.assertEqual(response.status_code, 206)
                self.assertEqual(response["Content-Range"], f"bytes {start}-{end}/{size}")
                self.assertEqual(response["Content-Length"], str(end - start + 1))
                self.assertEqual(body(response), data[start : end + 1])
        unsatisfiable = self.client.get(url, headers={"range": f"bytes={size}-"})
        self.assertEqual(unsatisfiable.status_code, 416)
        self.assertEqual(unsatisfiable["Content-Range"], f"bytes */{size}")
        # Several ranges: the whole file (no multipart answers).
        several = self.client.get(url, headers={"range": "bytes=0-9,20-29"})
        self.assertEqual((several.status_code, body(several)), (200, data))
        head = self.client.head(url, headers={"range": "bytes=0-9"})
        self.assertEqual((head.status_code, head["Content-Length"]), (206, "10"))

    def test_if_range_sends_the_range_only_for_the_same_file(self):
        url = self.url(self.public_video, "360p")
        first = self.client.get(url, headers={"range": "bytes=0-99"})
        self.assertEqual(first.status_code, 206)
        etag, modified = first["ETag"], first["Last-Modified"]
        for validator in (etag, modified):
            same = self.client.get(url, headers={"range": "bytes=10-19", "if-range": validator})
            self.assertEqual((same.status_code, len(body(same))), (206, 10))
        stale = self.client.get(url, headers={"range": "bytes=10-19", "if-range": '"other"'})
        self.assertEqual(stale.status_code, 200)
        older = http_date(0)
        self.assertEqual(
            self.client.get(url, headers={"range": "bytes=10-19", "if-range": older}).status_code,
            200,
        )

    @override_settings(PRIVATE_MEDIA_ACCEL_REDIRECT="/internal-media/")
    def test_behind_nginx_the_portal_checks_and_nginx_sends_the_bytes(self):
        rendition = VideoRendition.objects.get(media=self.private_video, label="360p")
        self.assertEqual(self.client.get(self.url(self.private_video, "360p")).status_code, 302)
        self.client.force_login(self.teacher)
        response = self.client.get(
            self.url(self.private_video, "360p"), headers={"range": "bytes=0-9"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["X-Accel-Redirect"], f"/internal-media/{rendition.file.name}")
        self.assertEqual(body(response), b"")
