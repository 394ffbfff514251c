"""Usage figures: how often pages are read and their files downloaded, per month.

Aggregate counters only. Nothing here says who read what, from where or with what: a row is
a page (or a document no page carries) and a month, with two numbers that only ever grow.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MonthlyUsage(models.Model):
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("页面"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # Only for downloads of a document that no live page carries; otherwise they are the page's.
    document = models.ForeignKey(
        "content.PortalDocument",
        verbose_name=_("文档"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    month = models.DateField(_("月份"), help_text=_("该月的第一天（北京时间）。"))
    views = models.PositiveBigIntegerField(_("浏览次数"), default=0)
    downloads = models.PositiveBigIntegerField(_("下载次数"), default=0)

    class Meta:
        verbose_name = _("月度使用量")
        verbose_name_plural = _("月度使用量")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "month"],
                condition=Q(document__isnull=True),
                name="usage_one_row_per_page_and_month",
            ),
            models.UniqueConstraint(
                fields=["document", "month"],
                condition=Q(page__isnull=True),
                name="usage_one_row_per_document_and_month",
            ),
            models.CheckConstraint(
                condition=Q(page__isnull=False, document__isnull=True)
                | Q(page__isnull=True, document__isnull=False),
                name="usage_page_or_document",
            ),
        ]
        indexes = [models.Index(fields=["month", "page"])]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.page_id or self.document_id}"
