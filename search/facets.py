"""Facets of the site search: what kind of page, which school, subject, level and year.

The result pages are of many types and each keeps its school, subject or date in its own
table, so a facet looks through every type that has the field (a resource's school, a
recording's school ...). They plug into content.filters.FacetedListing, like the section
listings, so counts and links behave the same way.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, DateField, F, Q
from django.db.models.functions import Coalesce, ExtractYear, TruncDate
from django.utils import timezone

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
from portal.shared_cache import reference_list

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


class TypeFacet(Facet):
    def __init__(self, param="type", label="类型"):
        super().__init__(param, label, "content_type")

    def apply(self, queryset, value):
        return queryset.filter(content_type__model=value)

    def counts(self, queryset):
        rows = queryset.order_by().values("content_type").annotate(count=Count("pk"))
        found = {row["content_type"]: row["count"] for row in rows}
        types = {pk: ContentType.objects.get_for_id(pk) for pk in found}  # cached by Django
        options = [
            (ct.model, str(ct.model_class()._meta.verbose_name), found[pk])
            for pk, ct in types.items()
            if ct.model_class() is not None
        ]
        return sorted(options, key=lambda o: -o[2])

    def options(self):
        return [(m._meta.model_name, str(m._meta.verbose_name)) for m in TYPE_MODELS]


class CrossTypeFacet(Facet):
    """A taxonomy field that several page types have, filtered by the item's slug."""

    def __init__(self, param, label, model, fields):
        super().__init__(param, label, fields[0])
        self.model, self.fields = model, fields

    def apply(self, queryset, value):
        condition = Q()
        for field in self.fields:
            condition |= Q(**{f"{field}__slug": value})
        return queryset.filter(condition)

    def counts(self, queryset):
        rows = (
            queryset.order_by()
            .annotate(facet_value=Coalesce(*[F(f"{f}_id") for f in self.fields]))
            .exclude(facet_value__isnull=True)
            .values("facet_value")
            .annotate(count=Count("pk"))
        )
        found = {row["facet_value"]: row["count"] for row in rows}
        items = [item for item in reference_list(self.model) if item.pk in found]
        return [(item.slug, item.name, found[item.pk]) for item in items]

    def options(self):
        return list(self.model.objects.order_by("sort_order", "name").values_list("slug", "name"))


class DateYearFacet(Facet):
    def __init__(self, param="year", label="年份"):
        super().__init__(param, label, "result_date")

    def apply(self, queryset, value):
        if not str(value).isdigit():
            return queryset.none()
        return queryset.alias(facet_date=result_date()).filter(facet_date__year=int(value))

    def counts(self, queryset):
        rows = (
            queryset.order_by()
            .annotate(facet_year=ExtractYear(result_date()))
            .values("facet_year")
            .annotate(count=Count("pk"))
            .order_by("-facet_year")
        )
        return [
            (str(row["facet_year"]), f"{row['facet_year']}年", row["count"])
            for row in rows
            if row["facet_year"]
        ]

    def options(self):
        # The programme began in 2022; every year since, newest first.
        this_year = timezone.localdate().year
        return [(str(year), f"{year}年") for year in range(this_year, 2021, -1)]


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

    def __init__(self, matching, facets, params, counted=True):
        super().__init__(matching, facets, params)
        self.counted = counted

    def filter(self, queryset):
        for facet in self.facets:
            if facet.param in self.active:
                queryset = facet.apply(queryset, self.active[facet.param])
        return queryset

    def values_for(self, facet):
        if self.counted:
            return super().values_for(facet)
        return [(value, label, None) for value, label in facet.options()]
