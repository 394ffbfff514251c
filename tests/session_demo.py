"""The demo portal, built once per test session and copied in wherever a test asks for it.

`load_demo(**options)` leaves the database and media as `DemoLoader(**options).run()` would.
The first call with given options runs the loader and keeps the result: the rows of every
table the loader changed, and copies of the files it saved. Later calls from the same
starting point (the exact rows every table held before that first run) put those rows and
files back instead, in well under a second where the loader takes 12 s. From any other
starting point, or with Elasticsearch as the search backend, the loader runs as before.

Like the loader, it returns what was created, {label: count}: the counts of the run that built
the snapshot, so a copy reports what the loader reported from that same starting point.

Rows are copied table by table, below the ORM: loaddata would rebuild each object and miss
what no model owns. SQLite's full-text table follows modelsearch's index entries through
its triggers; the rest (Wagtail's reference index, page tree, revisions, content type ids)
is plain rows. A test case's transaction, or a transactional test's flush, undoes the copy
like any other change, so a test that edits the demo affects no other test.
"""

import fcntl
import functools
import hashlib
import os
import pickle
import shutil
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.db import connection, transaction

from caching import purge
from portal.setup.demo import DemoLoader
from tests.run_folder import RunFolder

# FTS5 keeps an index in these tables beside each virtual table; they follow it.
FTS5_SHADOW_SUFFIXES = ("data", "idx", "content", "docsize", "config")

_snapshots = {}
_folder = RunFolder("portal-test-demo-")


def load_demo(demo_accounts=False, library=True):
    options = {"demo_accounts": demo_accounts, "library": library}
    if not _copyable():
        return DemoLoader(**options).run()
    # The rows carry this database's content type ids; a test that restored a backup
    # (tests/test_backup.py) can leave Django's cache of them holding other ids. Filled
    # again at once: a transactional test's flush empties the table, and the serialized
    # rows it loads back must not meet content types made afresh from an empty cache.
    ContentType.objects.clear_cache()
    ContentType.objects.get_for_models(*apps.get_models(), for_concrete_models=False)
    with transaction.atomic():
        tables = _tables()
        before = {table: _rows(table) for table in tables}
        key = (tuple(options.items()), _fingerprint(before))
        if key not in _snapshots:
            _snapshots[key] = snapshot = _shared(key, lambda: _build(options, tables, before))
            return snapshot.created
        if _snapshots[key].rows is None:
            return _run_loader(options)
        _restore(_snapshots[key])
        return _snapshots[key].created


class Snapshot:
    def __init__(self, rows, files, created, copy=None):
        # {table: rows as _rows() returns them}, only the tables that changed; None when the
        # files went where they cannot be copied from, and the loader runs each time.
        self.rows = rows
        self.files = files  # {storage name: path of the kept copy}
        self.created = created  # what the loader reported: {label: count}
        # SQLite: a database file of the run holding the rows, which a restore attaches and
        # copies from (_source()). PostgreSQL's COPY takes the rows as they are.
        self.copy = copy


def _copyable():
    backends = settings.WAGTAILSEARCH_BACKENDS.values()
    return connection.vendor in ("sqlite", "postgresql") and all(
        backend["BACKEND"] == "search.backends" for backend in backends
    )


def _build(options, tables, before):
    media = Path(settings.MEDIA_ROOT)
    storage = storages["default"]
    local = isinstance(storage, FileSystemStorage) and Path(storage.location) == media
    files_before = _media_files(media)
    created = _run_loader(options)
    if not local:
        return Snapshot(None, {}, created)
    rows = {}
    for table in tables:
        after = _rows(table)
        if _fingerprint({table: after}) != _fingerprint({table: before[table]}):
            rows[table] = after
    in_database = _sqlite_copy(rows) if connection.vendor == "sqlite" else None
    folder = Path(tempfile.mkdtemp(prefix="files-", dir=_folder.path()))
    files = {}
    for name in sorted(_media_files(media) - files_before):
        copy = folder / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(media / name, copy)
        files[name] = copy
    return Snapshot(rows, files, created, in_database)


