"""课堂观察: notes teachers take at moments of a recorded lesson, and the 评课 summary the
workshop lead writes from them. Teachers-only: nothing here is shown to anonymous visitors
or kept in the page cache (content.templatetags.observations renders them per request)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from content.models.recordings import RecordingPage
from content.models.workshops import WorkshopPage

NOTE_MAX_LENGTH = 2000
SUMMARY_MAX_LENGTH = 10000


class ObservationDimension(models.Model):
    """A dimension of the classroom-observation scale (课堂观察量表), kept by the office."""

    name = models.CharField(_("名称"), max_length=30, unique=True)
    description = models.CharField(
        _("观察要点"),
        max_length=200,
        blank=True,
        help_text=_("在记录表单中提示教师这一维度看什么。"),
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    panels = [FieldPanel("name"), FieldPanel("description"), FieldPanel("sort_order")]

    class Meta:
        verbose_name = _("课堂观察维度")
        verbose_name_plural = _("课堂观察维度")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name


class ObservationNote(models.Model):
    recording = models.ForeignKey(
        RecordingPage,
        verbose_name=_("课堂实录"),
        on_delete=models.CASCADE,
        related_name="observation_notes",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.CASCADE,
        related_name="observation_notes",
    )
    seconds = models.PositiveIntegerField(_("视频时间（秒）"))
    # PROTECT: a dimension in use stays, so no note loses its tag when the scale changes.
    dimension = models.ForeignKey(
        ObservationDimension, verbose_name=_("观察维度"), on_delete=models.PROTECT
    )
    text = models.TextField(_("观察记录"), max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("课堂观察记录")
        verbose_name_plural = _("课堂观察记录")
        ordering = ["seconds", "pk"]

    def __str__(self):
        return f"{self.timestamp} {self.dimension_id}"

    @property
    def timestamp(self):
        return format_seconds(self.seconds)


class ObservationSummary(models.Model):
    """评课: one per recording, written by the lead of its workshop from the notes."""

    recording = models.OneToOneField(
        RecordingPage,
        verbose_name=_("课堂实录"),
        on_delete=models.CASCADE,
        related_name="observation_summary",
    )
    text = models.TextField(_("评课意见"), max_length=SUMMARY_MAX_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撰写人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("评课意见")
        verbose_name_plural = _("评课意见")

    def __str__(self):
        return f"{self.recording_id} 评课意见"


def format_seconds(seconds):
    """75 -> "01:15", 3725 -> "1:02:05": how a player shows a moment."""
    minutes, second = divmod(int(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02d}:{second:02d}" if hours else f"{minute:02d}:{second:02d}"


def lead_user_ids(recording):
    """The logins of the leads of the workshops a recording belongs to, in one query: the
    workshop whose section holds it, and those whose lead or members taught it (as the
    workshop's page lists its recordings)."""
    filed = Q(pk__in=Page.objects.ancestor_of(recording).values("pk"))
    if recording.teacher_id:
        filed |= Q(lead_id=recording.teacher_id) | Q(members=recording.teacher_id)
    return set(
        WorkshopPage.objects.live()
        .filter(filed, lead__user__isnull=False)
        .values_list("lead__user_id", flat=True)
        .distinct()
    )
