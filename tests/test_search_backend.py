"""The Chinese search backend, through every door a user comes in by: the site search page,
the admin's page search, the API and the suggestions of the search box. On both databases."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from wagtail.models import Page, PageViewRestriction

import pytest

import caching
from content.models import ResourceIndexPage, ResourcePage
from tests.factories import make_resource
from tests.session_demo import load_demo

# The probe of the issue: ordinary queries that Wagtail's stock database search missed,
# each with a page it must find.
PROBE = {
    "精品课": "市级精品课：函数的单调性",
    "数学": "高一数学集体备课：函数的概念",
    "班主任": "郑晓燕名班主任工作室",
    "校企合作": "《农产品直播电商实务》校企合作教材",
    "论坛": "全域教育论坛",
    "同课异构": "同课异构：函数的单调性",
    "函数 单调性": "函数的单调性 教学设计",
    "罗山中学": "罗山中学举行示范课评选",
    "红寺堡中学": "同课异构：函数的单调性（红寺堡中学）",
}


@pytest.mark.both_databases
class ProbeQueriesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.admin = get_user_model().objects.create_superuser("probe-admin", password="x")

    def test_site_search_page_finds_each_probe_page(self):
        for query, title in PROBE.items():
            with self.subTest(query=query):
                response = self.client.get("/search/", {"q": query})
                self.assertContains(response, "search-result")
                titles = [r["page"].title for r in response.context["results"]]
                self.assertIn(title, titles)

    def test_admin_page_search_finds_each_probe_page(self):
        self.client.force_login(self.admin)
        for query, title in PROBE.items():
            with self.subTest(query=query):
                response = self.client.get("/admin/pages/search/", {"q": query})
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, title)

    def test_api_search_finds_each_probe_page(self):
        for query, title in PROBE.items():
            with self.subTest(query=query):
                response = self.client.get("/api/v2/pages/", {"search": query, "limit": 20})
                self.assertEqual(response.status_code, 200)
                titles = [item["title"] for item in response.json()["items"]]
                self.assertIn(title, titles)

    def test_school_query_ranks_its_own_school_first(self):
        # Plain segmentation reads 红寺堡中学 as 红寺堡 + 中学, which 红寺堡区罗山中学 also has.
        results = list(Page.objects.live().public().specific().search("红寺堡中学")[:5])
        self.assertEqual(len(results), 5)
        for page in results:
            with self.subTest(page=page.title):
                school = getattr(page, "school", None)
                self.assertTrue(
                    "红寺堡中学" in page.title or (school and school.name == "红寺堡中学")
                )

    def test_mixed_chinese_latin_and_digits(self):
        cases = {
            "Python 编程": "Python",
            "python编程": "Python",
            "Unit 3": "Unit 3",
            "2023年": None,
        }
        for query, expected in cases.items():
            with self.subTest(query=query):
                results = list(Page.objects.live().public().search(query))
                self.assertTrue(results, f"{query} found nothing")
                if expected:
                    self.assertIn(expected, results[0].title)

    def test_metadata_alone_is_enough_to_find_a_page(self):
        page = make_resource("期末复习提纲", subject="huaxue", school="hongsibu-zhongxue")
        found = Page.objects.live().search("红寺堡中学 化学 期末")
        self.assertIn(page.pk, [p.pk for p in found])

    def test_pinyin_and_initials_find_titles(self):
        for query in ["jingpinke", "jpk", "JingPinKe"]:
            with self.subTest(query=query):
                titles = [p.title for p in Page.objects.live().public().search(query)]
                self.assertTrue(titles)
                self.assertTrue(all("精品课" in t for t in titles[:3]), titles[:3])
                suggestions = self.client.get("/search/suggest/", {"q": query}).json()
                self.assertTrue(any("精品课" in s["title"] for s in suggestions["suggestions"]))

    def test_suggestions_as_one_types_chinese(self):
        data = self.client.get("/search/suggest/", {"q": "同课异"}).json()
        self.assertTrue(data["suggestions"])
        self.assertTrue(all("url" in s and "type" in s for s in data["suggestions"]))
        self.assertIn("同课异构", data["suggestions"][0]["title"])

    def test_every_word_must_be_found(self):
        self.assertFalse(Page.objects.live().search("精品课 葡萄酒酿造").count())
        self.assertTrue(Page.objects.live().search("精品课 葡萄酒酿造", operator="or").count())

    def test_order_without_relevance_keeps_the_querysets_order(self):
        results = (
            ResourcePage.objects.live().order_by("title").search("数学", order_by_relevance=False)
        )
        titles = [p.title for p in results]
        self.assertEqual(titles, sorted(titles))


@pytest.mark.both_databases
class WordsRunTogetherTests(TestCase):
    """A query typed without spaces (高一数学教案) names a grade, a subject and a type that a
    resource holds as separate values: never side by side as the phrase jieba reads."""

    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)
        cls.apart = make_resource("桂花糕的做法", subject="shuxue", rtype="jiaoan")

    def found(self, query):
        api = self.client.get("/api/v2/pages/", {"search": query, "limit": 20}).json()
        page = self.client.get("/search/", {"q": query})
        titles = [r["page"].title for r in page.context["results"]]
        return [i["title"] for i in api["items"]], titles

    def test_found_by_its_words_apart_when_no_page_has_them_together(self):
        api, page = self.found("桂花糕数学教案")
        self.assertEqual(api, ["桂花糕的做法"])
        self.assertEqual(page, ["桂花糕的做法"])

    def test_pages_with_the_words_together_are_all_that_is_found_then(self):
        make_resource("桂花糕：数学教案设计", subject="yuwen", rtype="kejian")
        api, page = self.found("桂花糕数学教案")
        self.assertEqual(api, ["桂花糕：数学教案设计"])
        self.assertEqual(page, ["桂花糕：数学教案设计"])


@pytest.mark.both_databases
class PrivacyTests(TestCase):
    """What only teachers may read, and drafts, are never found by anyone else."""

    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)
        cls.private = make_resource("教师专享的桂花糕课件")
        PageViewRestriction.objects.create(
            page=cls.private, restriction_type=PageViewRestriction.LOGIN
        )
        cls.draft = ResourcePage.objects.get(pk=make_resource("草稿中的桂花糕教案").pk)
        cls.draft.unpublish()
        cls.public = make_resource("公开的桂花糕学案")

    def test_site_search_shows_only_the_public_page(self):
        response = self.client.get("/search/", {"q": "桂花糕"})
        titles = [r["page"].title for r in response.context["results"]]
        self.assertEqual(titles, ["公开的桂花糕学案"])
        self.assertNotContains(response, "教师专享")
        self.assertNotContains(response, "草稿中的")

    def test_facet_counts_leave_private_pages_out(self):
        response = self.client.get("/search/", {"q": "桂花糕"})
        counts = [o["count"] for g in response.context["listing"].groups for o in g["options"]]
        self.assertTrue(counts)
        self.assertTrue(all(count == 1 for count in counts))

    def test_suggestions_and_api_leave_them_out(self):
        suggestions = self.client.get("/search/suggest/", {"q": "桂花糕"}).json()["suggestions"]
        self.assertEqual([s["title"] for s in suggestions], ["公开的桂花糕学案"])
        api = self.client.get("/api/v2/pages/", {"search": "桂花糕"}).json()
        self.assertEqual([i["title"] for i in api["items"]], ["公开的桂花糕学案"])

    def test_pinyin_does_not_reveal_them(self):
        suggestions = self.client.get("/search/suggest/", {"q": "guihuagao"}).json()["suggestions"]
        self.assertEqual([s["title"] for s in suggestions], ["公开的桂花糕学案"])

    def test_editors_find_drafts_in_the_admin(self):
        admin = get_user_model().objects.create_superuser("privacy-admin", password="x")
        self.client.force_login(admin)
        response = self.client.get("/admin/pages/search/", {"q": "桂花糕"})
        self.assertContains(response, "草稿中的桂花糕教案")


@pytest.mark.both_databases
class IndexUpdateTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)

    def test_edits_and_deletions_reach_the_index(self):
        page = make_resource("银杏叶标本制作", summary="植物标本的采集与压制")
        self.assertEqual(Page.objects.live().search("银杏叶").count(), 1)
        page.title = "梧桐叶标本制作"
        page.save_revision().publish()
        # The index holds what was published, not what the first save left there.
        self.assertEqual(Page.objects.live().search("银杏叶").count(), 0)
        self.assertEqual(Page.objects.live().search("梧桐叶").count(), 1)
        page.delete()
        self.assertEqual(Page.objects.search("梧桐叶").count(), 0)

    def test_edited_text_reaches_the_index(self):
        # Words of the text alone (not the title), found through the title and body together
        # (PostgreSQL's generated column, kept by the database on every write).
        page = make_resource("树叶标本制作", summary="植物标本的采集与压制")
        self.assertEqual(Page.objects.live().search("采集 压制").count(), 1)
        page.summary = "叶脉书签的漂洗与晾干"
        page.save_revision().publish()
        self.assertEqual(Page.objects.live().search("采集 压制").count(), 0)
        self.assertEqual(Page.objects.live().search("漂洗 晾干").count(), 1)
        self.assertEqual(Page.objects.live().search("树叶 漂洗").count(), 1)

    def test_pages_of_one_type_only(self):
        make_resource("向日葵观察记录")
        self.assertEqual(ResourcePage.objects.search("向日葵").count(), 1)
        self.assertEqual(ResourceIndexPage.objects.search("向日葵").count(), 0)

    def test_words_of_the_text_alone_in_pages_of_one_type(self):
        # On PostgreSQL the page type is tested inside the words' index (migration search
        # 0002): a type the index got wrong would find nothing here.
        make_resource("观察记录", summary="向日葵花盘的朝向变化")
        self.assertEqual(ResourcePage.objects.search("花盘 朝向").count(), 1)
        self.assertEqual(ResourceIndexPage.objects.search("花盘 朝向").count(), 0)
        response = self.client.get(
            "/api/v2/pages/", {"search": "花盘", "type": "content.ResourcePage"}
        )
        self.assertEqual([item["title"] for item in response.json()["items"]], ["观察记录"])
        response = self.client.get(
            "/api/v2/pages/", {"search": "花盘", "type": "content.ResourceIndexPage"}
        )
        self.assertEqual(response.json()["items"], [])


@pytest.mark.both_databases
class OddQueriesEverywhereTests(TestCase):
    """The site search page is not the only door: the API and the admin pass what people type
    straight to the backend."""

    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)
        cls.admin = get_user_model().objects.create_superuser("odd-admin", password="x")

    def test_no_query_breaks_the_api_the_admin_or_the_suggestions(self):
        from tests.test_search_page import ODD_QUERIES

        self.client.force_login(self.admin)
        for query in ODD_QUERIES:
            if "\x00" in query:
                continue  # refused by Django's test client before any view runs
            with self.subTest(query=query[:40]):
                api = self.client.get("/api/v2/pages/", {"search": query})
                self.assertIn(api.status_code, (200, 400))
                admin = self.client.get("/admin/pages/search/", {"q": query})
                self.assertEqual(admin.status_code, 200)
                suggest = self.client.get("/search/suggest/", {"q": query})
                self.assertEqual(suggest.status_code, 200)
                list(Page.objects.search(query, operator="or")[:5])
                list(Page.objects.autocomplete(query)[:5])

    def test_snippets_and_documents_search_in_chinese(self):
        from wagtail.search.backends import get_search_backend

        from content.models import Person, School

        backend = get_search_backend()
        self.assertEqual([s.name for s in backend.search("罗山", School)], ["红寺堡区罗山中学"])
        person = Person.objects.first()
        self.assertIn(person, list(backend.search(person.name, Person)))
        self.client.force_login(self.admin)
        response = self.client.get("/admin/snippets/content/school/", {"q": "罗山"})
        self.assertContains(response, "红寺堡区罗山中学")
        self.assertNotContains(response, "红寺堡区职业技术学校")


@pytest.mark.both_databases
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgres_statements_carry_their_planner_settings_for_themselves_only():
    # Outside a transaction (as a request runs), a count is sent with its planner settings
    # in one string, PostgreSQL's one implicit transaction: they hold for it, and are gone
    # for the next statement of the connection.
    if connection.vendor != "postgresql":
        pytest.skip("the settings are PostgreSQL's")
    caching.clear()
    with CaptureQueriesContext(connection) as queries:
        count = ResourcePage.objects.live().search("函数 单调性").count()
    assert count == 0
    sent = [q["sql"] for q in queries.captured_queries]
    counted = [sql for sql in sent if "SET LOCAL enable_seqscan = off" in sql]
    assert counted, sent
    assert all(sql.lstrip().upper().startswith("SET LOCAL") for sql in counted)
    assert all(" hits " in sql or "hits AS" in sql for sql in counted), counted
    # Not in a transaction of its own (BEGIN, the settings, the statement, COMMIT).
    for i, sql in enumerate(sent):
        if sql in counted:
            assert sent[i - 1].strip().upper() != "BEGIN", sent[i - 1 : i + 2]
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"
