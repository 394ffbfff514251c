from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CachingConfig(AppConfig):
    name = "caching"
    label = "caching"
    verbose_name = _("缓存")
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        from caching import signals

        # First in INSTALLED_APPS, so these receivers run before other apps' (content's
        # privacy receivers read page privacy on a restriction's change and must see it new).
        signals.connect()
