from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = _("内容")

    def ready(self):
        from content import signals  # noqa: F401  (download counter, reindexing)
