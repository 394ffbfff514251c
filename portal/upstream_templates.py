"""A few words that Wagtail 8.0.1 and wagtail-modeladmin write straight into their admin
templates, made translatable as the templates are loaded.

"Search" on the screen readers' submit buttons, "Actions" naming the header's buttons and
True/False/None read out for a yes/no column are literals no catalogue can reach; a page
search's count says "None" for what it counts, an empty explorer "1-0 of 0", a page published
by no one "None". Rather
than copying whole upstream templates to change a word, this loader reads them from the apps
as Django's own would and puts a translation tag in place of each literal (the Chinese is in
portal/locale). tests/test_admin_chinese.py checks that every replacement still finds its
text, so a Wagtail upgrade that changes one of these templates shows up there.
"""

from django.template.loaders.app_directories import Loader as AppDirectoriesLoader

SEARCH_BUTTON = '<input type="submit" value="Search" class="button" />'
TRANSLATED_SEARCH_BUTTON = (
    '{% load i18n %}<input type="submit" value="{% translate "Search" %}" class="button" />'
)

# template name: [(upstream text, replacement)]
REPLACEMENTS = {
    "wagtailadmin/home.html": [(SEARCH_BUTTON, TRANSLATED_SEARCH_BUTTON)],
    "wagtailadmin/shared/header.html": [(SEARCH_BUTTON, TRANSLATED_SEARCH_BUTTON)],
    "modeladmin/includes/header.html": [(SEARCH_BUTTON, TRANSLATED_SEARCH_BUTTON)],
    "wagtailadmin/shared/headers/_actions.html": [
        ('<nav aria-label="Actions"', '{% load i18n %}<nav aria-label="{% translate "Actions" %}"'),
    ],
    "wagtailadmin/pages/listing/_page_title_column_header.html": [
        (
            "items_count=items_count|intcomma %}",
            'items_count=items_count|intcomma model_name=model_name|default:_("pages") %}',
        ),
        (
            "    {% else %}\n        {% blocktranslate trimmed with start_index",
            "    {% elif items_count %}\n        {% blocktranslate trimmed with start_index",
        ),
    ],
    "wagtailadmin/reports/aging_pages_results.html": [
        (
            "username=page.last_published_by_user %}",
            'username=page.last_published_by_user|default:"—" %}',
        ),
    ],
    "wagtailadmin/tables/boolean_cell.html": [
        ("""title=value|stringformat:'s' name="help\"""", 'title=_("Unknown") name="help"'),
        ("""title=value|stringformat:'s' name="check\"""", 'title=_("Yes") name="check"'),
        ("""title=value|stringformat:'s' name="cross\"""", 'title=_("No") name="cross"'),
    ],
}


class Loader(AppDirectoriesLoader):
    """Django's app-directories loader, with REPLACEMENTS applied to the templates named there."""

    def get_contents(self, origin):
        contents = super().get_contents(origin)
        for upstream, replacement in REPLACEMENTS.get(origin.template_name, ()):
            contents = contents.replace(upstream, replacement)
        return contents
