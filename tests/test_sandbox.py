"""The sandbox stops what an untrusted file makes a reader or converter do, and says why."""

import sys
import time

import sandbox


def allocate(payload):
    """A reader gone wrong: holds on to more and more memory."""
    hold = []
    for _ in range(payload["megabytes"]):
        hold.append(bytearray(1024 * 1024))
    return len(hold)


def echo(payload):
    return {"got": payload, "text": "教学设计"}


def test_a_target_returns_its_result():
    outcome = sandbox.run_python("tests.test_sandbox:echo", [1, "二"], memory_mb=512, timeout_s=20)
    assert outcome.ok, outcome.detail()
    assert outcome.result == {"got": [1, "二"], "text": "教学设计"}


def test_memory_past_the_ceiling_stops_the_child_not_the_caller():
    outcome = sandbox.run_python(
        "tests.test_sandbox:allocate", {"megabytes": 2000}, memory_mb=300, timeout_s=30
    )
    assert outcome.reason == sandbox.MEMORY
    assert outcome.result is None


def test_a_program_past_its_time_is_killed_with_its_children():
    started = time.monotonic()
    outcome = sandbox.run_command(["sh", "-c", "sleep 30 & sleep 30"], memory_mb=200, timeout_s=1)
    assert outcome.reason == sandbox.TIMEOUT
    assert time.monotonic() - started < 10


def test_a_failing_program_reports_what_it_said():
    outcome = sandbox.run_command(
        [sys.executable, "-c", "import sys; sys.exit('损坏的文件')"], memory_mb=300, timeout_s=20
    )
    assert outcome.reason == sandbox.FAILED
    assert "损坏的文件" in outcome.detail()


def test_a_missing_program_is_a_failure_not_an_exception():
    outcome = sandbox.run_command(["/nonexistent/ffmpeg"], memory_mb=100, timeout_s=5)
    assert outcome.reason == sandbox.FAILED
