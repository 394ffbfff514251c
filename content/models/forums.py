from django.utils.translation import gettext_lazy as _

from content.models.pages import SectionIndexPage


class ForumIndexPage(SectionIndexPage):
    template = SectionIndexPage.template

    class Meta:
        verbose_name = _("全域教育论坛栏目")
        verbose_name_plural = _("全域教育论坛栏目")
