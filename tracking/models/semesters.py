import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel


class SemesterQuerySet(models.QuerySet):
    def current(self, today=None):
        """The semester today falls in; in a holiday between two, the one that ended last."""
        today = today or timezone.localdate()
        containing = self.filter(start__lte=today, end__gte=today).order_by("-start").first()
        return containing or self.filter(start__lte=today).order_by("-start").first()


class Semester(models.Model):
    name = models.CharField(
        _("名称"), max_length=50, unique=True, help_text=_("如“2023年秋季学期”。")
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    is_baseline = models.BooleanField(
        _("基准学期"),
        default=False,
        help_text=_("方案以2022年受援学校综合考评分为基准分；赋分与基准学期比较。"),
    )

    objects = SemesterQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        FieldPanel("is_baseline"),
    ]

    class Meta:
        verbose_name = _("学期")
        verbose_name_plural = _("学期")
        ordering = ["start"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("结束日期不能早于开始日期。")})

    def contains(self, day):
        return self.start <= day <= self.end

    def is_current(self, today=None):
        today = today or timezone.localdate()
        return self.contains(today)

    @property
    def school_year(self):
        """The school year (学年, September to August) the semester belongs to, by its start."""
        year = self.start.year if self.start.month >= 9 else self.start.year - 1
        return datetime.date(year, 9, 1), datetime.date(year + 1, 8, 31)
