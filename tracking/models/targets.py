from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from content.models import WorkshopKind
from tracking.models.outputs import OutputCategory


class Area(models.TextChoices):
    TEACHING = "teaching", _("教育教学质量提升")
    TEACHERS = "teachers", _("教师队伍能力提升")
    STUDENTS = "students", _("学生综合素质提升")
    MANAGEMENT = "management", _("学校管理水平提升")
    # The plan states its 2035 goals without the four areas; they are kept as written.
    OVERALL = "overall", _("总体目标")


class TargetKind(models.TextChoices):
    COUNT = "count", _("数量")
    PERCENTAGE = "percentage", _("比例")
    MILESTONE = "milestone", _("节点任务")
    TREND = "trend", _("持续提升")


class Comparison(models.TextChoices):
    AT_LEAST = "gte", "≥"
    MORE_THAN = "gt", ">"
    EQUAL = "eq", "="


class Unit(models.TextChoices):
    LESSON = "节", "节"
    PERSON = "名", "名"
    PEOPLE = "人", "人"
    ITEM = "个", "个"
    COURSE = "门", "门"
    PERCENT = "%", "%"
    TIMES = "人次", "人次"


YEARS = [(2023, _("2023年")), (2025, _("2025年")), (2035, _("2035年"))]


class Target(models.Model):
    """目标: one aim of the plan, in the plan's words, with what counts toward it.

    A count target adds up verified output records that match its category, level, school
    and workshop kind, and any record that names it. Percentage targets take the value of
    the latest verified record that names them; milestones and trends are reached by one.
    """

    code = models.SlugField(
        _("编号"), max_length=20, unique=True, help_text=_("如 2023-04；演示数据据此识别目标。")
    )
    year = models.PositiveSmallIntegerField(_("目标年度"), choices=YEARS)
    school = models.ForeignKey(
        "content.School",
        verbose_name=_("学校"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
        help_text=_("留空表示全区或两校共同目标。"),
    )
    area = models.CharField(_("方面"), max_length=20, choices=Area.choices)
    wording = models.TextField(_("方案原文"))
    kind = models.CharField(_("类型"), max_length=20, choices=TargetKind.choices)
    comparison = models.CharField(
        _("比较"), max_length=3, choices=Comparison.choices, default=Comparison.AT_LEAST
    )
    value = models.DecimalField(_("目标值"), max_digits=8, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=4, choices=Unit.choices, blank=True)
    category = models.CharField(
        _("计入的成果类别"), max_length=30, choices=OutputCategory.choices, blank=True
    )
    level = models.ForeignKey(
        "content.Level",
        verbose_name=_("计入的成果级别"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level_or_higher = models.BooleanField(
        _("含更高级别"), default=False, help_text=_("如“县级以上”：更高级别的成果也计入。")
    )
    workshop_kind = models.CharField(
        _("计入的工作室类型"), max_length=20, choices=WorkshopKind.choices, blank=True
    )
    measure = models.ForeignKey(
        "tracking.Measure",
        verbose_name=_("所属措施"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="targets",
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("year"), FieldPanel("sort_order")]),
        FieldRowPanel([FieldPanel("school"), FieldPanel("area")]),
        FieldPanel("wording"),
        FieldRowPanel(
            [FieldPanel("kind"), FieldPanel("comparison"), FieldPanel("value"), FieldPanel("unit")]
        ),
        MultiFieldPanel(
            [
                FieldPanel("category"),
                FieldRowPanel([FieldPanel("level"), FieldPanel("level_or_higher")]),
                FieldPanel("workshop_kind"),
            ],
            heading=_("哪些成果计入"),
        ),
        FieldPanel("measure"),
    ]

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering = ["year", "sort_order", "code"]

    def __str__(self):
        return f"{self.year}年 {self.figure or self.wording[:30]}"

    def clean(self):
        if self.kind in (TargetKind.COUNT, TargetKind.PERCENTAGE) and self.value is None:
            raise ValidationError({"value": _("数量和比例类目标须填写目标值。")})

    @property
    def figure(self):
        """The plan's figure as written: "≥ 8 节", "> 3 人次", "≥ 80%"."""
        if self.value is None:
            return ""
        number = f"{self.value:f}".rstrip("0").rstrip(".")
        gap = "" if self.unit == Unit.PERCENT else " "
        return f"{self.get_comparison_display()} {number}{gap}{self.unit}"
