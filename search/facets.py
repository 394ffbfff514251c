"""Facets of the site search: what kind of page, which school, subject, level and year.

The result pages are of many types and each keeps its school, subject or date in its own
table, so a facet looks through every type that has the field (a resource's school, a
recording's school ...). They plug into content.filters.FacetedListing, like the section
listings, so counts and links behave the same way.
"""

import hashlib
from collections import Counter
from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.db import connections, transaction
from django.db.models import Count, DateField, F, Q
from django.db.models.functions import Coalesce, ExtractYear, TruncDate
from django.utils import timezone
from django.utils.functional import cached_property

from wagtail.models import get_page_models

from caching import derived, fragment
from caching.shared import reference_list
from content import params as url_params
from content.filters import Facet, FacetedListing
from content.models import (
    ActivityPage,
    ForumSessionPage,
    LessonStudyPage,
    Level,
    NewsPage,
    RecordingPage,
    ResourcePage,
    School,
    StandardPage,
    Subject,
    WorkshopPage,
)

# What people search for, offered as types when there are too many results to count.
TYPE_MODELS = [
    ResourcePage,
    RecordingPage,
    LessonStudyPage,
    ForumSessionPage,
    NewsPage,
    ActivityPage,
    WorkshopPage,
    StandardPage,
]

# The page types each facet reads, and the field it reads there.
SCHOOL_FIELDS = [
    "resourcepage__school",
    "recordingpage__school",
    "activitypage__school",
    "workshoppage__school",
]
SUBJECT_FIELDS = [
    "resourcepage__subject",
    "recordingpage__subject",
    "activitypage__subject",
    "lessonstudypage__subject",
]
LEVEL_FIELDS = ["resourcepage__level", "recordingpage__level"]


def page_model_names():
    return {model._meta.model_name for model in get_page_models()}


def result_date():
    """The date a reader would give each kind of page, falling back to its publication."""
    return Coalesce(
        F("newspage__date"),
        F("recordingpage__lesson_date"),
        F("lessonstudypage__date"),
        F("forumsessionpage__date"),
        TruncDate("activitypage__start"),
        TruncDate("first_published_at"),
        output_field=DateField(),
    )


class CombinedFacet(Facet):
    """A facet whose counts can come from one grouped query shared by all the facets:
    `expression` is its value in SQL, `value_of` turns that into the URL's value, and
    `options_from` turns {raw value: count} into (value, label, count)."""

    def counts(self, queryset):
        rows = (
            queryset.order_by()
            .annotate(facet_value=self.expression())
            .exclude(facet_value__isnull=True)
            .values("facet_value")
            .annotate(count=Count("pk"))
        )
        return self.options_from({row["facet_value"]: row["count"] for row in rows})


class TypeFacet(CombinedFacet):
    def __init__(self, param="type", label="类型"):
        super().__init__(param, label, "content_type")

    def apply(self, queryset, value):
        if value not in page_model_names():
            return queryset.none()
        return queryset.filter(content_type__model=value)

    def expression(self):
        return F("content_type")

    def value_of(self, raw):
        return ContentType.objects.get_for_id(raw).model if raw else None

    def options_from(self, found):
        types = {pk: ContentType.objects.get_for_id(pk) for pk in found}  # cached by Django
        options = [
            (ct.model, str(ct.model_class()._meta.verbose_name), found[pk])
            for pk, ct in types.items()
            if ct.model_class() is not None
        ]
        return sorted(options, key=lambda o: -o[2])

    def options(self):
        return [(m._meta.model_name, str(m._meta.verbose_name)) for m in TYPE_MODELS]


class CrossTypeFacet(CombinedFacet):
    """A taxonomy field that several page types have, filtered by the item's slug."""

    def __init__(self, param, label, model, fields):
        super().__init__(param, label, fields[0])
        self.model, self.fields = model, fields

    def apply(self, queryset, value):
        ids = [item.pk for item in reference_list(self.model) if item.slug == value]
        if not ids:
            return queryset.none()
        condition = Q()
        for field in self.fields:
            condition |= Q(**{f"{field}_id__in": ids})
        return queryset.filter(condition)

    def expression(self):
        return Coalesce(*[F(f"{f}_id") for f in self.fields])

    def value_of(self, raw):
        return self.slugs.get(raw)

    @cached_property
    def slugs(self):
        return {item.pk: item.slug for item in reference_list(self.model)}

    def options_from(self, found):
        items = [item for item in reference_list(self.model) if item.pk in found]
        return [(item.slug, item.name, found[item.pk]) for item in items]

    def options(self):
        return [(item.slug, item.name) for item in reference_list(self.model)]


