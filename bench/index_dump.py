"""Prints the search index entries and reference index rows (without their ids) and every
table's row count, sorted, for comparing two loader runs: `manage.py shell < bench/index_dump.py`."""

from django.db import connection

from modelsearch.conf import get_app_config
from wagtail.models import ReferenceIndex

IndexEntry = get_app_config().get_model("IndexEntry")

entry_fields = ["content_type_id", "object_id", "title", "autocomplete", "body"]
if connection.vendor == "postgresql":
    entry_fields += ["title_text", "body_text", "title_norm"]
for row in sorted(map(repr, IndexEntry.objects.values_list(*entry_fields))):
    print("entry", row)
ref_fields = [f.attname for f in ReferenceIndex._meta.concrete_fields if f.attname != "id"]
for row in sorted(map(repr, ReferenceIndex.objects.values_list(*ref_fields))):
    print("reference", row)
with connection.cursor() as cursor:
    for table in sorted(connection.introspection.table_names()):
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        print("count", table, cursor.fetchone()[0])
