"""The import's admin pages: upload, preview, confirm, status; the template download.

Served at /admin/import/ by the portal's own URLs rather than Wagtail's admin URLs, so that an
account that may not import gets 403 with a reason, as the brief of the roles asks, instead
of Wagtail's redirect to the dashboard or the login page."""

import functools
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from content.importing import ImportError_, Problem, ResourceImporter
from portal.imports import access, template
from portal.imports.jobs import discard_stale, finish, progress, run_import
from portal.models import ResourceImport

Status = ResourceImport.Status
UPLOAD_SUFFIXES = (".xlsx", ".csv")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def denied(request, message):
    return TemplateResponse(request, "portal/imports/denied.html", {"message": message}, status=403)


def importers_only(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("wagtailadmin_login"))
        if not access.may_import(request.user):
            return denied(request, "只有项目办和工作室主持人可以批量导入资源。")
        return view(request, *args, **kwargs)

    return wrapped


class UploadForm(forms.Form):
    parent = forms.TypedChoiceField(label=_("导入到"), coerce=int)
    file = forms.FileField(
        label=_("文件"),
        help_text=_("Excel（.xlsx）或 CSV（UTF-8 或 GBK 编码）；请使用下载的模板"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [(page.pk, _section_label(page)) for page in targets]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix == ".xls":
            raise forms.ValidationError(_("不支持旧版 Excel（.xls）：请在 Excel 中另存为 .xlsx"))
        if suffix not in UPLOAD_SUFFIXES:
            raise forms.ValidationError(_("请上传 .xlsx 或 .csv 文件"))
        limit = settings.PORTAL_IMPORT_MAX_SIZE
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件有 %(size).1f MB，超过 %(limit)d MB 的上限：请分成几个文件导入")
                % {"size": upload.size / 1024 / 1024, "limit": limit // 1024 // 1024}
            )
        return upload


def _section_label(page):
    parent = page.get_parent()
    return f"{parent.title} › {page.title}" if parent and parent.depth > 2 else page.title


def _own(request, pk):
    queryset = ResourceImport.objects.select_related("parent")
    if not access.is_office(request.user):
        queryset = queryset.filter(user=request.user)
    job = queryset.filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@importers_only
def index(request):
    targets = access.targets(request.user)
    form = UploadForm(targets=targets)
    if request.method == "POST":
        chosen = request.POST.get("parent", "")
        if chosen.isdigit() and int(chosen) not in {page.pk for page in targets}:
            return denied(request, "你不能向这个栏目导入资源：只能导入到你可以添加页面的栏目。")
        form = UploadForm(request.POST, request.FILES, targets=targets)
        discard_stale()
        if form.is_valid():
            job = _store(request, form)
            if job is not None:
                return redirect("resource_import_detail", job.pk)
    recent = ResourceImport.objects.select_related("parent", "user")
    if not access.is_office(request.user):
        recent = recent.filter(user=request.user)
    return TemplateResponse(
        request,
        "portal/imports/index.html",
        {
            "form": form,
            "has_targets": bool(targets),
            "recent": recent[:20],
            "max_rows": settings.PORTAL_IMPORT_MAX_ROWS,
            "max_mb": settings.PORTAL_IMPORT_MAX_SIZE // 1024 // 1024,
        },
    )


def _store(request, form):
    """The upload kept in the import storage, if the file can be read at all; else the form
    gets the reason and nothing is kept."""
    upload = form.cleaned_data["file"]
    suffix = Path(upload.name).suffix.lower()
    job = ResourceImport(
        user=request.user,
        parent_id=form.cleaned_data["parent"],
        original_name=Path(upload.name).name[:255],
        publish=access.is_office(request.user),
    )
    job.file.save(f"{uuid.uuid4().hex}{suffix}", upload, save=False)
    try:
        rows, problems = _inspect(job)
        whole_file = [problem.text for problem in problems if problem.row is None]
        if whole_file:  # no rows: nothing to preview
            raise ImportError_(whole_file)
    except ImportError_ as error:
        job.file.delete(save=False)
        for text in error.errors:
            form.add_error("file", text)
        return None
    job.rows = len(rows)
    job.save()
    return job


def _inspect(job):
    importer = ResourceImporter(parent=job.parent)
    return importer.inspect(
        job.file.path, attach_files=False, max_rows=settings.PORTAL_IMPORT_MAX_ROWS
    )


@importers_only
def detail(request, pk):
    job = _own(request, pk)
    context = {"job": job, "progress": _progress(job)}
    if job.status == Status.UPLOADED:
        try:
            rows, problems = _inspect(job)
        except ImportError_ as error:  # the file cannot be read any more
            rows, problems = [], [Problem(None, text) for text in error.errors]
        by_row = {}
        for problem in problems:
            by_row.setdefault(problem.row, []).append(problem.text)
        context.update(
            rows=[
                (
                    row.number,
                    [row.values.get(column, "") for column in template.COLUMNS],
                    by_row.get(row.number, []),
                )
                for row in rows
            ],
            file_problems=by_row.get(None, []),
            problem_count=len(problems),
            rows_with_problems=len([n for n in by_row if n is not None]),
            columns=[(column, template.LABELS[column]) for column in template.COLUMNS],
        )
    return TemplateResponse(request, "portal/imports/detail.html", context)


@require_POST
@importers_only
def confirm(request, pk):
    job = _own(request, pk)
    if job.status != Status.UPLOADED:
        return redirect("resource_import_detail", job.pk)
    if job.parent_id not in {page.pk for page in access.targets(request.user)}:
        return denied(request, "你不能向这个栏目导入资源：只能导入到你可以添加页面的栏目。")
    try:
        rows, problems = _inspect(job)
    except ImportError_:
        problems = True
    if problems:
        messages.error(request, "文件中有错误，未导入：请改正后重新上传。")
        return redirect("resource_import_detail", job.pk)
    job.status = Status.QUEUED
    job.rows = len(rows)
    job.save(update_fields=["status", "rows"])
    transaction.on_commit(lambda: run_import.enqueue(job.pk))
    messages.success(request, f"已开始导入 {len(rows)} 行。")
    return redirect("resource_import_detail", job.pk)


@require_POST
@importers_only
def cancel(request, pk):
    job = _own(request, pk)
    if job.status == Status.UPLOADED:
        finish(job, Status.CANCELLED)
        messages.success(request, "已取消这次导入，文件已删除。")
    return redirect("resource_import")


def _progress(job):
    done, total = progress(job.pk) or (0, job.rows)
    if job.status == Status.DONE:
        done = total = job.imported
    percent = done * 100 // total if total else 0
    return {"done": done, "total": total, "percent": percent}


@importers_only
def status(request, pk):
    job = _own(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "label": str(job.get_status_display()),
            "finished": job.finished,
            "imported": job.imported,
            "errors": job.errors,
            **_progress(job),
        }
    )


@importers_only
def template_xlsx(request):
    response = HttpResponse(template.workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="resource-import-template.xlsx"'
    return response
