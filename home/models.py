import copy
import datetime

from django.db import connections, models, router
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.search import index

from caching import SITE, fragment
from caching.cards import kept_cards_site, with_kept_cards
from caching.privacy import restricted_paths
from caching.shared import site_for, top_pages
from content.models import (
    ActivityIndexPage,
    ActivityPage,
    BasePage,
    NewsIndexPage,
    NewsPage,
    RecordingIndexPage,
    RecordingPage,
    ResourcePage,
    SectionIndexPage,
)
from content.references import with_references

# The sections' summaries statement per database and sections, made once per process:
# building and compiling a select for each section's type and their union cost 3.6 ms of
# every cold home page, for a statement that changes only with the sections.
_summary_statements = {}


def section_summaries(by_type):
    """{page id: listing summary} of the sections, {model: [page ids]}, in one query."""
    if not by_type:
        return {}
    db = router.db_for_read(next(iter(by_type)))
    key = (db, *((model._meta.label, tuple(pks)) for model, pks in by_type.items()))
    statement = _summary_statements.get(key)
    if statement is None:
        selects = [
            model.objects.filter(pk__in=pks).order_by().values_list("pk", "listing_summary")
            for model, pks in by_type.items()
        ]
        union = selects[0].union(*selects[1:], all=True)
        statement = _summary_statements[key] = union.query.sql_with_params()
    with connections[db].cursor() as cursor:
        cursor.execute(*statement)
        return dict(cursor.fetchall())


# The statements of the home page's two longest lists (the upcoming activities, the newest
# resources), made once per process for each database, set of private sections and site
# whose kept cards they read: building and compiling their querysets cost ~2 ms of every
# cold home page, for statements that change only with those. Manager.raw() makes their rows
# into the instances the ORM would. {key: (sql, params, {parameter's index: value's name})}
_list_statements = {}
LIST_STATEMENTS = 50
# What a statement is compiled with where each request's own value goes: dates no activity
# has, found among its parameters by value.
_MARKERS = {
    "now": datetime.datetime(1111, 1, 1, tzinfo=datetime.UTC),
    "earliest": datetime.datetime(1111, 1, 2, tzinfo=datetime.UTC),
}


def listed(model, key, build, **values):
    """The objects of `build(**values)`'s queryset (of `model`), read by a statement made
    once per process for `key` with the values' markers in their places. A value whose
    marker is not among the parameters exactly once: the queryset is built every time."""
    db = router.db_for_read(model)
    key = (db, model._meta.label, *key)
    # As the database's backend hands a date to its driver (text for SQLite).
    adapt = connections[db].ops.adapt_datetimefield_value
    statement = _list_statements.get(key)
    if statement is None:
        sql, params = build(**{name: _MARKERS[name] for name in values}).query.sql_with_params()
        params = list(params)
        places = {}
        for name in values:
            marker = adapt(_MARKERS[name])
            found = [i for i, param in enumerate(params) if type(param) is type(marker)]
            found = [i for i in found if params[i] == marker]
            if len(found) != 1:
                places = None
                break
            places[found[0]] = name
        if len(_list_statements) >= LIST_STATEMENTS:
            _list_statements.clear()
        statement = _list_statements[key] = (sql, params, places)
    sql, params, places = statement
    if places is None:
        return list(build(**values))
    params = list(params)
    for i, name in places.items():
        params[i] = adapt(values[name])
    return list(model.objects.db_manager(db).raw(sql, params))


