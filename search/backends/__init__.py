"""The portal's search backend: Wagtail's database search (the modelsearch package) made to
read Chinese, on SQLite's FTS5 or on PostgreSQL, whichever the default database is.
Configured in WAGTAILSEARCH_BACKENDS as "search.backends"."""

from django.db import connection


def SearchBackend(params):
    if connection.vendor == "postgresql":
        from .postgres import ChinesePostgresSearchBackend

        return ChinesePostgresSearchBackend(params)
    if connection.vendor == "sqlite":
        from .sqlite import ChineseSQLiteSearchBackend

        return ChineseSQLiteSearchBackend(params)
    raise NotImplementedError(
        f"The Chinese database search supports SQLite and PostgreSQL, not {connection.vendor}; "
        "set ELASTICSEARCH_URL to search through Elasticsearch instead."
    )
