"""Which pages a visitor may see listed in a portfolio: live ones whose view restrictions
they pass. Anonymous visitors get the live public pages, from the cached list of private
sections (caching.privacy), without a query; a logged-in visitor's restrictions are asked
once per request, so a teacher sees teachers-only work and a group its own."""

from django.db.models import Q

from wagtail.models import PageViewRestriction

from caching.privacy import public


def _hidden(request):
    hidden = getattr(request, "_people_hidden_pages", None)
    if hidden is None:
        hidden = Q()
        for restriction in PageViewRestriction.objects.select_related("page"):
            if not restriction.accept_request(request):
                hidden |= Q(path__startswith=restriction.page.path)
        request._people_hidden_pages = hidden
    return hidden


def readable(queryset, request):
    """The live pages of `queryset` the request may read."""
    queryset = queryset.live()
    if request is None or not request.user.is_authenticated:
        return public(queryset)
    hidden = _hidden(request)
    return queryset.exclude(hidden) if hidden else queryset
