"""The search's query plans at 10,000 index entries, on a database without statistics and on
one with them: every statement the search sends to the index, for each kind of query and
each door (the API with and without `type=`, a model's own search as the admin's choosers
run it, the search page, the suggestions), is EXPLAINed, and a full-text match run inside a
loop (once per index entry or page instead of once) fails, and so, on PostgreSQL, does a
scan of the searched pages that does not look them up by the matches' keys.

That plan cost 14 s for one word at 50,000 resources on SQLite: nothing had ever run ANALYZE,
and the planner put the index entries of one page type in the outer loop (issue 18).
"""

import json
import re

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from wagtail.search.backends import get_search_backend

import pytest

import caching
from content.models import ResourcePage
from search.backends.indexing import Sources, analyse
from tests.session_demo import load_demo

ENTRIES = 10_000
ENTRY_TABLE = "wagtailsearch_indexentry"
QUERIES = {
    "title words": "函数 单调性",
    "body-only word": "思维导图",
    "two words": "学情分析 小组合作",
    "phrase without spaces": "高一数学教案",
    "school and subject": "红寺堡中学 数学",
    "mixed Latin": "Unit 3 阅读课",
    "pinyin": "hanshu",
}
TOPICS = ["函数的单调性", "牛顿第二定律", "光合作用", "Unit 3 阅读课", "议论文写作", "等差数列"]
SCHOOLS = ["红寺堡中学", "红寺堡区罗山中学", "红寺堡区职业技术学校"]
SUBJECTS = ["数学", "物理", "生物学", "英语", "语文"]
# Body-only words in a half, a quarter, a tenth of the entries: everyday words match thousands.
BODY = [(2, "教师运用学情分析组织教学。"), (4, "课堂采用小组合作。"), (10, "学生绘制思维导图。")]


def entry_rows(ids):
    """ENTRIES index rows (as the bulk importer writes them) of a few hundred distinct
    texts, cut once each: the plans depend on the rows' number and spread, not on variety.
    The first are the demo's resources (so that every query finds pages and runs each of
    its statements), the others stand for resources the demo has not."""
    ids = [*ids, *range(1_000_000, 1_000_000 + ENTRIES - len(ids))]
    cut = {}
    rows = []
    for n, object_id in enumerate(ids):
        topic, school, subject = TOPICS[n % 6], SCHOOLS[n % 3], SUBJECTS[n % 5]
        body = "".join(text for every, text in BODY if n % every == 0) + "配套练习分为三个层次。"
        key = (topic, school, subject, body)
        if key not in cut:
            title = f"高一{topic}教案"
            cut[key] = analyse(Sources("", (title, school, subject, "教案"), body, title))
        rows.append(cut[key]._replace(id=str(object_id)))
    return rows


def sqlite_nested_full_text(plan):
    """The rows of SQLite's EXPLAIN QUERY PLAN where a full-text table is searched inside
    another loop: a later loop of the same join, or in a correlated subquery."""
    children = {}
    for node_id, parent, _unused, detail in plan:
        children.setdefault(parent, []).append((node_id, detail))
    bad = []

    def walk(parent, correlated):
        loops = 0
        for node_id, detail in children.get(parent, []):
            is_loop = re.match(r"(SCAN|SEARCH) ", detail)
            if "VIRTUAL TABLE" in detail and (loops or correlated):
                bad.append(detail)
            walk(node_id, correlated or detail.startswith("CORRELATED"))
            loops += bool(is_loop)

    walk(0, False)
    return bad


def postgres_nested_full_text(plan):
    """The nodes of PostgreSQL's plan that test `@@` once per row of an outer loop: on the
    inner side of a nested loop, as a nested loop's join filter, or in a correlated subplan."""
    bad = []

    def conditions(node):
        return " ".join(
            str(node.get(key, ""))
            for key in ("Filter", "Recheck Cond", "Index Cond", "Join Filter")
        )

    def walk(node, inside_loop):
        if inside_loop and "@@" in conditions(node):
            bad.append(f"{node['Node Type']} on {node.get('Relation Name')}: {conditions(node)}")
        if node["Node Type"] == "Nested Loop" and "@@" in str(node.get("Join Filter", "")):
            bad.append(f"Nested Loop join filter: {node['Join Filter']}")
        for child in node.get("Plans", []):
            relation = child.get("Parent Relationship")
            inner = node["Node Type"] == "Nested Loop" and relation == "Inner"
            walk(child, inside_loop or inner or relation == "SubPlan")

    walk(plan, False)
    return bad


