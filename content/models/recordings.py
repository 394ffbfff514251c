from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Orderable
from wagtail.search import index

from content.api import label_of, name_of
from content.blocks import BodyBlock
from content.filters import ChoiceFacet, Facet, FacetedIndexMixin, YearFacet
from content.forms import RecordingPageForm
from content.models.base import ATTACHMENT_TEXT, SCHOOL_NAMES, BasePage, LibraryPage, named
from content.models.documents import AttachedDocument
from content.models.pages import SectionIndexPage
from content.models.videos import VideoProcessing, VideoRendition, VideoStatus
from content.video import player_url


class RecordingKind(models.TextChoices):
    SHOWCASE = "showcase", _("精品课")
    DEMONSTRATION = "demonstration", _("示范课")
    OPEN = "open", _("公开课")
    LESSON_STUDY = "lesson_study", _("同课异构")
    REMOTE = "remote", _("远程教研")


class RecordingIndexPage(FacetedIndexMixin, SectionIndexPage):
    cache_scope = "recordings"
    listed_model = "content.RecordingPage"
    cache_depends = ("recordings",)
    template = "pages/recording_index_page.html"
    listing_noun = _("课堂实录")
    card_template = "components/recording_card.html"
    listing_class = "item-grid"
    feed_name = "feed_recordings"
    subpage_types = ["content.RecordingPage", "content.LessonStudyPage"]
    per_page = 12
    facets = [
        ChoiceFacet("kind", _("类型"), "kind"),
        Facet("level", _("级别"), "level"),
        Facet("subject", _("学科/专业"), "subject"),
        Facet("grade", _("年级"), "grade"),
        Facet("school", _("学校"), "school"),
        YearFacet("year", _("年份"), "lesson_date"),
    ]

    class Meta:
        verbose_name = _("课堂实录栏目")
        verbose_name_plural = _("课堂实录栏目")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["lesson_studies"] = (
            LessonStudyPage.objects.live()
            .public()
            .defer_streamfields()
            .child_of(self)
            .select_related("subject")
            .order_by("-date")[:4]
        )
        return context

    def get_listing_queryset(self):
        return (
            RecordingPage.objects.live()
            .public()
            .defer_streamfields()
            .select_related("teacher", "poster")
            .order_by("-lesson_date", "-pk")
        )


class RecordingDocument(AttachedDocument):
    class Role(models.TextChoices):
        DESIGN = "design", _("教学设计")
        SLIDES = "slides", _("课件")
        REFLECTION = "reflection", _("教学反思")
        OTHER = "other", _("其他")

    page = ParentalKey("content.RecordingPage", related_name="documents", on_delete=models.CASCADE)
    role = models.CharField(_("用途"), max_length=20, choices=Role.choices, default=Role.OTHER)

    panels = [FieldPanel("role"), *AttachedDocument.panels]
    api_fields = [APIField("role"), *AttachedDocument.api_fields]


