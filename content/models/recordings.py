from django.utils.translation import gettext_lazy as _

from content.models.pages import SectionIndexPage


class RecordingIndexPage(SectionIndexPage):
    template = SectionIndexPage.template

    class Meta:
        verbose_name = _("课堂实录栏目")
        verbose_name_plural = _("课堂实录栏目")