def postgres_pages_read_whole(plan):
    """The scans of PostgreSQL's plan that read the searched pages (or any table but the
    index) other than match by match: each match must be looked up by its key (a scan on
    the inner side of a nested loop over the matches, or one whose condition reads them),
    not the pages read into a hash to meet them (130 ms a statement at 50,000 resources,
    unanalysed)."""
    bad = []

    def conditions(node):
        own = [str(node.get(key, "")) for key in ("Index Cond", "Recheck Cond")]
        return " ".join(own + [conditions(child) for child in node.get("Plans", [])])

    def reads_hits(node):
        return node.get("CTE Name") == "hits" or any(map(reads_hits, node.get("Plans", [])))

    def walk(node, per_match):
        relation = node.get("Relation Name")
        if (
            relation
            and relation != ENTRY_TABLE
            and not per_match
            and not re.search(r"\bhits(_\d+)?\.", conditions(node))
        ):
            bad.append(f"{node['Node Type']} on {relation}: {conditions(node)}")
        children = node.get("Plans", [])
        over_matches = node["Node Type"] == "Nested Loop" and any(
            child.get("Parent Relationship") == "Outer" and reads_hits(child) for child in children
        )
        for child in children:
            inner = over_matches and child.get("Parent Relationship") == "Inner"
            walk(child, per_match or inner)

    walk(plan, False)
    return bad


@pytest.mark.both_databases
class SearchPlanTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.admin = get_user_model().objects.create_superuser("plan-admin", password="x")
        index = get_search_backend().get_index_for_model(ResourcePage)
        resources = ResourcePage.objects.values_list("pk", flat=True)
        index.add_rows(ResourcePage, entry_rows(list(resources)))

    def statements(self, search):
        """The statements that read the index while `search()` runs, from an empty cache."""
        caching.clear()
        with CaptureQueriesContext(connection) as captured:
            search()
        return [q["sql"] for q in captured.captured_queries if ENTRY_TABLE in q["sql"]]

    def nested_full_text(self, sql):
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                return sqlite_nested_full_text(cursor.fetchall())
            # As the backend does.
            cursor.execute("SET LOCAL random_page_cost = 1.1")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            plan = plan[0]["Plan"]
            return postgres_nested_full_text(plan) + postgres_pages_read_whole(plan)

    def doors(self, query):
        """Each way in that sends its own statements: all page types (the API, as the search
        page does), one type (`type=`, as a model's own search does), titles only (the admin's
        choosers) and the suggestions as one types."""
        client = self.client
        return {
            "API": lambda: client.get("/api/v2/pages/", {"search": query}),
            "API type=": lambda: client.get(
                "/api/v2/pages/", {"search": query, "type": "content.ResourcePage"}
            ),
            "title search": lambda: list(ResourcePage.objects.search(query, fields=["title"])[:20]),
            "suggestions": lambda: client.get("/search/suggest/", {"q": query}),
        }

    def assert_plans_hold(self):
        checked = 0
        for kind, query in QUERIES.items():
            for door, search in self.doors(query).items():
                statements = self.statements(search)
                self.assertTrue(statements, f"{door} {query}: the index was not read")
                for sql in statements:
                    checked += 1
                    with self.subTest(kind=kind, door=door, sql=sql[:300]):
                        self.assertEqual(self.nested_full_text(sql), [])
        return checked

    def test_plans_hold_without_statistics(self):
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
                if cursor.fetchone():
                    cursor.execute("DELETE FROM sqlite_stat1")
                    cursor.execute("ANALYZE sqlite_schema")  # reload: no statistics now
        self.assertGreater(self.assert_plans_hold(), 50)

    def test_plans_hold_with_statistics(self):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.assertGreater(self.assert_plans_hold(), 50)


