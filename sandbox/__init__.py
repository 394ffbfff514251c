"""Untrusted files are opened in a child process that cannot take its parent down with it.

A Word file of 100 KB can unpack to hundreds of megabytes of XML, a video can make ffmpeg
spin, a PDF can make LibreOffice hang. Whatever reads or converts an uploaded file runs
through this module: in a child process of its own session, with an address-space ceiling
(RLIMIT_AS) and a wall-clock limit after which the child's whole process group is killed.
The caller gets an `Outcome` and decides what to record; nothing here raises for a bad file.

This package is a shared mechanism at the bottom of the layers: it imports no app.
"""

import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
from dataclasses import dataclass

__all__ = ["Outcome", "run_command", "run_python"]

# The reasons an Outcome can give; callers map them to what an editor reads (无法提取 …).
OK = ""
TIMEOUT = "timeout"
MEMORY = "memory"
FAILED = "failed"

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The child's exit code when Python ran out of the memory it was allowed.
_MEMORY_EXIT = 86


@dataclass(frozen=True)
class Outcome:
    reason: str  # OK, TIMEOUT, MEMORY or FAILED
    returncode: int | None
    stdout: bytes = b""
    stderr: bytes = b""
    result: object = None  # what a run_python target returned (JSON-decoded)

    @property
    def ok(self):
        return self.reason == OK

    def detail(self, limit=500):
        """The end of what the child said on stderr, for logs and the admin."""
        return self.stderr[-limit:].decode("utf-8", "replace").strip()


def _limits(memory_mb):
    def apply():
        if memory_mb:
            size = int(memory_mb) * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (size, size))
        # No core dumps of untrusted input on the server's disk.
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def run_command(argv, *, memory_mb, timeout_s, cwd=None, env=None, stdin=None):
    """Run an external program (ffmpeg, soffice, pdftoppm ...) within the limits.

    `stdin` is bytes or None. The program's own session is killed as a group at the
    deadline, so that helpers it started (soffice starts one) do not outlive it.
    """
    try:
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            preexec_fn=_limits(memory_mb),
        )
    except OSError as error:
        return Outcome(FAILED, None, b"", str(error).encode())
    try:
        stdout, stderr = process.communicate(stdin, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        stdout, stderr = process.communicate()
        return Outcome(TIMEOUT, process.returncode, stdout, stderr)
    finally:
        _kill_group(process)  # whatever the program left running in its session
    if process.returncode == _MEMORY_EXIT:
        return Outcome(MEMORY, process.returncode, stdout, stderr)
    if process.returncode != 0:
        reason = MEMORY if b"MemoryError" in stderr or b"Cannot allocate" in stderr else FAILED
        return Outcome(reason, process.returncode, stdout, stderr)
    return Outcome(OK, 0, stdout, stderr)


def run_python(target, payload, *, memory_mb, timeout_s):
    """Call `target` ("package.module:function") in a child Python with `payload` (JSON).

    The function takes the decoded payload and returns something JSON can encode; that value
    is the Outcome's `result`. The child does not set Django up: targets work on plain
    values and file paths.
    """
    outcome = run_command(
        [sys.executable, "-m", "sandbox.child", target],
        memory_mb=memory_mb,
        timeout_s=timeout_s,
        stdin=json.dumps(payload).encode(),
        # The child finds this project whatever directory the caller runs from.
        env={**os.environ, "PYTHONPATH": _pythonpath()},
    )
    if not outcome.ok:
        return outcome
    try:
        result = json.loads(outcome.stdout.decode("utf-8"))
    except ValueError:
        return Outcome(FAILED, outcome.returncode, outcome.stdout, outcome.stderr)
    return Outcome(OK, 0, outcome.stdout, outcome.stderr, result)


def _pythonpath():
    return os.pathsep.join(filter(None, [_ROOT, os.environ.get("PYTHONPATH")]))


def _kill_group(process):
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
