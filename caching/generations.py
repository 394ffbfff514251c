"""Generations: numbers that every cached page, fragment and card's key carries, one per
scope of the site (its shared parts, each section, the tracking records).

Anything that can change what a public page shows (publishing, privacy, files, settings,
reference data, tracking records: see caching/signals.py) bumps the generation of the
scope it belongs to, and every entry made from that scope before is never read again; the
TTL clears them out. Purging by URL would have to know every page that shows a changed item
(listings, facet counts, the home page, collections, feeds, the search page, /results/),
and missing one would show stale or no-longer-public content; bumping is one write and
cannot miss. An entry names the scopes it was made from (every scope unless it says
fewer), so a news item leaves the resource listings and their facet counts warm, as
Plone's catalogue counter does per catalogue. The shared scope (`site`: privacy, reference
lists, settings, menus, files) is in every entry's list: its changes still retire all.

The numbers live in the database (caching.models.Generation, one row per scope), not in
the cache: every process of a deployment (gunicorn workers, the shell, management commands,
the publish timer) reads the same rows whatever cache backend is configured, so a page made
teachers-only in one is never served from another's cache. A request reads them all at
once, in one query; a process's own memory is then as good a cache as Redis, because a key
names its generations and a generation's values never change.
"""

import contextvars
import hashlib
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.db.models import BigIntegerField, F, Value
from django.db.models.functions import Greatest

# The scope every entry depends on: what every page shows (menus, reference lists, site
# settings) and what decides who may see it (privacy).
SITE = "site"


def all_scopes():
    """Every scope, the shared one first: CACHING_SCOPES names the rest."""
    return (SITE, *getattr(settings, "CACHING_SCOPES", ()))


class _State:
    """What a request (caching.request_scope) has read and used."""

    def __init__(self):
        self.values = None  # {scope: n}, read once
        self.used = set()  # the scopes of what this response was made from
        self.everything = False  # made from something that names no scopes


_request = contextvars.ContextVar("caching_generations", default=None)


def _rows():
    model = apps.get_model("caching", "Generation")
    return model.objects.using(router.db_for_write(model))


def _start(missing):
    """Rows for scopes missing (a fresh or flushed database, a scope added). They start
    from the clock, never from a fixed number: entries made under an old generation with
    the same number could still be in a shared cache, and would be served again."""
    found = {}
    for scope in missing:
        row, _created = _rows().get_or_create(scope=scope, defaults={"n": time.time_ns()})
        found[scope] = row.n
    return found


def _read():
    """{scope: n} in one SQL statement, without the ORM: its query building cost ten times
    the query (bench/cache_costs.py). From the database written to, never a replica that
    may lag."""
    model = apps.get_model("caching", "Generation")
    connection = connections[router.db_for_write(model)]
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT scope, n FROM {table}")
        values = dict(cursor.fetchall())
    missing = [scope for scope in all_scopes() if scope not in values]
    if missing:
        values.update(_start(missing))
    return values


def generations():
    """{scope: n}, read at most once per request (until the request purges)."""
    state = _request.get()
    if state is not None and state.values is not None:
        return state.values
    values = _read()
    if state is not None:
        state.values = values
    return values


def _named(names):
    known = all_scopes()
    if not names:
        return known
    unknown = set(names) - set(known)
    if unknown:
        raise ValueError(f"unknown cache scopes: {sorted(unknown)} (CACHING_SCOPES)")
    return tuple(s for s in known if s in names or s == SITE)


def depends_on(*names):
    """Tells the page cache that this response was made from these scopes (and the shared
    one): with no names, from everything. Fragments and cards say it themselves."""
    state = _request.get()
    if state is None:
        return
    if names:
        state.used.update(_named(names))
    else:
        state.everything = True


def used():
    """The scopes the current response was made from, None for every scope (nothing said
    what it read, or something read everything)."""
    state = _request.get()
    if state is None or state.everything or not state.used:
        return None
    return tuple(s for s in all_scopes() if s in state.used)