def test_the_checks_catch_the_plan_of_the_issue():
    # SQLite's plan of the 14-second statement: the entries of one type, then the match.
    bad = [
        (2, 0, 0, "SEARCH e USING COVERING INDEX wagtailsearch_indexentry_ct (content_type_id=?)"),
        (5, 0, 0, "SCAN wagtailsearch_indexentry_fts VIRTUAL TABLE INDEX 0:M4"),
    ]
    good = [
        (3, 0, 0, "SCAN wagtailsearch_indexentry_fts VIRTUAL TABLE INDEX 0:M4"),
        (5, 0, 0, "SEARCH e USING INTEGER PRIMARY KEY (rowid=?)"),
    ]
    correlated = [
        (2, 0, 0, "SCAN wagtailcore_page"),
        (4, 0, 0, "CORRELATED SCALAR SUBQUERY 1"),
        (6, 4, 0, "SCAN wagtailsearch_indexentry_fts VIRTUAL TABLE INDEX 0:M4"),
    ]
    assert sqlite_nested_full_text(bad) and sqlite_nested_full_text(correlated)
    assert sqlite_nested_full_text(good) == []
    # PostgreSQL: the pages in the outer loop, each tested against the text of its entry.
    scan = {"Node Type": "Index Scan", "Relation Name": ENTRY_TABLE, "Filter": "(body @@ q)"}
    loop = {
        "Node Type": "Nested Loop",
        "Plans": [
            {
                "Node Type": "Seq Scan",
                "Relation Name": "wagtailcore_page",
                "Parent Relationship": "Outer",
            },
            {**scan, "Parent Relationship": "Inner"},
        ],
    }
    assert postgres_nested_full_text(loop)
    loop["Plans"][1]["Parent Relationship"] = "Outer"
    loop["Plans"][0]["Parent Relationship"] = "Inner"
    assert postgres_nested_full_text(loop) == []
    # The pages read whole into a hash to meet the matches (the planner's guess without
    # statistics), against each match looked up by its key.
    pages = {"Node Type": "Index Scan", "Relation Name": "wagtailcore_page"}
    hashed = {
        "Node Type": "Hash Join",
        "Plans": [
            {"Node Type": "CTE Scan", "Parent Relationship": "Outer"},
            {
                "Node Type": "Hash",
                "Parent Relationship": "Inner",
                "Plans": [{**pages, "Index Cond": "((path)::text ~>=~ '00010001'::text)"}],
            },
        ],
    }
    looked_up = {
        "Node Type": "Nested Loop",
        "Plans": [
            {"Node Type": "CTE Scan", "CTE Name": "hits", "Parent Relationship": "Outer"},
            {
                "Node Type": "Nested Loop",
                "Parent Relationship": "Inner",
                "Plans": [
                    {
                        "Node Type": "Index Only Scan",
                        "Relation Name": "content_resourcepage",
                        "Parent Relationship": "Outer",
                        "Index Cond": "(page_ptr_id = (hits_1.oid)::integer)",
                    },
                    {
                        **pages,
                        "Parent Relationship": "Inner",
                        "Index Cond": "(id = content_resourcepage.page_ptr_id)",
                    },
                ],
            },
        ],
    }
    assert postgres_pages_read_whole(hashed)
    assert postgres_pages_read_whole(looked_up) == []
    # The same pages, but in the outer loop with the matches inside: read whole.
    looked_up["Plans"][0]["Parent Relationship"] = "Inner"
    looked_up["Plans"][1]["Parent Relationship"] = "Outer"
    looked_up["Plans"][1]["Plans"][0]["Index Cond"] = ""
    assert postgres_pages_read_whole(looked_up)


@pytest.mark.both_databases
@pytest.mark.django_db
def test_the_entries_gin_indexes_keep_a_short_pending_list():
    # Every search reads an index's whole pending list (PostgreSQL's default holds up to
    # 4 MB): 411 pages of `autocomplete`'s after the 50,000-resource load, 1 ms of every
    # cold search (search migration 0003).
    if connection.vendor != "postgresql":
        pytest.skip("GIN indexes are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.reloptions FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid"
            " JOIN pg_am a ON a.oid = c.relam WHERE t.relname = %s AND a.amname = 'gin'",
            [ENTRY_TABLE],
        )
        found = dict(cursor.fetchall())
    assert {"wagtailsearch_indexentry_title_body_gin", "wagtailsear_autocom_476c89_gin"} <= set(
        found
    )
    for name, options in found.items():
        assert "gin_pending_list_limit=256" in (options or []), name
