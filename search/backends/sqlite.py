"""Chinese search on SQLite's FTS5, on modelsearch's own index tables."""

from modelsearch.backends.database.sqlite.sqlite import (
    SQLiteAutocompleteQueryCompiler,
    SQLiteIndex,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)
from modelsearch.conf import get_app_config
from modelsearch.utils import get_content_type_pk

from .indexing import rows_for
from .ranked import RankedCompilerMixin, RankedSearchResults
from .terms import All, Any, Term, Without

# Wagtail keeps modelsearch's tables under its own app label (wagtailsearch_indexentry).
ENTRY_TABLE = get_app_config().get_model("IndexEntry", require_ready=False)._meta.db_table
FTS_TABLE = f"{ENTRY_TABLE}_fts"


def quote(token):
    return '"' + token.replace('"', '""') + '"'


def spell(node):
    """A term tree in FTS5's query syntax. Every word is quoted, so nothing a visitor types
    (AND, NEAR, *, ^, column names, quotes) is read as FTS5 syntax."""
    if isinstance(node, Term):
        if node.prefix:
            return quote(node.word) + " *"
        if node.pieces:
            phrase = " + ".join(quote(p) for p in node.pieces)
            if node.word in node.pieces:
                return f"({phrase})"
            return f"({quote(node.word)} OR ({phrase}))"
        return quote(node.word)
    if isinstance(node, All):
        return "(" + " AND ".join(spell(p) for p in node.parts) + ")"
    if isinstance(node, Any):
        return "(" + " OR ".join(spell(p) for p in node.parts) + ")"
    if isinstance(node, Without):
        return f"({spell(node.keep)} NOT {spell(node.drop)})"
    raise TypeError(node)


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

    def match_expression(self, tree, pinyin):
        parts = []
        if tree is not None:
            if self.title_only():
                columns = "title"
            elif self.autocomplete:
                columns = "autocomplete"
            elif pinyin:
                # Latin words are looked for in the pinyin separately (below).
                columns = "body title"
            else:
                columns = "autocomplete body title"
            parts.append(f"{{{columns}}} : {spell(tree)}")
        if pinyin:
            parts.append(f"autocomplete : {quote(pinyin)} *")
        return " OR ".join(f"({p})" for p in parts)

    def hits_sql(self, tree, pinyin):
        # Column order of the FTS table: autocomplete, body, title.
        title_words = self.PINYIN_WEIGHT if pinyin else self.TITLE_WORDS_WEIGHT
        weights = (title_words, self.BODY_WEIGHT, self.TITLE_WEIGHT)
        if self.autocomplete:
            weights = (1.0, 0.0, 0.0)
        content_types = self.content_type_ids()
        placeholders = ", ".join(["%s"] * len(content_types))
        sql = (
            f"SELECT e.object_id AS oid, f.score AS score FROM "
            f"(SELECT rowid AS rid, bm25({FTS_TABLE}, %s, %s, %s) AS score "
            f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) f "
            f"JOIN {ENTRY_TABLE} e ON e.id = f.rid "
            f"WHERE e.content_type_id IN ({placeholders})"
        )
        return sql, (*weights, self.match_expression(tree, pinyin), *content_types)


class ChineseSQLiteQueryCompiler(ChineseSQLiteCompilerMixin, SQLiteSearchQueryCompiler):
    pass


class ChineseSQLiteAutocompleteCompiler(
    ChineseSQLiteCompilerMixin, SQLiteAutocompleteQueryCompiler
):
    autocomplete = True


class ChineseSQLiteResults(RankedSearchResults):
    # The match runs once, before the join; left to itself SQLite may re-run it per row.
    MATERIALIZED = "MATERIALIZED"


class ChineseSQLiteSearchBackend(SQLiteSearchBackend):
    query_compiler_class = ChineseSQLiteQueryCompiler
    autocomplete_query_compiler_class = ChineseSQLiteAutocompleteCompiler
    index_class = ChineseSQLiteIndex
    results_class = ChineseSQLiteResults
