"""Faceted listings: filters kept in the URL, with a count beside every value.

Each facet's counts are taken with every *other* active filter applied, so a teacher sees
how many results each choice would give from where they are. Unfiltered, or under one or
two other filters, the kept counts (content.facet_counts) answer, and the total too. Under
more, the facets nobody filters on share those filters, so they are counted together in one
grouped query; each facet that is filtered on takes one of its own.
"""

import datetime
import hashlib

from django.core.paginator import Paginator
from django.db.models import Count, F
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode

from caching import fragment
from caching.cards import with_kept_cards
from caching.shared import reference_list
from content import facet_counts
from content import params as url_params
from content.references import with_references


class Facet:
    """A foreign key to a taxonomy list (slug, name, sort_order), filtered by slug.

    Slugs and names come from the cached lists (caching.shared.reference_list), so the
    filter and the counts read the page's own column, without joining the list's table.

    Counts are {key: n}, the key being text (what content.facet_counts keeps): `column` is
    what a page's key is made from and `key` makes it; `found` counts keys with a query and
    `labelled` turns counts from either into (value, label, count)."""

    def __init__(self, param, label, field):
        self.param, self.label, self.field = param, label, field

    def items(self, model):
        return reference_list(model._meta.get_field(self.field).related_model)

    def apply(self, queryset, value):
        # A value that names nothing (a stale link, a typo) finds nothing, and the page says
        # so with a link that clears the filters; it never reaches the database as text.
        ids = [item.pk for item in self.items(queryset.model) if item.slug == value]
        return queryset.filter(**{f"{self.field}_id__in": ids}) if ids else queryset.none()

    @property
    def column(self):
        return f"{self.field}_id"

    def key(self, value):
        return None if value is None else str(value)

    def kept_value(self, model, value):
        """The key the kept counts (content.facet_counts) give the pages this URL value
        filters to; None when no single key does (it names nothing)."""
        ids = [item.pk for item in self.items(model) if item.slug == value]
        return str(ids[0]) if len(ids) == 1 else None

    def grouped(self):
        """What the combined count groups by (FacetedListing.found_together)."""
        return F(self.column)

    def found(self, queryset):
        rows = (
            queryset.order_by()
            .exclude(**{f"{self.field}__isnull": True})
            .values(value=F(self.column))
            .annotate(count=Count("pk"))
        )
        return {self.key(row["value"]): row["count"] for row in rows}

    def labelled(self, model, found):
        return [
            (item.slug, item.name, found[str(item.pk)])
            for item in self.items(model)
            if str(item.pk) in found
        ]

    def counts(self, queryset):
        return self.labelled(queryset.model, self.found(queryset))


class ChoiceFacet(Facet):
    """A field with choices, filtered by the stored value and labelled by the choice."""

    @property
    def column(self):
        return self.field

    def apply(self, queryset, value):
        if value not in dict(queryset.model._meta.get_field(self.field).choices):
            return queryset.none()
        return queryset.filter(**{self.field: value})

    def kept_value(self, model, value):
        return value if value in dict(model._meta.get_field(self.field).choices) else None

    def found(self, queryset):
        rows = queryset.order_by().values(value=F(self.field)).annotate(count=Count("pk"))
        return {row["value"]: row["count"] for row in rows if row["value"] is not None}

    def labelled(self, model, found):
        choices = dict(model._meta.get_field(self.field).choices)
        return [(value, label, found[value]) for value, label in choices.items() if value in found]


class YearFacet(Facet):
    """The year of a date field, newest first."""

    @property
    def column(self):
        return self.field

    def apply(self, queryset, value):
        year = url_params.year(value)
        if year is None:
            return queryset.none()
        return queryset.filter(**{f"{self.field}__year": year})

    def kept_value(self, model, value):
        year = url_params.year(value)
        return None if year is None else str(year)

    def grouped(self):
        return ExtractYear(self.field)

    def key(self, value):
        if value is None:
            return None
        if isinstance(value, int):  # already the year (found_together's ExtractYear)
            return str(value) if value else None
        # A date and time counts in the year it is here, as the database's extraction does.
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value)
        return str(value.year)

    def found(self, queryset):
        rows = (
            queryset.order_by()
            .annotate(facet_year=ExtractYear(self.field))
            .values("facet_year")
            .annotate(count=Count("pk"))
        )
        return {str(row["facet_year"]): row["count"] for row in rows if row["facet_year"]}

    def labelled(self, model, found):
        years = sorted(found, key=int, reverse=True)
        return [(year, f"{year}年", found[year]) for year in years]


