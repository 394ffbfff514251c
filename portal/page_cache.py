"""Full-page cache for anonymous visitors, and the generation counter that purges it.

Every cached entry's key carries the current *generation*, a number kept in the cache.
Anything that can change what a public page shows (publishing, privacy, files, settings,
reference data, tracking records: see portal/signals.py) bumps it, and every entry made
before is never read again; the TTL clears them out. Purging by URL would have to know
every page that shows a changed item (listings, facet counts, the home page, collections,
feeds, the search page, /results/), and missing one would show stale or no-longer-public
content; bumping is one cache write and cannot miss. The cost is that each publish empties
the whole cache, which is fine for a site that is read far more than it is edited.

The same generation keys fragment caches (`fragment()`), so menus and other shared parts
are purged by the same signals.
"""

import contextvars
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.module_loading import import_string

GENERATION_KEY = "page-cache:generation"
HEADER = "X-Page-Cache"
# A request carrying one of these may see something made for it alone (a logged-in user's
# name, a password-protected page they unlocked, a flash message): it neither gets nor
# leaves a cached page.
PRIVATE_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")
UNCACHEABLE_CONTROL = ("private", "no-cache", "no-store")


# The generation as this request first read it: a page asks for a dozen fragments, and
# each would otherwise read the counter from Redis again. Set by the middleware per request.
_request_generation = contextvars.ContextVar("page_cache_generation", default=None)


def generation():
    memo = _request_generation.get()
    if memo is not None and memo[0] is not None:
        return memo[0]
    value = cache.get(GENERATION_KEY)
    if value is None:
        # Never restart from a fixed number: if the counter was evicted, entries made under
        # an old generation with the same number would be served again, stale.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY)
    if memo is not None:
        memo[0] = value
    return value


def _bump():
    memo = _request_generation.get()
    if memo is not None:
        memo[0] = None  # this request's own change: read the new generation
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no counter yet (or evicted): a fresh one is a new generation
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)


def purge(**kwargs):
    """Retire every cached page and fragment. Bumps now, so this request and the tests'
    transactions read fresh pages, and again on commit, so that a page rendered by another
    process from the not yet committed data is not the one kept."""
    _bump()
    transaction.on_commit(_bump, robust=True)


# Fragments this process has already read, by key. A key names its generation, and a
# generation's values never change, so a copy here is as good as the shared one for as long
# as the generation is current (which every request reads afresh). A page asks for a dozen
# fragments; from here they cost no Redis round trip and no unpickling. Values are shared
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


def excluded(path):
    return path.startswith(tuple(settings.PAGE_CACHE_EXCLUDE))


def _may_use(request):
    return (
        settings.PAGE_CACHE_ENABLED
        and request.method in ("GET", "HEAD")
        and not any(name in request.COOKIES for name in PRIVATE_COOKIES)
        and "HTTP_AUTHORIZATION" not in request.META
        and not excluded(request.path)
    )


def _may_store(request, response):
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies:  # a CSRF token, a session: made for this visitor alone
        return False
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in UNCACHEABLE_CONTROL):
        return False
    vary = response.get("Vary", "").lower()
    return not ("cookie" in vary and request.COOKIES)


def _key(request):
    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(url.encode()).hexdigest()
    return f"page:{generation()}:{digest}"


class PageCacheMiddleware:
    """Serves and stores whole pages for anonymous visitors. It sits before the session,
    CSRF and locale middleware, so it sees the cookies and headers they add to a response.

    A view that must do something on every visit sets `response.page_cache_on_hit` to
    (dotted path of a function, [arguments]); a cached copy calls it when served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_generation.set([None])
        try:
            return self._respond(request)
        finally:
            _request_generation.reset(token)

    def _respond(self, request):
        if not _may_use(request):
            return self.get_response(request)
        key = _key(request)
        entry = cache.get(key)
        if entry is not None:
            content, headers, on_hit = entry
            if on_hit:  # what the view does on every visit, such as counting a search
                path, args = on_hit
                import_string(path)(*args)
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            response[HEADER] = "hit"
            return response
        response = self.get_response(request)
        if _may_store(request, response):
            headers = [(n, v) for n, v in response.items() if n != HEADER]
            on_hit = getattr(response, "page_cache_on_hit", None)
            cache.set(key, (response.content, headers, on_hit), settings.PAGE_CACHE_TIMEOUT)
            response[HEADER] = "miss"
        return response
