from wagtail import hooks
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.permissions import register_permission_policy

from django_tasks_db.models import DBTaskResult

from portal.jobs.views import JobPermissionPolicy, JobViewSet
from portal.models import PortalSettings

settings_registry.register(PortalSettings, icon="site")
register_permission_policy(DBTaskResult, JobPermissionPolicy(DBTaskResult))


@hooks.register("register_admin_viewset")
def register_jobs_viewset():
    return JobViewSet()
