from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Orderable
from wagtail.search import index

from content.api import names_of
from content.blocks import BodyBlock
from content.models.base import ATTACHMENT_TEXT, METADATA_BOOST, LibraryPage
from content.models.documents import AttachedDocument
from content.models.pages import SectionIndexPage


class ForumIndexPage(SectionIndexPage):
    cache_scope = "forum"
    template = "pages/forum_index_page.html"
    subpage_types = ["content.ForumSessionPage"]

    class Meta:
        verbose_name = _("全域教育论坛栏目")
        verbose_name_plural = _("全域教育论坛栏目")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sessions"] = (
            ForumSessionPage.objects.live().public().child_of(self).order_by("-date")
        )
        return context


class AgendaItem(Orderable):
    page = ParentalKey("content.ForumSessionPage", related_name="agenda", on_delete=models.CASCADE)
    time = models.CharField(_("时间"), max_length=20)
    item = models.CharField(_("内容"), max_length=200)
    speaker = models.CharField(_("主讲"), max_length=100, blank=True)

    panels = [FieldRowPanel([FieldPanel("time"), FieldPanel("item"), FieldPanel("speaker")])]
    api_fields = [APIField("time"), APIField("item"), APIField("speaker")]


class ForumDocument(AttachedDocument):
    page = ParentalKey(
        "content.ForumSessionPage", related_name="documents", on_delete=models.CASCADE
    )


class ForumRecording(Orderable):
    page = ParentalKey(
        "content.ForumSessionPage", related_name="recordings", on_delete=models.CASCADE
    )
    recording = models.ForeignKey(
        "content.RecordingPage",
        verbose_name=_("课堂实录"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("recording")]


class ForumSessionPage(LibraryPage):
    """全域教育论坛: one quarterly themed session with its agenda, slides and recordings."""

    cache_scope = "forum"

    quarter = models.CharField(_("季度"), max_length=20, help_text=_("如：2024年第一季度"))
    theme = models.CharField(_("主题"), max_length=200)
    date = models.DateField(_("日期"), db_index=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    online_link = models.URLField(_("线上参会链接"), blank=True)
    speakers = ParentalManyToManyField("content.Person", verbose_name=_("主讲人"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("论坛综述"), blank=True)

    content_panels = [
        *LibraryPage.content_panels,
        FieldPanel("theme"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("quarter"), FieldPanel("date")]),
                FieldRowPanel([FieldPanel("place"), FieldPanel("online_link")]),
                FieldPanel("speakers"),
            ],
            heading=_("论坛信息"),
        ),
        InlinePanel("agenda", heading=_("议程"), label=_("议程")),
        InlinePanel("documents", heading=_("课件与讲稿"), label=_("附件")),
        InlinePanel("recordings", heading=_("论坛录像"), label=_("录像")),
        FieldPanel("body"),
    ]
    search_fields = [
        *LibraryPage.search_fields,
        index.SearchField("theme", boost=METADATA_BOOST),
        index.SearchField("summary"),
        ATTACHMENT_TEXT,
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    api_fields = [
        APIField("quarter"),
        APIField("theme"),
        APIField("date"),
        APIField("place"),
        APIField("online_link"),
        names_of("speakers"),
        APIField("summary"),
        APIField("agenda"),
        APIField("documents"),
        APIField("body"),
    ]

    template = "pages/forum_session_page.html"
    parent_page_types = ["content.ForumIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("论坛")
        verbose_name_plural = _("论坛")
