"""The part of the Chinese search backends that both databases share: matching and ranking
happen inside the full-text index, and only then are the matches joined to the searched
queryset, sorted by score and cut to the page asked for.

modelsearch's own database compilers filter the queryset by `pk IN (matches)` and score each
row with a correlated subquery; on SQLite that put the 50,000-row index table in the outer loop
and re-ran the full-text match once per row. Here each vendor gives a `hits` query (object id
and score of every match, computed once), and this module joins it to the queryset.
"""

import hashlib
from collections import OrderedDict

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import AutoField, BigAutoField, Count, F, IntegerField, SmallAutoField
from django.db.models.expressions import RawSQL

from modelsearch.backends.base import BaseSearchResults, FilterFieldError
from modelsearch.query import Phrase
from modelsearch.utils import get_descendants_content_types_pks

from caching import fragment
from search import analysis

from .terms import (
    All,
    Any,
    MatchesEverything,
    MatchesNothing,
    Term,
    Without,
    build,
    loosen,
    query_text,
)

INTEGER_PKS = (IntegerField, AutoField, BigAutoField, SmallAutoField)


# The statement that reads the matches' values (RankedSearchResults._valued_sql), by the
# searched queryset's SQL and the values, made once per process: building the joins of the
# search page's facets (eight tables) cost 1.3 ms of every cold search, and a queryset that
# compiles to the same SQL, with the same values, makes the same statement. Bounded as the
# fragments kept in a process are (caching.generations): at the bound, all go.
_valued = {}
VALUED_STATEMENTS = 200


class RankedCompilerMixin:
    """Mixed into a vendor's query compiler. Vendors implement `hits_sql(tree, pinyin)` and
    `object_id_sql`, the SQL that turns the index's text object id into the queryset's pk."""

    autocomplete = False

    def check(self):
        # modelsearch checks that every filter of the queryset is a declared FilterField, which
        # a search engine needs; here the queryset runs as SQL, so any filter works.
        pass

    def tree(self):
        if not hasattr(self, "_tree"):
            self._tree = self._resolve(build(self.query, last_is_prefix=self.autocomplete))
        return self._tree

    def looser_tree(self):
        """The tree with its phrases of pieces loosened to the words anywhere (terms.loosen),
        or None: for a query whose words are never side by side on any searched page. Not
        for a phrase asked for in quotes, nor as one types."""
        if self.autocomplete or isinstance(self.query, Phrase):
            return None
        return loosen(self.tree())

    def _resolve(self, node):
        """A query word is looked for as itself when the index has it as a word, and as the
        phrase of its pieces only when it has not: jieba cut it otherwise everywhere. Looking
        for both at once made PostgreSQL recheck the positions of every page with the pieces
        (130 ms for 红寺堡中学 at 50,000 pages), and the two backends would then differ."""
        if isinstance(node, Term):
            if node.pieces and not node.prefix and node.word not in node.pieces:
                if self._word_exists(node.word):
                    return Term(node.word)
                return Term(node.pieces[0], node.pieces)
            return node
        if isinstance(node, (All, Any)):
            return type(node)(tuple(self._resolve(part) for part in node.parts))
        if isinstance(node, Without):
            return Without(self._resolve(node.keep), self._resolve(node.drop))
        return node

    def _word_exists(self, word):
        # Asked for each long query word on every search, twice on the search page (to
        # count, then to rank). The answer changes only when the index does, which comes
        # with a new generation (publishing, files); an `update_index` run by hand may leave
        # a word looked for by its pieces until the next one, which finds the same pages.
        digest = hashlib.sha1(word.encode()).hexdigest()
        return fragment(
            f"search-word:{self.queryset.db}:{digest}", lambda: bool(self.word_exists(word))
        )

    def pinyin(self):
        """Titles are also found by their pinyin when the query can be read as pinyin."""
        text = query_text(self.query)
        return analysis.pinyin_query(text) if text is not None else None

    def content_type_ids(self):
        if not hasattr(self, "_content_type_ids"):
            self._content_type_ids = sorted(get_descendants_content_types_pks(self.queryset.model))
        return self._content_type_ids

    def title_only(self):
        return self.fields is not None and list(self.fields) == ["title"]


