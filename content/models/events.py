from django.utils.translation import gettext_lazy as _

from content.models.pages import SectionIndexPage


class ActivityIndexPage(SectionIndexPage):
    template = SectionIndexPage.template

    class Meta:
        verbose_name = _("教研活动栏目")
        verbose_name_plural = _("教研活动栏目")
