import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connections, router
from django.db.models import Q
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache

from wagtail.admin.auth import require_admin_access
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.contrib.search_promotions.views.reports import SearchTermsReportView
from wagtail.models import Page, PageViewRestriction
from wagtail.search.utils import normalise_query_string

from caching import fragment
from caching.privacy import public
from caching.shared import reference_list
from content.models import School
from search import highlight, hits
from search.backends.ranked import RankedSearchResults
from search.facets import SearchListing, facet_values, result_date, search_facets
from search.query import clean_query

RESULTS_PER_PAGE = 10
COUNT_LIMIT = RankedSearchResults.COUNT_LIMIT
SUGGESTIONS = 8
SORTS = {"relevance": "相关度", "date": "日期"}
POPULAR_TIMEOUT = 300  # seconds
# Offered when nothing is found, with the most searched queries of the last month.
STARTERS = ["精品课", "同课异构", "集体备课", "班主任", "校企合作", "全域教育论坛"]


def searchable_pages(request=None):
    """Live pages this visitor may read: public ones, and for a logged-in visitor those whose
    restrictions (teachers only, a named group) they pass. The root and home are no results."""
    pages = Page.objects.live().filter(depth__gt=2)
    if request is None or not request.user.is_authenticated:
        return public(pages)
    hidden = Q()
    for restriction in PageViewRestriction.objects.select_related("page"):
        if not restriction.accept_request(request):
            hidden |= Q(path__startswith=restriction.page.path)
    return pages.exclude(hidden) if hidden else pages


def _date_of(page):
    for name in ("date", "lesson_date", "start", "first_published_at"):
        value = getattr(page, name, None)
        if value:
            return value.date() if hasattr(value, "date") and name != "date" else value
    return None


def _with_schools(pages):
    """Each result's school from the cached list, not one query per result."""
    schools = {school.pk: school for school in reference_list(School)}
    for page in pages:
        if getattr(page, "school_id", None) in schools:
            page.school = schools[page.school_id]
    return pages


def _describe(page, words):
    summary = (
        page.search_description
        or getattr(page, "listing_summary", "")
        or getattr(page, "summary", "")
        or getattr(page, "introduction", "")
        or ""
    )
    return {
        "page": page,
        "title": highlight.mark(page.title, words),
        "excerpt": highlight.excerpt(summary, words),
        "type": page._meta.verbose_name,
        "school": getattr(page, "school", None),
        "date": _date_of(page),
    }


# Whether a query has editors' picks, as (sql, params with the query's place), compiled once
# per process and database: most searches have none, and building the ORM's query with its
# join to the pages cost half a millisecond of every cold search. None: no shortcut.
_picked_statements = {}
_QUERY_PLACE = object()


def _picked_statement(db):
    if db not in _picked_statements:
        marker = "\uffff"  # compiled only, never sent: its place among the parameters
        queryset = SearchPromotion.objects.using(db).filter(query__query_string=marker)
        sql, params = queryset.values("pk")[:1].query.sql_with_params()
        found = None
        if list(params).count(marker) == 1:
            found = sql, [_QUERY_PLACE if param == marker else param for param in params]
        _picked_statements[db] = found
    return _picked_statements[db]


def _has_picks(normalised):
    db = router.db_for_read(SearchPromotion)
    statement = _picked_statement(db)
    if statement is None:
        return True  # asked with the ORM's query itself
    sql, params = statement
    with connections[db].cursor() as cursor:
        cursor.execute(sql, [normalised if p is _QUERY_PLACE else p for p in params])
        return cursor.fetchone() is not None


def _read_picks(query):
    normalised = normalise_query_string(query)
    if not _has_picks(normalised):
        return []
    # One query, where Query.get(query).editors_picks was two (and saved a Query row for
    # every term searched, which the hits count does anyway).
    return list(
        SearchPromotion.objects.filter(query__query_string=normalised)
        .select_related("page")
        .order_by("sort_order")
    )


def _picks(query):
    """The editors' picks for a query, shared through the cache (promotions purge it)."""
    key = hashlib.sha1(query.encode()).hexdigest()
    return fragment(f"search-picks:{key}", lambda: _read_picks(query))


def _popular():
    """The most searched terms. Kept for a few minutes whatever is published: they change
    with searching, not with the pages, and a purge need not read them again."""
    return cache.get_or_set(
        "search-popular-queries",
        lambda: [q.query_string for q in Query.get_most_popular()[:8]],
        POPULAR_TIMEOUT,
    )


def _promotions(query, request):
    picks = _picks(query)
    if not picks:
        return []
    visible = set(
        searchable_pages(request)
        .filter(pk__in=[p.page_id for p in picks if p.page_id])
        .values_list("pk", flat=True)
    )
    return [p for p in picks if (p.page_id in visible) or (not p.page_id and p.external_link_url)]


