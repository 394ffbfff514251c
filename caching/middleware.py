"""The full-page cache for anonymous visitors, and the middleware that puts the shared site
and its settings on each request.

A page is kept with the generations of the scopes it was made from (caching.generations:
what its type declares, the fragments and cards it used; every scope when nothing said), and
served while they are current: a news item leaves the resource list's cached page in use.
See that module for why generations rather than purging by URL.
"""

import hashlib

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.module_loading import import_string

from caching.generations import all_scopes, generations, request_scope, used
from caching.shared import site_setting

HEADER = "X-Page-Cache"
# A request carrying one of these may see something made for it alone (a logged-in user's
# name, a password-protected page they unlocked, a flash message): it neither gets nor
# leaves a cached page.
PRIVATE_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")
UNCACHEABLE_CONTROL = ("private", "no-cache", "no-store")


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
    return f"page:{digest}"


def _current(made_from):
    """Whether every generation a cached page was made under is still the current one."""
    now = generations()
    return all(now.get(scope) == n for scope, n in made_from)


class PageCacheMiddleware:
    """Serves and stores whole pages for anonymous visitors. It sits before the session,
    CSRF and locale middleware, so it sees the cookies and headers they add to a response.

    A view that must do something on every visit sets `response.page_cache_on_hit` to
    (dotted path of a function, [arguments]); a cached copy calls it with the request and
    the arguments when served (the request says whether the visit counts: a HEAD, a crawler)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_scope():
            return self._respond(request)

    def _respond(self, request):
        if not _may_use(request):
            return self.get_response(request)
        key = _key(request)
        entry = cache.get(key)
        if entry is not None and _current(entry[3]):
            content, headers, on_hit, _made_from = entry
            if on_hit:  # what the view does on every visit, such as counting a search
                path, args = on_hit
                import_string(path)(request, *args)
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            response[HEADER] = "hit"
            return response
        # Read before rendering: the page is made from what was current then (or newer, in
        # which case it is retired at once, never kept too long).
        now = generations()
        response = self.get_response(request)
        if _may_store(request, response):
            headers = [(n, v) for n, v in response.items() if n != HEADER]
            on_hit = getattr(response, "page_cache_on_hit", None)
            made_from = [(scope, now[scope]) for scope in (used() or all_scopes())]
            entry = (response.content, headers, on_hit, made_from)
            cache.set(key, entry, settings.PAGE_CACHE_TIMEOUT)
            response[HEADER] = "miss"
        return response


class SharedCacheMiddleware:
    """Puts the cached site and its settings (CACHING_SITE_SETTINGS, e.g. the footer's) on
    each page request, where Wagtail's routing and the settings context processor look for
    them before querying."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.models = [apps.get_model(label) for label in settings.CACHING_SITE_SETTINGS]

    def __call__(self, request):
        if not excluded(request.path):
            for model in self.models:
                site_setting(model, request)
        return self.get_response(request)
