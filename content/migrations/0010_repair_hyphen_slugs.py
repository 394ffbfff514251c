"""Pages that went live at an address of hyphens only ("/workshops/wuli-mingshi/--/": the
admin's slug sync turned a Chinese title with spaces into "--" before such a slug counted as
blank) get their pinyin address, and the old one redirects to them."""

from django.db import migrations

import caching
from content.slugs import repair_blank_slugs


def repair(apps, schema_editor):
    repaired = repair_blank_slugs(
        apps.get_model("wagtailcore", "Page"),
        apps.get_model("wagtailredirects", "Redirect"),
        apps.get_model("wagtailcore", "Site"),
        apps.get_model("wagtailcore", "Revision"),
    )
    if repaired:
        caching.purge()  # pages cached under the old address, menus and cards naming it


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0009_video_processing_and_renditions"),
        ("caching", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
    ]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop, elidable=True)]
