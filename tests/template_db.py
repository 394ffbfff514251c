"""The test database, migrated once per run and copied for each process of the run.

Running the ~250 migrations takes about half a minute of CPU; pytest-django would run them in
every xdist worker. Here the first worker to need a database migrates a template under a file
lock and every worker (that one included) copies it: PostgreSQL with `CREATE DATABASE ...
TEMPLATE`, SQLite with the sqlite3 backup API, from a template file into the worker's
database (in memory, as pytest-django's would be). The workers' databases are named as
pytest-django names them (test_<name>_gw0 on PostgreSQL) and dropped as it drops them.

The template is built with Django's own `create_test_db`, so it is what a worker would have
migrated for itself, cache table included. Django's `clone_test_db` is not used: it names the
copy after its source and, for SQLite in memory, counts on the copy being inherited by a
forked process, which xdist's workers are not.

--reuse-db keeps the template (and the workers' copies) after the run; the next run migrates
the kept template forward, as pytest-django's --reuse-db migrates a kept database, and copies
it afresh for each worker. --create-db builds it from nothing. Otherwise the process that
started the run drops the template when the run ends (drop_template()).
"""

import fcntl
import hashlib
import os
import sqlite3
import sys
import tempfile
from contextlib import closing, contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.db.backends.base.creation import TEST_DATABASE_PREFIX
from django.test.utils import teardown_databases

import psycopg

from scripts import migrated_postgres
from tests.run_folder import RunFolder

_folder = RunFolder("portal-test-db-")


def setup(aliases, serialized_aliases, *, verbosity=0, keepdb=False, createdb=False):
    """Points each alias at a copy of the run's template, migrating the template first if no
    process of the run has; returns what django.test.utils.setup_databases returns."""
    old_config = []
    for alias in aliases:
        connection = connections[alias]
        old_name = connection.settings_dict["NAME"]
        template = _template_name(connection, kept=keepdb)
        with _locked(f"{alias}.lock"):
            ready = _folder.path() / f"{alias}.ready"
            if not ready.exists():
                _build(connection, template, verbosity, keepdb=keepdb and not createdb)
                ready.touch()
            _copy(connection, template)
        old_config.append((connection, old_name, True))
    for alias in serialized_aliases:
        # As setup_databases does for the aliases whose tests ask for a serialized rollback
        # (a private attribute: the one TransactionTestCase reads the rows back from).
        connection = connections[alias]
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()
    return old_config


def teardown(old_config, *, verbosity=0):
    """Drops the worker's database (not the template: drop_template() does, once)."""
    teardown_databases(old_config, verbosity=verbosity)


def drop_template(keepdb=False):
    """Called by the process that started the run, once every worker has ended."""
    for alias in connections:
        connection = connections[alias]
        if keepdb or connection.vendor != "postgresql":
            continue  # SQLite's template is a file in the run's folder
        name = connection.ops.quote_name(_template_name(connection, kept=False))
        try:
            with _admin(connection) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        except psycopg.Error as error:
            print(f"The template database {name} was not dropped: {error}", file=sys.stderr)
    _folder.remove()


# -- the template ----------------------------------------------------------------------------


def _test_name(connection):
    """The worker's database, as Django's creation names it: TEST NAME (with pytest-django's
    _gwN suffix), test_<NAME>, or for SQLite a database in memory."""
    test_name = connection.settings_dict["TEST"].get("NAME")
    if connection.vendor == "sqlite":
        if not test_name or test_name == ":memory:":
            return f"file:memorydb_{connection.alias}?mode=memory&cache=shared"
        return test_name
    return test_name or TEST_DATABASE_PREFIX + connection.settings_dict["NAME"]


def _template_name(connection, kept):
    if connection.vendor == "sqlite":
        if not kept:
            return str(_folder.path() / f"{connection.alias}.sqlite3")
        # Kept between --reuse-db runs: one file per checkout and database alias.
        checkout = hashlib.sha256(str(settings.BASE_DIR).encode()).hexdigest()[:12]
        name = f"portal-test-template-{checkout}-{connection.alias}.sqlite3"
        return str(Path(tempfile.gettempdir()) / name)
    name = connection.settings_dict["TEST"].get("NAME") or (
        TEST_DATABASE_PREFIX + connection.settings_dict["NAME"]
    )
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        name = name.removesuffix(f"_{worker}")
    return f"{name}_template"


def _build(connection, template, verbosity, keepdb):
    """Migrates the template with Django's create_test_db (keepdb: migrates a kept one
    forward), then points the connection back at the configured database. On PostgreSQL the
    template starts as a copy of the database migrated for this code, which deploy-smoke
    copies too (scripts/migrated_postgres.py), and is migrated forward: nothing to apply."""
    if connection.vendor == "postgresql" and not keepdb:
        migrated_postgres.copy_to(migrated_postgres.server_url(connection.settings_dict), template)
        keepdb = True
    test_settings = connection.settings_dict["TEST"]
    old_name, old_test_name = connection.settings_dict["NAME"], test_settings.get("NAME")
    test_settings["NAME"] = template
    try:
        connection.creation.create_test_db(
            verbosity=verbosity, autoclobber=True, serialize=False, keepdb=keepdb
        )
    finally:
        connection.close()
        test_settings["NAME"] = old_test_name
        settings.DATABASES[connection.alias]["NAME"] = old_name
        connection.settings_dict["NAME"] = old_name


def _copy(connection, template):
    """The worker's own database, a copy of the template; the connection points at it."""
    name = _test_name(connection)
    if connection.vendor == "postgresql":
        # No session may be connected to a template while it is copied: the builder's
        # connection is closed, and the other workers copy one at a time (under the lock).
        with _admin(connection) as admin:
            quote = connection.ops.quote_name
            admin.execute(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        with closing(sqlite3.connect(template)) as source:
            source.backup(connection.connection)


def _admin(connection):
    """A connection to the server's maintenance database, for CREATE and DROP DATABASE."""
    params = connection.settings_dict
    keys = {"USER": "user", "PASSWORD": "password", "HOST": "host", "PORT": "port"}
    options = {option: params[key] for key, option in keys.items() if params.get(key)}
    return closing(psycopg.connect(dbname="postgres", autocommit=True, **options))


# -- one folder and one lock for the run's workers -------------------------------------------


@contextmanager
def _locked(name):
    with open(_folder.path() / name, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
