"""What every page asks the database for, kept in the cache between requests: the site, its
settings (the footer's), the main menu and the reference lists. Each is keyed by the
generation (caching.fragment), so the signals that purge cached pages purge these too.
The settings, the pages of the menu and the reference lists come from the one query of
caching.snapshot.
"""

import copy

from django.conf import settings
from django.http.request import split_domain_port

from wagtail.models import Page, Site
from wagtail.models.sites import SiteRootPath

from caching.generations import SITE, derived, fragment
from caching.privacy import restricted_paths
from caching.snapshot import TOP_DEPTH, snapshot

# Wagtail's order of preference among the sites a host may mean (wagtail.models.sites).
HOSTNAME_PORT, HOSTNAME_DEFAULT, DEFAULT, HOSTNAME = range(4)


def _site_in_snapshot(request):
    """The site Site.find_for_request would find, from the snapshot's sites and pages
    rather than a query of its own; None if it finds none, False if the site's root page
    is not in the snapshot."""
    hostname = split_domain_port(request.get_host())[0]
    port = request.get_port()
    port = int(port) if str(port).isdigit() else port

    def match(site):
        if site.hostname == hostname:
            if site.port == port:
                return HOSTNAME_PORT
            return HOSTNAME_DEFAULT if site.is_default_site else HOSTNAME
        return DEFAULT

    shared = snapshot()
    sites = sorted(
        (s for s in shared["sites"] if s.hostname == hostname or s.is_default_site), key=match
    )
    site = None
    if len(sites) == 1 or (sites and match(sites[0]) in (HOSTNAME_PORT, HOSTNAME_DEFAULT)):
        site = sites[0]
    elif sites and match(sites[0]) == DEFAULT:
        site = sites[len(sites) == 2]
    if site is None:
        return None
    root = next((page for page in shared["top"] if page.pk == site.root_page_id), None)
    if root is None:
        return False
    site = copy.copy(site)
    site.root_page = copy.copy(root)  # made its own type next, not on the shared page
    return site


def site_for(request):
    """Site.find_for_request without its query once per generation: Wagtail reads
    request._wagtail_site first. The root page travels with the site, so routing starts
    without a query too. Made from the snapshot in each process (caching.derived)."""
    if not hasattr(request, "_wagtail_site"):
        key = f"site:{request.get_host()}:{request.get_port()}"

        def build():
            site = _site_in_snapshot(request)
            if site is False:  # a root page below the snapshot's depth
                site = Site.find_for_request(request)
            if site is not None:
                # In its own type for routing, without the query for its own fields: only
                # the home page itself shows them, and reads them then (HomePage.route).
                site.root_page = site.root_page.specific_deferred
            return site

        request._wagtail_site = derived(key, build, scopes=[SITE])
        if not hasattr(request, "_wagtail_cached_site_root_paths"):
            # Where Page.get_url_parts looks before Site.get_site_root_paths, whose cache
            # entry is one more round trip to the shared cache on every page (and a query
            # after it is emptied). Wagtail's attribute, not a documented API: its pages'
            # URLs have no other way in.
            request._wagtail_cached_site_root_paths = site_root_paths()
    return request._wagtail_site


def _root_paths():
    shared = snapshot()
    roots = {page.pk: page for page in shared["top"]}
    sites = shared["sites"]
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False) or not all(
        site.root_page_id in roots and roots[site.root_page_id].locale_id in shared["locales"]
        for site in sites
    ):
        return Site.get_site_root_paths()  # translations of root pages, or a deeper root
    # Wagtail's order: the longest root path first, then the default site, then by host.
    ordered = sorted(sites, key=lambda site: site.hostname)
    ordered.sort(key=lambda site: site.is_default_site, reverse=True)
    ordered.sort(key=lambda site: roots[site.root_page_id].url_path, reverse=True)
    return [
        SiteRootPath(
            site.id,
            roots[site.root_page_id].url_path,
            site.root_url,
            shared["locales"][roots[site.root_page_id].locale_id],
        )
        for site in ordered
    ]


def site_root_paths():
    """Site.get_site_root_paths (the sites' root paths and URLs, which every page URL is made
    from) from the snapshot, once per generation in each process."""
    return derived("site-root-paths", _root_paths, scopes=[SITE])


def site_setting(model, request):
    """A site setting (the footer's PortalSettings) for the request, from the cache."""
    attr = model.get_cache_attr_name()
    if not hasattr(request, attr):
        site = site_for(request)
        if site is None:
            return model.for_request(request)
        rows = snapshot().get(model._meta.label_lower, [])
        shared = next((row for row in rows if row.site_id == site.pk), None)
        if shared is None:  # a model not in the snapshot, or a site without its row yet
            shared = fragment(
                f"setting:{model._meta.label_lower}:{site.pk}",
                lambda: model.for_site(site),
                scopes=[SITE],
            )
        value = copy.copy(shared)  # it is given this request; the shared one is read-only
        value._request = request
        setattr(request, attr, value)
    return getattr(request, attr)


def top_pages(root):
    """The children of a page near the root (the home page's sections and pages) in tree
    order, as plain Page objects with what a link and routing read, None below the
    snapshot's depth. Shared: copy one before changing it."""
    if root.depth >= TOP_DEPTH:
        return None
    return [
        page
        for page in snapshot()["top"]
        if page.depth == root.depth + 1 and page.path.startswith(root.path)
    ]


def ancestors(page, from_depth):
    """The page's ancestors from this depth down, in tree order: those near the root from
    the snapshot, a query only for those below the sections."""
    found = [
        other
        for other in snapshot()["top"]
        if from_depth <= other.depth < page.depth and page.path.startswith(other.path)
    ]
    if page.depth - 1 > TOP_DEPTH:
        deeper = page.get_ancestors().filter(depth__gt=TOP_DEPTH, depth__gte=from_depth)
        found += list(deeper)
    return found


def menu_items(request):
    """The home page and the live, public sections shown in the menu, as plain data."""
    site = site_for(request)
    if site is None:
        return None, []

    def build():
        root = site.root_page
        private = tuple(restricted_paths())
        children = top_pages(root)
        if children is None:  # a site rooted below the snapshot's depth
            children = Page.objects.child_of(root)
        children = [
            page
            for page in children
            if page.live and page.show_in_menus and not page.path.startswith(private)
        ]
        items = [
            {"title": p.title, "url": p.get_url(request), "url_path": p.url_path} for p in children
        ]
        return {"url": root.get_url(request), "url_path": root.url_path}, items

    # From the snapshot, without a query, unless the site is rooted below its pages.
    keep = derived if site.root_page.depth < TOP_DEPTH else fragment
    return keep(f"menu:{site.pk}", build, scopes=[SITE])


def reference_list(model):
    """Every row of a small reference list (schools, subjects, levels), in display order."""
    rows = snapshot().get(model._meta.label_lower)
    if rows is not None:
        return rows
    return fragment(
        f"reference:{model._meta.label_lower}",
        lambda: list(model.objects.order_by("sort_order", "name")),
        scopes=[SITE],
    )
