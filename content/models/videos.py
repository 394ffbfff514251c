"""What the portal made from an uploaded video: its renditions, a poster and the duration.

Kept in models of the portal's own, keyed to wagtailmedia's Media (which stays the model the
admin and the choosers know): the original file is never replaced, so a video that cannot be
transcoded still plays where the browser can. The files live under media/renditions/, which,
like the originals, only the permission-checked view (/media-files/) serves.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


def rendition_path(instance, filename):
    return f"media/renditions/{instance.media_id}/{filename}"


def poster_path(instance, filename):
    return f"media/renditions/{instance.media_id}/{filename}"


class VideoStatus(models.TextChoices):
    PENDING = "pending", _("等待转码")
    PROCESSING = "processing", _("转码中")
    READY = "ready", _("已转码")
    FAILED = "failed", _("无法转码")


class VideoProcessing(models.Model):
    """One per uploaded video: where its transcoding stands and what it found."""

    media = models.OneToOneField(
        "wagtailmedia.Media",
        verbose_name=_("视频"),
        on_delete=models.CASCADE,
        related_name="processing",
    )
    # The original file these results were made from: a replaced file is processed again.
    source = models.CharField(_("原始文件"), max_length=255, blank=True)
    status = models.CharField(
        _("转码状态"), max_length=20, choices=VideoStatus.choices, default=VideoStatus.PENDING
    )
    reason = models.TextField(_("原因"), blank=True)
    duration = models.FloatField(_("时长（秒）"), null=True, blank=True)
    width = models.PositiveIntegerField(_("宽"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高"), null=True, blank=True)
    poster = models.FileField(_("自动封面"), upload_to=poster_path, blank=True, max_length=255)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("视频转码")
        verbose_name_plural = _("视频转码")
        ordering = ["-updated_at"]

    def __str__(self):
        return f"{self.media.title}：{self.get_status_display()}"

    @property
    def failed(self):
        return self.status == VideoStatus.FAILED

    @property
    def ready(self):
        return self.status == VideoStatus.READY


class VideoRendition(models.Model):
    """An H.264/AAC MP4 of the video at one height, with its index at the front (faststart)
    so that a player can start and seek before the whole file has come."""

    media = models.ForeignKey(
        "wagtailmedia.Media",
        verbose_name=_("视频"),
        on_delete=models.CASCADE,
        related_name="renditions",
    )
    label = models.CharField(_("清晰度"), max_length=10)  # "720p", "360p": the target
    file = models.FileField(_("文件"), upload_to=rendition_path, max_length=255)
    width = models.PositiveIntegerField(_("宽"))
    height = models.PositiveIntegerField(_("高"))
    bitrate = models.PositiveIntegerField(_("视频码率（kbit/s）"))
    size = models.PositiveBigIntegerField(_("大小（字节）"))

    class Meta:
        verbose_name = _("视频转码文件")
        verbose_name_plural = _("视频转码文件")
        ordering = ["-height", "-bitrate"]
        constraints = [
            models.UniqueConstraint(fields=["media", "label"], name="unique_video_rendition")
        ]

    def __str__(self):
        return f"{self.media.title} {self.label}"

    @property
    def filename(self):
        return f"{self.label}.mp4"
