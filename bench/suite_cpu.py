"""Where the CPU of `make test` goes: runs a command (by default `.ci/run`, CI's `make test`, in
a fresh clone of this checkout's HEAD) and prints its wall time, the machine's busy
core-seconds and those core-seconds by part, user and system time apart.

    .venv/bin/python bench/suite_cpu.py                     # a fresh clone's .ci/run
    .venv/bin/python bench/suite_cpu.py --here -- make lint  # any command, in this checkout

`make test` keeps both cores busy from start to end, so its wall time is its CPU over two cores
(plus what else the machine runs): the suite gets faster only by doing less work, and this
says where the work is. Every process is read from /proc every `--interval` seconds; a process
started and reaped between two readings is not seen (it shows in "not seen": the machine's
busy time, from /proc/stat, less everything seen). The PostgreSQL server is its postmaster's
own CPU, that of the backends it reaped and that of its background processes, read at the start
and the end; the machine's
other services and kernel threads are "machine".

Parts: the pytest processes of the SQLite and the PostgreSQL runs (controller and workers, by
their DATABASE_URL), Chromium and Playwright's driver, migrate, the app servers of deploy-smoke
and of the tests (gunicorn, nginx, moto, the job worker), the document and video tools
(LibreOffice, ffmpeg, poppler, the sandbox), the set-up (uv, venv), the checks (ruff,
lint-imports, makemigrations --check), and the other processes the command started. A process
belongs to its own command line's part, else to its parent's.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")

PARTS = [
    ("chromium", re.compile(r"/chromium/|^\S*(chrome|headless_shell)\b")),
    ("playwright driver", re.compile(r"playwright/driver|^node")),
    ("migrate", re.compile(r"manage\.py migrate|migrated_postgres")),
    (
        "app servers (gunicorn, nginx, moto, job worker)",
        re.compile(r"gunicorn|nginx|moto_server|db_worker|wrk\b|deploy/smoke"),
    ),
    (
        "document and video tools",
        re.compile(r"soffice|oosplash|ffmpeg|ffprobe|pdftoppm|-m sandbox"),
    ),
    ("set-up (uv, venv)", re.compile(r"\buv\b|ensurepip|-m venv|pip install")),
    ("checks (ruff, lint-imports, makemigrations)", re.compile(r"ruff|lint-imports|makemigr")),
]


def read_stat(pid):
    with open(f"/proc/{pid}/stat") as handle:
        text = handle.read()
    fields = text[text.rindex(")") + 2 :].split()
    # ppid, utime, stime, cutime, cstime, starttime
    return (
        int(fields[1]),
        int(fields[11]),
        int(fields[12]),
        int(fields[13]),
        int(fields[14]),
        int(fields[19]),
    )


def cmdline(pid):
    with open(f"/proc/{pid}/cmdline", "rb") as handle:
        return handle.read().replace(b"\0", b" ").decode(errors="replace").strip()


def runs_postgres(pid):
    try:
        with open(f"/proc/{pid}/environ", "rb") as handle:
            return any(
                item.startswith(b"DATABASE_URL=postgres") for item in handle.read().split(b"\0")
            )
    except OSError:
        return False


def part_of(pid, command, parent_part):
    """A process's part by its own command line, else its parent's (an xdist worker's command
    line names neither pytest nor the database: it is its controller's)."""
    for name, pattern in PARTS:
        if pattern.search(command):
            return name
    if "pytest" in command:
        return "pytest, PostgreSQL run" if runs_postgres(pid) else "pytest, SQLite run"
    return parent_part or "other processes of the command"


def busy_ticks():
    """(user, system) ticks of the whole machine: user and nice; system, irq and softirq."""
    with open("/proc/stat") as handle:
        user, nice, system, _idle, _iowait, irq, softirq, steal = (
            int(v) for v in handle.readline().split()[1:9]
        )
    return user + nice, system + irq + softirq + steal


def postmaster():
    for path in Path("/var/run/postgresql").glob("*.pid"):
        return int(path.read_text().split()[0])
    return None


def postgres_ticks(pid):
    if pid is None:
        return 0, 0
    try:
        _ppid, utime, stime, cutime, cstime, _start = read_stat(pid)
    except OSError:
        return 0, 0
    return utime + cutime, stime + cstime


def postgres_background(server):
    """{(pid, start): (user, system) ticks} of the postmaster's children now."""
    found = {}
    if server is None:
        return found
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid, utime, stime, _cu, _cs, start = read_stat(int(entry))
            except (OSError, ValueError, IndexError):
                continue
            if ppid == server:
                found[(int(entry), start)] = (utime, stime)
    return found


def measure(command, cwd, interval):
    ours = {}  # (pid, start) -> [part, (user, system) ticks]
    outside = {}  # (pid, start) -> [(user, system) at first sight, now]
    server = postmaster()
    # Its background processes (checkpointer, WAL writer, autovacuum) live on: read apart, as the
    # postmaster's figures count only the backends it has reaped.
    background = postgres_background(server)
    server_before, busy_before, started = postgres_ticks(server), busy_ticks(), time.monotonic()
    process = subprocess.Popen(command, cwd=cwd, start_new_session=True)
    own_pids = {process.pid}
    part_by_pid = {}
    try:
        while True:
            done = process.poll() is not None
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                pid = int(entry)
                try:
                    ppid, utime, stime, _cu, _cs, start = read_stat(pid)
                    key = (pid, start)
                    # The command, or a child of one of its processes (a pid is reused, so a
                    # process is known by its pid and start time, its parent by its pid).
                    if key in ours or pid == process.pid or ppid in own_pids:
                        own_pids.add(pid)
                        # Read again each time: a forked child execs its own program after.
                        # An ended process not yet reaped has no command line: its part stays.
                        command_line = cmdline(pid)
                        if command_line or key not in ours:
                            part_by_pid[pid] = part_of(pid, command_line, part_by_pid.get(ppid))
                        ours[key] = [part_by_pid[pid], (utime, stime)]
                    elif pid != os.getpid() and (server is None or server not in (pid, ppid)):
                        seen = outside.setdefault(key, [(utime, stime), None])
                        seen[1] = (utime, stime)
                except (OSError, ValueError, IndexError):
                    continue
            if done:
                break
            time.sleep(interval)
    except KeyboardInterrupt:
        os.killpg(process.pid, signal.SIGTERM)
        raise
    wall = time.monotonic() - started
    busy = seconds(busy_ticks(), busy_before)
    parts = defaultdict(lambda: (0.0, 0.0))
    for part, ticks in ours.values():
        parts[part] = add(parts[part], seconds(ticks))
    parts["PostgreSQL server"] = seconds(postgres_ticks(server), server_before)
    for key, ticks in postgres_background(server).items():
        if key in background:
            parts["PostgreSQL server"] = add(
                parts["PostgreSQL server"], seconds(ticks, background[key])
            )
    machine = (0.0, 0.0)
    for before, after in outside.values():
        machine = add(machine, seconds(after, before))
    parts["machine (other services, kernel)"] = machine
    seen = (sum(u for u, _s in parts.values()), sum(s for _u, s in parts.values()))
    parts["not seen (short-lived, between readings)"] = tuple(
        max(0.0, b - s) for b, s in zip(busy, seen, strict=True)
    )
    return process.returncode, wall, busy, parts


def seconds(ticks, since=(0, 0)):
    return tuple((a - b) / TICK for a, b in zip(ticks, since, strict=True))


def add(a, b):
    return tuple(x + y for x, y in zip(a, b, strict=True))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--here", action="store_true", help="run in this checkout, not a fresh clone"
    )
    parser.add_argument("--interval", type=float, default=0.5)
    parser.add_argument("command", nargs="*", help="default: bash .ci/run")
    args = parser.parse_args()
    command = args.command or ["bash", ".ci/run"]
    with tempfile.TemporaryDirectory(prefix="suite-cpu-") as folder:
        cwd = ROOT
        if not args.here:
            cwd = Path(folder) / "clone"
            subprocess.run(["git", "clone", "--quiet", str(ROOT), str(cwd)], check=True)
        code, wall, busy, parts = measure(command, cwd, args.interval)
    total = sum(busy)
    print(
        f"{' '.join(command)}: exit {code}, {wall:.1f} s wall, {total:.0f} core-seconds busy"
        f" ({total / wall:.2f} cores; user {busy[0]:.0f} s, system {busy[1]:.0f} s)"
    )
    print("    total    user  system")
    for name, (user, system) in sorted(parts.items(), key=lambda item: -sum(item[1])):
        share = 100 * (user + system) / total
        print(f"  {user + system:7.1f} {user:7.1f} {system:7.1f} s  {share:5.1f} %  {name}")
    return code


if __name__ == "__main__":
    sys.exit(main())
