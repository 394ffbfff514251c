from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户设置")

    def ready(self):
        # Connects the retry of failed jobs to the task framework's signal.
        from portal.jobs import retry  # noqa: F401
