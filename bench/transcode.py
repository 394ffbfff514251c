"""Seconds of transcoding per minute of lesson video, at each rendition, on this machine.

    .venv/bin/python bench/transcode.py               # a 1-minute 1080p clip
    .venv/bin/python bench/transcode.py --seconds 30 --size 1280x720

Generates a clip like a phone's lesson recording (1080p, 30 fps, a moving test pattern with
sensor noise, so the encoder has real work, and a tone), then runs exactly the commands the
portal's job runs (content.video_processing: ffmpeg in the sandbox, the same limits) for
each rendition and the poster, and prints the time each took, per minute of video. A
45-minute lesson takes about 45 times the per-minute figure on the worker.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django  # noqa: E402

django.setup()

import sandbox  # noqa: E402
from content.video_processing import (  # noqa: E402
    TARGETS,
    _memory_mb,
    ffmpeg,
    poster_command,
    probe,
    transcode_command,
)


def generate(path, seconds, size):
    command = [
        ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
        "-vf", "noise=alls=12:allf=t",
        "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "12M", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "128k", "-shortest", path,
    ]  # fmt: skip
    outcome = sandbox.run_command(command, memory_mb=_memory_mb(), timeout_s=3600)
    if not outcome.ok:
        sys.exit(f"could not generate the clip: {outcome.reason} {outcome.detail()}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--size", default="1920x1080")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        source = os.path.join(work, "lesson.mp4")
        started = time.perf_counter()
        generate(source, args.seconds, args.size)
        print(
            f"clip: {args.seconds} s at {args.size}, {os.path.getsize(source) / 1e6:.1f} MB "
            f"(generated in {time.perf_counter() - started:.1f} s)"
        )
        info = probe(source)
        minutes = info["duration"] / 60
        print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.2f}")
        print(f"{'rendition':<10} {'size':>10} {'seconds':>9} {'s per min':>10} {'x realtime':>11}")
        total = 0.0
        for target in TARGETS:
            output = os.path.join(work, f"{target.label}.mp4")
            command, width, height = transcode_command(source, output, info, target)
            started = time.perf_counter()
            outcome = sandbox.run_command(command, memory_mb=_memory_mb(), timeout_s=3600)
            took = time.perf_counter() - started
            if not outcome.ok:
                sys.exit(f"{target.label}: {outcome.reason} {outcome.detail()}")
            total += took
            print(
                f"{target.label:<10} {f'{width}x{height}':>10} {took:9.1f} "
                f"{took / minutes:10.1f} {info['duration'] / took:11.2f}"
            )
        started = time.perf_counter()
        sandbox.run_command(
            poster_command(source, os.path.join(work, "poster.jpg"), info),
            memory_mb=_memory_mb(),
            timeout_s=600,
        )
        took = time.perf_counter() - started
        total += took
        print(f"{'poster':<10} {'':>10} {took:9.1f} {took / minutes:10.1f}")
        print(f"{'all':<10} {'':>10} {total:9.1f} {total / minutes:10.1f}")
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
