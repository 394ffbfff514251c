from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable


class MeasureGroup(models.TextChoices):
    POLICY = "policy", _("政策支持")
    FUNDING = "funding", _("资金投入")
    STAFFING = "staffing", _("人员选派")
    SYSTEMS = "systems", _("制度健全")
    MENTORING = "mentoring", _("人才帮带")
    RESOURCES = "resources", _("资源投入")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("未启动")
    IN_PROGRESS = "in_progress", _("推进中")
    DONE = "done", _("已完成")
    ONGOING = "ongoing", _("阶段任务完成，长期坚持")


class Measure(ClusterableModel):
    """帮扶措施: one of the plan's 19 numbered measures, with its owners, deadline and money."""

    number = models.PositiveSmallIntegerField(_("序号"), unique=True)
    group = models.CharField(_("类别"), max_length=20, choices=MeasureGroup.choices)
    text = models.TextField(_("措施内容"))
    responsible_units = ParentalManyToManyField(
        "content.ResponsibleUnit", verbose_name=_("责任单位"), blank=True, related_name="measures"
    )
    deadline = models.DateField(_("完成时限"))
    deadline_wording = models.CharField(
        _("时限原文"), max_length=100, blank=True, help_text=_("方案中的完成时限表述。")
    )
    continues = models.BooleanField(_("长期坚持"), default=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )

    panels = [
        FieldRowPanel([FieldPanel("number"), FieldPanel("group")]),
        FieldPanel("text"),
        FieldPanel("responsible_units"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("deadline"), FieldPanel("continues")]),
                FieldPanel("deadline_wording"),
                FieldPanel("status"),
            ],
            heading=_("时限与状态"),
        ),
        InlinePanel("notes", heading=_("进展记录"), label=_("进展")),
        InlinePanel("funding", heading=_("计划资金"), label=_("年度计划")),
        InlinePanel("spending", heading=_("实际支出"), label=_("支出")),
    ]

    class Meta:
        verbose_name = _("帮扶措施")
        verbose_name_plural = _("帮扶措施")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.short_text}"

    @property
    def short_text(self):
        first = self.text.split("。")[0]
        return first if len(first) <= 40 else f"{first[:40]}…"

    def is_past_deadline(self, today=None):
        """Past its deadline and not done. A measure that continues counts as done once its
        stage is reported complete (ONGOING)."""
        today = today or timezone.localdate()
        finished = self.status in (MeasureStatus.DONE, MeasureStatus.ONGOING)
        return self.deadline < today and not finished


class MeasureNote(Orderable):
    measure = ParentalKey(Measure, related_name="notes", on_delete=models.CASCADE)
    date = models.DateField(_("日期"))
    text = models.TextField(_("进展"))

    panels = [FieldPanel("date"), FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("进展记录")
        verbose_name_plural = _("进展记录")


class MeasureFunding(Orderable):
    """Money the plan commits to a measure for one year (元)."""

    measure = ParentalKey(Measure, related_name="funding", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(_("计划金额（元）"), max_digits=12, decimal_places=2)
    purpose = models.CharField(_("用途"), max_length=200, blank=True)

    panels = [FieldRowPanel([FieldPanel("year"), FieldPanel("amount")]), FieldPanel("purpose")]

    class Meta(Orderable.Meta):
        verbose_name = _("计划资金")
        verbose_name_plural = _("计划资金")


class MeasureSpending(Orderable):
    measure = ParentalKey(Measure, related_name="spending", on_delete=models.CASCADE)
    date = models.DateField(_("日期"))
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    purpose = models.CharField(_("用途"), max_length=200, blank=True)

    panels = [FieldRowPanel([FieldPanel("date"), FieldPanel("amount")]), FieldPanel("purpose")]

    class Meta(Orderable.Meta):
        verbose_name = _("实际支出")
        verbose_name_plural = _("实际支出")
