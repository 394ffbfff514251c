from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonalConfig(AppConfig):
    name = "personal"
    verbose_name = _("我的")

    def ready(self):
        from personal import signals  # noqa: F401  (downloads recorded per user)
