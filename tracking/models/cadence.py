from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from content.models import ActivityType
from tracking.labels import choice_label
from tracking.models.outputs import OutputCategory


class Period(models.TextChoices):
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")
    SEMESTER = "semester", _("每学期")
    YEAR = "year", _("每学年")
    PROGRAMME = "programme", _("帮扶期内累计")


class Scope(models.TextChoices):
    REGION = "region", _("全区")
    SCHOOL = "school", _("每所受援学校")
    SUBJECT = "subject", _("每个学科")
    PERSON = "person", _("每名帮扶人才")
    WORKSHOP = "workshop", _("每个工作室")


class Source(models.TextChoices):
    ACTIVITIES = "activities", _("已发布的教研活动")
    FORUM_SESSIONS = "forum_sessions", _("已发布的论坛")
    APPRENTICESHIPS = "apprenticeships", _("工作室师徒结对登记")
    OUTPUTS = "outputs", _("已核实的成果")


class CadenceRuleForm(WagtailAdminModelForm):
    activity_types = forms.MultipleChoiceField(
        label=_("活动类型"),
        choices=ActivityType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class CadenceRule(models.Model):
    """频次要求: something the plan says must happen at least so often.

    Nobody types in whether a rule is met: tracking.progress counts the published activities,
    the workshops' apprentice register and the verified output records.
    """

    code = models.SlugField(_("编号"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    wording = models.TextField(_("方案原文"))
    measure = models.ForeignKey(
        "tracking.Measure",
        verbose_name=_("所属措施"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadence_rules",
    )
    source = models.CharField(_("依据"), max_length=20, choices=Source.choices)
    activity_types = models.JSONField(_("活动类型"), default=list, blank=True)
    output_category = models.CharField(
        _("成果类别"), max_length=30, choices=OutputCategory.choices, blank=True
    )
    include_observations = models.BooleanField(
        _("计入课堂观察"),
        default=False,
        help_text=_(
            "勾选后，教师在课堂实录上做的课堂观察也计入：一位教师观察一节实录（记下至少一条"
            "观察记录）算一次，记在首条记录的日期，归入该实录的学校和学科；范围为帮扶人才时"
            "归入观察者本人。只计已发布的公开实录。"
        ),
    )
    minimum = models.PositiveSmallIntegerField(_("至少"))
    period = models.CharField(_("周期"), max_length=20, choices=Period.choices)
    scope = models.CharField(_("范围"), max_length=20, choices=Scope.choices)
    subjects = models.ManyToManyField(
        "content.Subject",
        verbose_name=_("学科"),
        blank=True,
        related_name="+",
        help_text=_("范围为“每个学科”时要求覆盖的学科；留空则为全部普通学科。"),
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    base_form_class = CadenceRuleForm
    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("sort_order")]),
        FieldPanel("name"),
        FieldPanel("wording"),
        FieldPanel("measure"),
        MultiFieldPanel(
            [
                FieldPanel("source"),
                FieldPanel("activity_types"),
                FieldPanel("output_category"),
                FieldPanel("include_observations"),
                FieldRowPanel([FieldPanel("minimum"), FieldPanel("period"), FieldPanel("scope")]),
                FieldPanel("subjects"),
            ],
            heading=_("如何计算"),
        ),
    ]

    class Meta:
        verbose_name = _("频次要求")
        verbose_name_plural = _("频次要求")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.source == Source.ACTIVITIES and not self.activity_types:
            raise ValidationError({"activity_types": _("依据为教研活动时须选择活动类型。")})
        if self.source == Source.OUTPUTS and not self.output_category:
            raise ValidationError({"output_category": _("依据为成果时须选择成果类别。")})

    @property
    def requirement(self):
        """ "每月 ≥ 1 次（全区）"."""
        noun = "名徒弟" if self.source == Source.APPRENTICESHIPS else "次"
        if self.source == Source.OUTPUTS:
            noun = "项"
        scope, period = choice_label(Scope, self.scope), choice_label(Period, self.period)
        return f"{scope}{period} ≥ {self.minimum} {noun}"

    def activity_type_labels(self):
        labels = dict(ActivityType.choices)
        return [str(labels.get(t, t)) for t in self.activity_types]
