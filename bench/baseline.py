"""The baseline the portal's search is measured against: Wagtail's stock database backend
with the text pre-segmented by plain jieba (default dictionary, precise mode) and joined with
spaces, title and body only, as a quick fix would do. Queries are segmented the same way."""

from django.contrib.contenttypes.models import ContentType
from django.db import connection

from modelsearch.conf import get_app_config
from modelsearch.query import PlainText

import jieba

IndexEntry = get_app_config().get_model("IndexEntry", require_ready=False)


def segment(text):
    return " ".join(w for w in jieba.cut(text or "") if w.strip())


def _texts(obj):
    title = getattr(obj, "title", None) or str(obj)
    body = " ".join(str(getattr(obj, name, "") or "") for name in ("summary", "search_description"))
    if hasattr(obj, "body"):
        body += " " + " ".join(str(block.value) for block in obj.body)
    return segment(title), segment(body)


class SegmentingMixin:
    def __init__(self, queryset, query, *args, **kwargs):
        if isinstance(query, str):
            query = segment(query)
        elif isinstance(query, PlainText):
            query = PlainText(segment(query.query_string), operator=query.operator)
        super().__init__(queryset, query, *args, **kwargs)


def SearchBackend(params):
    if connection.vendor == "postgresql":
        from modelsearch.backends.database.postgres import postgres as stock
    else:
        from modelsearch.backends.database.sqlite import sqlite as stock
    backend_class = stock.SearchBackend

    class Compiler(SegmentingMixin, backend_class.query_compiler_class):
        pass

    class Index(backend_class.index_class):
        def add_items(self, model, objs):
            ct = ContentType.objects.get_for_model(model).pk
            for obj in objs:
                title, body = _texts(obj)
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute(
                            f"INSERT INTO {IndexEntry._meta.db_table} (content_type_id, "
                            "object_id, title, autocomplete, body, title_norm, title_text, "
                            "body_text) VALUES (%s, %s, to_tsvector('simple', %s), "
                            "to_tsvector('simple', ''), to_tsvector('simple', %s), 1.0, %s, '') "
                            "ON CONFLICT (content_type_id, object_id) DO UPDATE SET "
                            "title = EXCLUDED.title, body = EXCLUDED.body",
                            [ct, str(obj.pk), title, body, title],
                        )
                else:
                    IndexEntry.objects.update_or_create(
                        content_type_id=ct,
                        object_id=str(obj.pk),
                        defaults={"title": title, "body": body, "autocomplete": ""},
                    )
            self._refresh_title_norms()

    class Backend(backend_class):
        query_compiler_class = Compiler
        index_class = Index

    return Backend(params)