def _run_loader(options):
    """What DemoLoader(**options).run() leaves. With the demo accounts, the loader runs again
    over the demo without them (its snapshot, copied in): a second run adds the accounts and
    changes nothing else (tests/test_demo_loader.py), in well under a second, where a run
    from nothing takes ~10 s of CPU. Returns what the two runs created together."""
    created = {}
    if options["demo_accounts"]:
        created.update(load_demo(**{**options, "demo_accounts": False}))
    for label, count in DemoLoader(**options).run().items():
        created[str(label)] = created.get(str(label), 0) + count
    return created


def _shared(key, build):
    """The snapshot for `key`, built by whichever process of a parallel run (pytest-xdist)
    asks first and read by the others from the run's shared folder: each worker would
    otherwise spend the loader's 12 s on the same demo. Leaves the demo in this database."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return build()
    name = hashlib.sha256(repr(key).encode()).hexdigest()[:24]
    path = _folder.path() / f"{name}.pickle"
    with open(_folder.path() / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            snapshot = pickle.loads(path.read_bytes())
            if snapshot.rows is None:
                return build()
            _restore(snapshot)
            return snapshot
        snapshot = build()
        path.write_bytes(pickle.dumps(snapshot))
        return snapshot


def _restore(snapshot):
    source = _source(snapshot)
    with connection.cursor() as cursor:
        for table, rows in snapshot.rows.items():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"DELETE FROM {quoted}")
            if source is None:
                _insert(cursor, table, rows)
            elif rows:
                # The WHERE keeps SQLite from copying the table's records wholesale (its
                # "transfer optimization"), which skips the foreign-key bookkeeping of rows put
                # back under rows that refer to them: a transactional test's commit then failed.
                cursor.execute(f"INSERT INTO {quoted} SELECT * FROM {source}.{quoted} WHERE 1")
    if connection.vendor == "postgresql":
        _reset_sequences(snapshot.rows)
    for name, copy in snapshot.files.items():
        if not default_storage.exists(name):
            with copy.open("rb") as handle:
                saved = default_storage.save(name, File(handle))
            assert saved == name, f"{name} was saved as {saved}"
    purge()  # as the loader's publishing does: no cached page outlives the new content


def cleanup():
    """Called when the session ends, in each worker and in the process that started them."""
    _folder.remove()


def _media_files(root):
    if not root.exists():
        return set()
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


# Tables and rows --------------------------------------------------------------------------


def _tables():
    names = connection.introspection.table_names(include_views=False)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'"
            )
            virtual = [row[0] for row in cursor.fetchall()]
        skipped = set(virtual)
        skipped.update(f"{v}_{suffix}" for v in virtual for suffix in FTS5_SHADOW_SUFFIXES)
        names = [name for name in names if name not in skipped]
    return names


def _rows(table):
    """A table's rows, sorted: on SQLite a list of tuples, on PostgreSQL COPY's text lines."""
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quoted} TO STDOUT") as copy:
                data = b"".join(bytes(block) for block in copy)
            return sorted(data.splitlines(keepends=True))
        cursor.execute(f"SELECT * FROM {quoted}")
        return sorted(cursor.fetchall(), key=repr)


def _fingerprint(tables):
    digest = hashlib.sha256()
    for table in sorted(tables):
        digest.update(table.encode())
        digest.update(repr(_comparable(table, tables[table])).encode())
    return digest.hexdigest()


def _comparable(table, rows):
    """A table's rows as far as they tell starting points apart. A transactional test's
    serialized rollback adds Django's many-to-many rows back under new ids (the groups'
    permissions among them); nothing refers to those ids, so they are left out: with them,
    every transactional test after the first saw a new starting point and ran the loader."""
    position = _renumbered().get(table)
    if rows is None or position is None:
        return rows
    if connection.vendor == "postgresql":
        rows = [b"\t".join(_without(line.split(b"\t"), position)) for line in rows]
        return sorted(rows)
    return sorted((_without(row, position) for row in rows), key=repr)


def _without(fields, position):
    return tuple(fields[:position]) + tuple(fields[position + 1 :])


@functools.cache
def _renumbered():
    """{table: position of its id column} for the many-to-many tables Django makes."""
    return {
        model._meta.db_table: [f.column for f in model._meta.local_concrete_fields].index(
            model._meta.pk.column
        )
        for model in apps.get_models(include_auto_created=True)
        if model._meta.auto_created
    }


def _insert(cursor, table, rows):
    if not rows:
        return
    quoted = connection.ops.quote_name(table)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {quoted} FROM STDIN") as copy:
            copy.write(b"".join(rows))
        return
    marks = ", ".join(["%s"] * len(rows[0]))
    cursor.executemany(f"INSERT INTO {quoted} VALUES ({marks})", rows)


def _reset_sequences(rows):
    """Explicit ids leave a table's sequence behind them; the next row would clash. One
    statement for every table: a statement and a catalogue lookup per table were a third of
    each restore's time in PostgreSQL (~55 ms of ~150)."""
    settings = []
    params = []
    for table in rows:
        quoted = connection.ops.quote_name(table)
        for column in _sequence_columns(table):
            highest = f"(SELECT MAX({connection.ops.quote_name(column)}) FROM {quoted})"
            settings.append(
                f"setval(pg_get_serial_sequence(%s, %s), COALESCE({highest}, 1), "
                f"{highest} IS NOT NULL)"
            )
            params += [quoted, column]
    if settings:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(settings), params)


