"""Chinese search on PostgreSQL, on modelsearch's own index table.

Texts are cut into words in Python and stored with the 'simple' configuration, which keeps
each word as it is. The words anywhere in an entry are one `title_body @@ tsquery` test of a
generated column that holds title and body together (migration search 0001), with its own GIN
index: modelsearch's `(title || body) @@ query` had to build and scan the concatenation of
every row, and a test per word and column left the planner an OR of bitmaps whose candidates
it tested again row by row. Tests of the title alone (the tiers) use the title's own index.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import connections, transaction
from django.db.models import BigIntegerField, BooleanField, F, Func, Value
from django.db.models.expressions import RawSQL

from modelsearch.backends.database.postgres.postgres import (
    PostgresAutocompleteQueryCompiler,
    PostgresIndex,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)
from modelsearch.conf import get_app_config
from modelsearch.utils import get_content_type_pk
from wagtail.models import Page

from .indexing import rows_for
from .ranked import RankedCompilerMixin, RankedSearchResults
from .terms import All, Any, Term, Without

# Wagtail keeps modelsearch's tables under its own app label (wagtailsearch_indexentry).
ENTRY_TABLE = get_app_config().get_model("IndexEntry", require_ready=False)._meta.db_table
CONFIG = "simple"
# The title and body as one tsvector, a generated column with its own GIN index (migration
# search 0001): a query's words, each in the title or the body, are one test of one index.
# Tested as a condition per word over both columns instead, two words or a phrase were an OR
# of bitmaps whose every candidate had its body read from TOAST and tested again (issue 18:
# p95 119 ms, max 202 at 50,000 resources, not analysed).
COMBINED = "title_body"
# Each entry's page type is a lexeme of COMBINED too (migration search 0002), which no text
# can make.
TYPE_LEXEME = "#type:{}"


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


class KeyIn(Func):
    """`pk = ANY(%s)`: the keys as one array parameter (or an expression giving an array), a
    condition to filter by."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()

    def __init__(self, keys):
        if not hasattr(keys, "resolve_expression"):
            keys = Value(list(keys), output_field=ArrayField(BigIntegerField()))
        super().__init__(F("pk"), keys)


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

    def word_exists(self, word):
        # One EXISTS per column, so that each uses its own GIN index.
        tests = " OR ".join(
            f"EXISTS (SELECT 1 FROM {ENTRY_TABLE} e WHERE e.{column} @@ "
            f"plainto_tsquery('{CONFIG}', %s))"
            for column in (COMBINED, "autocomplete")
        )
        with connections[self.queryset.db].cursor() as cursor:
            cursor.execute(f"SELECT {tests}", [word] * 2)
            return cursor.fetchone()[0]

    def _condition(self, tree, pinyin, columns):
        conditions, params = [], []
        if tree is not None:
            sql, p = condition(tree, columns)
            conditions.append(sql)
            params.extend(p)
        if pinyin:
            conditions.append(f"e.autocomplete @@ to_tsquery('{CONFIG}', %s)")
            params.append(quote_lexeme(pinyin) + ":*")
        return "(" + " OR ".join(conditions) + ")", params

    def _title_match(self, tree, pinyin):
        """Tier A: the words in the title itself (or the title's pinyin)."""
        return self._condition(tree, pinyin, ["title" if self.title_only() else "autocomplete"])

    def _anywhere(self, tree, pinyin):
        """The words anywhere in the entry: one test of the title and body column (see
        COMBINED), so that one GIN index finds them."""
        if self.autocomplete or self.title_only():
            return self._title_match(tree, pinyin)
        conditions, params = [], []
        if tree is not None:
            query, params = tsquery(tree)
            types = self._types_tsquery()
            if types is not None:
                # Words and type in one GIN lookup: the index intersects the lists, and the
                # rows of other types are never read (or sorted, in tier B).
                query = f"({query} && %s::tsquery)"
                params = [*params, types]
            conditions.append(f"e.{COMBINED} @@ {query}")
        if pinyin:
            conditions.append(f"e.autocomplete @@ to_tsquery('{CONFIG}', %s)")
            params = [*params, quote_lexeme(pinyin) + ":*"]
        return "(" + " OR ".join(conditions) + ")", params

    def tiers(self, tree):
        if self.autocomplete or self.title_only() or tree is None:
            return ["A"]
        return ["A", "A2", "B"]

    def _types_tsquery(self):
        """The searched page types as a tsquery of their lexemes in COMBINED, or None when
        every page type is searched (the site's search, the API without `type=`): a test that
        keeps everything would only cost."""
        if self.queryset.model is Page:
            return None
        return " | ".join(quote_lexeme(TYPE_LEXEME.format(pk)) for pk in self.content_type_ids())

    def _content_types(self):
        """The test of the searched page types, kept off the content type's index (`+ 0`):
        without fresh statistics the planner chose that index and tested the text on every
        entry of the type (issue 18: p95 398 ms at 50,000 resources, unanalysed), where
        the text's GIN index finds the matches to test the type on."""
        content_types = self.content_type_ids()
        placeholders = ", ".join(["%s"] * len(content_types))
        return f"e.content_type_id + 0 IN ({placeholders})", content_types

    def all_hits_sql(self, tree, pinyin):
        match, params = self._anywhere(tree, pinyin)
        types, type_params = self._content_types()
        sql = (
            f"SELECT e.object_id AS oid, 0 AS score FROM {ENTRY_TABLE} e WHERE {match} AND {types}"
        )
        return sql, (*params, *type_params)

    def tier_sql(self, tier, tree, pinyin, depth):
        """(sql, params, limited): the best `depth` entries of a tier, as (oid, score); the
        tiers are those of the SQLite backend."""
        limit = f" LIMIT {int(depth)}" if depth else ""
        types, type_params = self._content_types()
        title, title_params = self._title_match(tree, pinyin)
        if tier == "A":
            column = "title" if self.title_only() else "autocomplete"
            scores, score_params = [], []
            if tree is not None:
                query, query_params = tsquery(tree)
                # Normalisation 1 divides by 1 + log(length): long titles do not win by size.
                scores.append(f"ts_rank(e.{column}, {query}, 1)")
                score_params.extend(query_params)
            if pinyin:
                scores.append(f"ts_rank(e.autocomplete, to_tsquery('{CONFIG}', %s))")
                score_params.append(quote_lexeme(pinyin) + ":*")
            sql = (
                f"SELECT e.object_id AS oid, ({' + '.join(scores)}) AS score "
                f"FROM {ENTRY_TABLE} e WHERE {title} AND {types} ORDER BY score DESC{limit}"
            )
            return sql, (*score_params, *title_params, *type_params), bool(depth)
        heading, heading_params = condition(tree, ["title"])
        if tier == "A2":
            match, match_params = heading, heading_params
        else:
            match, match_params = self._anywhere(tree, None)
            match = f"{match} AND NOT {heading}"
            match_params = [*match_params, *heading_params]
        sql = (
            f"SELECT e.object_id AS oid, e.id AS score FROM {ENTRY_TABLE} e "
            f"WHERE {match} AND NOT {title} AND {types} ORDER BY e.id DESC{limit}"
        )
        return sql, (*match_params, *title_params, *type_params), bool(depth)


