"""Which pages are private, from one cached list: the tree paths of every page with a view
restriction (login, groups, password). Read with the other shared lists
(caching.snapshot) and kept under the generation, which a restriction's change bumps in
the database, so every process sees a page made teachers-only on its very next request.
"""

from django.db.models import Q

from wagtail.query import PageQuerySet

from caching.snapshot import snapshot


def restricted_paths():
    """The tree paths of every page with a view restriction (login, groups, password)."""
    return snapshot()["private"]


def may_be_restricted(page):
    """Whether a view restriction can apply to the page: it is in a private section, or
    aliases exist, whose restrictions are their source pages' (left to Wagtail's check)."""
    shared = snapshot()
    return shared["aliases"] or page.path.startswith(tuple(shared["private"]))


def private_q():
    q = Q()
    for path in restricted_paths():
        q |= Q(path__startswith=path)
    return q if q else Q(pk__in=[])


def public(queryset):
    """Public pages of any page queryset (Page.objects included). With no private section
    the queryset is left as it is: excluding nothing still cost Django 0.25 ms to compile,
    on every listing query."""
    if not restricted_paths():
        return queryset
    return queryset.exclude(private_q())


class PortalPageQuerySet(PageQuerySet):
    """`.public()` from the cached list of private sections, not a query every time."""

    def private_q(self):
        return private_q()

    def public(self):
        return public(self)
