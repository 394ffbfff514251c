"""No URL anyone can type ends in a server error.

Rather than a list of the malformed URLs found by hand, hypothesis generates them: every
public URL parameter (facets, paging, sort, dates, API filters, ids) with huge, negative,
unicode, NUL, very long, repeated, SQL, HTML and percent-encoded values, on the demo site.
Every failure of a run is collected and listed, so one run shows them all.
"""

from collections import Counter
from urllib.parse import quote

from django.test import TestCase

from wagtail.models import Page

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from content.filters import FacetedIndexMixin
from content.models import ActivityPage, Person, PortalDocument, WorkshopPage
from search.facets import search_facets
from tests.session_demo import load_demo

# Generated requests, at least; every kind of URL gets at least PER_KIND of them (the test
# checks), and every value of WEIRD is sent besides.
# One of the suite's longest: parallel runs hand it out first (tests/scheduling.py).
pytestmark = pytest.mark.heavy

REQUESTS = 400
PER_KIND = 20

WEIRD = [
    "",
    " ",
    "0",
    "-1",
    "-0",
    "+5",
    "1.5",
    "1e9",
    "NaN",
    "inf",
    "0x10",
    "2147483648",
    "9223372036854775808",
    "99999999999999999999",
    "9" * 400,
    "２０２４",
    "٢٠٢٤",
    "2024-13",
    "2024-00",
    "99999-01",
    "0000-00",
    "-2024-01",
    "2024-",
    "-",
    "2024-1-1",
    "2024--1",
    "1-99999999999999999999",
    "'; DROP TABLE wagtailcore_page; --",
    "' OR '1'='1",
    '" OR ""="',
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "\x00",
    "a\x00b",
    "%00",
    "%",
    "%zz",
    "%E4%B8",
    "../../etc/passwd",
    "*",
    "-title",
    "title,-id",
    "-random",
    "random",
    "__all__",
    "_",
    "id,,title",
    "-",
    "true",
    "null",
    "[]",
    "{}",
    "school,nonexistent",
    "nonexistent",
    "abc",
    "xor",
    "and",
    "or",
    "0,1",
    "1,2,3",
    "/",
    "//",
    "/resources/",
    "/nonexistent/",
    "中文",
    "🎓",
]

# The parameters of each kind of URL, beyond the facets the pages name themselves.
API_PAGE_PARAMS = [
    "type",
    "fields",
    "search",
    "search_operator",
    "order",
    "limit",
    "offset",
    "child_of",
    "ancestor_of",
    "descendant_of",
    "locale",
    "translation_of",
    "has_children",
    "show_in_menus",
    "title",
    "slug",
    "id",
    "html_path",
]
API_FILE_PARAMS = ["fields", "search", "order", "limit", "offset", "title", "id", "tags"]
API_TYPES = ["content.ResourcePage", "content.NewsPage", "wagtailcore.Page", "home.HomePage"]
FEEDS = ["news", "resources", "recordings"]
API_FIELDS = ["*", "_", "-title", "title", "summary", "body", "school", "documents", "tags"]


def numbers():
    return st.one_of(
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.integers(min_value=-3, max_value=400).map(str),
    )


def values(known=()):
    """What a parameter may be given: something real, something weird, anything."""
    choices = [
        st.sampled_from(WEIRD),
        numbers(),
        st.text(max_size=20),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
        st.integers(min_value=300, max_value=5000).map(lambda n: "字" * n),
    ]
    if known:
        choices.insert(0, st.sampled_from(sorted(known)))
    return st.one_of(*choices)


def encode(pairs, raw):
    """A query string; `raw` leaves printable ASCII as it is, so `%zz` stays malformed."""
    parts = []
    for key, value in pairs:
        if raw and value.isascii() and value.isprintable() and "&" not in value:
            parts.append(f"{key}={value.replace(' ', '+').replace('#', '%23')}")
        else:
            parts.append(f"{quote(key, safe='')}={quote(value, safe='')}")
    return "&".join(parts)


REPEATS = st.integers(min_value=1, max_value=3)
RAW = st.booleans()


def query(params, known):
    """A query string over `params`, a parameter given several times now and then. Every
    strategy is built once, here: building them for each example took most of the time."""
    if not params:
        return st.just("")
    chosen = st.lists(st.sampled_from(params), max_size=4)
    strategies = {param: values(known.get(param, ())) for param in set(params)}

    @st.composite
    def build(draw):
        pairs = []
        for param in draw(chosen):
            for _ in range(draw(REPEATS)):
                pairs.append((param, draw(strategies[param])))
        return encode(pairs, raw=draw(RAW))

    return build()


