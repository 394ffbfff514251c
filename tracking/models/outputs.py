from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.documents import get_document_model_string
from wagtail.log_actions import log

from content.groups import reviewer_school_ids
from tracking.widgets import OnlyChoice


class OutputCategory(models.TextChoices):
    QUALITY_LESSON = "quality_lesson", _("精品课")
    DEMONSTRATION_LESSON = "demonstration_lesson", _("示范课")
    KEY_TEACHER = "key_teacher", _("骨干教师")
    SUBJECT_LEADER = "subject_leader", _("学科带头人")
    KEY_TEACHER_TEAM = "key_teacher_team", _("骨干教师团队")
    WORKSHOP = "workshop", _("工作室")
    SCHOOL_TEXTBOOK = "school_textbook", _("校本教材")
    ENTERPRISE_TEXTBOOK = "enterprise_textbook", _("校企合作教材")
    ENTERPRISE_COURSE = "enterprise_course", _("校企合作课程")
    IDEOLOGY_CASE = "ideology_case", _("典型案例（班级思政建设）")
    TEACHING_CASE = "teaching_case", _("典型案例（课程教学）")
    IDEOLOGY_CLASSROOM = "ideology_classroom", _("课程思政示范课堂")
    COURSE_STANDARD = "course_standard", _("课程标准")
    FEATURED_MAJOR = "featured_major", _("特色专业")
    FEATURED_MAJOR_GROUP = "featured_major_group", _("特色专业群")
    MICRO_RESEARCH = "micro_research", _("微课题")
    TEACHER_AWARD = "teacher_award", _("教师竞赛获奖")
    STUDENT_AWARD = "student_award", _("学生竞赛获奖")
    POLICY_DOCUMENT = "policy_document", _("制度文件")
    RESERVE_CADRE = "reserve_cadre", _("后备干部")
    PRINCIPAL = "principal", _("校长培养")
    VICE_PRINCIPAL = "vice_principal", _("副校长培养")
    MEASUREMENT = "measurement", _("指标测算")
    OTHER = "other", _("其他成果")


class OutputStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    VERIFIED = "verified", _("已核实")
    RETURNED = "returned", _("已退回")


class OutputRecordQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(status=OutputStatus.VERIFIED)

    def awaiting_verification(self):
        return self.filter(status=OutputStatus.SUBMITTED)

    def for_user(self, user):
        """What a user may see in the admin: reviewers everything, a workshop lead the records
        of the workshops they lead."""
        if user.has_perm("tracking.verify_outputrecord"):
            schools = reviewer_school_ids(user)
            if schools is None:
                return self
            # A school's reviewer verifies that school's records (and its workshops').
            return self.filter(Q(school__in=schools) | Q(workshop__school__in=schools))
        return self.filter(workshop__lead__user=user)


def _shown(value):
    """A field's value as the change log shows it."""
    if value is None:
        return ""
    if hasattr(value, "all"):
        value = value.all()
    if isinstance(value, (list, tuple, models.QuerySet)):
        return "、".join(str(item) for item in value)
    return str(value)


def target_label(target):
    """ "2023-04 罗山中学打造市级精品课8节 · ≥ 8 节": code and wording tell targets apart; the
    year and school are the group the option sits in."""
    wording = target.wording if len(target.wording) <= 36 else f"{target.wording[:35]}…"
    return f"{target.code} {wording}" + (f" · {target.figure}" if target.figure else "")


def grouped_targets(targets):
    """The choices of 对应目标, one group per year and school, in the plan's order."""
    groups = {}
    for target in targets.select_related("school"):
        school = target.school.short_name or target.school.name if target.school else "全区"
        groups.setdefault(f"{target.year}年 · {school}", []).append(
            (target.pk, target_label(target))
        )
    return [("", "---------"), *groups.items()]


