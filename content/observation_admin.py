"""Admin for the classroom-observation scale: the office keeps its dimensions."""

from django.utils.translation import gettext_lazy as _

from wagtail.snippets.views.snippets import SnippetViewSet

from content.models import ObservationDimension


class ObservationDimensionViewSet(SnippetViewSet):
    model = ObservationDimension
    icon = "list-ul"
    menu_label = _("课堂观察量表")
    menu_order = 290
    add_to_admin_menu = True
    sort_order_field = "sort_order"
    list_display = ["name", "description"]
    copy_view_enabled = False
    inspect_view_enabled = True
