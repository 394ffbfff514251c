from django.utils.translation import gettext_lazy as _

from content.models.pages import SectionIndexPage


class ResourceIndexPage(SectionIndexPage):
    template = SectionIndexPage.template

    class Meta:
        verbose_name = _("教学资源栏目")
        verbose_name_plural = _("教学资源栏目")
