import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.search import index

from caching import fragment
from caching.cards import with_kept_cards
from content import params as url_params
from content.api import label_of, name_of
from content.blocks import BodyBlock
from content.calendar import calendar_response
from content.filters import ChoiceFacet, Facet, FacetedIndexMixin
from content.models.base import METADATA_BOOST, SCHOOL_NAMES, BasePage, named
from content.models.pages import SectionIndexPage
from content.references import with_references


class ActivityType(models.TextChoices):
    OBSERVATION = "observation", _("教学观摩")
    COMPETITION = "competition", _("学科竞赛")
    MODEL_LESSON_SELECTION = "model_lesson_selection", _("示范课评选")
    LESSON_STUDY = "lesson_study", _("同课异构")
    REMOTE = "remote", _("远程教研")
    COLLECTIVE_PREPARATION = "collective_preparation", _("集体备课")
    MEETING = "meeting", _("座谈会")
    FORUM = "forum", _("论坛")
    ON_SITE_GUIDANCE = "on_site_guidance", _("实地指导")
    TRAINING = "training", _("培训")


class MonthFacet(Facet):
    """The month an activity starts in, as ?month=2024-03, newest first."""

    def apply(self, queryset, value):
        parsed = url_params.month(value)
        if parsed is None:
            return queryset.none()
        year, month = parsed
        return queryset.filter(**{f"{self.field}__year": year, f"{self.field}__month": month})

    def kept_value(self, model, value):
        parsed = url_params.month(value)
        return None if parsed is None else f"{parsed[0]:04d}-{parsed[1]:02d}"

    @property
    def column(self):
        return self.field

    def key(self, value):
        # The month it is here, as the database's TruncMonth gives it.
        return None if value is None else f"{timezone.localtime(value):%Y-%m}"

    def found(self, queryset):
        rows = (
            queryset.order_by()
            .annotate(facet_month=TruncMonth(self.field))
            .values("facet_month")
            .annotate(count=models.Count("pk"))
        )
        return {f"{r['facet_month']:%Y-%m}": r["count"] for r in rows if r["facet_month"]}

    def labelled(self, model, found):
        months = sorted(found, reverse=True)
        return [(m, f"{int(m[:4])}年{int(m[5:])}月", found[m]) for m in months]


