from django.utils.translation import gettext as _

from wagtail import hooks
from wagtail.admin.widgets.button import Button

from content.models import Person
from people.views import EXPORT_PERMISSION


@hooks.register("register_snippet_listing_buttons")
def portfolio_buttons(snippet, user, next_url=None):
    """The 人员 list links each published person's 成长档案, and for the office its XLSX."""
    if not isinstance(snippet, Person) or not snippet.live:
        return []
    buttons = [
        Button(_("查看成长档案"), snippet.get_absolute_url(), icon_name="doc-full", priority=90)
    ]
    if user.has_perm(EXPORT_PERMISSION):
        url = f"{snippet.get_absolute_url()}portfolio.xlsx"
        buttons.append(Button(_("导出成长档案（XLSX）"), url, icon_name="download", priority=91))
    return buttons
