from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsageConfig(AppConfig):
    name = "usage"
    verbose_name = _("使用统计")

    def ready(self):
        from usage import signals  # noqa: F401  (downloads are counted per page and month)
