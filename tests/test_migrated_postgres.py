"""The migrated PostgreSQL database that the test run's template and deploy-smoke copy
(scripts/migrated_postgres.py): migrated once however many ask, at the same time or later,
made again when the code changes, and never taken as ready when migrating failed.

Migrating is replaced here by creating one table (a real migration is a minute of CPU), and
the databases get a prefix of their own, so that the real one is left alone."""

import os
import subprocess
import threading
import time
from contextlib import closing

import psycopg
import pytest

from scripts import migrated_postgres

# The server of `make test`'s PostgreSQL run, without its database name.
SERVER = os.environ.get(
    "TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hongsibu_portal"
).rsplit("/", 1)[0]
PREFIX = "hongsibu_mtest_"


def server_answers():
    try:
        psycopg.connect(f"{SERVER}/postgres", connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


pytestmark = pytest.mark.skipif(
    not server_answers() and not os.environ.get("REQUIRE_POSTGRES"),
    reason=f"no PostgreSQL at {SERVER}",
)


def databases():
    with closing(psycopg.connect(f"{SERVER}/postgres", autocommit=True)) as db:
        rows = db.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [PREFIX + "%"]
        ).fetchall()
    return sorted(name for (name,) in rows)


def tables(name):
    with closing(psycopg.connect(f"{SERVER}/{name}")) as db:
        rows = db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return [table for (table,) in rows]


@pytest.fixture
def migrations(monkeypatch):
    """Each migration run, as the DATABASE_URL it was given; `fail` makes the next one fail."""
    runs, state = [], {"fail": False, "seconds": 0}
    monkeypatch.setattr(migrated_postgres, "PREFIX", PREFIX)
    monkeypatch.setattr(migrated_postgres, "key", lambda: "one")

    def migrate(database_url):
        runs.append(database_url)
        time.sleep(state["seconds"])
        if state["fail"]:
            raise subprocess.CalledProcessError(1, ["manage.py", "migrate"])
        with closing(psycopg.connect(database_url, autocommit=True)) as db:
            db.execute("CREATE TABLE django_migrations (id serial)")

    monkeypatch.setattr(migrated_postgres, "migrate", migrate)
    yield runs, state
    with closing(psycopg.connect(f"{SERVER}/postgres", autocommit=True)) as db:
        for name in databases():
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_migrated_once_and_copied_for_each_database_that_asks(migrations):
    runs, _ = migrations
    migrated_postgres.copy_to(SERVER, PREFIX + "template")
    migrated_postgres.copy_to(SERVER, PREFIX + "smoke")
    assert len(runs) == 1
    assert databases() == [PREFIX + "one", PREFIX + "smoke", PREFIX + "template"]
    assert tables(PREFIX + "smoke") == ["django_migrations"]


def test_two_processes_asking_at_once_migrate_once(migrations):
    runs, state = migrations
    state["seconds"] = 1  # the second asks while the first migrates
    threads = [
        threading.Thread(target=migrated_postgres.copy_to, args=(SERVER, PREFIX + name))
        for name in ("template", "smoke")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(runs) == 1
    assert tables(PREFIX + "template") == tables(PREFIX + "smoke") == ["django_migrations"]


def test_changed_code_migrates_a_new_database_and_drops_the_old(migrations, monkeypatch):
    runs, _ = migrations
    migrated_postgres.copy_to(SERVER, PREFIX + "template")
    monkeypatch.setattr(migrated_postgres, "key", lambda: "two")
    migrated_postgres.copy_to(SERVER, PREFIX + "template")
    assert len(runs) == 2
    assert databases() == [PREFIX + "template", PREFIX + "two"]


def test_a_failed_migration_leaves_nothing_that_looks_ready(migrations):
    runs, state = migrations
    state["fail"] = True
    with pytest.raises(subprocess.CalledProcessError):
        migrated_postgres.copy_to(SERVER, PREFIX + "template")
    assert PREFIX + "one" not in databases()
    state["fail"] = False
    migrated_postgres.copy_to(SERVER, PREFIX + "template")  # migrated afresh, then copied
    assert len(runs) == 2
    assert tables(PREFIX + "template") == ["django_migrations"]
