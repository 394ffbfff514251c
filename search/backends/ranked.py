"""The part of the Chinese search backends that both databases share: matching and ranking
happen inside the full-text index, and only then are the matches joined to the searched
queryset, sorted by score and cut to the page asked for.

modelsearch's own database compilers filter the queryset by `pk IN (matches)` and score each
row with a correlated subquery; on SQLite that put the 50,000-row index table in the outer loop
and re-ran the full-text match once per row. Here each vendor gives a `hits` query (object id
and score of every match, computed once), and this module joins it to the queryset.
"""

from collections import OrderedDict

from django.db import connections
from django.db.models import AutoField, BigAutoField, Count, F, IntegerField, SmallAutoField
from django.db.models.expressions import RawSQL

from modelsearch.backends.base import BaseSearchResults, FilterFieldError
from modelsearch.utils import get_descendants_content_types_pks

from search import analysis

from .terms import MatchesEverything, MatchesNothing, build, query_text

INTEGER_PKS = (IntegerField, AutoField, BigAutoField, SmallAutoField)


class RankedCompilerMixin:
    """Mixed into a vendor's query compiler. Vendors implement `hits_sql(tree, pinyin)` and
    `object_id_sql`, the SQL that turns the index's text object id into the queryset's pk."""

    autocomplete = False
    # Relative weight of the title (and the fields boosted like it: school, subject, type,
    # tags, teacher) against the body, and of a title found by its pinyin.
    TITLE_WEIGHT = 3.0
    BODY_WEIGHT = 1.0
    PINYIN_WEIGHT = 2.0
    # The autocomplete column holds the words of the title alone: a match there is the
    # bonus that puts a page whose title says it above one whose metadata does.
    TITLE_WORDS_WEIGHT = 6.0

    def check(self):
        # modelsearch checks that every filter of the queryset is a declared FilterField, which
        # a search engine needs; here the queryset runs as SQL, so any filter works.
        pass

    def tree(self):
        return build(self.query, last_is_prefix=self.autocomplete)

    def pinyin(self):
        """Titles are also found by their pinyin when the query can be read as pinyin."""
        text = query_text(self.query)
        return analysis.pinyin_query(text) if text is not None else None

    def content_type_ids(self):
        return sorted(get_descendants_content_types_pks(self.queryset.model))

    def title_only(self):
        return self.fields is not None and list(self.fields) == ["title"]


class RankedSearchResults(BaseSearchResults):
    supports_facet = True
    MATERIALIZED = ""  # vendors that can be told to run the match once say so here

    # -- the pieces -----------------------------------------------------------------

    def _plan(self):
        """('all' | 'none' | 'match', hits sql, params)."""
        compiler = self.query_compiler
        try:
            tree = compiler.tree()
        except MatchesEverything:
            return "all", None, None
        except MatchesNothing:
            return "none", None, None
        pinyin = compiler.pinyin() if not compiler.autocomplete else None
        if tree is None and pinyin is None:
            return "none", None, None
        sql, params = compiler.hits_sql(tree, pinyin)
        return "match", sql, params

    def _inner(self):
        queryset = self.query_compiler.queryset.order_by().values(_search_pk=F("pk"))
        return queryset.query.sql_with_params()

    def _join(self):
        model = self.query_compiler.queryset.model
        if isinstance(model._meta.pk, INTEGER_PKS) or isinstance(
            getattr(model._meta.pk, "target_field", None), INTEGER_PKS
        ):
            return self.query_compiler.object_id_sql("hits.oid") + " = q._search_pk"
        return "hits.oid = CAST(q._search_pk AS TEXT)"

    def _matched_sql(self):
        kind, hits_sql, hits_params = self._plan()
        if kind != "match":
            return kind, None, None
        inner_sql, inner_params = self._inner()
        sql = (
            f"WITH hits AS {self.MATERIALIZED} ({hits_sql}) "
            f"SELECT q._search_pk, hits.score FROM hits JOIN ({inner_sql}) q ON {self._join()}"
        )
        return kind, sql, (*hits_params, *inner_params)

    def matching_queryset(self):
        """The searched queryset narrowed to what matches, unordered: for facets and counts
        by other fields."""
        queryset = self.query_compiler.queryset
        kind, sql, params = self._matched_sql()
        if kind == "all":
            return queryset
        if kind == "none":
            return queryset.none()
        return queryset.filter(pk__in=RawSQL(f"SELECT m._search_pk FROM ({sql}) m", params))

    # -- what BaseSearchResults asks for -------------------------------------------

    def _do_search(self):
        compiler = self.query_compiler
        queryset = compiler.queryset
        if not compiler.order_by_relevance:
            matching = self.matching_queryset()
            if not matching.query.order_by:
                matching = matching.order_by("-pk")
            return list(matching[self.start : self.stop])

        kind, sql, params = self._matched_sql()
        if kind == "all":
            return list(queryset[self.start : self.stop])
        if kind == "none":
            return []
        direction = self.query_compiler.SCORE_ORDER
        limit = ""
        if self.stop is not None:
            limit = f" LIMIT {int(self.stop - self.start)}"
        elif self.start:
            limit = " LIMIT -1" if connections[queryset.db].vendor == "sqlite" else " LIMIT ALL"
        if self.start:
            limit += f" OFFSET {int(self.start)}"
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(
                f"{sql} ORDER BY hits.score {direction}, q._search_pk DESC{limit}", params
            )
            ranked = cursor.fetchall()
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

    def _do_count(self):
        queryset = self.query_compiler.queryset
        kind, sql, params = self._matched_sql()
        if kind == "all":
            return queryset.count()
        if kind == "none":
            return 0
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) counted", params)
            return cursor.fetchone()[0]

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
