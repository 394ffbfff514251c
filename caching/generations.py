"""The generation: one number that every cached page, fragment and card's key carries.

Anything that can change what a public page shows (publishing, privacy, files, settings,
reference data, tracking records: see caching/signals.py) bumps it, and every entry made
before is never read again; the TTL clears them out. Purging by URL would have to know
every page that shows a changed item (listings, facet counts, the home page, collections,
feeds, the search page, /results/), and missing one would show stale or no-longer-public
content; bumping is one write and cannot miss. The cost is that each publish empties the
whole cache, which is fine for a site that is read far more than it is edited.

The number lives in the database (caching.models.Generation), not in the cache: every
process of a deployment (gunicorn workers, the shell, management commands, the publish
timer) reads the same row whatever cache backend is configured, so a page made teachers-only
in one is never served from another's cache. A request reads it once; a process's own
memory is then as good a cache as Redis, because a key names its generation and a
generation's values never change (as Plone's catalogue counter, shared by every ZEO client).
"""

import contextvars
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.db.models import BigIntegerField, F, Value
from django.db.models.functions import Greatest

# The generation as this request first read it: a page asks for a dozen fragments, each of
# which would otherwise read the row again. The middleware gives each request its own.
_request_generation = contextvars.ContextVar("caching_generation", default=None)


def _counter():
    # Looked up when called: this module is imported with the package, before models load.
    model = apps.get_model("caching", "Generation")
    return model.objects.using(router.db_for_write(model)).filter(pk=1)


def _start():
    """The counter's row, made if missing (a fresh or flushed database). It starts from the
    clock, never from a fixed number: entries made under an old generation with the same
    number could still be in a shared cache, and would be served again."""
    model = apps.get_model("caching", "Generation")
    rows = model.objects.using(router.db_for_write(model))
    row, _created = rows.get_or_create(pk=1, defaults={"n": time.time_ns()})
    return row.n


def _read():
    """One SQL statement, without the ORM: its query building cost ten times the query
    (bench/cache_costs.py). From the database written to, never a replica that may lag."""
    model = apps.get_model("caching", "Generation")
    connection = connections[router.db_for_write(model)]
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT n FROM {table} WHERE id = %s", [1])
        row = cursor.fetchone()
    return _start() if row is None else row[0]


def generation():
    memo = _request_generation.get()
    if memo is not None and memo[0] is not None:
        return memo[0]
    value = _read()
    if memo is not None:
        memo[0] = value
    return value


def purge():
    """Retire every cached page and fragment: one UPDATE, atomic on SQLite and PostgreSQL.
    Inside a transaction the new number is seen by this transaction at once (this request,
    the tests) and by every other process when it commits, with the change it goes with; a
    rollback takes it back too. The next number is the clock when that is larger, so a
    number taken back by a rollback or a restore is not handed out again."""
    memo = _request_generation.get()
    if memo is not None:
        memo[0] = None  # this request's own change: read the new generation
    now = Value(time.time_ns(), output_field=BigIntegerField())
    if not _counter().update(n=Greatest(F("n") + 1, now)):
        _start()


class request_scope:
    """Reads the generation at most once inside it (until a purge): what the middleware
    gives each request, and what a management command or a bench may use too."""

    def __enter__(self):
        self._token = _request_generation.set([None])
        return self

    def __exit__(self, *exc):
        _request_generation.reset(self._token)


# Fragments this process has already read, by key. A key names its generation, and a
# generation's values never change, so a copy here is as good as the shared one for as long
# as the generation is current (which every request reads afresh). A page asks for a dozen
# fragments; from here they cost no cache round trip and no unpickling. Values are shared
# by the worker's threads: callers must not change them. The bound keeps a worker's copy
# small (the largest entries, a search's thousand matching keys or a page of its results,
# are some 40 KB: 20 MB at most); when it is reached the retired generations go first,
# then everything, to be read again from the shared cache.
_local = {}
LOCAL_FRAGMENTS = 500


def _remember(key, value):
    if len(_local) >= LOCAL_FRAGMENTS:
        current = key.split(":", 2)[1]
        for old in [k for k in list(_local) if k.split(":", 2)[1] != current]:
            _local.pop(old, None)
        if len(_local) >= LOCAL_FRAGMENTS:
            _local.clear()
    _local[key] = value


def fragment(name, build, timeout=None):
    """A value built once per generation and shared by every request (menus, restricted
    paths, computed figures): `build()` runs on a miss. Treat it as read-only."""
    key = f"fragment:{generation()}:{name}"
    value = _local.get(key)
    if value is not None:
        return value
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout or settings.PAGE_CACHE_TIMEOUT)
    _remember(key, value)
    return value


def clear():
    """Empty the shared cache and this process's copies of fragments: what a test starts
    from (its database, and so the generation, is rolled back to where an earlier test
    built fragments from its own data)."""
    cache.clear()
    _local.clear()
