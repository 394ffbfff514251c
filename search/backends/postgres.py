"""Chinese search on PostgreSQL, on modelsearch's own index table.

Texts are cut into words in Python and stored with the 'simple' configuration, which keeps
each word as it is. A query is spelled as a boolean condition of `column @@ tsquery` tests,
one per word, so that each test can use the GIN index of its column and a word may be in the
title while the next is in the body; modelsearch's `(title || body) @@ query` had to build
and scan the concatenation of every row.
"""

from django.db import connections

from modelsearch.backends.database.postgres.postgres import (
    PostgresAutocompleteQueryCompiler,
    PostgresIndex,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)
from modelsearch.conf import get_app_config
from modelsearch.utils import get_content_type_pk

from .indexing import rows_for
from .ranked import RankedCompilerMixin, RankedSearchResults
from .terms import All, Any, Term, Without

# Wagtail keeps modelsearch's tables under its own app label (wagtailsearch_indexentry).
ENTRY_TABLE = get_app_config().get_model("IndexEntry", require_ready=False)._meta.db_table
CONFIG = "simple"


def tsquery(node):
    """(sql, params) of one tsquery for the whole tree, used for ranking."""
    if isinstance(node, Term):
        if node.prefix:
            return f"to_tsquery('{CONFIG}', %s)", [quote_lexeme(node.word) + ":*"]
        if node.pieces:
            phrase = "phraseto_tsquery('simple', %s)"
            if node.word in node.pieces:
                return phrase, [" ".join(node.pieces)]
            return (
                f"(plainto_tsquery('{CONFIG}', %s) || {phrase})",
                [node.word, " ".join(node.pieces)],
            )
        return f"plainto_tsquery('{CONFIG}', %s)", [node.word]
    if isinstance(node, (All, Any)):
        op = " && " if isinstance(node, All) else " || "
        sqls, params = [], []
        for part in node.parts:
            sql, p = tsquery(part)
            sqls.append(sql)
            params.extend(p)
        return "(" + op.join(sqls) + ")", params
    if isinstance(node, Without):
        keep, keep_params = tsquery(node.keep)
        drop, drop_params = tsquery(node.drop)
        return f"({keep} && !!{drop})", [*keep_params, *drop_params]
    raise TypeError(node)


def quote_lexeme(word):
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def condition(node, columns):
    """(sql, params): the tree as a WHERE condition over the given tsvector columns, a test
    per word so that each can use its column's GIN index."""
    if isinstance(node, Term):
        query, params = tsquery(node)
        tests = [f"e.{column} @@ {query}" for column in columns]
        return "(" + " OR ".join(tests) + ")", params * len(columns)
    if isinstance(node, (All, Any)):
        op = " AND " if isinstance(node, All) else " OR "
        sqls, params = [], []
        for part in node.parts:
            sql, p = condition(part, columns)
            sqls.append(sql)
            params.extend(p)
        return "(" + op.join(sqls) + ")", params
    if isinstance(node, Without):
        keep, keep_params = condition(node.keep, columns)
        drop, drop_params = condition(node.drop, columns)
        return f"({keep} AND NOT {drop})", [*keep_params, *drop_params]
    raise TypeError(node)


class ChinesePostgresIndex(PostgresIndex):
    def add_items(self, model, objs):
        if model.get_search_fields() and objs:
            self.add_rows(model, rows_for(objs))

    def add_rows(self, model, rows):
        content_type_pk = get_content_type_pk(model)
        vector = f"to_tsvector('{CONFIG}', %s)"
        for start in range(0, len(rows), 500):
            batch = rows[start : start + 500]
            values, params = [], []
            for row in batch:
                values.append(f"(%s, %s, {vector}, {vector}, {vector}, 1.0, %s, '')")
                params.extend(
                    [
                        content_type_pk,
                        row.id,
                        row.title,
                        row.autocomplete,
                        row.body,
                        row.title_source,
                    ]
                )
            with connections[self.write_connection.alias].cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {ENTRY_TABLE} (content_type_id, object_id, title, "
                    f"autocomplete, body, title_norm, title_text, body_text) "
                    f"VALUES {', '.join(values)} "
                    f"ON CONFLICT (content_type_id, object_id) DO UPDATE SET "
                    f"title = EXCLUDED.title, autocomplete = EXCLUDED.autocomplete, "
                    f"body = EXCLUDED.body, title_text = EXCLUDED.title_text, body_text = ''",
                    params,
                )

    def _refresh_title_norms(self, full=False):
        # ts_rank's length normalisation is used instead of the title norm.
        pass


class ChinesePostgresCompilerMixin(RankedCompilerMixin):
    SCORE_ORDER = "DESC"

    def object_id_sql(self, column):
        return f"({column})::integer"

    def hits_sql(self, tree, pinyin):
        if self.autocomplete:
            columns, ranked = ["autocomplete"], [("autocomplete", 1.0)]
        elif self.title_only():
            columns, ranked = ["title"], [("title", self.TITLE_WEIGHT)]
        else:
            columns = ["title", "body"]
            ranked = [("title", self.TITLE_WEIGHT), ("body", self.BODY_WEIGHT)]
            if not pinyin:
                ranked.append(("autocomplete", self.TITLE_WORDS_WEIGHT))

        conditions, condition_params, scores, score_params = [], [], [], []
        if tree is not None:
            sql, params = condition(tree, columns)
            conditions.append(sql)
            condition_params.extend(params)
            query, query_params = tsquery(tree)
            for column, weight in ranked:
                # Normalisation 1 divides by 1 + log(length): long bodies do not win by size.
                scores.append(f"ts_rank(e.{column}, {query}, 1) * %s")
                score_params.extend([*query_params, weight])
        if pinyin:
            prefix = f"to_tsquery('{CONFIG}', %s)"
            conditions.append(f"e.autocomplete @@ {prefix}")
            condition_params.append(quote_lexeme(pinyin) + ":*")
            scores.append(f"ts_rank(e.autocomplete, {prefix}) * %s")
            score_params.extend([quote_lexeme(pinyin) + ":*", self.PINYIN_WEIGHT])

        content_types = self.content_type_ids()
        placeholders = ", ".join(["%s"] * len(content_types))
        sql = (
            f"SELECT e.object_id AS oid, ({' + '.join(scores)}) AS score "
            f"FROM {ENTRY_TABLE} e "
            f"WHERE ({' OR '.join(conditions)}) AND e.content_type_id IN ({placeholders})"
        )
        return sql, (*score_params, *condition_params, *content_types)


class ChinesePostgresQueryCompiler(ChinesePostgresCompilerMixin, PostgresSearchQueryCompiler):
    pass


class ChinesePostgresAutocompleteCompiler(
    ChinesePostgresCompilerMixin, PostgresAutocompleteQueryCompiler
):
    autocomplete = True


class ChinesePostgresResults(RankedSearchResults):
    MATERIALIZED = "MATERIALIZED"


class ChinesePostgresSearchBackend(PostgresSearchBackend):
    query_compiler_class = ChinesePostgresQueryCompiler
    autocomplete_query_compiler_class = ChinesePostgresAutocompleteCompiler
    index_class = ChinesePostgresIndex
    results_class = ChinesePostgresResults

    def __init__(self, params):
        super().__init__({**params, "SEARCH_CONFIG": CONFIG})
