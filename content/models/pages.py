from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from content.models.base import BasePage


class StandardPage(BasePage):
    """A plain page: 关于项目, 联系我们, policies."""

    body = RichTextField(_("正文"), blank=True)

    content_panels = [*BasePage.content_panels, FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]

    template = "pages/standard_page.html"
    parent_page_types = ["home.HomePage", "content.StandardPage"]
    subpage_types = ["content.StandardPage"]

    class Meta:
        verbose_name = _("普通页面")
        verbose_name_plural = _("普通页面")


class SectionIndexPage(BasePage):
    """One per area, directly under the home page: the area's entry in the main menu."""

    introduction = RichTextField(_("栏目介绍"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*BasePage.content_panels, FieldPanel("introduction")]
    search_fields = [*BasePage.search_fields, index.SearchField("introduction")]

    template = "pages/section_index_page.html"
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        abstract = True
