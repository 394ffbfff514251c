from django.utils.translation import gettext_lazy as _

from content.models.pages import SectionIndexPage


class NewsIndexPage(SectionIndexPage):
    template = SectionIndexPage.template

    class Meta:
        verbose_name = _("新闻动态栏目")
        verbose_name_plural = _("新闻动态栏目")