class HomePage(BasePage):
    hero_title = models.CharField(_("主标题"), max_length=100)
    hero_text = models.CharField(_("副标题"), max_length=255, blank=True)
    introduction = RichTextField(
        _("项目介绍"), blank=True, help_text=_("首页“关于项目”一节的正文。")
    )

    content_panels = [
        *BasePage.content_panels,
        MultiFieldPanel([FieldPanel("hero_title"), FieldPanel("hero_text")], heading=_("横幅")),
        FieldPanel("introduction"),
        InlinePanel("key_figures", heading=_("关键数字"), label=_("数字")),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("hero_text"),
        index.SearchField("introduction"),
    ]

    template = "pages/home_page.html"
    show_share_box = False
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "content.WorkshopIndexPage",
        "content.ResourceIndexPage",
        "content.RecordingIndexPage",
        "content.ForumIndexPage",
        "content.NewsIndexPage",
        "content.ActivityIndexPage",
        "content.StandardPage",
        "content.CollectionPage",
        "tracking.ResultsPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("首页")
        verbose_name_plural = _("首页")

    def _read_in_full(self):
        model = type(self)
        found = listed(model, ("home", self.pk), lambda: model.objects.filter(pk=self.pk))
        if not found:
            raise model.DoesNotExist
        return found[0]

    def top_pages(self):
        """The home page's children (the sections, standard pages, 成效) in order, as plain
        pages from the shared snapshot (caching.shared.top_pages): every request is routed
        through one of them."""
        pages = top_pages(self)
        return list(self.get_children()) if pages is None else pages

    def route(self, request, path_components):
        if not path_components and self.get_deferred_fields():
            # The site's root page is kept without its own fields (caching.shared.site_for):
            # the home page itself is read in full, once per generation.
            home = fragment(
                f"home-page:{self.pk}",
                lambda: self._read_in_full(),
                scopes=[SITE],  # the home page and the sections purge everything
            )
            return super(HomePage, copy.copy(home)).route(request, path_components)
        if path_components:
            for page in self.top_pages():
                if page.slug == path_components[0]:
                    if len(path_components) > 1 and page.specific_class.route is BasePage.route:
                        # Only passed through to a page below it, which routing reads by
                        # the section's path: in its own type without its own fields (and
                        # without a query; a field read later would be one).
                        child = page.get_specific(deferred=True)
                        child._cached_parent_obj = self
                        return child.route(request, path_components[1:])
                    # Only the page routed through is read in its own type: once per
                    # generation, not all of them (eight queries, one per type, cold).
                    shared = fragment(
                        f"top-page:{page.pk}", lambda page=page: page.get_specific(), scopes=[SITE]
                    )
                    # The cached pages are shared by every request of the process: this
                    # request routes through its own copy, told its parent.
                    child = copy.copy(shared)
                    child._cached_parent_obj = self
                    return child.route(request, path_components[1:])
        return super().route(request, path_components)

    def sections(self, request=None):
        """The live, public sections, each with its summary and its URL (`link`, as
        {% pageurl %} gives it for this request's site): one query for all their types, once
        per generation."""
        private = tuple(restricted_paths())
        pages = [
            page
            for page in self.top_pages()
            if issubclass(page.specific_class, SectionIndexPage)
            and page.live
            and not page.path.startswith(private)
        ]

        def build():
            by_type = {}
            for page in pages:
                by_type.setdefault(page.specific_class, []).append(page.pk)
            summaries = section_summaries(by_type)
            sections = []
            for page in pages:
                section = copy.copy(page)
                section.listing_summary = summaries.get(page.pk, "")
                section.link = page.get_url(request)
                sections.append(section)
            return sections

        return fragment(f"home-sections:{self.pk}:links", build, scopes=[SITE])

    # Activities kept in the shared lists: as time passes some end, and the next ones are
    # among these as long as three of them remain.
    UPCOMING_KEPT = 20

    def shared_lists(self, request=None):
        """The home page's lists, the same for every visitor of a site until the next
        change: built once per generation (caching.generations), as Plone caches its
        portlets on the catalogue's counter. Four listing queries were half of the home
        page's time. Schools, subjects and the like come from the cached lists
        (content.references); the cards kept in the database come with the rows
        (caching.cards)."""
        news = with_kept_cards(
            NewsPage.objects.live().public().defer_streamfields(),
            NewsIndexPage.card_template,
            request,
        )
        recordings = with_kept_cards(
            RecordingPage.objects.live().public().defer_streamfields(),
            RecordingIndexPage.card_template,
            request,
        )
        private = tuple(restricted_paths())
        site = kept_cards_site(ActivityIndexPage.card_template, request)
        now = timezone.now()
        return {
            "news": list(news.select_related("cover_image").order_by("-date")[:4]),
            "resources": with_references(
                listed(ResourcePage, ("newest", private), lambda: ResourcePage.newest_first()[:5])
            ),
            "recordings": with_references(
                recordings.select_related("teacher", "poster").order_by("-lesson_date")[:3]
            ),
            "upcoming": with_references(
                listed(
                    ActivityPage,
                    ("upcoming", private, site and site.pk, self.UPCOMING_KEPT),
                    lambda now, earliest: ActivityPage.upcoming(
                        self.activities(request, site), now, earliest
                    )[: self.UPCOMING_KEPT],
                    now=now,
                    earliest=ActivityPage.upcoming_since(now),
                )
            ),
        }

    @staticmethod
    def activities(request, *site):
        # Without the minutes (body): the cards do not show them, and twenty of them were
        # most of what the home page's lists cost to read and to pickle.
        return with_kept_cards(
            ActivityPage.objects.live().public().defer_streamfields(),
            ActivityIndexPage.card_template,
            request,
            *site,
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = self.sections(request)
        site = site_for(request)
        lists = fragment(
            f"home-lists:{self.pk}:{site.pk if site else ''}", lambda: self.shared_lists(request)
        )
        context["latest_news"] = lists["news"]
        context["latest_resources"] = lists["resources"]
        context["latest_recordings"] = lists["recordings"]
        now = timezone.now()
        upcoming = [activity for activity in lists["upcoming"] if activity.end >= now]
        if len(upcoming) < 3 and len(lists["upcoming"]) == self.UPCOMING_KEPT:
            upcoming = with_references(ActivityPage.upcoming(self.activities(request), now)[:3])
        context["upcoming_activities"] = upcoming[:3]
        # Changed only by publishing the home page; a preview shows the edited ones.
        context["figures"] = (
            list(self.key_figures.all())
            if getattr(request, "is_preview", False)
            else fragment(
                f"key-figures:{self.pk}",
                lambda: listed(KeyFigure, ("figures", self.pk), self.key_figures.all),
                scopes=[SITE],
            )
        )
        return context


class KeyFigure(Orderable):
    """A number from the plan shown on the home page, e.g. 19 项帮扶措施."""

    page = ParentalKey(HomePage, related_name="key_figures", on_delete=models.CASCADE)
    value = models.CharField(_("数字"), max_length=20)
    unit = models.CharField(_("单位"), max_length=10, blank=True)
    label = models.CharField(_("说明"), max_length=60)

    panels = [FieldPanel("value"), FieldPanel("unit"), FieldPanel("label")]

    class Meta(Orderable.Meta):
        verbose_name = _("关键数字")
        verbose_name_plural = _("关键数字")