class FacetedListing:
    def __init__(
        self, queryset, facets, params, per_page=20, cache_key=None, scopes=None, counted=None
    ):
        self.queryset, self.facets, self.params, self.per_page = queryset, facets, params, per_page
        self.active = {f.param: params.get(f.param) for f in facets if params.get(f.param)}
        # A section listing shows the same public pages to everyone, so its counts can be
        # shared through the cache until the next change purges it (caching.generations).
        self.cache_key = cache_key
        # What the counts are made of (caching.generations): a change elsewhere leaves them.
        self.scopes = scopes
        # The listing whose counts are kept up to date as pages change (content.facet_counts):
        # the unfiltered numbers are read from there, all in one query.
        self.counted = counted

    @cached_property
    def maintained(self):
        """{facet: {key: n}} and the total under "", as kept; None when not kept (the
        listing was never counted): then they are counted with queries."""
        if self.counted is None:
            return None
        return (
            fragment(
                f"facet-counts:{self.counted}",
                lambda: facet_counts.maintained(self.counted) or {},
                scopes=self.scopes,
            )
            or None
        )

    def _under_name(self, params):
        """The key of the counts kept under the active values of these one or two facets
        (content.facet_counts.under); None when none is kept."""
        if not 0 < len(params) <= 2:
            return None
        filters = []
        for param in params:
            facet = next(f for f in self.facets if f.param == param)
            value = facet.kept_value(self.queryset.model, self.active[param])
            if value is None:
                return None
            filters.append((param, value))
        return facet_counts.under(self.counted, *filters)

    @cached_property
    def _kept_parts(self):
        """{key: counts} of what is kept under the active filters and under all of them but
        one (each facet's counts are taken under the others): one query per combination."""
        if self.maintained is None or not self.active:
            return {}
        subsets = [list(self.active), *([p for p in self.active if p != s] for s in self.active)]
        names = sorted({n for n in map(self._under_name, subsets) if n is not None})
        if not names:
            return {}
        key = f"facet-counts:{self.counted}:{self._digest(self.active.items())}"

        def build():
            # Nothing kept under values of a counted listing: no page has them.
            found = facet_counts.maintained_many(names)
            return {name: counts or {} for name, counts in found.items()}

        return fragment(key, build, scopes=self.scopes)

    def _kept_under(self, params):
        """{facet: {key: n}} and the total under "" of the pages with the active values of
        one or two facets (`params`), as kept; None when not kept."""
        if self.maintained is None:
            return None
        return self._kept_parts.get(self._under_name(params))

    def _kept_count(self):
        """The number of results as kept, with up to two filters; None when not kept."""
        total = facet_counts.TOTAL
        if not self.active:
            return None if self.maintained is None else self.maintained[total][total]
        within = self._kept_under(list(self.active))
        return None if within is None else within.get(total, {}).get(total, 0)

    def _filtered(self, skip=None):
        queryset = self.queryset
        for facet in self.facets:
            if facet.param in self.active and facet.param != skip:
                queryset = facet.apply(queryset, self.active[facet.param])
        return queryset

    @cached_property
    def _kept_params(self):
        return {key: values for key, values in self.params.lists() if key != "page"}

    def _url(self, **changes):
        """This listing's URL with some parameters changed (None: removed), on its first
        page. Asked for every facet option: built from a plain dict, as copying the
        request's QueryDict deep-copies it (3 ms of a resource list's 35)."""
        params = dict(self._kept_params)
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = [value]
        query = urlencode(params, doseq=True)
        return f"?{query}" if query else "?"

    @cached_property
    def shared_key(self):
        """What names this listing's filters and counts as every visitor sees them, whatever
        the page number (portal_tags.shared_listing_part); None when they are not shared."""
        if self.cache_key is None:
            return None
        return f"{self.cache_key}:{self._digest(self._kept_params.items())}"

    @cached_property
    def results(self):
        return self._filtered()

    def page(self, number, shown=None):
        """The page of results; `shown` may add to the query of its rows what they are shown
        with (their kept cards, caching.cards.with_kept_cards)."""
        paginator = Paginator(shown(self.results) if shown else self.results, self.per_page)
        kept = self._kept_count()
        if kept is not None:
            paginator.count = kept
        elif self.cache_key is not None:
            # Counted once per filter combination, like the facets (16 ms at 50,000
            # resources with two filters on PostgreSQL).
            key = f"count:{self.cache_key}:{self._digest(self.active.items())}"
            paginator.count = fragment(key, self.results.count, scopes=self.scopes)
        return paginator.get_page(number)

    @staticmethod
    def _digest(params):
        return hashlib.sha1(urlencode(sorted(params)).encode()).hexdigest()

    def found_together(self):
        """{param: {key: n}} of every facet not filtered on, all under the active filters, in
        one query grouped by all their columns (a few hundred combinations at most once
        filtered), instead of one grouped query each over the same rows."""
        facets = [f for f in self.facets if f.param not in self.active]
        names = {f"facet_{i}": facet for i, facet in enumerate(facets)}
        rows = (
            self._filtered()
            .order_by()
            .annotate(**{name: facet.grouped() for name, facet in names.items()})
            .values(*names)
            .annotate(facet_count=Count("pk"))
        )
        found = {facet.param: {} for facet in facets}
        for row in rows:
            for name, facet in names.items():
                key = facet.key(row[name])
                if key is not None:
                    counts = found[facet.param]
                    counts[key] = counts.get(key, 0) + row["facet_count"]
        return found

    @cached_property
    def _together(self):
        if self.cache_key is None:
            return self.found_together()
        key = f"facets:{self.cache_key}:*:{self._digest(self.active.items())}"
        return fragment(key, self.found_together, scopes=self.scopes)

    def values_for(self, facet):
        """(value, label, count) of a facet, counted under the other active filters."""
        others = [(k, v) for k, v in self.active.items() if k != facet.param]
        if not others and self.maintained is not None:
            found = self.maintained.get(facet.param, {})
            return facet.labelled(self.queryset.model, found)
        # Under one or two other filters: the counts kept under their values.
        within = self._kept_under([param for param, _value in others])
        if within is not None:
            return facet.labelled(self.queryset.model, within.get(facet.param, {}))
        if facet.param not in self.active:
            return facet.labelled(self.queryset.model, self._together[facet.param])
        if self.cache_key is None:
            return facet.counts(self._filtered(skip=facet.param))
        key = f"facets:{self.cache_key}:{facet.param}:{self._digest(others)}"
        return fragment(
            key, lambda: facet.counts(self._filtered(skip=facet.param)), scopes=self.scopes
        )

    @cached_property
    def groups(self):
        groups = []
        for facet in self.facets:
            selected = self.active.get(facet.param)
            options = [
                {
                    "label": label,
                    "count": count,
                    "selected": value == selected,
                    "url": self._url(**{facet.param: None if value == selected else value}),
                }
                for value, label, count in self.values_for(facet)
            ]
            if options:
                groups.append(
                    {
                        "param": facet.param,
                        "label": facet.label,
                        "options": options,
                        "clear_url": self._url(**{facet.param: None}) if selected else None,
                    }
                )
        return groups

    @cached_property
    def active_filters(self):
        """What is filtered on, by label, each with the URL that removes it."""
        if not self.active:  # without reading the options, now kept in a shared fragment
            return []
        labels = {
            g["param"]: next((o["label"] for o in g["options"] if o["selected"]), None)
            for g in self.groups
        }
        return [
            {"label": labels.get(param) or value, "url": self._url(**{param: None})}
            for param, value in self.active.items()
        ]

    @property
    def clear_all_url(self):
        return self._url(**dict.fromkeys(self.active))


class FacetedIndexMixin:
    """An index page whose listing filters by facets; subclasses name the queryset, and
    what pages/faceted_index_page.html shows: the noun, the card, the feed."""

    facets = []
    per_page = 20
    listing_noun = ""
    card_template = ""
    listing_class = "item-list"
    feed_name = None  # URL name of the RSS feed; the Atom feed is the same name + "_atom"
    # The page type listed ("app.Model"), every live public page of it, whose facet counts
    # content.facet_counts keeps up to date; None: counted with queries on each miss.
    listed_model = None

    def get_listing_queryset(self):
        raise NotImplementedError

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        listing = FacetedListing(
            self.get_listing_queryset(),
            self.facets,
            request.GET,
            per_page=self.per_page,
            cache_key=f"listing-{self.pk}",
            scopes=self.cache_depends,
            counted=facet_counts.listing_key(self.listed_model) if self.listed_model else None,
        )
        context["listing"] = listing
        page_obj = listing.page(
            request.GET.get("page"),
            shown=lambda rows: with_kept_cards(rows, self.card_template, request),
        )
        page_obj.object_list = with_references(page_obj.object_list)
        context["page_obj"] = page_obj
        return context
