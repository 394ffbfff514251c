"""On PostgreSQL, the search index's title and body as one more tsvector column, kept by the
database itself (a generated column: every write to the index updates it, whichever code
writes), with its own GIN index: a query's words, wherever each is, are one test of one
index (search/backends/postgres.py). Nothing on SQLite, whose FTS5 table has both already."""

from django.db import migrations

COLUMN = "title_body"


def table(apps):
    return apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    entries = table(apps)
    schema_editor.execute(
        f"ALTER TABLE {entries} ADD COLUMN {COLUMN} tsvector "
        f"GENERATED ALWAYS AS (title || body) STORED"
    )
    schema_editor.execute(f"CREATE INDEX {entries}_{COLUMN}_gin ON {entries} USING gin ({COLUMN})")


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {table(apps)} DROP COLUMN {COLUMN}")


class Migration(migrations.Migration):
    dependencies = [("wagtailsearch", "0010_add_text_fields")]

    operations = [migrations.RunPython(add, remove)]
