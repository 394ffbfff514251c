import copy

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.search import index

from caching import SITE, fragment
from caching.privacy import restricted_paths
from content.models import (
    ActivityPage,
    BasePage,
    NewsPage,
    RecordingPage,
    ResourcePage,
    SectionIndexPage,
)
from content.references import with_references


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

    def top_pages(self):
        """The home page's children (the sections, standard pages, 成效), specific, in
        order: shared through the cache, as every request is routed through one of them."""
        return fragment(
            f"top-pages:{self.pk}",
            lambda: list(self.get_children().specific()),
            scopes=[SITE],
        )

    def route(self, request, path_components):
        if path_components:
            for shared in self.top_pages():
                if shared.slug == path_components[0]:
                    # The cached pages are shared by every request of the process: this
                    # request routes through its own copy, told its parent.
                    child = copy.copy(shared)
                    child._cached_parent_obj = self
                    return child.route(request, path_components[1:])
        return super().route(request, path_components)

    # Activities kept in the shared lists: as time passes some end, and the next ones are
    # among these as long as three of them remain.
    UPCOMING_KEPT = 20

    def shared_lists(self):
        """The home page's lists, the same for every visitor until the next change: built
        once per generation (caching.generations), as Plone caches its portlets on the
        catalogue's counter. Four listing queries were half of the home page's time.
        Schools, subjects and the like come from the cached lists (content.references)."""
        news = NewsPage.objects.live().public().defer_streamfields()
        recordings = RecordingPage.objects.live().public().defer_streamfields()
        activities = ActivityPage.objects.live().public()
        return {
            "news": list(news.select_related("cover_image").order_by("-date")[:4]),
            "resources": with_references(ResourcePage.newest_first()[:5]),
            "recordings": with_references(
                recordings.select_related("teacher", "poster").order_by("-lesson_date")[:3]
            ),
            "upcoming": with_references(ActivityPage.upcoming(activities)[: self.UPCOMING_KEPT]),
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        private = tuple(restricted_paths())
        context["sections"] = [
            page
            for page in self.top_pages()
            if isinstance(page, SectionIndexPage)
            and page.live
            and not page.path.startswith(private)
        ]
        lists = fragment(f"home-lists:{self.pk}", self.shared_lists)
        context["latest_news"] = lists["news"]
        context["latest_resources"] = lists["resources"]
        context["latest_recordings"] = lists["recordings"]
        now = timezone.now()
        upcoming = [activity for activity in lists["upcoming"] if activity.end >= now]
        if len(upcoming) < 3 and len(lists["upcoming"]) == self.UPCOMING_KEPT:
            upcoming = with_references(
                ActivityPage.upcoming(ActivityPage.objects.live().public(), now)[:3]
            )
        context["upcoming_activities"] = upcoming[:3]
        # Changed only by publishing the home page; a preview shows the edited ones.
        context["figures"] = (
            list(self.key_figures.all())
            if getattr(request, "is_preview", False)
            else fragment(
                f"key-figures:{self.pk}", lambda: list(self.key_figures.all()), scopes=[SITE]
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
