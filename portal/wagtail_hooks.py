from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.permissions import register_permission_policy

from django_tasks_db.models import DBTaskResult

from portal.imports.access import may_import
from portal.jobs.views import JobPermissionPolicy, JobViewSet
from portal.models import PortalSettings

settings_registry.register(PortalSettings, icon="site")
register_permission_policy(DBTaskResult, JobPermissionPolicy(DBTaskResult))


@hooks.register("register_admin_viewset")
def register_jobs_viewset():
    return JobViewSet()


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return may_import(request.user)


@hooks.register("register_admin_menu_item")
def register_resources_menu():
    # 教学资源, a menu of its own: the resources themselves are edited in the page tree.
    return SubmenuMenuItem(
        _("教学资源"),
        Menu(register_hook_name="register_resources_menu_item"),
        name="resources",
        icon_name="doc-full-inverse",
        order=250,
    )


@hooks.register("register_resources_menu_item")
def register_import_menu_item():
    return ImportMenuItem(
        _("批量导入资源"),
        reverse_lazy("resource_import"),
        name="resource-import",
        icon_name="upload",
    )