def generation(names=None):
    """A short key naming the current generations of these scopes (and the shared one);
    with none, of every scope. It changes whenever one of them does."""
    values = generations()
    chosen = _named(names)
    joined = ".".join(str(values[s]) for s in chosen)
    if len(chosen) == 1:
        return joined
    return hashlib.blake2b(joined.encode(), digest_size=10).hexdigest()


def purge(*names):
    """Retire what was made from these scopes (with none: everything; naming the shared
    scope retires everything too): one UPDATE, atomic on SQLite and PostgreSQL. Inside a
    transaction the new numbers are seen by this transaction at once (this request, the
    tests) and by every other process when it commits, with the change they go with; a
    rollback takes them back too. The next number is the clock when that is larger, so a
    number taken back by a rollback or a restore is not handed out again."""
    state = _request.get()
    if state is not None:
        state.values = None  # this request's own change: read the new generations
    chosen = all_scopes() if not names else tuple(s for s in _named(names) if s in names)
    now = Value(time.time_ns(), output_field=BigIntegerField())
    if _rows().filter(scope__in=chosen).update(n=Greatest(F("n") + 1, now)) < len(chosen):
        # Every missing row at once (a flushed database): the next request's read is then
        # the one query it always is.
        existing = set(_rows().values_list("scope", flat=True))
        _start([s for s in all_scopes() if s not in existing])


class request_scope:
    """Reads the generations at most once inside it (until a purge) and notes the scopes a
    response is made from: what the middleware gives each request, and what a management
    command or a bench may use too."""

    def __enter__(self):
        self._token = _request.set(_State())
        return self

    def __exit__(self, *exc):
        _request.reset(self._token)


# Fragments this process has already read, by key. A key names its generations, and a
# generation's values never change, so a copy here is as good as the shared one for as long
# as the generations are current (which every request reads afresh). A page asks for a
# dozen fragments; from here they cost no cache round trip and no unpickling. Values are
# shared by the worker's threads: callers must not change them. The bound keeps a worker's
# copy small (the largest entries, a search's thousand matching keys or a page of its
# results, are some 40 KB: 20 MB at most); when it is reached everything goes, to be read
# again from the shared cache.
_local = {}
LOCAL_FRAGMENTS = 500


def _remember(key, value):
    if len(_local) >= LOCAL_FRAGMENTS:
        _local.clear()
    _local[key] = value


def fragment(name, build, timeout=None, scopes=None):
    """A value built once per generation of its scopes and shared by every request (menus,
    restricted paths, computed figures): `build()` runs on a miss. `scopes` name what it is
    made from (the shared scope always), None for everything. Treat it as read-only."""
    depends_on(*(scopes or ()))
    key = f"fragment:{generation(scopes)}:{name}"
    value = _local.get(key)
    if value is not None:
        return value
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout or settings.PAGE_CACHE_TIMEOUT)
    _remember(key, value)
    return value


def derived(name, build, scopes=None):
    """Like `fragment`, for a value made from other fragments without a query (the site,
    the menu, the breadcrumbs, from the snapshot): kept in this process only, once per
    generation, never sent to the shared cache. Making one again costs less than the
    shared cache's round trip to store or fetch it (some 0.3 ms each, twice per value on
    the first request after a change). Treat it as read-only."""
    depends_on(*(scopes or ()))
    key = f"fragment:{generation(scopes)}:{name}"
    value = _local.get(key)
    if value is None:
        value = build()
        if value is not None:
            _remember(key, value)
    return value


def noted(name):
    """Whether `note(name)` was said under the current generations (of every scope): a
    request may skip work that only a first one after a change needs."""
    key = f"note:{generation()}:{name}"
    if key in _local:
        return True
    if cache.get(key) is None:
        return False
    _remember(key, True)
    return True


def note(name):
    key = f"note:{generation()}:{name}"
    cache.set(key, True, settings.PAGE_CACHE_TIMEOUT)
    _remember(key, True)


def clear():
    """Empty the shared cache and this process's copies of fragments: what a test starts
    from (its database, and so the generations, are rolled back to where an earlier test
    built fragments from its own data)."""
    cache.clear()
    _local.clear()
