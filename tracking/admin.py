"""The programme office's admin (帮扶跟踪): wagtail-modeladmin, one class per model.

Who may do what (issue 6 builds roles on these permissions, issue 13 separates the duties):
- tracking.add_outputrecord / change_outputrecord / view_outputrecord — file output records.
  Without verify permission a user sees and files records only for the workshops they lead
  (their Person.user is the workshop's lead), and cannot change a record once verified.
- tracking.verify_outputrecord — reviewers: see their school's records (the office every
  record), verify them or return them with a reason. A school's reviewer only verifies; a
  verified record is changed only by the office, which puts it back to 待审核 and logs the
  change. Nobody verifies a record they filed or last changed.
- tracking.view_evaluationscore — the office: sees scores on the 成效 page, downloads the
  semester report.
- the usual add/change/delete/view permissions on targets, measures, cadence rules,
  semesters and scores — the office keeps the plan's data.
"""

import threading

from django.contrib import admin
from django.contrib.admin.utils import quote
from django.db import transaction
from django.urls import re_path
from django.utils.translation import gettext_lazy as _

from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup
from wagtail_modeladmin.views import InspectView

from content.groups import reviewer_school_ids
from tracking import kept, views
from tracking.models import (
    CadenceRule,
    EvaluationScore,
    Measure,
    OutputRecord,
    OutputStatus,
    Semester,
    Target,
)

VERIFY_PERMISSION = "tracking.verify_outputrecord"


def is_reviewer(user, record=None):
    """May verify (this record): the office every record, a school's reviewer its school's."""
    if not user.has_perm(VERIFY_PERMISSION):
        return False
    if record is None:
        return True
    schools = reviewer_school_ids(user)
    school = record.school_id or (record.workshop.school_id if record.workshop else None)
    return schools is None or school in schools


def is_office(user):
    """Verifies every school's records: the office (and the site admin). Only they change a
    verified record."""
    return user.has_perm(VERIFY_PERMISSION) and reviewer_school_ids(user) is None


def leads(user, record):
    workshop = record.workshop
    return workshop is not None and workshop.lead.user_id == user.pk


class ReadableInspectView(InspectView):
    """The details page in words: modeladmin shows a yes/no field as True/False and a rule's
    activity types as their stored codes."""

    def get_field_display_value(self, field_name, field=None):
        value = getattr(self.instance, field_name, None)
        if isinstance(value, bool):
            return _("是") if value else _("否")
        if field_name == "activity_types":
            return "、".join(self.instance.activity_type_labels()) or "-"
        return super().get_field_display_value(field_name, field)


class AtomicModelAdmin(ModelAdmin):
    """Every change is all or nothing: a record is not saved without its people, nor a
    measure without its funding lines. (Wagtail's own edit views are atomic in the same way;
    the whole portal does not need ATOMIC_REQUESTS for it.)"""

    inspect_view_class = ReadableInspectView

    def create_view(self, request):
        with transaction.atomic():
            return super().create_view(request)

    def edit_view(self, request, instance_pk):
        with transaction.atomic():
            return super().edit_view(request, instance_pk)

    def delete_view(self, request, instance_pk):
        with transaction.atomic():
            return super().delete_view(request, instance_pk)


class OutputRecordPermissionHelper(PermissionHelper):
    def user_can_inspect_obj(self, user, obj):
        return super().user_can_inspect_obj(user, obj) and (
            is_reviewer(user, obj) or leads(user, obj)
        )

    def user_can_edit_obj(self, user, obj):
        if not super().user_can_edit_obj(user, obj):
            return False
        return is_office(user) or (leads(user, obj) and obj.status != OutputStatus.VERIFIED)

    def user_can_delete_obj(self, user, obj):
        return self.user_can_edit_obj(user, obj) and super().user_can_delete_obj(user, obj)

    def user_can_review_obj(self, user, obj):
        return (
            is_reviewer(user, obj)
            and obj.status == OutputStatus.SUBMITTED
            and not obj.is_own_work_of(user)
        )


class OutputRecordButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        if self.permission_helper.user_can_review_obj(self.request.user, obj):
            buttons.insert(
                0,
                {
                    "url": self.url_helper.get_action_url("review", quote(obj.pk)),
                    "label": _("审核"),
                    "classname": self.finalise_classname(classnames_add or []),
                    "title": _("核实或退回这条成果"),
                },
            )
        return buttons


class OutputRecordAdmin(AtomicModelAdmin):
    model = OutputRecord
    menu_label = _("成果")
    menu_icon = "pick"
    list_display = ["title", "category", "school", "workshop", "date", "status"]
    list_filter = ["status", "category", "school", "level"]
    list_select_related = ["school", "workshop"]
    search_fields = ["title", "description"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "title",
        "category",
        "level",
        "school",
        "workshop",
        "people",
        "date",
        "quantity",
        "target",
        "measured_value",
        "description",
        "evidence_page",
        "evidence_document",
        "status",
        "return_reason",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "last_changed_by",
        "last_changed_at",
    ]
    list_export = [
        "date",
        "title",
        "get_category_display",
        "level",
        "school",
        "workshop",
        "quantity",
        "measured_value",
        "target",
        "get_status_display",
        "return_reason",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
    ]
    export_headings = {"get_category_display": _("类别"), "get_status_display": _("审核状态")}
    export_filename = "outputs"
    permission_helper_class = OutputRecordPermissionHelper
    button_helper_class = OutputRecordButtonHelper

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def review_view(self, request, instance_pk):
        with transaction.atomic():
            return views.review_output(request, self, instance_pk)

    def get_admin_urls_for_registration(self):
        return (
            *super().get_admin_urls_for_registration(),
            re_path(
                self.url_helper.get_action_url_pattern("review"),
                self.review_view,
                name=self.url_helper.get_action_url_name("review"),
            ),
        )


