"""On PostgreSQL, the search entries' GIN indexes keep at most 256 kB of entries not yet
merged (gin_pending_list_limit; PostgreSQL's default is 4 MB). Every search reads an
index's whole pending list besides its tree: after the 50,000-resource load, 411 pages of
`autocomplete`'s and 54 of `title_body`'s, about 1 ms of the database's time on every cold
search until a vacuum merged them. A publish adds its entry to the list as before; past
256 kB the list is merged by the write that fills it. The lists there now are merged once
here. Nothing on SQLite."""

from django.db import migrations

LIMIT_KB = 256


def _gin_indexes(apps, schema_editor):
    entries = apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
            " AND tablename = %s AND indexdef LIKE %s ORDER BY indexname",
            [entries, "% USING gin %"],
        )
        return [name for (name,) in cursor.fetchall()]


def limit(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for name in _gin_indexes(apps, schema_editor):
        schema_editor.execute(
            f"ALTER INDEX {quote(name)} SET (gin_pending_list_limit = {LIMIT_KB})"
        )
        schema_editor.execute("SELECT gin_clean_pending_list(%s::regclass)", [quote(name)])


def unlimit(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for name in _gin_indexes(apps, schema_editor):
        schema_editor.execute(f"ALTER INDEX {quote(name)} RESET (gin_pending_list_limit)")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_indexentry_title_body_page_type")]

    operations = [migrations.RunPython(limit, unlimit)]
