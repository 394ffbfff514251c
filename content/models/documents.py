from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.documents.models import AbstractDocument, Document
from wagtail.models import Orderable
from wagtail.search import index

from content import extraction
from content.uploads import document_problem


class PortalDocument(AbstractDocument):
    """Wagtail's document, counting its downloads."""

    download_count = models.PositiveIntegerField(_("下载次数"), default=0, editable=False)
    text = models.TextField(
        _("全文"), blank=True, editable=False, help_text=_("从文件中提取的文字，供搜索使用。")
    )
    # The file hash the text was read from: a replaced file is read again.
    text_source_hash = models.CharField(max_length=40, blank=True, editable=False)
    # Reading happens in a job (content.document_text), in the sandbox: what came of it.
    text_status = models.CharField(
        _("文字提取"),
        max_length=16,
        blank=True,
        editable=False,
        choices=extraction.STATUS_CHOICES,
        default=extraction.NOT_READ,
    )

    admin_form_fields = Document.admin_form_fields
    search_fields = [*AbstractDocument.search_fields, index.SearchField("text")]

    class Meta(AbstractDocument.Meta):
        verbose_name = _("文档")
        verbose_name_plural = _("文档")

    def clean(self):
        # A new upload is checked by content (content/uploads.py); a stored file was already.
        if self.file and not getattr(self.file, "_committed", True):
            problem = document_problem(self.file, self.file.name)
            if problem:
                raise ValidationError({"file": problem})
        super().clean()

    def save(self, *args, **kwargs):
        # The admin's upload form records size and hash; documents made in code (the demo
        # loader, imports) must too, or the first page view writes them back mid-request.
        if self.file and (self.file_size is None or not self.file_hash):
            self._set_document_file_metadata()
        # A new or replaced file loses the old file's text at once and is read by a job
        # (content.signals enqueues it once the row is saved): never in this request.
        self.text_pending = bool(self.file) and self.file_hash != self.text_source_hash
        if self.text_pending:
            self.text_source_hash = self.file_hash or ""
            known = getattr(self, "_known_text", None)
            if known is not None:
                self.text, self.text_status, self.text_pending = known, extraction.DONE, False
            else:
                self.text = ""
                can_read = extraction.can_extract(self.file.name)
                self.text_status = extraction.PENDING if can_read else extraction.NOT_READ
        super().save(*args, **kwargs)

    def save_with_text(self, text):
        """Save a file whose text the caller wrote itself (the demo loader builds its Word
        files from known paragraphs): nothing reads it back."""
        self._known_text = text
        try:
            self.save()
        finally:
            del self._known_text

    @property
    def text_problem(self):
        """无法提取：… when the file could not be read, else ""."""
        if self.text_status in extraction.FAILURES:
            return self.get_text_status_display()
        return ""

    def record_download(self):
        # One UPDATE, so simultaneous downloads are all counted.
        type(self).objects.filter(pk=self.pk).update(download_count=F("download_count") + 1)


class AttachedDocument(Orderable):
    """A document attached to a page, in the order the editor chose."""

    document = models.ForeignKey(
        "content.PortalDocument",
        verbose_name=_("文档"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(
        _("显示名称"), max_length=200, blank=True, help_text=_("留空则使用文档标题。")
    )

    panels = [FieldPanel("document"), FieldPanel("title")]
    api_fields = [APIField("title"), APIField("document")]

    class Meta(Orderable.Meta):
        abstract = True

    @property
    def display_title(self):
        return self.title or self.document.title