class RecordingPage(LibraryPage):
    """课堂实录: one lesson on video, with its design, slides and reflection."""

    cache_scope = "recordings"
    cache_depends = ("recordings",)

    kind = models.CharField(_("类型"), max_length=20, choices=RecordingKind.choices)
    level = models.ForeignKey(
        "content.Level",
        verbose_name=_("级别"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("精品课须填写级别。"),
    )
    # Required but nullable, like a resource's classification: a draft saves without them.
    teacher = models.ForeignKey(
        "content.Person", verbose_name=_("授课教师"), null=True, on_delete=models.PROTECT
    )
    school = models.ForeignKey(
        "content.School", verbose_name=_("学校"), null=True, on_delete=models.PROTECT
    )
    subject = models.ForeignKey(
        "content.Subject", verbose_name=_("学科/专业"), null=True, on_delete=models.PROTECT
    )
    grade = models.ForeignKey(
        "content.Grade", verbose_name=_("年级"), null=True, blank=True, on_delete=models.PROTECT
    )
    lesson_date = models.DateField(_("授课日期"), db_index=True)
    topic = models.CharField(_("课题"), max_length=200)
    video = models.ForeignKey(
        "wagtailmedia.Media",
        verbose_name=_("上传的视频"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    video_url = models.URLField(
        _("视频网站链接"),
        blank=True,
        help_text=_(
            "视频在视频网站上时，粘贴其播放页链接；哔哩哔哩、优酷、腾讯视频的链接会直接嵌入播放器。"
            "与上传的视频二选一。"
        ),
    )
    poster = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("封面图"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), verbose_name=_("课堂评析"), blank=True)

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("topic"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("kind"), FieldPanel("level")]),
                FieldRowPanel([FieldPanel("teacher"), FieldPanel("school")]),
                FieldRowPanel([FieldPanel("subject"), FieldPanel("grade")]),
                FieldPanel("lesson_date"),
            ],
            heading=_("课堂信息"),
        ),
        MultiFieldPanel(
            [FieldPanel("video"), FieldPanel("video_url"), FieldPanel("poster")],
            heading=_("视频"),
        ),
        InlinePanel("documents", heading=_("教学设计、课件与反思"), label=_("附件")),
        FieldPanel("body"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("topic"),
        index.SearchField("summary"),
        index.SearchField("body"),
        named("teacher"),
        named("subject"),
        named("grade"),
        SCHOOL_NAMES,
        ATTACHMENT_TEXT,
        index.FilterField("kind"),
        index.FilterField("lesson_date"),
    ]

    api_fields = [
        APIField("summary"),
        APIField("kind"),
        label_of("kind"),
        name_of("level"),
        name_of("teacher"),
        name_of("school"),
        name_of("subject"),
        name_of("grade"),
        APIField("lesson_date"),
        APIField("topic"),
        APIField("video_url"),
        APIField("poster"),
        APIField("body"),
        APIField("documents"),
    ]

    base_form_class = RecordingPageForm
    template = "pages/recording_page.html"
    detail_related = ("teacher", "poster")
    parent_page_types = ["content.RecordingIndexPage", "content.WorkshopPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("课堂实录")
        verbose_name_plural = _("课堂实录")

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == RecordingKind.SHOWCASE and not self.level_id:
            errors["level"] = _("精品课须填写级别（如市级、区级）。")
        if self.video_id and self.video_url:
            errors["video_url"] = _("已上传视频时不再填写视频网站链接。")
        if errors:
            raise ValidationError(errors)

    @property
    def video_player_url(self):
        return player_url(self.video_url)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Editors see why a video could not be transcoded; readers just get the original.
        user = request.user
        context["may_edit"] = user.is_authenticated and self.permissions_for_user(user).can_edit()
        return context

    @cached_property
    def video_processing(self):
        """The uploaded video's transcoding (content.video_processing), or None."""
        if not self.video_id:
            return None
        return VideoProcessing.objects.filter(media_id=self.video_id).first()

    @cached_property
    def video_renditions(self):
        """The renditions to offer, lowest first: a browser without the page's script plays
        the first source it can, and the low one suits a phone on 4G."""
        processing = self.video_processing
        if processing is None or processing.status != VideoStatus.READY:
            return []
        return list(
            VideoRendition.objects.filter(media_id=self.video_id).order_by("height", "bitrate")
        )

    @property
    def video_seconds(self):
        """The uploaded video's length in seconds, or None where it is not known."""
        processing = self.video_processing
        return (processing and processing.duration) or (self.video and self.video.duration) or None

    @property
    def video_duration(self):
        seconds = self.video_seconds
        if not seconds:
            return ""
        minutes, second = divmod(round(seconds), 60)
        hours, minute = divmod(minutes, 60)
        return f"{hours}:{minute:02d}:{second:02d}" if hours else f"{minute}:{second:02d}"

    @property
    def kind_label(self):
        if self.kind == RecordingKind.SHOWCASE and self.level_id:
            return f"{self.level.name}{self.get_kind_display()}"
        return self.get_kind_display()


class LessonStudyRecording(Orderable):
    page = ParentalKey("content.LessonStudyPage", related_name="lessons", on_delete=models.CASCADE)
    recording = models.ForeignKey(
        RecordingPage, verbose_name=_("课堂实录"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("recording")]
    api_fields = [APIField("recording")]


class LessonStudyPage(BasePage):
    """同课异构: one topic taught by several teachers, shown side by side and compared."""

    cache_scope = "recordings"

    topic = models.CharField(_("课题"), max_length=200)
    subject = models.ForeignKey(
        "content.Subject", verbose_name=_("学科/专业"), on_delete=models.PROTECT
    )
    grade = models.ForeignKey(
        "content.Grade", verbose_name=_("年级"), null=True, blank=True, on_delete=models.PROTECT
    )
    date = models.DateField(_("活动日期"))
    introduction = models.TextField(_("活动简介"), max_length=500)
    evaluation = StreamField(BodyBlock(), verbose_name=_("比较与评价"), blank=True)

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("topic"),
        FieldRowPanel([FieldPanel("subject"), FieldPanel("grade"), FieldPanel("date")]),
        FieldPanel("introduction"),
        InlinePanel("lessons", heading=_("参与比较的课堂"), label=_("课堂"), min_num=2),
        FieldPanel("evaluation"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("topic"),
        index.SearchField("introduction"),
        index.SearchField("evaluation"),
        named("subject"),
    ]

    api_fields = [
        APIField("topic"),
        name_of("subject"),
        name_of("grade"),
        APIField("date"),
        APIField("introduction"),
        APIField("lessons"),
        APIField("evaluation"),
    ]

    description_field = "introduction"
    template = "pages/lesson_study_page.html"
    parent_page_types = ["content.RecordingIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("同课异构")
        verbose_name_plural = _("同课异构")

    def lesson_recordings(self):
        """The compared recordings with what their columns show, in one query each."""
        lessons = self.lessons.select_related(
            "recording__teacher", "recording__school", "recording__poster"
        ).prefetch_related("recording__documents__document")
        return [lesson.recording for lesson in lessons if lesson.recording.live]
