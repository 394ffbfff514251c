from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from wagtail.signals import page_published, page_unpublished


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户设置")

    def ready(self):
        # Connects the retry of failed jobs to the task framework's signal.
        from portal.jobs import retry  # noqa: F401
        from portal.warmup import schedule_page_warmup

        page_published.connect(schedule_page_warmup, dispatch_uid="portal_warm_pages")
        page_unpublished.connect(schedule_page_warmup, dispatch_uid="portal_warm_unpublished")