class ActivityIndexPage(RoutablePageMixin, FacetedIndexMixin, SectionIndexPage):
    """The calendar: upcoming activities first, then past ones; all of it as an iCal feed."""

    cache_scope = "activities"
    listed_model = "content.ActivityPage"
    cache_depends = ("activities", "workshops")

    template = "pages/activity_index_page.html"
    listing_noun = _("活动")
    card_template = "components/activity_card.html"
    subpage_types = ["content.ActivityPage"]
    facets = [
        ChoiceFacet("type", _("活动类型"), "activity_type"),
        Facet("school", _("学校"), "school"),
        MonthFacet("month", _("月份"), "start"),
    ]

    class Meta:
        verbose_name = _("教研活动栏目")
        verbose_name_plural = _("教研活动栏目")

    def get_listing_queryset(self):
        return (
            ActivityPage.objects.live()
            .public()
            .defer_streamfields()
            .select_related("workshop")
            .order_by("-start", "-pk")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if not context["listing"].active:
            shown = with_kept_cards(self.get_listing_queryset(), self.card_template, request)
            context["upcoming"] = with_references(ActivityPage.upcoming(shown)[:10])
        return context

    @path("ical/", name="ical")
    def ical(self, request):
        return calendar_response(self.get_listing_queryset()[:500], request, "教研活动")


class ActivityPage(RoutablePageMixin, BasePage):
    """教研活动: one event of the programme, with its own iCal entry."""

    cache_scope = "activities"
    cache_depends = ("activities", "workshops")

    activity_type = models.CharField(_("活动类型"), max_length=30, choices=ActivityType.choices)
    # Indexed by content_activity_start_end (Meta.indexes), whose first column it is.
    start = models.DateTimeField(_("开始时间"))
    end = models.DateTimeField(_("结束时间"), db_index=True)
    location = models.CharField(_("地点"), max_length=200, blank=True)
    school = models.ForeignKey(
        "content.School", verbose_name=_("学校"), null=True, blank=True, on_delete=models.PROTECT
    )
    subject = models.ForeignKey(
        "content.Subject",
        verbose_name=_("学科/专业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    workshop = models.ForeignKey(
        "content.WorkshopPage",
        verbose_name=_("工作室"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organiser = models.CharField(_("组织者"), max_length=100, blank=True)
    participants = models.PositiveIntegerField(_("参与人数"), null=True, blank=True)
    summary = models.TextField(_("简介"), max_length=500)
    body = StreamField(BodyBlock(), verbose_name=_("活动纪要"), blank=True)

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("activity_type"), FieldPanel("location")]),
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldRowPanel([FieldPanel("school"), FieldPanel("subject")]),
                FieldRowPanel([FieldPanel("workshop"), FieldPanel("organiser")]),
                FieldPanel("participants"),
            ],
            heading=_("活动信息"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("location"),
        index.SearchField("get_activity_type_display", boost=METADATA_BOOST),
        named("subject"),
        SCHOOL_NAMES,
        index.FilterField("activity_type"),
        index.FilterField("start"),
    ]

    api_fields = [
        APIField("activity_type"),
        label_of("activity_type"),
        APIField("start"),
        APIField("end"),
        APIField("location"),
        name_of("school"),
        name_of("subject"),
        APIField("workshop"),
        APIField("organiser"),
        APIField("participants"),
        APIField("summary"),
        APIField("body"),
    ]

    description_field = "summary"
    template = "pages/activity_page.html"
    detail_related = ("school", "subject", "workshop")
    parent_page_types = ["content.ActivityIndexPage", "content.WorkshopPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("教研活动")
        verbose_name_plural = _("教研活动")
        indexes = [
            # The longest duration (upcoming) is this index's last entry: PostgreSQL
            # computed every activity's duration instead (2 ms of a cold home page at
            # 5,000 activities, against 0.03 ms).
            models.Index(models.F("end") - models.F("start"), name="content_activity_duration"),
            # The upcoming ones (upcoming) read in start order with the end beside it: with
            # an index on each column PostgreSQL took every activity of the window from both
            # (~450 at 5,000 activities), looked each one's page up and sorted them for the
            # first twenty (1.5 ms of a cold home page, against 0.2 ms).
            models.Index(fields=["start", "end"], name="content_activity_start_end"),
        ]

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("结束时间不能早于开始时间。")})

    @classmethod
    def upcoming(cls, queryset, now=None, earliest=None):
        """Activities of the queryset not yet over, soonest first. None can have started
        longer ago than the longest activity lasts, which lets the database read the start
        index from there, instead of walking every past activity in start order to find the
        few not over yet (2.5 ms of the home page at 5,000 activities). `earliest`: that
        start, when the caller has it (upcoming_since)."""
        now = now or timezone.now()
        if earliest is None:
            earliest = cls.upcoming_since(now)
        return queryset.filter(end__gte=now, start__gte=earliest).order_by("start")

    @classmethod
    def upcoming_since(cls, now):
        """The earliest start of an activity not over at `now` (upcoming)."""
        longest = fragment("activity-longest", cls._longest_duration, scopes=[cls.cache_scope])
        return now - longest

    @classmethod
    def _longest_duration(cls):
        longest = cls.objects.aggregate(d=models.Max(models.F("end") - models.F("start")))["d"]
        return max(longest or datetime.timedelta(0), datetime.timedelta(0))

    @property
    def is_upcoming(self):
        return self.end >= timezone.now()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # A workshop made private (teachers or a group only) or taken offline is neither
        # named nor linked to a visitor who may not read it.
        workshop = self.workshop
        context["workshop"] = (
            workshop if workshop is not None and workshop.is_readable_by(request) else None
        )
        return context

    @path("ical/", name="ical")
    def ical(self, request):
        return calendar_response([self], request, self.title, filename=self.slug)
