"""Renditions, poster and duration of an uploaded video, made by ffmpeg in the sandbox.

ffprobe and ffmpeg read whatever a workshop member uploaded, so they run only through
`sandbox.run_command`: a memory ceiling and a wall-clock limit, after which the process
group is killed. A video they cannot read, or that takes too long, is marked 无法转码 with
the reason; the original stays as it was and plays where the browser can.
"""

import json
import logging
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.db import transaction

import sandbox
from content.models.videos import VideoProcessing, VideoRendition, VideoStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    label: str  # what the 清晰度 switch says
    height: int  # never more than the original's
    video_kbps: int
    audio_kbps: int


# 360p at about 400 kbit/s plays on a weak 4G signal; 720p is for school networks.
TARGETS = (
    Target("720p", 720, 1500, 96),
    Target("360p", 360, 400, 64),
)


def _setting(name, default):
    return getattr(settings, name, default)


def ffmpeg():
    return _setting("PORTAL_FFMPEG", "ffmpeg")


def ffprobe():
    return _setting("PORTAL_FFPROBE", "ffprobe")


def available():
    """Whether ffmpeg and ffprobe are installed (the demo's video needs them)."""
    return bool(shutil.which(ffmpeg()) and shutil.which(ffprobe()))


def _memory_mb():
    # Address space, not resident memory: x264's threads each reserve stacks and buffers.
    return _setting("PORTAL_VIDEO_MEMORY_MB", 2048)


def _timeout(duration):
    """Seconds one ffmpeg run may take for a video of `duration` seconds: a floor, plus a
    multiple of the running time (bench/transcode.py measures the real ratio)."""
    floor = _setting("PORTAL_VIDEO_TIMEOUT_FLOOR", 120)
    factor = _setting("PORTAL_VIDEO_TIMEOUT_FACTOR", 4)
    return floor + factor * (duration or 0)


class Unreadable(Exception):
    """The reason, in Chinese, why the video could not be processed."""


def _explain(outcome, what):
    if outcome.reason == sandbox.TIMEOUT:
        return f"{what}超时，已停止。"
    if outcome.reason == sandbox.MEMORY:
        return f"{what}所需内存超过上限，已停止。"
    detail = outcome.detail(300)
    return f"{what}失败，文件可能已损坏或不是视频。" + (f"（{detail}）" if detail else "")


def probe(path):
    """Duration (s), width and height of the first video stream; Unreadable if none."""
    outcome = sandbox.run_command(
        [ffprobe(), "-v", "error", "-print_format", "json", "-show_format", "-show_streams", path],
        memory_mb=_memory_mb(),
        timeout_s=_setting("PORTAL_VIDEO_PROBE_TIMEOUT", 30),
    )
    if not outcome.ok:
        raise Unreadable(_explain(outcome, "读取视频信息"))
    try:
        info = json.loads(outcome.stdout or b"{}")
    except ValueError as error:
        raise Unreadable("读取视频信息失败，文件可能已损坏。") from error
    streams = info.get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    if video is None or not video.get("width"):
        raise Unreadable("文件中没有视频画面，无法转码。")
    try:
        duration = float(info.get("format", {}).get("duration") or video.get("duration") or 0)
    except ValueError:
        duration = 0.0
    if duration <= 0:
        raise Unreadable("无法读出视频时长，文件可能不完整。")
    width, height = int(video["width"]), int(video["height"])
    # A phone's portrait video is stored landscape with a rotation; players show it turned.
    rotation = str(video.get("tags", {}).get("rotate", "0"))
    for side in video.get("side_data_list", []):
        rotation = str(side.get("rotation", rotation))
    if rotation.lstrip("-") in ("90", "270"):
        width, height = height, width
    return {
        "duration": duration,
        "width": width,
        "height": height,
        "audio": any(s.get("codec_type") == "audio" for s in streams),
    }