class RankedSearchResults(BaseSearchResults):
    """Results ranked in tiers, each cut inside the full-text index before any join:

    A.  pages whose title has every word (or whose title's pinyin is the query), ranked by
        relevance (bm25 on SQLite, ts_rank on PostgreSQL);
    A2. pages whose title and metadata (school, subject, type, tags ...) have them, newest
        first;
    B.  pages that have them only in their text or attachments, newest first.

    Each tier asks the index for its best `depth` entries only, joins those to the searched
    queryset, and asks for more only if the queryset's filters (live, public ...) left too few.
    Scoring every one of 30,000 matches, as a single ranked query must, took 50-400 ms at
    50,000 resources; this touches a few hundred. The count stops at COUNT_LIMIT.
    """

    supports_facet = True
    MATERIALIZED = ""  # vendors that can be told to run the match once say so here
    JOIN = "JOIN"  # how the matches meet the searched queryset (SQLite: in this order)
    COUNT_LIMIT = 1000
    # Whether to run the whole match before joining when counting (see PostgreSQL's results).
    COUNT_MATERIALIZED = False
    _matched_pks = None  # the matches' keys, when counting found no more than COUNT_LIMIT
    _share_key = None
    _counted_values = {}  # {name: expression} read with each match as it is counted
    _matched_values = None  # their values per match, when counting found at most COUNT_LIMIT

    def shared(self, key):
        """These results, with their count, their matches and each page of them kept in the
        shared cache under `key` until the next change (as a search engine's result cache
        is, until its next commit; caching.fragment): for searches whose matches
        are the same for everyone who asks (anonymous visitors). The key must name the
        query, the operator and whatever else narrows the queryset."""
        self._share_key = key
        return self

    def counting_values(self, **expressions):
        """These results, each match counted with these values of its row (the search page's
        facets): the count's statement reads them too, for the matches it has just found,
        where a second statement would look up every match again (and, on PostgreSQL, plan
        and run a join of its own). Not read past COUNT_LIMIT, where nothing is counted."""
        self._counted_values = expressions
        return self

    def matched_values(self):
        """[(value, ...)] for each match, in the order of the expressions given to
        `counting_values`; None when there are more than COUNT_LIMIT matches (or no values
        were asked for)."""
        self.count()
        return self._matched_values

    # -- the pieces -----------------------------------------------------------------

    def _plan(self):
        """('all' | 'none' | 'match', tree, pinyin)."""
        compiler = self.query_compiler
        try:
            self._inner()
        except EmptyResultSet:
            return "none", None, None  # filtered to nothing (`pk__in=[]`): no SQL to run
        try:
            tree = compiler.tree()
        except MatchesEverything:
            return "all", None, None
        except MatchesNothing:
            return "none", None, None
        pinyin = compiler.pinyin() if not compiler.autocomplete else None
        if tree is None and pinyin is None:
            return "none", None, None
        try:
            self._inner()
        except EmptyResultSet:  # a queryset that can hold nothing (an editor with no 文件夹)
            return "none", None, None
        return "match", self._loosened(tree, pinyin), pinyin

    def _loosened(self, tree, pinyin):
        """The tree to search with: as asked, or loosened when as asked it finds no page of
        the searched queryset (asked of the queryset, so that a private page that has the
        phrase is no reason to find nothing). Decided once per search."""
        compiler = self.query_compiler
        if not hasattr(compiler, "_searched_tree"):
            compiler._searched_tree = tree
            looser = compiler.looser_tree() if tree is not None else None
            if looser is not None:
                hits_sql, hits_params = compiler.all_hits_sql(tree, pinyin)
                # Run as the count is: on PostgreSQL, joined as it was written, a LIMIT
                # made the planner test the words on the entry of each page of a type.
                sql, params = self._joined(hits_sql, hits_params, self.COUNT_MATERIALIZED)
                if not self._fetch(f"{sql} LIMIT 1", params):
                    compiler._searched_tree = looser
        return compiler._searched_tree

    def _inner(self):
        # Compiled once per search: each statement of it (count, tiers) joins the same
        # queryset, and compiling the public pages' filters cost more than some statements.
        compiler = self.query_compiler
        if not hasattr(compiler, "_inner_sql"):
            queryset = compiler.queryset.order_by().values(_search_pk=F("pk"))
            try:
                compiler._inner_sql = queryset.query.sql_with_params()
            except EmptyResultSet as e:
                compiler._inner_sql = e
        if isinstance(compiler._inner_sql, EmptyResultSet):
            raise compiler._inner_sql
        return compiler._inner_sql

    def _valued_sql(self, limit):
        """(sql, params) of the searched queryset's rows among the keys the count reads
        values for (_counted_keys), as (key, value, ...): none when it found `limit` matches.
        Made once per process for each searched queryset (_valued)."""
        compiler = self.query_compiler
        if not hasattr(compiler, "_valued_sql"):
            inner_sql, inner_params = self._inner()
            queryset = compiler.queryset
            key = (queryset.db, queryset.model, inner_sql, tuple(inner_params), limit)
            key += tuple(self._counted_values.items())
            try:
                found = _valued.get(key)
            except TypeError:  # a parameter that cannot be part of a key (a list)
                key, found = None, None
            if found is None:
                found = self._make_valued_sql(limit)
                if key is not None:
                    if len(_valued) >= VALUED_STATEMENTS:
                        _valued.clear()
                    _valued[key] = found
            compiler._valued_sql = found
        return compiler._valued_sql

    def _make_valued_sql(self, limit):
        queryset = self.query_compiler.queryset
        rows = self._among_counted(queryset.order_by(), limit)
        rows = rows.values(_search_pk=F("pk"), **self._counted_values)
        sql, params = rows.query.sql_with_params()
        # By name, in the order asked for: the union with the keys past the limit
        # (_do_count) is by position.
        quote = connections[queryset.db].ops.quote_name
        names = ", ".join(f"v.{quote(name)}" for name in ["_search_pk", *self._counted_values])
        return f"SELECT {names} FROM ({sql}) v", params

    def _among_counted(self, queryset, limit):
        """The queryset narrowed to the keys the count reads values for (_counted_keys)."""
        return queryset.filter(pk__in=RawSQL(self._counted_keys(limit), ()))

    def _integer_keys(self):
        model = self.query_compiler.queryset.model
        return isinstance(model._meta.pk, INTEGER_PKS) or isinstance(
            getattr(model._meta.pk, "target_field", None), INTEGER_PKS
        )

    def _join(self):
        if self._integer_keys():
            return self.query_compiler.object_id_sql("hits.oid") + " = q._search_pk"
        return "hits.oid = CAST(q._search_pk AS TEXT)"

    def _joined(self, hits_sql, hits_params, materialized=False, tail="", head="", most=None):
        """The matches `hits_sql` joined to the searched queryset, as (key, score) rows;
        `tail` is added to that select (ORDER BY, LIMIT), `head` is a select of rows
        (key, score) put before it, which may read `hits` too. `most`: how many matches
        there can be at most (the tier's depth)."""
        inner_sql, inner_params = self._inner()
        with_ = f"WITH hits AS {self.MATERIALIZED if materialized else ''} ({hits_sql}) "
        hits = "hits"
        if most is not None:
            # Says the number to the planner, which guessed the matches by the thousand and,
            # with statistics, had SQLite first read every page into a Bloom filter to join
            # a hundred (20-40 ms a statement at 10,000 pages, against 1 ms).
            hits = f"(SELECT * FROM hits LIMIT {int(most)}) hits"
        sql = f"SELECT q._search_pk, hits.score FROM {self._from(hits, inner_sql)}{tail}"
        if head:
            sql = f"{head} UNION ALL SELECT * FROM ({sql}) joined"
        return with_ + sql, (*hits_params, *inner_params)

    def _from(self, hits, inner_sql):
        """The FROM clause that joins the matches `hits` to the searched queryset's keys
        (`inner_sql`), as `q`: each match looked up in the queryset, not the reverse."""
        return f"{hits} {self.JOIN} ({inner_sql}) q ON {self._join()}"

    def _matched_sql(self, materialized=False):
        kind, tree, pinyin = self._plan()
        if kind != "match":
            return kind, None, None
        hits_sql, hits_params = self.query_compiler.all_hits_sql(tree, pinyin)
        sql, params = self._joined(hits_sql, hits_params, materialized=materialized)
        return kind, sql, params

    def matching_queryset(self):
        """The searched queryset narrowed to what matches, unordered: for facets and counts
        by other fields."""
        queryset = self.query_compiler.queryset
        kind = self._plan()[0]
        if kind == "all":
            return queryset
        if kind == "none":
            return queryset.none()
        if self._matched_pks is not None:
            # Looked up by primary key: joined to the search's SQL instead, PostgreSQL
            # scanned every page with its type tables to keep the few hundred that match.
            return self._with_keys(queryset, self._matched_pks)
        _kind, sql, params = self._matched_sql()
        return queryset.filter(pk__in=RawSQL(f"SELECT m._search_pk FROM ({sql}) m", params))

    def _with_keys(self, queryset, keys):
        """The queryset narrowed to these primary keys (at most COUNT_LIMIT of them)."""
        return queryset.filter(pk__in=keys)

    def _fetch(self, sql, params, joins_as_written=False):
        """The rows of one statement. `joins_as_written`: its joins are best run in the
        order written (a vendor may tell its planner so)."""
        with connections[self.query_compiler.queryset.db].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _tier(self, tier, tree, pinyin, need):
        """Up to `need` (pk, score) of one tier, best first."""
        compiler = self.query_compiler
        direction = compiler.SCORE_ORDER if tier == "A" else "DESC"  # the others: newest first
        first = max(need * 5, 100)
        # When the queryset's filters (live, public ...) drop too many of the best entries,
        # look deeper, then at the whole tier.
        for depth in (first, first * 20, None):
            hits_sql, hits_params, limited = compiler.tier_sql(tier, tree, pinyin, depth)
            if hits_sql is None:
                return []
            best = f" ORDER BY hits.score {direction}, q._search_pk DESC LIMIT {int(need)}"
            if not limited:
                return self._fetch(*self._joined(hits_sql, hits_params, True, tail=best))
            # With the pages, the number of entries the index gave (the row without a key):
            # fewer than `depth` means the tier has no more, and looking deeper would only
            # run the same match again (twice for every empty tier).
            rows = self._fetch(
                *self._joined(
                    hits_sql,
                    hits_params,
                    True,
                    tail=best,
                    head="SELECT NULL, COUNT(*) FROM hits",
                    most=depth,
                )
            )
            found = sum(n for key, n in rows if key is None)
            # In the order asked for: a union's order is not promised.
            rows = sorted((row for row in rows if row[0] is not None), reverse=True)
            rows.sort(key=lambda row: row[1], reverse=direction == "DESC")
            if len(rows) >= need or found < depth:
                return rows
        return rows

    # -- what BaseSearchResults asks for -------------------------------------------

    def _clone(self):
        # A page of results is a slice, that is a clone: it keeps the count already taken.
        clone = super()._clone()
        clone._count_cache = self._count_cache
        clone._matched_pks = self._matched_pks
        clone._share_key = self._share_key
        clone._counted_values = self._counted_values
        clone._matched_values = self._matched_values
        return clone

    def with_count(self, count):
        """These results, told their count (the same pages, counted already elsewhere)."""
        self._count_cache = count
        return self

    def count(self):
        if self._count_cache is None and self._share_key is not None:
            # Named by the values read with the matches too: a search counted without them
            # shares its count, not theirs. "search-counted": (count, keys, values), where
            # an earlier release kept (count, keys) under "search-matches" (a process of it
            # sharing the cache during a deploy never reads an entry of the other form).
            name = ":".join(["search-counted", *self._counted_values])
            self._count_cache, self._matched_pks, self._matched_values = self._shared_value(
                name, lambda: (self._do_count(), self._matched_pks, self._matched_values)
            )
        if self._count_cache is None:
            self._count_cache = self._do_count()
        return self._count_cache

    def _do_search(self):
        compiler = self.query_compiler
        queryset = compiler.queryset
        if not compiler.order_by_relevance:
            matching = self.matching_queryset()
            if not matching.query.order_by:
                matching = matching.order_by("-pk")
            return list(matching[self.start : self.stop])

        kind, tree, pinyin = self._plan()
        if kind == "all":
            return list(queryset[self.start : self.stop])
        if kind == "none":
            return []
        stop = min(self.stop if self.stop is not None else self.COUNT_LIMIT, self.COUNT_LIMIT)
        if self.start >= stop:
            return []
        # The count (capped, cheap) says when the tiers so far hold every match: a later
        # tier that would be empty can cost a scan of its whole candidate set.
        stop = min(stop, self.count())

        def fetch():
            ranked = self._ranked(tree, pinyin, stop)
            if not ranked:
                return []
            found = {obj.pk: obj for obj in queryset.filter(pk__in=[pk for pk, _ in ranked])}
            results = []
            for pk, score in ranked:
                obj = found.get(pk)
                if obj is None:
                    continue
                if self._score_field:
                    setattr(obj, self._score_field, abs(score) if score is not None else None)
                results.append(obj)
            return results

        if self._share_key is None:
            return fetch()
        return self._shared_value(f"search-results:{self.start}:{stop}", fetch)

    def _shared_value(self, name, build):
        """`build()`, kept in the shared cache under this search's share key."""
        digest = hashlib.sha1(self._share_key.encode()).hexdigest()
        return fragment(f"{name}:{digest}", build)

    def _ranked(self, tree, pinyin, stop):
        """(pk, score) of the matches from self.start to stop, best first."""
        ranked = []
        for tier in self.query_compiler.tiers(tree):
            if len(ranked) >= stop:
                break
            ranked += self._tier(tier, tree, pinyin, stop - len(ranked))
        return ranked[self.start : stop]

    def _do_count(self):
        """The number of matches, counted up to COUNT_LIMIT: past that, pages and counts
        stop, as on the big search engines."""
        queryset = self.query_compiler.queryset
        kind = self._plan()[0]
        if kind == "all":
            return queryset.count()
        if kind == "none":
            return 0
        limit = self.COUNT_LIMIT + 1
        if self._counted_values:
            rows = self._fetch(*self._valued_count(limit), joins_as_written=True)
        else:
            _kind, sql, params = self._matched_sql(materialized=self.COUNT_MATERIALIZED)
            # The keys rather than COUNT(*), for the same work: below the limit they are what
            # the facets and filters need next (matching_queryset).
            counted = f"SELECT counted._search_pk FROM ({sql} LIMIT {limit}) counted"
            rows = self._fetch(counted, params)
        if len(rows) < limit:
            self._matched_pks = [row[0] for row in rows]
            if self._counted_values:
                self._matched_values = [tuple(row[1:]) for row in rows]
        return min(len(rows), self.COUNT_LIMIT)

    def _valued_count(self, limit):
        """(sql, params): each match with its values, read from its row once the matches are
        known, and past the limit the keys alone (there is nothing to count them for).

        The index's entries are read once (`hits`). When there are fewer than `limit` of
        them (`few`), the searched queryset's rows among them are the matches: each is looked
        up once, with its values, and `counted` is never run. Otherwise `counted` finds the
        first `limit` matches, as a count without values does, and the values are read for
        them if there are fewer."""
        compiler = self.query_compiler
        _kind, tree, pinyin = self._plan()
        hits_sql, hits_params = compiler.all_hits_sql(tree, pinyin)
        inner_sql, inner_params = self._inner()
        valued_sql, valued_params = self._valued_sql(limit)
        materialized = self.MATERIALIZED
        nulls = ", NULL" * len(self._counted_values)
        few = f"SELECT COUNT(*) < {limit} AS yes FROM (SELECT 1 FROM hits LIMIT {limit}) h"
        if not self._integer_keys():
            # The entries name their rows by text: the rows are then found by `counted`,
            # which compares them as the queryset's keys.
            few = "SELECT 1 = 0 AS yes"
        sql = (
            f"WITH hits AS {materialized} ({hits_sql}), "
            f"few AS {materialized} ({few}), "
            f"counted AS {materialized} (SELECT q._search_pk FROM {self._from('hits', inner_sql)}"
            f" WHERE NOT (SELECT yes FROM few) LIMIT {limit}) "
            f"{valued_sql} UNION ALL SELECT c._search_pk{nulls} FROM counted c "
            f"WHERE (SELECT COUNT(*) FROM counted) >= {limit}"
        )
        return sql, (*hits_params, *inner_params, *valued_params)

    def _counted_keys(self, limit):
        """The SQL of the keys whose values the count reads (_valued_count): the entries'
        when they are few, else those `counted` found, when fewer than `limit`."""
        counted = (
            "SELECT c._search_pk FROM counted c "
            f"WHERE (SELECT COUNT(*) FROM counted) < {int(limit)}"
        )
        if not self._integer_keys():
            return counted  # `few` is never true (_valued_count)
        oid = self.query_compiler.object_id_sql("h.oid")
        return f"SELECT {oid} FROM hits h WHERE (SELECT yes FROM few) UNION ALL {counted}"

    def count_is_capped(self):
        return self.count() >= self.COUNT_LIMIT

    def facet(self, field_name):
        field = self.query_compiler._get_filterable_field(field_name)
        if field is None:
            raise FilterFieldError(
                f'Cannot facet search results with field "{field_name}". Please add '
                f"index.FilterField('{field_name}') to "
                f"{self.query_compiler.queryset.model.__name__}.search_fields.",
                field_name=field_name,
            )
        rows = (
            self.matching_queryset()
            .values(field_name)
            .annotate(count=Count("pk"))
            .order_by("-count")
        )
        return OrderedDict((row[field_name], row["count"]) for row in rows)