class DateYearFacet(CombinedFacet):
    def __init__(self, param="year", label="年份"):
        super().__init__(param, label, "result_date")

    def apply(self, queryset, value):
        year = url_params.year(value)
        if year is None:
            return queryset.none()
        return queryset.alias(facet_date=result_date()).filter(facet_date__year=year)

    def expression(self):
        return ExtractYear(result_date())

    # int(): read with the matches outside the ORM (RankedSearchResults.counting_values),
    # PostgreSQL's year is a numeric.
    def value_of(self, raw):
        return str(int(raw)) if raw else None

    def options_from(self, found):
        years = sorted(found, reverse=True)
        return [(str(int(year)), f"{int(year)}年", found[year]) for year in years]

    def options(self):
        # The programme began in 2022; every year since, newest first.
        this_year = timezone.localdate().year
        return [(str(year), f"{year}年") for year in range(this_year, 2021, -1)]


@contextmanager
def joins_as_written(alias):
    """On PostgreSQL, statements run inside it join their tables in the order written. The
    facets' statement joins each page type's table to the matched pages (eight tables):
    choosing among their orders took the planner 5-10 ms at 50,000 resources, about as
    long as running it; in the order written (the pages, then each type's row) it plans in
    1 ms and runs as fast."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute("SET LOCAL join_collapse_limit = 1")
        yield


def facet_values(facets):
    """{name: expression} of each facet's value of a page, in the facets' order."""
    return {f"facet_{i}": facet.expression() for i, facet in enumerate(facets)}


def search_facets():
    return [
        TypeFacet(),
        CrossTypeFacet("school", "学校", School, SCHOOL_FIELDS),
        CrossTypeFacet("subject", "学科/专业", Subject, SUBJECT_FIELDS),
        CrossTypeFacet("level", "级别", Level, LEVEL_FIELDS),
        DateYearFacet(),
    ]


class SearchListing(FacetedListing):
    """The search page's facets. Past the count limit of the search (a thousand), counting
    every value would touch every match; the values are then offered without counts."""

    def __init__(self, matching, facets, params, counted=True, cache_key=None, matched=None):
        super().__init__(matching, facets, params)
        self.counted = counted
        # Set when the matches are the same for every visitor who searches the same words
        # (anonymous ones): the counts are then shared until the next change, as the
        # sections' are. Kept apart from FacetedListing.cache_key, which also caches totals.
        self.combinations_key = cache_key
        # Each match's values of the facets (their `values()`, in order), when the search
        # read them as it counted (RankedSearchResults.counting_values): then no statement
        # of its own counts them.
        self.matched = matched

    def filter(self, queryset):
        for facet in self.facets:
            if facet.param in self.active:
                queryset = facet.apply(queryset, self.active[facet.param])
        return queryset

    @cached_property
    def combinations(self):
        """How many matches have each combination of the facets' values: one grouped query
        for all the facets instead of one each. Counting happens only below the search's
        count limit, so at most that many rows come back."""
        build = self._combinations if self.matched is None else self._combined
        if self.combinations_key is None:
            return build()
        digest = hashlib.sha1(self.combinations_key.encode()).hexdigest()
        if self.matched is not None:
            # Made from the matches the search shares (no query): in this process only,
            # where the shared cache's round trips would cost more than grouping them again.
            return derived(f"search-facets-of-matches:{digest}", build)
        return fragment(f"search-facets:{digest}", build)

    def _combinations(self):
        names = facet_values(self.facets)
        rows = self.queryset.order_by().annotate(**names).values(*names).annotate(count=Count("pk"))
        with joins_as_written(rows.db):
            rows = list(rows)
        return self._combos(([row[name] for name in names], row["count"]) for row in rows)

    def _combined(self):
        """The combinations of the values read with the matches, counted here."""
        return self._combos((list(raws), count) for raws, count in Counter(self.matched).items())

    def _combos(self, counted):
        combos = []
        for raws, count in counted:
            values = [f.value_of(raw) for f, raw in zip(self.facets, raws, strict=True)]
            combos.append((raws, values, count))
        return combos

    def values_for(self, facet):
        if not self.counted:
            return [(value, label, None) for value, label in facet.options()]
        # Each facet is counted under the other active filters, as the section listings do.
        position = self.facets.index(facet)
        others = [
            (i, self.active[f.param])
            for i, f in enumerate(self.facets)
            if f.param in self.active and i != position
        ]
        found = {}
        for raws, values, count in self.combinations:
            raw = raws[position]
            if raw is None or any(values[i] != wanted for i, wanted in others):
                continue
            found[raw] = found.get(raw, 0) + count
        return facet.options_from(found)