class ChinesePostgresQueryCompiler(ChinesePostgresCompilerMixin, PostgresSearchQueryCompiler):
    pass


class ChinesePostgresAutocompleteCompiler(
    ChinesePostgresCompilerMixin, PostgresAutocompleteQueryCompiler
):
    autocomplete = True


class ChinesePostgresResults(RankedSearchResults):
    MATERIALIZED = "MATERIALIZED"
    # The default random_page_cost (4) prices pages as read from a spinning disk; with it the
    # planner read all 50,000 index rows for a pinyin prefix that 2,000 have (65 ms against
    # 8 ms through the GIN index). Set for these queries only.
    RANDOM_PAGE_COST = 1.1
    # A LIMIT on the count made the planner scan the table in order, hoping to stop early,
    # and read 23,000 rows for 216 matches; the whole match through the indexes is cheaper.
    COUNT_MATERIALIZED = True

    def _from(self, hits, inner_sql):
        # Each match looked up among the searched pages by key, in a nested loop the
        # planner cannot turn around: a LATERAL subquery (kept apart by OFFSET 0) that reads
        # `hits`. Joined as tables, without statistics the planner guessed the public pages
        # at 6 and read all 50,000 of them into a hash for 300 matches (130 ms a statement).
        return (
            f"{hits} CROSS JOIN LATERAL (SELECT * FROM ({inner_sql}) q "
            f"WHERE {self._join()} OFFSET 0) q"
        )

    def _with_keys(self, queryset, keys):
        # One array rather than a parameter per key: with a few hundred matches psycopg
        # parsed the facets' statement again on every search (6 ms; it keeps the parsing
        # of statements of at most 50 parameters only), and Django prepared each key.
        if not self._integer_keys():
            return super()._with_keys(queryset, keys)
        return queryset.filter(KeyIn(keys))

    def _among_counted(self, queryset, limit):
        # The keys to read values for as one array, computed once (an InitPlan): the pages
        # are then looked up by key, each type's row after them. As `pk IN (subquery)`, a semi-join,
        # the join in the order written (_fetch) would have joined every page to its type's
        # row before keeping the matches.
        if not self._integer_keys():
            return super()._among_counted(queryset, limit)
        keys = RawSQL(
            f"ARRAY({self._counted_keys(limit)})",
            (),
            output_field=ArrayField(BigIntegerField()),
        )
        return queryset.filter(KeyIn(keys))

    def _fetch(self, sql, params, joins_as_written=False):
        alias = self.query_compiler.queryset.db
        connection = connections[alias]
        if not connection.in_atomic_block and not connection.settings_dict["OPTIONS"].get(
            "server_side_binding"
        ):
            # The settings and the statement in one string, which PostgreSQL runs as one
            # transaction (a simple query's statements are one implicit transaction block,
            # where SET LOCAL holds until its end): one round trip instead of four (BEGIN,
            # the settings, the statement, COMMIT), twice per cold search. Django's
            # client-side binding cursor writes the parameters in and sends it as it is;
            # the settings' result comes first.
            with connection.cursor() as cursor:
                cursor.execute(f"{self._settings(joins_as_written)}; {sql}", params)
                while cursor.description is None and cursor.nextset():
                    pass
                return cursor.fetchall()
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute(self._settings(joins_as_written))
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _settings(self, joins_as_written):
        # random_page_cost: see RANDOM_PAGE_COST.
        # enable_seqscan: the planner prices a `@@` test on a row as one operator, not as
        # the reading of its body's tsvector from TOAST; counting several common words it
        # guessed a few dozen matches and scanned the whole table, testing each body
        # (120-160 ms at 10,000 resources, where the GIN indexes answer in a few). Every
        # statement here has an index to start from (the words' GIN indexes, the pages'
        # keys).
        # jit: with seq scans off, a plan that still has one (a small table without an
        # index to use) costs over 10^10, far past jit_above_cost: PostgreSQL then
        # compiled the statement with LLVM, inlined and optimised: 260 ms (190 of them
        # inlining) for a count that runs in 0.1 ms without (the 247 ms spike of issue
        # 18's runs).
        # All three for this transaction only, sent together: one round trip to the
        # database rather than three, twice per search (Django's client-side binding
        # cursor sends a string without parameters as it is).
        # join_collapse_limit, when asked: the count read with each match's values joins
        # each page type's table to the matched pages (eight tables), whose orders took
        # the planner 5-10 ms at 50,000 resources to choose among (search.facets).
        collapse = "; SET LOCAL join_collapse_limit = 1" if joins_as_written else ""
        return (
            f"SET LOCAL random_page_cost = {float(self.RANDOM_PAGE_COST)}; "
            f"SET LOCAL enable_seqscan = off; SET LOCAL jit = off{collapse}"
        )


class ChinesePostgresSearchBackend(PostgresSearchBackend):
    query_compiler_class = ChinesePostgresQueryCompiler
    autocomplete_query_compiler_class = ChinesePostgresAutocompleteCompiler
    index_class = ChinesePostgresIndex
    results_class = ChinesePostgresResults

    def __init__(self, params):
        super().__init__({**params, "SEARCH_CONFIG": CONFIG})