# A target's progress is computed for the whole list at once, not row by row; the index view
# asks the queryset first and then each column, within one request on one thread.
_listing = threading.local()


class TargetAdmin(AtomicModelAdmin):
    model = Target
    menu_label = _("目标")
    menu_icon = "crosshairs"
    list_display = ["code", "year", "school", "area", "wording", "figure", "progress"]
    list_filter = ["year", "area", "kind", "school"]
    list_select_related = ["school", "level", "measure"]
    search_fields = ["code", "wording"]
    inspect_view_enabled = True
    list_export = [
        "code",
        "year",
        "school",
        "get_area_display",
        "wording",
        "get_kind_display",
        "figure",
        "progress",
        "measure",
    ]
    export_headings = {
        "get_area_display": _("方面"),
        "get_kind_display": _("类型"),
        "figure": _("目标值"),
        "progress": _("完成情况"),
    }
    export_filename = "targets"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        _listing.progress = {p.target.pk: p for p in kept.target_progress()}
        return queryset

    # The column's name goes on the function (admin.display), under @staticmethod: the
    # listing reads the function from the class, so a name set on the staticmethod object
    # was lost and the columns were headed "Figure" and "Progress".
    @staticmethod
    @admin.display(description=_("目标值"))
    def figure(obj):
        return obj.figure or obj.get_kind_display()

    @staticmethod
    @admin.display(description=_("完成情况"))
    def progress(obj):
        item = getattr(_listing, "progress", {}).get(obj.pk)
        return f"{item.current_display}（{item.status_label}）" if item else ""


class MeasureAdmin(AtomicModelAdmin):
    model = Measure
    menu_label = _("帮扶措施")
    menu_icon = "list-ol"
    list_display = ["number", "group", "short_text", "units", "deadline", "status"]
    list_filter = ["group", "status", "continues"]
    search_fields = ["text", "deadline_wording"]
    inspect_view_enabled = True
    list_export = [
        "number",
        "get_group_display",
        "text",
        "units",
        "deadline_wording",
        "deadline",
        "get_status_display",
        "planned_total",
        "spent_total",
    ]
    export_headings = {
        "get_group_display": _("类别"),
        "get_status_display": _("状态"),
        "units": _("责任单位"),
        "planned_total": _("计划资金（元）"),
        "spent_total": _("实际支出（元）"),
    }
    export_filename = "measures"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("responsible_units", "funding", "spending")
        )

    @staticmethod
    @admin.display(description=_("措施内容"))
    def short_text(obj):
        return obj.short_text

    @staticmethod
    @admin.display(description=_("责任单位"))
    def units(obj):
        return "、".join(u.short_name or u.name for u in obj.responsible_units.all())

    @staticmethod
    def planned_total(obj):
        return sum(f.amount for f in obj.funding.all())

    @staticmethod
    def spent_total(obj):
        return sum(s.amount for s in obj.spending.all())


class CadenceRuleAdmin(AtomicModelAdmin):
    model = CadenceRule
    menu_label = _("频次要求")
    menu_icon = "time"
    list_display = ["name", "requirement", "source", "measure"]
    list_filter = ["period", "scope", "source"]
    search_fields = ["name", "wording"]
    inspect_view_enabled = True
    list_export = ["code", "name", "wording", "requirement", "get_source_display", "measure"]
    export_headings = {"requirement": _("要求"), "get_source_display": _("依据")}
    export_filename = "cadence-rules"

    @staticmethod
    @admin.display(description=_("要求"))
    def requirement(obj):
        return obj.requirement


class SemesterAdmin(AtomicModelAdmin):
    model = Semester
    menu_label = _("学期")
    menu_icon = "date"
    list_display = ["name", "start", "end", "baseline"]
    list_filter = ["is_baseline"]
    search_fields = ["name"]
    inspect_view_enabled = True
    list_export = ["name", "start", "end", "is_baseline"]
    export_filename = "semesters"

    # In words: Django's yes/no icon is read out as "True" or "False".
    @staticmethod
    @admin.display(description=_("基准学期"), ordering="is_baseline")
    def baseline(obj):
        return _("是") if obj.is_baseline else _("否")


class EvaluationScoreAdmin(AtomicModelAdmin):
    model = EvaluationScore
    menu_label = _("赋分评价")
    menu_icon = "table"
    list_display = ["semester", "school", "score"]
    list_filter = ["school", "semester"]
    list_select_related = ["school", "semester"]
    search_fields = ["note"]
    inspect_view_enabled = True
    list_export = ["semester", "school", "score", "note"]
    export_filename = "scores"


class TrackingGroup(ModelAdminGroup):
    menu_label = _("帮扶跟踪")
    menu_icon = "tasks"
    menu_order = 250
    items = [
        TargetAdmin,
        OutputRecordAdmin,
        MeasureAdmin,
        CadenceRuleAdmin,
        SemesterAdmin,
        EvaluationScoreAdmin,
    ]

    def get_submenu_items(self):
        return [*super().get_submenu_items(), views.ReportMenuItem()]
