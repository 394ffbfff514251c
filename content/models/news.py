from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.search import index

from content.api import label_of
from content.blocks import BodyBlock
from content.filters import ChoiceFacet, FacetedIndexMixin, YearFacet
from content.models.base import METADATA_BOOST, BasePage, named
from content.models.pages import SectionIndexPage


class NewsCategory(models.TextChoices):
    TEACHING_RESEARCH = "teaching_research", _("教学教研")
    COLLECTIVE_PREPARATION = "collective_preparation", _("集体备课")
    DEMONSTRATION = "demonstration", _("示范课")
    OPEN_LESSON = "open_lesson", _("公开课")
    AID_NEWS = "aid_news", _("帮扶动态")
    FEATURE = "feature", _("专题报道")


class NewsIndexPage(FacetedIndexMixin, SectionIndexPage):
    cache_scope = "news"
    listed_model = "content.NewsPage"
    cache_depends = ("news",)
    template = "pages/faceted_index_page.html"
    listing_noun = _("新闻")
    card_template = "components/news_card.html"
    feed_name = "feed_news"
    subpage_types = ["content.NewsPage"]
    per_page = 10
    facets = [
        ChoiceFacet("category", _("类别"), "category"),
        YearFacet("year", _("年份"), "date"),
    ]

    class Meta:
        verbose_name = _("新闻动态栏目")
        verbose_name_plural = _("新闻动态栏目")

    def get_listing_queryset(self):
        return (
            NewsPage.objects.live()
            .public()
            .defer_streamfields()
            .select_related("cover_image")
            .order_by("-date", "-pk")
        )


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "content.NewsPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class NewsPage(BasePage):
    """新闻 / 专题报道."""

    cache_scope = "news"
    cache_depends = ("news",)

    date = models.DateField(_("日期"), default=timezone.localdate, db_index=True)
    category = models.CharField(_("类别"), max_length=30, choices=NewsCategory.choices)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("封面图"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    introduction = models.TextField(_("导语"), max_length=300)
    body = StreamField(BodyBlock(), verbose_name=_("正文"))
    tags = ClusterTaggableManager(through=NewsPageTag, verbose_name=_("标签"), blank=True)

    content_panels = [
        *BasePage.content_panels,
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("date"), FieldPanel("category")]), FieldPanel("tags")],
            heading=_("分类"),
        ),
        FieldPanel("introduction"),
        FieldPanel("cover_image"),
        FieldPanel("body"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("introduction"),
        index.SearchField("body"),
        index.SearchField("get_category_display", boost=METADATA_BOOST),
        named("tags"),
        index.FilterField("category"),
        index.FilterField("date"),
    ]

    api_fields = [
        APIField("date"),
        APIField("category"),
        label_of("category"),
        APIField("introduction"),
        APIField("cover_image"),
        APIField("tags"),
        APIField("body"),
    ]

    description_field = "introduction"
    template = "pages/news_page.html"
    parent_page_types = ["content.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("新闻")
        verbose_name_plural = _("新闻")
