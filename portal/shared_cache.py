"""What every page asks the database for, kept in the cache between requests: the site, its
footer setting, the main menu and which sections are private. Each is keyed by the page
cache's generation (portal.page_cache.fragment), so the signals that purge cached pages
purge these too, and a privacy change is seen by the very next query.
"""

import copy

from django.db.models import Q

from wagtail.models import Page, PageViewRestriction, Site
from wagtail.query import PageQuerySet

from portal.page_cache import fragment


def site_for(request):
    """Site.find_for_request without its query: Wagtail reads request._wagtail_site first.
    The root page travels with the site, so routing starts without a query too."""
    if not hasattr(request, "_wagtail_site"):
        key = f"site:{request.get_host()}:{request.get_port()}"

        def build():
            site = Site._find_for_request(request)
            if site is not None:
                site.root_page.specific  # noqa: B018  (cached on the instance, pickled with it)
            return site

        request._wagtail_site = fragment(key, build)
    return request._wagtail_site


def site_setting(model, request):
    """A site setting (the footer's PortalSettings) for the request, from the cache."""
    attr = model.get_cache_attr_name()
    if not hasattr(request, attr):
        site = site_for(request)
        if site is None:
            return model.for_request(request)
        shared = fragment(
            f"setting:{model._meta.label_lower}:{site.pk}", lambda: model.for_site(site)
        )
        value = copy.copy(shared)  # it is given this request; the shared one is read-only
        value._request = request
        setattr(request, attr, value)
    return getattr(request, attr)


def _privacy():
    return {
        "paths": list(PageViewRestriction.objects.values_list("page__path", flat=True)),
        "aliases": Page.objects.filter(alias_of__isnull=False).exists(),
    }


def restricted_paths():
    """The tree paths of every page with a view restriction (login, groups, password)."""
    return fragment("privacy", _privacy)["paths"]


def may_be_restricted(page):
    """Whether a view restriction can apply to the page: it is in a private section, or
    aliases exist, whose restrictions are their source pages' (left to Wagtail's check)."""
    privacy = fragment("privacy", _privacy)
    return privacy["aliases"] or page.path.startswith(tuple(privacy["paths"]))


def private_q():
    q = Q()
    for path in restricted_paths():
        q |= Q(path__startswith=path)
    return q if q else Q(pk__in=[])


class PortalPageQuerySet(PageQuerySet):
    """`.public()` from the cached list of private sections, not a query every time."""

    def private_q(self):
        return private_q()

    def public(self):
        return public(self)


def public(queryset):
    """Public pages of any page queryset (Page.objects included). With no private section
    the queryset is left as it is: excluding nothing still cost Django 0.25 ms to compile,
    on every listing query."""
    if not restricted_paths():
        return queryset
    return queryset.exclude(private_q())


def menu_items(request):
    """The home page and the live, public sections shown in the menu, as plain data."""
    site = site_for(request)
    if site is None:
        return None, []

    def build():
        root = site.root_page
        children = public(Page.objects.child_of(root).live().in_menu())
        items = [
            {"title": p.title, "url": p.get_url(request), "url_path": p.url_path} for p in children
        ]
        return {"url": root.get_url(request), "url_path": root.url_path}, items

    return fragment(f"menu:{site.pk}", build)


class SharedCacheMiddleware:
    """Puts the cached site and footer setting on each page request, where Wagtail's routing
    and the settings context processor look for them before querying."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from portal.models import PortalSettings
        from portal.page_cache import excluded

        if not excluded(request.path):
            site_setting(PortalSettings, request)
        return self.get_response(request)


def reference_list(model):
    """Every row of a small reference list (schools, subjects, levels), in display order."""
    return fragment(
        f"reference:{model._meta.label_lower}",
        lambda: list(model.objects.order_by("sort_order", "name")),
    )