def ids(known):
    return st.one_of(
        *([st.sampled_from(sorted(known))] if known else []),
        st.integers(min_value=0, max_value=10**25).map(str),
        st.integers(min_value=0, max_value=10**4).map(str),
    )


@pytest.mark.both_databases
class MalformedURLTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def setUp(self):
        self.failures = []
        self.requests = 0

    def targets(self):
        """(path strategy, parameters, known values) of every public URL with parameters."""
        listings = [
            page.specific
            for page in Page.objects.live().specific()
            if isinstance(page, FacetedIndexMixin)
        ]
        other_pages = [p.url for p in Page.objects.live().filter(depth__gt=1)]
        slugs = [p.slug for p in Page.objects.live()]
        workshops = list(WorkshopPage.objects.values_list("slug", flat=True))
        activities = list(ActivityPage.objects.values_list("slug", flat=True))
        people = list(Person.objects.values_list("slug", flat=True))
        page_ids = {str(pk) for pk in Page.objects.values_list("pk", flat=True)}
        document_ids = {str(pk) for pk in PortalDocument.objects.values_list("pk", flat=True)}
        search_known = {"sort": ["relevance", "date"], "q": ["精品课", "jpk", "罗山中学 数学"]}
        for facet in search_facets():
            search_known[facet.param] = [value for value, _ in facet.options()]
        targets = [
            (
                st.just("/search/"),
                ["q", "q", "sort", "page", *search_known],
                search_known,
            ),
            (st.just("/search/suggest/"), ["q"], {"q": ["jpk", "精品"]}),
        ]
        for page in listings:
            known = {}
            for facet in page.facets:
                counts = facet.counts(page.get_listing_queryset())
                known[facet.param] = [value for value, _, _ in counts] or ["2024"]
            params = ["page", "sort", *known]
            targets.append((st.just(page.url), params, known))
        targets += [
            (st.sampled_from(other_pages), ["page", "q", "sort"], {}),
            (
                st.sampled_from(
                    ["/activities/ical/", *[f"/activities/{s}/ical/" for s in activities]]
                ),
                ["page", "month"],
                {},
            ),
            (
                st.one_of(
                    st.sampled_from(
                        [f"/feeds/{name}/{atom}" for name in FEEDS for atom in ("", "atom/")]
                    ),
                    st.sampled_from([*workshops, "nonexistent", "a" * 300]).map(
                        lambda s: f"/feeds/workshops/{s}/"
                    ),
                ),
                ["page", "type"],
                {},
            ),
            (
                st.sampled_from(["/api/v2/pages/", "/api/v2/pages/find/"]),
                API_PAGE_PARAMS,
                {
                    "type": API_TYPES,
                    "fields": API_FIELDS,
                    "order": ["title", "-title", "id", "random"],
                    "search_operator": ["and", "or"],
                    "child_of": sorted(page_ids),
                    "descendant_of": sorted(page_ids),
                    "id": sorted(page_ids),
                    "html_path": other_pages,
                    "search": ["精品课"],
                },
            ),
            (ids(page_ids).map(lambda i: f"/api/v2/pages/{i}/"), ["fields"], {}),
            (
                st.sampled_from(["/api/v2/images/", "/api/v2/documents/"]),
                API_FILE_PARAMS,
                {"fields": ["*", "title", "tags", "-title"], "order": ["title", "-id"]},
            ),
            (
                st.tuples(st.sampled_from(["images", "documents"]), ids(document_ids)).map(
                    lambda t: f"/api/v2/{t[0]}/{t[1]}/"
                ),
                ["fields"],
                {},
            ),
            (ids(page_ids).map(lambda i: f"/share/{i}/qr.svg"), ["size"], {}),
            (ids(set()).map(lambda i: f"/media-files/{i}/video.mp4"), [], {}),
            (ids(document_ids).map(lambda i: f"/documents/{i}/file.docx"), [], {}),
            (
                st.sampled_from([*people, "nonexistent", "a" * 300, "-"]).flatmap(
                    lambda s: st.sampled_from([f"/people/{s}/", f"/people/{s}/portfolio.xlsx"])
                ),
                ["page", "year"],
                {},
            ),
            (
                st.sampled_from(slugs).map(lambda s: f"/resources/{s}/"),
                ["page"],
                {},
            ),
        ]
        return targets

    def get(self, url):
        self.requests += 1
        try:
            response = self.client.get(url)
        except Exception as error:  # every failure is listed at the end
            self.failures.append(f"{url[:300]} → {type(error).__name__}: {str(error)[:200]}")
            return
        if response.status_code >= 500:
            self.failures.append(f"{url[:300]} → HTTP {response.status_code}")

    def test_no_generated_url_gets_a_server_error(self):
        targets = self.targets()
        # Each kind of URL gets its own share: hypothesis choosing the kind as well left some
        # with a handful of requests and others with dozens, so the run needed 700 for the
        # fewest to get theirs; given a kind at a time, every kind gets REQUESTS / kinds.
        per_kind_requests = max(PER_KIND, -(-REQUESTS // len(targets)))
        requests = per_kind_requests * len(targets)
        per_kind, paths = Counter(), {}

        def probe(kind, strategy):
            @settings(
                max_examples=per_kind_requests,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(request=strategy)
            def run(request):
                path, params = request
                per_kind[kind] += 1
                paths.setdefault(kind, path)
                self.get(f"{path}?{params}" if params else path)

            run()

        for kind, (path, params, known) in enumerate(targets):
            probe(kind, st.tuples(path, query(params, known)))
        self.assertGreaterEqual(self.requests, requests)
        # Fewer generated requests find as much only while every kind of URL still gets its
        # share, and every hand-picked odd value is still sent: here, each to a kind of URL
        # in turn, to one of its parameters in turn, encoded and raw by turns.
        self.assertGreaterEqual(min(per_kind[kind] for kind in range(len(targets))), PER_KIND)
        with_params = [kind for kind, (_, params, _) in enumerate(targets) if params]
        for i, value in enumerate(WEIRD):
            kind = with_params[i % len(with_params)]
            params = targets[kind][1]
            pair = (params[i // len(with_params) % len(params)], value)
            self.get(f"{paths[kind]}?{encode([pair], raw=i % 2 == 0)}")
        unique = sorted(set(self.failures))
        self.assertEqual(
            unique, [], f"{len(unique)} URLs ended in a server error:\n" + "\n".join(unique[:60])
        )

    def test_a_facet_value_that_names_nothing_finds_nothing_and_says_so(self):
        for query in ("stage=nonexistent", "school=nonexistent&subject=%00", "level=abc"):
            response = self.client.get(f"/resources/?{query}")
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.context["page_obj"].paginator.count, 0)
            self.assertContains(response, "清除全部筛选条件")
        for query in ("school=nonexistent", "year=abc", "type=%00", "subject=x%27--"):
            search = self.client.get(f"/search/?q=精品课&{query}")
            self.assertEqual(search.status_code, 200, query)
            self.assertFalse(search.context["results"], query)
        self.assertTrue(self.client.get("/search/?q=精品课").context["results"])

    def test_years_and_months_out_of_range_list_nothing_rather_than_fail(self):
        for url in (
            "/recordings/?year=99999999999999999999",
            "/news/?year=99999",
            "/activities/?month=99999-01",
            "/activities/?month=2024-13",
        ):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
        self.assertEqual(self.client.get("/news/?year=1999").context["page_obj"].paginator.count, 0)

    def test_the_api_answers_a_malformed_filter_with_400_and_a_message(self):
        for url, words in (
            ("/api/v2/pages/?search=精品课&search_operator=xor", "search_operator"),
            ("/api/v2/pages/find/?id=abc", "id"),
            ("/api/v2/pages/?offset=99999999999999999999", "offset"),
            ("/api/v2/pages/?child_of=%E4%B8%80", "child_of"),
            ("/api/v2/pages/?title=%00", "title"),
        ):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 400, url)
            self.assertIn(words, response.json()["message"])

    def test_the_tree_root_has_no_qr_code(self):
        self.assertEqual(self.client.get("/share/1/qr.svg").status_code, 404)

    def test_a_search_filtered_to_nothing_finds_nothing(self):
        # `pk__in=[]` has no SQL (EmptyResultSet): the backend answers without running any.
        results = Page.objects.filter(pk__in=[]).search("精品课")
        self.assertEqual(results.count(), 0)
        self.assertEqual(list(results), [])
        self.assertEqual(
            list(Page.objects.filter(pk__in=[]).search("精品课", order_by_relevance=False)), []
        )
