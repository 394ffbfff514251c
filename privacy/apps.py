from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("文件隐私")

    def ready(self):
        from privacy import signals

        signals.connect()
