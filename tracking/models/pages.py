from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField

from content.models import BasePage
from tracking.results import RESULTS_SCOPES, results_context


class ResultsPage(BasePage):
    """成效: the programme's results as the public sees them, computed on every visit."""

    introduction = RichTextField(_("导语"), blank=True)

    content_panels = [*BasePage.content_panels, FieldPanel("introduction")]

    template = "pages/results_page.html"
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1
    show_share_box = False
    # Its figures count tracking records and the sections' pages, never news.
    cache_depends = RESULTS_SCOPES

    class Meta:
        verbose_name = _("帮扶成效")
        verbose_name_plural = _("帮扶成效")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(results_context(request))
        return context