def _matching(results, base):
    """The matched pages as a queryset, to count and filter by facets."""
    if hasattr(results, "matching_queryset"):
        return results.matching_queryset()
    # Elasticsearch returns results, not SQL: narrow by the ids of the first thousand.
    return base.filter(pk__in=[page.pk for page in results[:1000]])


def _shared(results, key):
    """The results with their count, matches and pages shared under `key` (no key: their
    own; Elasticsearch's results are never shared)."""
    return results.shared(key) if key and hasattr(results, "shared") else results


def _counted(results, facets, key):
    """The matches, shared under `key` (_shared), counted with their facets' values where the
    backend can read them as it counts (one statement instead of two)."""
    if hasattr(results, "counting_values"):
        results = results.counting_values(**facet_values(facets))
    return _shared(results, key)


def count_search(query):
    """One more search for the 搜索词 report (search.hits)."""
    hits.count(query)


def replay_search(request, query):
    """A copy of a results page served from the page cache counts its search too."""
    count_search(query)


def search(request):
    query = clean_query(request.GET.get("q", ""))
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "relevance"
    context = {"search_query": query, "starters": STARTERS}
    replay = None
    if query:
        base = searchable_pages(request)
        # An anonymous visitor's matches are everyone's: their count, their keys and their
        # facet counts are shared until the next change. A logged-in teacher's may include
        # pages others may not see, so theirs are their own.
        anonymous = not request.user.is_authenticated
        facets = search_facets()
        operator = None
        matched = _counted(base.search(query), facets, anonymous and f"and:{query}")
        partial = False
        if not matched.count() and len(query.split()) > 1:
            # No page has every word: show the pages that have some of them, and say so.
            operator, partial = "or", True
            matched = _counted(
                base.search(query, operator=operator), facets, anonymous and f"or:{query}"
            )
        capped = getattr(matched, "count_is_capped", lambda: False)()
        listing = SearchListing(
            _matching(matched, base) if not capped else base.none(),
            facets,
            request.GET,
            counted=not capped,
            cache_key=f"{operator}:{query}" if anonymous else None,
            matched=getattr(matched, "matched_values", lambda: None)(),
        )
        filtered = listing.filter(base).defer_streamfields().specific()
        if sort == "date":
            found = _matching(filtered.search(query, operator=operator), filtered)
            ordered = found.annotate(sort_date=result_date()).order_by("-sort_date", "-pk")
        else:
            filters = urlencode(sorted(listing.active.items()))
            ordered = _shared(
                filtered.search(query, operator=operator),
                anonymous and f"{operator}:{query}:{filters}",
            )
        if sort == "relevance" and not listing.active and hasattr(ordered, "with_count"):
            ordered = ordered.with_count(matched.count())  # the same pages, already counted
        page_obj = Paginator(ordered, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        words = highlight.words_of(query)
        context.update(
            listing=listing,
            page_obj=page_obj,
            results=[_describe(page, words) for page in _with_schools(list(page_obj))],
            partial=partial,
            count_text=(
                f"找到 {COUNT_LIMIT} 多条结果，显示最相关的 {COUNT_LIMIT} 条"
                if page_obj.paginator.count >= COUNT_LIMIT
                else ""
            ),
            promotions=_promotions(query, request) if page_obj.number == 1 else [],
            # Shown only when nothing is found: read then (the template calls it).
            popular=_popular,
            sort_options=[
                {"label": label, "url": listing._url(sort=key), "current": key == sort}
                for key, label in SORTS.items()
            ],
        )
        if page_obj.paginator.count:
            count_search(query)
            # A copy of this page served from the page cache counts the search too.
            replay = ("search.views.replay_search", [query])
    response = TemplateResponse(request, "search/search.html", context)
    response.page_cache_on_hit = replay
    # Result pages are for people, not for search engines' indexes.
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def suggest(request):
    """Titles for the search box as one types, Chinese or pinyin (jingpinke, jpk)."""
    query = clean_query(request.GET.get("q", ""))[:50]
    suggestions = []
    if query:
        for page in searchable_pages(request).specific().autocomplete(query)[:SUGGESTIONS]:
            suggestions.append(
                {"title": page.title, "url": page.url, "type": str(page._meta.verbose_name)}
            )
    return JsonResponse({"query": query, "suggestions": suggestions})


@require_admin_access
def search_terms_report(request, results_only=False):
    """Wagtail's 搜索词 report, with the searches counted so far."""
    hits.flush()
    return SearchTermsReportView.as_view(results_only=results_only)(request)
