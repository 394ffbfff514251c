from django.utils.translation import gettext_lazy as _

from content.models.pages import SectionIndexPage


class WorkshopIndexPage(SectionIndexPage):
    template = SectionIndexPage.template

    class Meta:
        verbose_name = _("工作室栏目")
        verbose_name_plural = _("工作室栏目")
