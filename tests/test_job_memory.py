"""Issue 15's Word bombs (34 MB and 170 MB of XML in 100 and 500 KB files): uploaded through
the admin by one fresh process and read by a fresh worker process, as deployed. The bombs are
stopped in the sandbox, and the peak resident memory (VmHWM) of the web process and of the
worker each stays under 300 MB."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from django.db import connection

import pytest

from content import extraction
from tests.bombs import LARGE_BOMB_MB, SMALL_BOMB_MB, word_bomb

# One of the suite's longest: parallel runs hand it out first (tests/scheduling.py).
pytestmark = pytest.mark.heavy

ROOT = Path(__file__).resolve().parent.parent
LIMIT_KB = 300 * 1024
GROWTH_KB = 20 * 1024


@pytest.fixture
def deployment(django_db_serialized_rollback, transactional_db):
    """A copy of the migrated test database and a media folder, for the processes. Copied
    outside any transaction: SQLite's backup waits for the source to be unlocked."""
    if connection.vendor != "sqlite":
        pytest.skip("the processes share a copy of the SQLite test database")
    folder = Path(tempfile.mkdtemp(prefix="portal-job-memory-"))
    connection.ensure_connection()
    copy = sqlite3.connect(folder / "db.sqlite3")
    connection.connection.backup(copy)
    copy.close()
    (folder / "media").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        DJANGO_SETTINGS_MODULE="tests.worker_settings",
        PORTAL_TEST_MEDIA_ROOT=str(folder / "media"),
        PYTHONPATH=str(ROOT),
    )
    yield folder, env
    shutil.rmtree(folder, ignore_errors=True)


def probe(env, *args):
    result = subprocess.run(
        [sys.executable, "-m", "tests.memory_probe", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_word_bombs_grow_neither_the_web_process_nor_the_worker(deployment):
    folder, env = deployment
    bombs = []
    for megabytes in (SMALL_BOMB_MB, LARGE_BOMB_MB):
        path = folder / f"bomb-{megabytes}mb.docx"
        path.write_bytes(word_bomb(megabytes))
        bombs.append(str(path))

    web = probe(env, "web", *bombs)
    worker = probe(env, "worker")
    mb = {k: v // 1024 for k, v in [*web.items(), *worker.items()] if k.endswith("_kb")}
    figures = (
        f"web: peak {web['peak_kb'] // 1024} MB ({web['peak_before_kb'] // 1024} MB before the "
        f"uploads); worker: peak {mb['peak_kb']} MB ({mb['peak_before_kb']} MB before the "
        f"jobs), sandboxed reader {mb['child_peak_kb']} MB"
    )
    print(figures)
    assert web["codes"] == [302, 302], figures  # both kept
    assert worker["statuses"] == [extraction.TOO_LARGE] * 2, figures
    assert web["peak_kb"] < LIMIT_KB, figures
    assert worker["peak_kb"] < LIMIT_KB, figures
    # Nor did the bombs add to what an ordinary upload and its job had already taken.
    assert web["peak_kb"] - web["peak_before_kb"] < GROWTH_KB, figures
    assert worker["peak_kb"] - worker["peak_before_kb"] < GROWTH_KB, figures
