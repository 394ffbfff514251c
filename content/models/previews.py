"""Previews of attachments: the first pages of a document as images, kept beside it.

A preview belongs to one document and to one version of its file (`source_hash`): a replaced
file makes the old pages wrong, so they are dropped and drawn again (content.previews). The
page images are as private as their document; they live outside every public media folder
and only the checked view (content.preview_views) hands them out.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentPreview(models.Model):
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"
    STATUSES = [(PENDING, _("生成中")), (READY, _("已生成")), (FAILED, _("无法生成预览"))]

    document = models.OneToOneField(
        "content.PortalDocument",
        verbose_name=_("文档"),
        on_delete=models.CASCADE,
        related_name="preview",
    )
    source_hash = models.CharField(_("文件哈希"), max_length=40, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=STATUSES, default=PENDING)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    # Pages in the whole file, of which the first few are drawn (null: not known).
    page_count = models.PositiveIntegerField(_("总页数"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("文档预览")
        verbose_name_plural = _("文档预览")

    def __str__(self):
        return f"{self.document} ({self.get_status_display()})"

    @property
    def ready(self):
        return self.status == self.READY

    @property
    def failed(self):
        return self.status == self.FAILED

    @property
    def more_pages(self):
        """Pages of the file not drawn (a reader downloads it to see them)."""
        if not self.page_count:
            return 0
        return max(self.page_count - len(self.pages.all()), 0)


def page_image_path(instance, filename):
    # The hash in the name: a replaced file's pages never reuse an old page's name (and URL).
    preview = instance.preview
    return f"document_previews/{preview.document_id}/{preview.source_hash[:12]}-{filename}"


class DocumentPreviewPage(models.Model):
    preview = models.ForeignKey(
        DocumentPreview, verbose_name=_("预览"), on_delete=models.CASCADE, related_name="pages"
    )
    number = models.PositiveSmallIntegerField(_("页码"))
    image = models.FileField(_("图片"), upload_to=page_image_path, max_length=255)
    width = models.PositiveSmallIntegerField(_("宽度"))
    height = models.PositiveSmallIntegerField(_("高度"))

    class Meta:
        verbose_name = _("预览页")
        verbose_name_plural = _("预览页")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["preview", "number"], name="unique_preview_page")
        ]

    def __str__(self):
        return f"第 {self.number} 页"
