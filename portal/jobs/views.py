"""管理 → 后台任务: the administrators' read-only list of jobs, with each one's state, attempts
and last error, so that a job that keeps failing (a document never read, a video never
transcoded) is seen and its error reported. Superusers and the programme office see it; nobody
adds, changes or deletes a job here (the worker and the retry do)."""

from django.contrib.auth.models import Permission
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy

import django_filters
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from content.groups import OFFICE

# What the tasks the portal runs are called in the list; another app's task is named by the
# first line of its docstring, or by its path.
TASK_NAMES = {
    "wagtail.tasks.update_reference_index_task": _("更新引用索引"),
    "wagtail.tasks.delete_file_from_storage_task": _("删除存储中的文件"),
    "wagtail.images.tasks.set_image_focal_point_task": _("计算图片焦点"),
    "modelsearch.tasks.insert_or_update_object_task": _("更新搜索索引"),
    "wagtail.search.tasks.insert_or_update_object_task": _("更新搜索索引"),
    "wagtail.contrib.frontend_cache.tasks.purge_urls_from_cache_task": _("清除前端缓存"),
}

RETRYING = "RETRYING"
STATES = {
    TaskResultStatus.READY: _("排队中"),
    RETRYING: _("等待重试"),
    TaskResultStatus.RUNNING: _("运行中"),
    TaskResultStatus.SUCCESSFUL: _("已完成"),
    TaskResultStatus.FAILED: _("失败"),
}


def task_name(row):
    name = TASK_NAMES.get(row.task_path)
    if name:
        return name
    try:
        doc = (row.task.func.__doc__ or "").strip().splitlines()
    except Exception:  # a task since renamed or removed still has its row
        doc = []
    return doc[0] if doc else row.task_path


def state(row):
    # A failed job put back in the queue keeps its last error: it is waiting for a retry.
    if row.status == TaskResultStatus.READY and row.exception_class_path:
        return RETRYING
    return row.status


def error_summary(row):
    if not row.exception_class_path:
        return ""
    lines = [line for line in row.traceback.strip().splitlines() if line.strip()]
    last = lines[-1] if lines else row.exception_class_path
    return last if len(last) <= 160 else last[:157] + "…"


def next_run(row):
    if row.status == TaskResultStatus.READY and row.run_after != get_date_max():
        return row.run_after
    return None


class JobPermissionPolicy(BasePermissionPolicy):
    """Viewing only, for superusers and the programme office (项目办)."""

    def user_has_permission(self, user, action):
        if action != "view" or not user.is_active:
            return False
        return user.is_superuser or user.groups.filter(name=OFFICE).exists()

    def users_with_any_permission(self, actions):
        raise NotImplementedError  # nothing in the admin asks this of a read-only list


class JobFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("状态"), choices=list(STATES.items()), method="filter_state", empty_label=_("全部")
    )

    class Meta:
        model = DBTaskResult
        fields = []

    def filter_state(self, queryset, name, value):
        if value == RETRYING:
            return queryset.filter(status=TaskResultStatus.READY).exclude(exception_class_path="")
        if value == TaskResultStatus.READY:
            return queryset.filter(status=value, exception_class_path="")
        return queryset.filter(status=value)


class JobIndexView(IndexView):
    page_title = _("后台任务")
    default_ordering = "-enqueued_at"

    @property
    def columns(self):
        return [
            TitleColumn("task", label=_("任务"), accessor=task_name, get_url=self.get_inspect_url),
            Column("state", label=_("状态"), accessor=lambda row: STATES[state(row)]),
            Column("attempts", label=_("尝试次数"), accessor=lambda row: len(row.worker_ids)),
            Column("error", label=_("错误"), accessor=error_summary),
            DateColumn("enqueued_at", label=_("加入队列"), sort_key="enqueued_at"),
            DateColumn("finished_at", label=_("最近结束"), sort_key="finished_at"),
            DateColumn("next_run", label=_("下次运行"), accessor=next_run),
        ]


class JobInspectView(InspectView):
    def get_page_subtitle(self):
        return task_name(self.object)

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        items[len(self.breadcrumbs_items)]["label"] = _("后台任务")
        return items

    def get_field_label(self, field_name, field):
        return {
            "task": _("任务"),
            "state": _("状态"),
            "attempts": _("尝试次数"),
            "enqueued_at": _("加入队列"),
            "started_at": _("最近开始"),
            "finished_at": _("最近结束"),
            "next_run": _("下次运行"),
            "arguments": _("参数"),
            "error": _("错误"),
        }[field_name]

    def get_field_display_value(self, field_name, field):
        row = self.object
        if field_name == "task":
            return format_html("{}<br><code>{}</code>", task_name(row), row.task_path)
        if field_name == "state":
            return STATES[state(row)]
        if field_name == "attempts":
            return len(row.worker_ids)
        if field_name == "arguments":
            return format_html("<code>{}</code>", row.args_kwargs)
        if field_name == "error":
            if not row.traceback:
                return "—"
            return format_html("<pre>{}</pre>", row.traceback)
        value = next_run(row) if field_name == "next_run" else getattr(row, field_name)
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else "—"


class JobViewSet(ModelViewSet):
    model = DBTaskResult
    name = "jobs"
    icon = "cogs"
    menu_label = _("后台任务")
    add_to_settings_menu = True
    index_view_class = JobIndexView
    inspect_view_class = JobInspectView
    inspect_view_enabled = True
    inspect_view_fields = [
        "task",
        "state",
        "attempts",
        "enqueued_at",
        "started_at",
        "finished_at",
        "next_run",
        "arguments",
        "error",
    ]
    copy_view_enabled = False
    filterset_class = JobFilterSet
    form_fields = []  # there is no form: nobody may add or change a job
    list_per_page = 50

    def get_permissions_to_register(self):
        # Who sees the list is a role (JobPermissionPolicy), not a permission to hand out.
        return Permission.objects.none()
