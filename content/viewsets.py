"""Admin for the reference data (基础数据): one snippet viewset per list, in one menu group."""

from django.utils.translation import gettext_lazy as _

from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from content.models import (
    Grade,
    Level,
    Person,
    ResourceType,
    ResponsibleUnit,
    School,
    Stage,
    Subject,
    TextbookEdition,
)


class TaxonomyViewSet(SnippetViewSet):
    """Short, hand-ordered lists: drag to reorder, export to a spreadsheet, inspect."""

    sort_order_field = "sort_order"
    list_per_page = 100  # a whole list on one page, so it can be reordered by dragging
    list_display = ["name", "slug"]
    list_export = ["name", "slug", "sort_order"]
    inspect_view_enabled = True
    copy_view_enabled = False


class SchoolViewSet(TaxonomyViewSet):
    model = School
    icon = "home"
    list_display = ["name", "short_name", "kind", "role"]
    list_filter = ["kind", "role"]
    list_export = ["name", "short_name", "slug", "get_kind_display", "get_role_display", "address"]
    export_headings = {"get_kind_display": _("类型"), "get_role_display": _("帮扶角色")}


class ResponsibleUnitViewSet(TaxonomyViewSet):
    model = ResponsibleUnit
    icon = "group"
    list_display = ["name", "short_name", "kind", "school"]
    list_filter = ["kind"]
    list_export = ["name", "short_name", "slug", "get_kind_display", "school"]
    export_headings = {"get_kind_display": _("类别")}


class StageViewSet(TaxonomyViewSet):
    model = Stage
    icon = "list-ol"


class SubjectViewSet(TaxonomyViewSet):
    model = Subject
    icon = "doc-full"
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind", "stages"]
    list_export = ["name", "slug", "get_kind_display"]
    export_headings = {"get_kind_display": _("类别")}


class GradeViewSet(TaxonomyViewSet):
    model = Grade
    icon = "list-ul"
    list_display = ["name", "stage", "slug"]
    list_filter = ["stage"]
    list_export = ["name", "slug", "stage"]


class TextbookEditionViewSet(TaxonomyViewSet):
    model = TextbookEdition
    icon = "doc-full-inverse"
    list_display = ["name", "publisher"]
    list_export = ["name", "slug", "publisher"]


class ResourceTypeViewSet(TaxonomyViewSet):
    model = ResourceType
    icon = "folder-open-inverse"
    list_display = ["name", "description"]
    list_export = ["name", "slug", "description"]


class LevelViewSet(TaxonomyViewSet):
    model = Level
    icon = "pick"
    list_display = ["name", "description"]
    list_export = ["name", "slug", "description"]


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    list_display = ["name", "kind", "school", "sending_unit", "position"]
    list_filter = ["kind", "school", "live"]
    list_export = ["name", "get_kind_display", "school", "sending_unit", "position"]
    export_headings = {"get_kind_display": _("身份")}
    inspect_view_enabled = True
    copy_view_enabled = False


class ReferenceDataGroup(SnippetViewSetGroup):
    menu_label = _("基础数据")
    menu_icon = "folder-inverse"
    menu_order = 300
    items = (
        PersonViewSet,
        SchoolViewSet,
        ResponsibleUnitViewSet,
        StageViewSet,
        SubjectViewSet,
        GradeViewSet,
        TextbookEditionViewSet,
        ResourceTypeViewSet,
        LevelViewSet,
    )
