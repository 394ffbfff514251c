"""On PostgreSQL, the entry's page type as one more lexeme of `title_body` ('#type:<id>',
which no text can make: the words are cut without '#'), so that a search of one page type
(the API's `type=`, a model's own search) is one test of the GIN index, words and type
together, instead of a test of the type on every match the words find (20,000-27,000 rows
for an everyday word at 50,000 resources, issue 18). Nothing on SQLite."""

from django.db import migrations

COLUMN = "title_body"
TYPE_LEXEME = "'#type:' || content_type_id::text"  # textcat of texts: immutable


def table(apps):
    return apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table


def replace(apps, schema_editor, expression):
    if schema_editor.connection.vendor != "postgresql":
        return
    entries = table(apps)
    # A generated column's expression cannot be altered: the column is made again.
    schema_editor.execute(f"ALTER TABLE {entries} DROP COLUMN {COLUMN}")
    schema_editor.execute(
        f"ALTER TABLE {entries} ADD COLUMN {COLUMN} tsvector "
        f"GENERATED ALWAYS AS ({expression}) STORED"
    )
    schema_editor.execute(f"CREATE INDEX {entries}_{COLUMN}_gin ON {entries} USING gin ({COLUMN})")


def add(apps, schema_editor):
    replace(apps, schema_editor, f"title || body || array_to_tsvector(ARRAY[{TYPE_LEXEME}])")


def remove(apps, schema_editor):
    replace(apps, schema_editor, "title || body")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_indexentry_title_body")]

    operations = [migrations.RunPython(add, remove)]
