from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = _("内容")

    def ready(self):
        import warnings

        from django.conf import settings

        from PIL import Image

        from content import (
            facet_counts,  # noqa: F401  (facet counts follow the pages)
            previews,  # noqa: F401  (attachments get previews)
            signals,  # noqa: F401  (download counter, reindexing)
            video_signals,  # noqa: F401  (uploaded videos are transcoded)
        )

        # Pillow only warns between its limit and twice that; a bitmap that large is refused.
        Image.MAX_IMAGE_PIXELS = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
        warnings.simplefilter("error", Image.DecompressionBombWarning)
