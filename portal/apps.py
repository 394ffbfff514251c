from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户设置")

    def ready(self):
        from portal import signals

        # Portal comes first in INSTALLED_APPS, so these receivers run before other apps'
        # (content.signals reads page privacy on a restriction's change and must see it new).
        signals.connect()
