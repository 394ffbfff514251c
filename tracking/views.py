"""Admin views of the tracking area: reviewing an output record, the semester report."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.menu import MenuItem

from tracking import report
from tracking.models import OutputRecord, Semester

REPORT_PERMISSION = "tracking.view_evaluationscore"


class ReviewForm(forms.Form):
    reason = forms.CharField(
        label=_("退回理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回时必填，提交人会看到。"),
    )


def review_output(request, model_admin, instance_pk):
    record = get_object_or_404(OutputRecord, pk=instance_pk)
    if record.is_own_work_of(request.user):
        messages.error(request, _("不能审核自己提交或修改的成果，须由他人审核。"))
        return redirect(model_admin.url_helper.index_url)
    if not model_admin.permission_helper.user_can_review_obj(request.user, record):
        raise PermissionDenied
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if "verify" in request.POST:
            record.verify(request.user)
            messages.success(request, _("已核实：%(title)s") % {"title": record.title})
            return redirect(model_admin.url_helper.index_url)
        reason = form.cleaned_data["reason"].strip()
        if reason:
            record.return_to_submitter(request.user, reason)
            messages.warning(request, _("已退回：%(title)s") % {"title": record.title})
            return redirect(model_admin.url_helper.index_url)
        form.add_error("reason", _("退回须写明理由。"))
    return TemplateResponse(
        request,
        "tracking/review.html",
        {"record": record, "form": form, "index_url": model_admin.url_helper.index_url},
    )


def _report_semester(request):
    if not request.user.has_perm(REPORT_PERMISSION):
        raise PermissionDenied
    semester = report.semester_named(request.GET.get("semester"))
    if semester is None:
        raise Http404("没有这个学期")
    return semester


def report_page(request):
    """The report as a printable page, with a semester picker and the XLSX download."""
    semester = _report_semester(request)
    return TemplateResponse(
        request,
        "tracking/report.html",
        {
            "semester": semester,
            "semesters": Semester.objects.order_by("-start"),
            "sheets": report.build(semester),
            "generated": timezone.localtime(),
        },
    )


def report_xlsx(request):
    semester = _report_semester(request)
    response = HttpResponse(
        report.workbook(semester),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"programme-report-{semester.start:%Y-%m}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ReportMenuItem(MenuItem):
    def __init__(self):
        super().__init__(
            _("导出学期报告"),
            reverse_lazy("tracking_report"),
            name="semester-report",
            icon_name="download",
        )

    def is_shown(self, request):
        return request.user.has_perm(REPORT_PERMISSION)
