from django.apps import apps
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from caching.cards import with_kept_cards
from content.blocks import BodyBlock
from content.forms import CollectionPageForm
from content.models.base import BasePage


class StandardPage(BasePage):
    """A plain page: 关于项目, 联系我们, policies."""

    body = StreamField(BodyBlock(), verbose_name=_("正文"), blank=True)

    content_panels = [*BasePage.content_panels, FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]

    api_fields = [
        APIField("body"),
    ]

    template = "pages/standard_page.html"
    parent_page_types = ["home.HomePage", "content.StandardPage"]
    subpage_types = ["content.StandardPage", "content.CollectionPage"]

    class Meta:
        verbose_name = _("普通页面")
        verbose_name_plural = _("普通页面")


class SectionIndexPage(BasePage):
    """One per area, directly under the home page: the area's entry in the main menu."""

    introduction = RichTextField(_("栏目介绍"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*BasePage.content_panels, FieldPanel("introduction")]
    search_fields = [*BasePage.search_fields, index.SearchField("introduction")]

    template = "pages/section_index_page.html"
    show_share_box = False
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        abstract = True


# What a collection can gather, and which of its criteria each kind of page understands.
# Labels for the editor's choice are in content.forms.COLLECTABLE_LABELS.
COLLECTABLE = {
    "resource": ("content.ResourcePage", {"school", "subject", "stage", "level", "tags"}),
    "recording": ("content.RecordingPage", {"school", "subject", "level"}),
    "lesson_study": ("content.LessonStudyPage", {"subject"}),
    "news": ("content.NewsPage", {"tags"}),
    "activity": ("content.ActivityPage", {"school", "subject"}),
    "forum": ("content.ForumSessionPage", set()),
    "workshop": ("content.WorkshopPage", {"school"}),
}


class CollectionPage(BasePage):
    """A saved query, in the spirit of Plone's Collections: the editor picks criteria and
    the page lists whatever live, public content matches them now."""

    class Sort(models.TextChoices):
        NEWEST = "newest", _("最新发布在前")
        OLDEST = "oldest", _("最早发布在前")
        TITLE = "title", _("按标题")

    introduction = RichTextField(_("介绍"), blank=True, features=["bold", "italic", "link"])
    page_types = models.JSONField(
        _("内容类型"),
        default=list,
        blank=True,
        help_text=_("不选则包括全部类型。"),
    )
    school = models.ForeignKey(
        "content.School", verbose_name=_("学校"), null=True, blank=True, on_delete=models.SET_NULL
    )
    subject = models.ForeignKey(
        "content.Subject",
        verbose_name=_("学科/专业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    stage = models.ForeignKey(
        "content.Stage", verbose_name=_("学段"), null=True, blank=True, on_delete=models.SET_NULL
    )
    level = models.ForeignKey(
        "content.Level", verbose_name=_("级别"), null=True, blank=True, on_delete=models.SET_NULL
    )
    tags = models.CharField(
        _("标签"), max_length=200, blank=True, help_text=_("多个标签用逗号分隔，满足任意一个即可。")
    )
    published_from = models.DateField(_("发布日期自"), null=True, blank=True)
    published_to = models.DateField(_("发布日期至"), null=True, blank=True)
    sort = models.CharField(_("排序"), max_length=10, choices=Sort.choices, default=Sort.NEWEST)
    per_page = models.PositiveSmallIntegerField(_("每页条数"), default=20)

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("introduction"),
        MultiFieldPanel(
            [
                FieldPanel("page_types"),
                FieldRowPanel([FieldPanel("school"), FieldPanel("subject")]),
                FieldRowPanel([FieldPanel("stage"), FieldPanel("level")]),
                FieldPanel("tags"),
                FieldRowPanel([FieldPanel("published_from"), FieldPanel("published_to")]),
                FieldRowPanel([FieldPanel("sort"), FieldPanel("per_page")]),
            ],
            heading=_("筛选条件"),
        ),
    ]

    base_form_class = CollectionPageForm
    show_share_box = False
    template = "pages/collection_page.html"
    card_template = "components/page_card.html"
    parent_page_types = ["home.HomePage", "content.StandardPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("内容集合")
        verbose_name_plural = _("内容集合")

    @property
    def tag_list(self):
        return [t.strip() for t in self.tags.replace("，", ",").split(",") if t.strip()]

    def _criteria(self):
        return {
            name: value
            for name, value in {
                "school": self.school_id,
                "subject": self.subject_id,
                "stage": self.stage_id,
                "level": self.level_id,
                "tags": self.tag_list,
            }.items()
            if value
        }

    def matching_pages(self):
        criteria = self._criteria()
        chosen = self.page_types or list(COLLECTABLE)
        match = Q(pk__in=[])
        for key in chosen:
            if key not in COLLECTABLE:
                continue
            label, understood = COLLECTABLE[key]
            if not set(criteria) <= understood:
                continue  # a criterion this kind of page cannot meet
            queryset = apps.get_model(label).objects.all()
            for name, value in criteria.items():
                if name == "tags":
                    queryset = queryset.filter(tags__name__in=value)
                else:
                    queryset = queryset.filter(**{f"{name}_id": value})
            match |= Q(pk__in=queryset.values("pk"))
        pages = Page.objects.live().public().filter(match)
        if self.published_from:
            pages = pages.filter(first_published_at__date__gte=self.published_from)
        if self.published_to:
            pages = pages.filter(first_published_at__date__lte=self.published_to)
        ordering = {
            self.Sort.NEWEST: ["-first_published_at", "-pk"],
            self.Sort.OLDEST: ["first_published_at", "pk"],
            self.Sort.TITLE: ["title", "pk"],
        }[self.sort]
        return pages.order_by(*ordering)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        pages = with_kept_cards(self.matching_pages(), self.card_template, request)
        page_obj = Paginator(pages, self.per_page or 20).get_page(request.GET.get("page"))
        page_obj.object_list = list(page_obj.object_list.specific())
        context["page_obj"] = page_obj
        return context