def _even(number):
    return max(2, int(number) // 2 * 2)


def rendition_size(info, target):
    height = _even(min(target.height, info["height"]))
    width = _even(round(info["width"] * height / info["height"]))
    return width, height


def transcode_command(source, output, info, target):
    width, height = rendition_size(info, target)
    command = [
        ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", source,
        "-map", "0:v:0", "-map", "0:a:0?", "-sn", "-dn",
        "-vf", f"scale={width}:{height}",
        "-c:v", "libx264", "-preset", _setting("PORTAL_VIDEO_PRESET", "veryfast"),
        "-profile:v", "main", "-pix_fmt", "yuv420p",
        "-b:v", f"{target.video_kbps}k", "-maxrate", f"{int(target.video_kbps * 1.2)}k",
        "-bufsize", f"{target.video_kbps * 2}k",
        # A keyframe every 2 s: a seek lands close to where it was asked.
        "-g", "50", "-keyint_min", "25",
        "-c:a", "aac", "-b:a", f"{target.audio_kbps}k", "-ac", "2",
        "-movflags", "+faststart",
        "-threads", str(_setting("PORTAL_VIDEO_THREADS", 2)),
        output,
    ]  # fmt: skip
    return command, width, height


def poster_command(source, output, info):
    # A frame a little way in: the first is often black or a title card.
    at = min(info["duration"] * 0.1, 10.0)
    height = _even(min(720, info["height"]))
    return [
        ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
        "-ss", f"{at:.2f}", "-i", source, "-frames:v", "1",
        "-vf", f"scale=-2:{height}", "-q:v", "3", output,
    ]  # fmt: skip


@contextmanager
def local_copy(fieldfile):
    """A path ffmpeg can read: the file itself on a local disk, else a copy streamed from the
    storage (object storage) in chunks, never read whole into memory."""
    try:
        path = fieldfile.path
    except NotImplementedError:
        path = None
    if path and os.path.exists(path):
        yield path
        return
    suffix = os.path.splitext(fieldfile.name)[1]
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        with fieldfile.storage.open(fieldfile.name, "rb") as source:
            shutil.copyfileobj(source, copy, 1024 * 1024)
        copy.flush()
        yield copy.name


def _run(command, what, duration):
    outcome = sandbox.run_command(command, memory_mb=_memory_mb(), timeout_s=_timeout(duration))
    if not outcome.ok:
        raise Unreadable(_explain(outcome, what))


def _clear(media):
    for rendition in VideoRendition.objects.filter(media=media):
        rendition.file.delete(save=False)
        rendition.delete()


def processing_for(media):
    processing, _ = VideoProcessing.objects.get_or_create(media=media)
    return processing


def process(media, *, force=False):
    """Make the renditions, the poster and the duration of `media`, or record why not.
    Nothing is done again for the file already processed unless `force`."""
    processing = processing_for(media)
    if (
        not force
        and processing.source == media.file.name
        and processing.status
        in (
            VideoStatus.READY,
            VideoStatus.FAILED,
        )
    ):
        return processing
    VideoProcessing.objects.filter(pk=processing.pk).update(
        status=VideoStatus.PROCESSING, reason="", source=media.file.name
    )
    processing.refresh_from_db()
    try:
        with local_copy(media.file) as source, tempfile.TemporaryDirectory() as work:
            info = probe(source)
            made = []
            for target in TARGETS:
                output = os.path.join(work, f"{target.label}.mp4")
                command, width, height = transcode_command(source, output, info, target)
                _run(command, f"转码 {target.label} ", info["duration"])
                made.append((target, output, width, height))
            poster = os.path.join(work, "poster.jpg")
            _run(poster_command(source, poster, info), "截取封面", info["duration"])
            _store(media, processing, info, made, poster)
    except Unreadable as error:
        _clear(media)
        processing.status = VideoStatus.FAILED
        processing.reason = str(error)
        processing.save(update_fields=["status", "reason", "updated_at"])
        logger.warning("Video %s could not be transcoded: %s", media.pk, error)
    return processing


def _store(media, processing, info, made, poster):
    _clear(media)
    if processing.poster:
        processing.poster.delete(save=False)
    with transaction.atomic():
        for target, output, width, height in made:
            rendition = VideoRendition(
                media=media,
                label=target.label,
                width=width,
                height=height,
                bitrate=target.video_kbps,
                size=os.path.getsize(output),
            )
            with open(output, "rb") as handle:
                rendition.file.save(rendition.filename, File(handle), save=False)
            rendition.save()
        with open(poster, "rb") as handle:
            processing.poster.save("poster.jpg", File(handle), save=False)
        processing.duration = info["duration"]
        processing.width = info["width"]
        processing.height = info["height"]
        processing.status = VideoStatus.READY
        processing.reason = ""
        processing.save()
        # wagtailmedia's own fields, for its admin listing; no save(), so no signal.
        type(media).objects.filter(pk=media.pk).update(
            duration=info["duration"], width=info["width"], height=info["height"]
        )


def generate_clip(path, *, seconds=5, size="320x240", rate=25):
    """A test video with sound made from nothing (ffmpeg's test pattern and a tone): the
    demo's lesson, the tests' and the benchmark's input. True when it was written."""
    command = [
        ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc=size={size}:rate={rate}:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=44100:duration={seconds}",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "64k", "-shortest", "-movflags", "+faststart", path,
    ]  # fmt: skip
    return sandbox.run_command(command, memory_mb=_memory_mb(), timeout_s=600).ok
