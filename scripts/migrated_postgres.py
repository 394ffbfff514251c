"""A PostgreSQL database migrated for this checkout's code, made once and copied.

Migrating a database from nothing is most of a minute of CPU (Wagtail's hundred migrations and
the portal's, with Django rendering the models' states between them), and `make test` paid it
twice on PostgreSQL, side by side: for the test run's template (tests/template_db.py) and for
deploy-smoke's database (deploy/smoke.py). Both now copy this one (CREATE DATABASE ...
TEMPLATE, about a second) and migrate the copy forward, which finds nothing to apply.

It is named for what its schema depends on (key(): the locked packages and the portal's code),
so a change to a model or a package makes a new one and the old is dropped. Whichever process
asks first migrates it while the others wait on an advisory lock; it is migrated under another
name and renamed when done, so a migration that fails or is killed leaves nothing that looks
ready. Kept between runs: a second `make test` migrates nothing on PostgreSQL.
"""

import hashlib
import os
import subprocess
import sys
import tomllib
from contextlib import closing
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "hongsibu_migrated_"
BUILDING = "_building"
# pg_advisory_lock's key: any number no other code of this server's users takes.
LOCK = 0x48534221


def key():
    """Changes with the locked packages (their migrations) and the portal's code (its
    migrations, and the models and signal handlers that migrating runs)."""
    digest = hashlib.sha256((ROOT / "requirements.lock").read_bytes())
    with open(ROOT / "pyproject.toml", "rb") as f:
        include = tomllib.load(f)["tool"]["setuptools"]["packages"]["find"]["include"]
    for package in sorted(pattern.rstrip("*") for pattern in include):
        for path in sorted((ROOT / package).rglob("*.py")):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def copy_to(server, target):
    """Creates the database `target` on `server` (a postgres:// URL without a database name)
    as a copy of the migrated one, migrating that first if nobody has. Drops `target` first
    if it exists."""
    name = PREFIX + key()
    with closing(psycopg.connect(f"{server}/postgres", autocommit=True)) as db:
        # Held by this session until it ends: the copy too is made under it, because
        # PostgreSQL refuses to copy a database another session is connected to.
        db.execute("SELECT pg_advisory_lock(%s)", [LOCK])
        if not _exists(db, name):
            _build(db, server, name)
        db.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{target}" TEMPLATE "{name}"')


def _exists(db, name):
    return db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def _build(db, server, name):
    stale = db.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE %s", [PREFIX.replace("_", r"\_") + "%"]
    ).fetchall()
    for (old,) in stale:
        db.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
    building = name + BUILDING
    db.execute(f'CREATE DATABASE "{building}"')
    migrate(f"{server}/{building}")
    db.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')


def migrate(database_url):
    """Django's migrate, in a process of its own, on the database at `database_url`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "PYTEST_XDIST_WORKER", "PYTEST_CURRENT_TEST")
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="portal.settings.test",
        PYTHONPATH=str(ROOT),
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )


def server_url(settings_dict):
    """A Django connection's server as a postgres:// URL, without the database name."""
    user = settings_dict.get("USER") or "postgres"
    password = settings_dict.get("PASSWORD")
    credentials = f"{user}:{password}" if password else user
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}"
