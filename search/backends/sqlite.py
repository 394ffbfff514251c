"""Chinese search on SQLite's FTS5, on modelsearch's own index tables."""

from django.db import connections

from modelsearch.backends.database.sqlite.sqlite import (
    SQLiteAutocompleteQueryCompiler,
    SQLiteIndex,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)
from modelsearch.conf import get_app_config
from modelsearch.utils import get_content_type_pk

from .fts5 import quote, spell
from .indexing import rows_for
from .ranked import RankedCompilerMixin, RankedSearchResults

# Wagtail keeps modelsearch's tables under its own app label (wagtailsearch_indexentry).
ENTRY_TABLE = get_app_config().get_model("IndexEntry", require_ready=False)._meta.db_table
FTS_TABLE = f"{ENTRY_TABLE}_fts"


class ChineseSQLiteIndex(SQLiteIndex):
    def add_items(self, model, objs):
        if model.get_search_fields() and objs:
            self.add_rows(model, rows_for(objs))

    def add_rows(self, model, rows):
        content_type_pk = get_content_type_pk(model)
        rows = {row.id: row for row in rows}
        entries = self.entries.filter(content_type_id=content_type_pk)
        existing = set(entries.filter(object_id__in=rows).values_list("object_id", flat=True))
        for object_id in existing:
            row = rows[object_id]
            entries.filter(object_id=object_id).update(
                title=row.title, autocomplete=row.autocomplete, body=row.body
            )
        self.entries.bulk_create(
            [
                self.entries.model(
                    content_type_id=content_type_pk,
                    object_id=row.id,
                    title=row.title,
                    autocomplete=row.autocomplete,
                    body=row.body,
                )
                for row in rows.values()
                if row.id not in existing
            ],
            batch_size=500,
        )

    def _refresh_title_norms(self, full=False):
        # bm25 already weighs the length of each column; the title norm is not used.
        pass


class ChineseSQLiteCompilerMixin(RankedCompilerMixin):
    SCORE_ORDER = "ASC"  # bm25() is negative: the lower, the better

    def object_id_sql(self, column):
        return f"CAST({column} AS INTEGER)"

    def word_exists(self, word):
        with connections[self.queryset.db].cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT 1", [quote(word)]
            )
            return cursor.fetchone() is not None

    def _title_match(self, tree, pinyin):
        """Tier A: the words in the title itself (or the title's pinyin)."""
        column = "title" if self.title_only() else "autocomplete"
        parts = [f"{{{column}}} : {spell(tree)}"] if tree is not None else []
        if pinyin:
            parts.append(f"autocomplete : {quote(pinyin)} *")
        return " OR ".join(f"({p})" for p in parts)

    def match_expression(self, tree, pinyin):
        """Anywhere: title, metadata, text, or the title's pinyin."""
        if self.autocomplete or self.title_only():
            return self._title_match(tree, pinyin)
        parts = [f"{{autocomplete body title}} : {spell(tree)}"] if tree is not None else []
        if pinyin:
            parts.append(f"autocomplete : {quote(pinyin)} *")
        return " OR ".join(f"({p})" for p in parts)

    def tiers(self, tree):
        if self.autocomplete or self.title_only() or tree is None:
            return ["A"]
        return ["A", "A2", "B"]

    def _entries(self, inner):
        """The index entries of the full-text matches `inner` finds, of the searched types.

        CROSS JOIN, which SQLite never reorders, keeps the full-text match the outer loop
        whatever the planner knows. With a plain JOIN and no statistics (a database nobody
        ran ANALYZE on), SQLite preferred the covering index on (content_type_id, object_id)
        and re-ran the match for each of 50,000 entries of the type: 14 s for one word."""
        content_types = self.content_type_ids()
        placeholders = ", ".join(["%s"] * len(content_types))
        sql = (
            f"SELECT e.object_id AS oid, f.score AS score FROM ({inner}) f "
            f"CROSS JOIN {ENTRY_TABLE} e ON e.id = f.rid "
            f"WHERE e.content_type_id IN ({placeholders})"
        )
        return sql, content_types

    def all_hits_sql(self, tree, pinyin):
        sql, content_types = self._entries(
            f"SELECT rowid AS rid, 0 AS score FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
        )
        return sql, (self.match_expression(tree, pinyin), *content_types)

    def tier_sql(self, tier, tree, pinyin, depth):
        """(sql, params, limited): the best `depth` entries of a tier, as (oid, score).

        A: the title has every word, ranked by bm25; A2: the title and metadata together
        have them; B: the rest. A2 and B, matched for metadata or text alone, come newest
        first, so FTS5 stops after `depth` entries instead of scoring them all."""
        limit = f" LIMIT {int(depth)}" if depth else ""
        title = self._title_match(tree, pinyin)
        if tier == "A":
            inner = (
                f"SELECT rowid AS rid, bm25({FTS_TABLE}, 1.0, 1.0, 1.0) AS score "
                f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s ORDER BY score{limit}"
            )
            sql, content_types = self._entries(inner)
            return sql, (title, *content_types), bool(depth)
        heading = f"{{title}} : {spell(tree)}"
        if tier == "A2":
            match = f"({heading}) NOT ({title})"
        else:
            match = f"({self.match_expression(tree, None)}) NOT ({heading}) NOT ({title})"
        inner = (
            f"SELECT rowid AS rid, rowid AS score FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s ORDER BY rowid DESC{limit}"
        )
        sql, content_types = self._entries(inner)
        return sql, (match, *content_types), bool(depth)


class ChineseSQLiteQueryCompiler(ChineseSQLiteCompilerMixin, SQLiteSearchQueryCompiler):
    pass


class ChineseSQLiteAutocompleteCompiler(
    ChineseSQLiteCompilerMixin, SQLiteAutocompleteQueryCompiler
):
    autocomplete = True


class ChineseSQLiteResults(RankedSearchResults):
    # The match runs once, before the join; left to itself SQLite may re-run it per row.
    MATERIALIZED = "MATERIALIZED"
    # The matches stay the outer loop of the join to the searched pages (see _entries).
    JOIN = "CROSS JOIN"


class ChineseSQLiteSearchBackend(SQLiteSearchBackend):
    query_compiler_class = ChineseSQLiteQueryCompiler
    autocomplete_query_compiler_class = ChineseSQLiteAutocompleteCompiler
    index_class = ChineseSQLiteIndex
    results_class = ChineseSQLiteResults
