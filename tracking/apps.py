from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "tracking"
    verbose_name = _("帮扶跟踪")

    def ready(self):
        from tracking import kept

        kept.connect()