class OutputRecordForm(WagtailAdminModelForm):
    """A lead files records for the workshops they lead: the workshop list offers only those
    (a lead of one workshop is not asked at all), the school and target lists only what fits
    them; a record's school is its workshop's."""

    class Media:
        css = {"all": ["tracking/output_form.css"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        leads_only = user is not None and not user.has_perm("tracking.verify_outputrecord")
        if leads_only and "workshop" in self.fields:
            self._limit_to_own_workshops(user)
        if "target" in self.fields:
            field = self.fields["target"]
            field.choices = grouped_targets(field.queryset)
            field.error_messages["invalid_choice"] = _("请从列表中选择对应目标。")
        # What the record held, for the log of a change to a verified record.
        self.before = (
            {name: _shown(getattr(self.instance, name)) for name in self.fields}
            if self.instance.pk
            else {}
        )

    def _limit_to_own_workshops(self, user):
        field = self.fields["workshop"]
        field.queryset = field.queryset.filter(lead__user=user)
        field.required = True
        field.empty_label = None
        own = list(field.queryset.select_related("school"))
        names = "、".join(w.title for w in own) or _("无")
        # A forged POST naming another workshop: say which ones the lead may file for.
        field.error_messages["invalid_choice"] = _(
            "只能为你主持的工作室填报成果（%(names)s）。"
        ) % {"names": names}
        if len(own) == 1 and not self.instance.pk:
            self.initial["workshop"] = own[0].pk
        if len(own) == 1:
            field.widget = OnlyChoice(choices=field.choices)
        schools = {w.school_id for w in own}
        if "school" in self.fields:
            school = self.fields["school"]
            school.queryset = school.queryset.filter(pk__in=schools)
            school.error_messages["invalid_choice"] = _("成果的学校须是你主持的工作室的依托学校。")
            if len(schools) == 1:
                if not self.instance.pk:
                    self.initial["school"] = next(iter(schools))
                school.widget = OnlyChoice(choices=school.choices)
        if "target" in self.fields:
            # Targets of the workshops' schools and region-wide ones: a record of another
            # school could never count toward theirs.
            target = self.fields["target"]
            target.queryset = target.queryset.filter(Q(school__in=schools) | Q(school=None))

    def save(self, commit=True):
        record = super().save(commit=False)
        reopened = record.pk is not None and record.status == OutputStatus.VERIFIED
        # Every save puts the record (back) in the review queue: an edit to a verified or
        # returned record has to be looked at again, by someone else, before it counts.
        record.submit(self.for_user, save=False)
        if commit:
            record.save()
            self.save_m2m()
        if reopened:
            changes = {
                name: [self.before.get(name, ""), _shown(self.cleaned_data.get(name))]
                for name in self.changed_data
            }
            log(record, "tracking.reopen", user=self.for_user, data={"changes": changes})
        return record


class OutputRecord(models.Model):
    """成果: one output of the programme, with its evidence. Only verified records count."""

    category = models.CharField(_("类别"), max_length=30, choices=OutputCategory.choices)
    title = models.CharField(_("名称"), max_length=200)
    date = models.DateField(_("日期"))
    level = models.ForeignKey(
        "content.Level",
        verbose_name=_("级别"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    school = models.ForeignKey(
        "content.School",
        verbose_name=_("学校"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outputs",
    )
    workshop = models.ForeignKey(
        "content.WorkshopPage",
        verbose_name=_("工作室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outputs",
    )
    people = models.ManyToManyField(
        "content.Person", verbose_name=_("相关人员"), blank=True, related_name="outputs"
    )
    quantity = models.PositiveSmallIntegerField(
        _("数量"), default=1, help_text=_("如一次比赛多人获奖，填获奖人次。")
    )
    measured_value = models.DecimalField(
        _("测算值"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("比例类目标的实测数值，如“双师型”教师比例 32.5（%）。"),
    )
    target = models.ForeignKey(
        "tracking.Target",
        verbose_name=_("对应目标"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="records",
        help_text=_("节点任务、比例类目标须指明；数量类目标按类别、级别、学校自动计入。"),
    )
    description = models.TextField(_("说明"), blank=True)
    evidence_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("佐证页面"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    evidence_document = models.ForeignKey(
        # The portal keeps its files in its own document model (WAGTAILDOCS_DOCUMENT_MODEL).
        get_document_model_string(),
        verbose_name=_("佐证材料"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("审核状态"),
        max_length=20,
        choices=OutputStatus.choices,
        default=OutputStatus.SUBMITTED,
        editable=False,
    )
    return_reason = models.TextField(_("退回理由"), blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True, editable=False)
    last_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    last_changed_at = models.DateTimeField(_("最后修改时间"), null=True, blank=True, editable=False)

    objects = OutputRecordQuerySet.as_manager()

    base_form_class = OutputRecordForm
    panels = [
        FieldRowPanel([FieldPanel("category"), FieldPanel("level")]),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("date"), FieldPanel("quantity")]),
        FieldRowPanel([FieldPanel("school"), FieldPanel("workshop")]),
        FieldPanel("people"),
        # A target's label (code, wording, figure) needs the whole width, on a phone too.
        FieldPanel("target"),
        FieldPanel("measured_value"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("evidence_page"), FieldPanel("evidence_document")],
            heading=_("佐证"),
        ),
    ]

    class Meta:
        verbose_name = _("成果")
        verbose_name_plural = _("成果")
        ordering = ["-date", "-pk"]
        permissions = [("verify_outputrecord", _("审核成果（核实或退回）"))]

    def __str__(self):
        return self.title

    def clean(self):
        if self.workshop_id:
            if not self.school_id:
                self.school_id = self.workshop.school_id
            elif self.school_id != self.workshop.school_id:
                raise ValidationError(
                    {
                        "school": _("成果的学校须是其工作室的依托学校（%(school)s）。")
                        % {"school": self.workshop.school}
                    }
                )
        if not (self.evidence_page_id or self.evidence_document_id or self.description.strip()):
            raise ValidationError(_("请提供佐证：链接已发布的页面、上传材料，或写明说明。"))

    @property
    def counts(self):
        return self.status == OutputStatus.VERIFIED

    def submit(self, user, save=True):
        """Into the review queue after `user` filed or changed it. Whoever filed it stays its
        submitter; neither they nor the last to change it may verify it."""
        now = timezone.now()
        self.status = OutputStatus.SUBMITTED
        if self.submitted_by_id is None:
            self.submitted_by = user
        self.submitted_at = now
        self.last_changed_by, self.last_changed_at = user, now
        self.reviewed_by, self.reviewed_at, self.return_reason = None, None, ""
        if save:
            self.save()

    def is_own_work_of(self, user):
        """Filed or last changed by the user: theirs to submit, someone else's to verify."""
        return user.pk is not None and user.pk in (self.submitted_by_id, self.last_changed_by_id)

    def verify(self, user):
        self._check_reviewer(user)
        self.status = OutputStatus.VERIFIED
        self.reviewed_by, self.reviewed_at, self.return_reason = user, timezone.now(), ""
        self.save(update_fields=["status", "reviewed_by", "reviewed_at", "return_reason"])
        log(self, "tracking.verify", user=user)

    def return_to_submitter(self, user, reason):
        if not reason.strip():
            raise ValidationError(_("退回须写明理由。"))
        self._check_reviewer(user)
        self.status = OutputStatus.RETURNED
        self.reviewed_by, self.reviewed_at, self.return_reason = user, timezone.now(), reason
        self.save(update_fields=["status", "reviewed_by", "reviewed_at", "return_reason"])
        log(self, "tracking.return", user=user, data={"reason": reason})

    def _check_reviewer(self, user):
        if self.is_own_work_of(user):
            raise PermissionDenied(_("不能审核自己提交或修改的成果。"))