@functools.cache
def _sequence_columns(table):
    with connection.cursor() as cursor:
        return tuple(
            sequence["column"] for sequence in connection.introspection.get_sequences(cursor, table)
        )


# SQLite: the rows in a database of their own --------------------------------------------------
# A restore copies each table inside SQLite (INSERT ... SELECT from the attached copy) instead of
# binding every row from Python: 15 ms a restore instead of 54. The copy is written once per run
# by a connection of its own, outside the test's transaction, whose rollback leaves it alone.

# SQLite attaches at most ten databases to a connection; past this, rows go from Python.
_MOST_ATTACHED = 8


def _sqlite_copy(rows):
    """A database file of the run holding the rows, its tables made as the test database's."""
    path = _folder.path() / f"rows-{os.urandom(6).hex()}.sqlite3"
    with connection.cursor() as cursor, closing(sqlite3.connect(path)) as copy:
        for table, table_rows in rows.items():
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table]
            )
            copy.execute(cursor.fetchone()[0])
            if table_rows:
                marks = ", ".join(["?"] * len(table_rows[0]))
                copy.executemany(
                    f"INSERT INTO {connection.ops.quote_name(table)} VALUES ({marks})", table_rows
                )
        copy.commit()
    return path


def _source(snapshot):
    """The attached database to copy the snapshot's rows from, or None (from Python)."""
    if snapshot.copy is None or connection.vendor != "sqlite":
        return None
    return _attached(str(snapshot.copy))


def _attached(path):
    # Named after the file, which holds one snapshot's rows.
    name = "demo_" + Path(path).stem.removeprefix("rows-")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA database_list")
        attached = {row[1] for row in cursor.fetchall()}
        if name in attached:
            return name
        if len(attached) >= _MOST_ATTACHED:
            return None
        # Allowed inside the test's transaction, and not undone by its rollback.
        cursor.execute(f"ATTACH DATABASE %s AS {name}", [str(own_copy(path))])
        return name


def own_copy(path, worker=None):
    """This worker's copy of the run's file. An attached database is locked by each of the
    worker's transactions (BEGIN IMMEDIATE, a whole test class) and written by ANALYZE: one
    file shared by the workers failed the others' tests with "database is locked", and one
    opened read-only failed ANALYZE (the search statistics, the importer)."""
    worker = worker or os.environ.get("PYTEST_XDIST_WORKER", "main")
    own = Path(path).with_name(f"{Path(path).stem}-{worker}.sqlite3")
    if not own.exists():
        shutil.copyfile(path, own)
    return own
