from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.search import index

from content.api import name_of, names_of
from content.blocks import BodyBlock
from content.filters import Facet, FacetedIndexMixin
from content.forms import ResourcePageForm
from content.models.base import ATTACHMENT_TEXT, SCHOOL_NAMES, BasePage, LibraryPage, named
from content.models.documents import AttachedDocument
from content.models.pages import SectionIndexPage


class ResourceIndexPage(FacetedIndexMixin, SectionIndexPage):
    cache_scope = "resources"
    listed_model = "content.ResourcePage"
    cache_depends = ("resources",)
    template = "pages/faceted_index_page.html"
    listing_noun = _("资源")
    card_template = "components/resource_card.html"
    feed_name = "feed_resources"
    subpage_types = ["content.ResourcePage"]
    facets = [
        Facet("stage", _("学段"), "stage"),
        Facet("subject", _("学科/专业"), "subject"),
        Facet("grade", _("年级"), "grade"),
        Facet("edition", _("教材版本"), "textbook_edition"),
        Facet("type", _("资源类型"), "resource_type"),
        Facet("school", _("学校"), "school"),
        Facet("level", _("级别"), "level"),
    ]

    class Meta:
        verbose_name = _("教学资源栏目")
        verbose_name_plural = _("教学资源栏目")

    def get_listing_queryset(self):
        # Only what a card shows (components/resource_card.html) and the keys the cached
        # reference lists fill in: a resource page has some 50 columns, and loading them
        # all was a third of the list's time; most cards come from the cache anyway.
        return ResourcePage.newest_first().only(*ResourcePage.CARD_FIELDS)


class ResourcePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "content.ResourcePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class ResourceDocument(AttachedDocument):
    page = ParentalKey("content.ResourcePage", related_name="documents", on_delete=models.CASCADE)


class ResourcePage(LibraryPage):
    """教学资源: a lesson plan, slides, exam items, a textbook ... with its files."""

    cache_scope = "resources"
    cache_depends = ("resources",)

    # The classification is required (blank=False) but nullable, so that a draft saves
    # without it: Wagtail defers required fields a draft may lack and checks them when the
    # page is submitted for review or published.
    resource_type = models.ForeignKey(
        "content.ResourceType", verbose_name=_("资源类型"), null=True, on_delete=models.PROTECT
    )
    stage = models.ForeignKey(
        "content.Stage", verbose_name=_("学段"), null=True, on_delete=models.PROTECT
    )
    subject = models.ForeignKey(
        "content.Subject", verbose_name=_("学科/专业"), null=True, on_delete=models.PROTECT
    )
    grade = models.ForeignKey(
        "content.Grade", verbose_name=_("年级"), null=True, blank=True, on_delete=models.PROTECT
    )
    textbook_edition = models.ForeignKey(
        "content.TextbookEdition",
        verbose_name=_("教材版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    chapter = models.CharField(_("章节/课题"), max_length=200, blank=True)
    school = models.ForeignKey(
        "content.School", verbose_name=_("学校"), null=True, blank=True, on_delete=models.PROTECT
    )
    authors = ParentalManyToManyField("content.Person", verbose_name=_("作者"), blank=True)
    level = models.ForeignKey(
        "content.Level",
        verbose_name=_("级别"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("获评精品资源、优秀教案等的级别；没有则留空。"),
    )
    body = StreamField(BodyBlock(), verbose_name=_("正文"), blank=True)
    tags = ClusterTaggableManager(through=ResourcePageTag, verbose_name=_("标签"), blank=True)

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("resource_type"), FieldPanel("level")]),
                FieldRowPanel([FieldPanel("stage"), FieldPanel("subject"), FieldPanel("grade")]),
                FieldRowPanel([FieldPanel("textbook_edition"), FieldPanel("chapter")]),
                FieldRowPanel([FieldPanel("school"), FieldPanel("authors")]),
                FieldPanel("tags"),
            ],
            heading=_("分类"),
        ),
        InlinePanel("documents", heading=_("附件"), label=_("附件"), min_num=0),
        FieldPanel("body"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("summary"),
        index.SearchField("chapter"),
        index.SearchField("body"),
        named("subject"),
        SCHOOL_NAMES,
        named("resource_type"),
        named("stage"),
        named("grade"),
        named("tags"),
        named("authors"),
        ATTACHMENT_TEXT,
        index.FilterField("subject"),
        index.FilterField("school"),
    ]

    api_fields = [
        APIField("summary"),
        name_of("resource_type"),
        name_of("stage"),
        name_of("subject"),
        name_of("grade"),
        name_of("textbook_edition"),
        APIField("chapter"),
        name_of("school"),
        name_of("level"),
        names_of("authors"),
        APIField("tags"),
        APIField("body"),
        APIField("documents"),
    ]

    base_form_class = ResourcePageForm
    template = "pages/resource_page.html"
    # The reference lists a resource names: its page and its card show them all.
    REFERENCES = (
        "resource_type",
        "stage",
        "subject",
        "grade",
        "textbook_edition",
        "school",
        "level",
    )
    detail_related = REFERENCES
    parent_page_types = ["content.ResourceIndexPage", "content.WorkshopPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("教学资源")
        verbose_name_plural = _("教学资源")

    def clean(self):
        super().clean()
        if self.grade_id and self.stage_id and self.grade.stage_id != self.stage_id:
            raise ValidationError(
                {
                    "grade": _("年级“%(grade)s”不属于学段“%(stage)s”，请重新选择年级或学段。")
                    % {"grade": self.grade.name, "stage": self.stage.name}
                }
            )

    CARD_FIELDS = ("title", "url_path", "summary", *REFERENCES)

    @classmethod
    def newest_first(cls):
        """Live, public resources, newest first, for the listings. The page type is named
        on the page table too, so PostgreSQL skips other pages while it walks the pages
        newest first, instead of looking each one up among the resources (7 ms when the
        newest 7,500 pages were recordings, news and activities)."""
        return (
            cls.objects.live()
            .public()
            .exact_type(cls)
            .defer_streamfields()
            .order_by("-first_published_at", "-pk")
        )

    @property
    def download_count(self):
        # Added up from the attachments the page shows anyway, without a query of its own.
        return sum(item.document.download_count for item in self.attachments)
