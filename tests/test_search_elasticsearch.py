"""The Elasticsearch backend, checked without a server (no Elasticsearch can be installed on
these machines): its index settings, mappings, documents and query bodies. With
ELASTICSEARCH_URL set, the last test indexes and searches a real cluster."""

import os
import uuid

from django.test import TestCase

import pytest

from content.models import ResourcePage
from search.backends.elasticsearch import WORDS_ANALYZER, ChineseElasticsearchBackend
from tests.factories import make_resource
from tests.session_demo import load_demo


def backend(url="http://127.0.0.1:9", index="portal-test"):
    return ChineseElasticsearchBackend({"URLS": [url], "INDEX": index})


def words(query_body):
    """Every query string in a query body."""
    found = []
    if isinstance(query_body, dict):
        for key, value in query_body.items():
            if key == "query" and isinstance(value, str):
                found.append(value)
            else:
                found += words(value)
    elif isinstance(query_body, list):
        for item in query_body:
            found += words(item)
    return found


class ElasticsearchOfflineTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)
        cls.page = make_resource("函数的单调性 教学设计", school="hongsibu-zhongxue")

    def test_index_splits_on_spaces_only(self):
        analysis = backend().settings["settings"]["analysis"]["analyzer"]
        for name in (WORDS_ANALYZER, "default"):
            self.assertEqual(analysis[name]["tokenizer"], "whitespace")
            self.assertEqual(analysis[name]["filter"], ["lowercase"])
        self.assertEqual(analysis["edgengram_analyzer"]["tokenizer"], "whitespace")

    def test_mapping_searches_autocomplete_with_the_portals_words(self):
        mapping = backend().mapping_class(ResourcePage).get_mapping()["properties"]
        self.assertEqual(mapping["_edgengrams"]["search_analyzer"], WORDS_ANALYZER)
        self.assertEqual(mapping["title"]["type"], "text")

    def test_documents_carry_segmented_text_and_pinyin(self):
        document = backend().mapping_class(ResourcePage).get_document(self.page)
        self.assertEqual(document["title"], "函数 单调 调性 单调性 教学 设计 教学设计")
        self.assertIn("dandiaoxing", document["title_edgengrams"])
        self.assertIn("hsdddx", document["title_edgengrams"])
        self.assertEqual(document["title_filter"], "函数的单调性 教学设计")  # filters untouched
        self.assertEqual(document["pk"], str(self.page.pk))

    def test_every_word_must_match_as_itself_or_as_its_pieces(self):
        compiler = backend().query_compiler_class(ResourcePage.objects.live(), "红寺堡中学 数学")
        query = compiler.get_query()
        inner = query["bool"]["must"]["bool"]
        self.assertEqual(len(inner["must"]), 2)
        self.assertEqual(words(inner["must"][0]), ["红寺堡中学", "红寺堡 中学"])
        self.assertEqual(words(inner["must"][1]), ["数学"])
        self.assertEqual(inner["must"][0]["bool"]["should"][1]["multi_match"]["type"], "phrase")
        self.assertIn({"term": {"live_filter": True}}, query["bool"]["filter"])

    def test_or_queries_need_one_word(self):
        query = (
            backend()
            .query_compiler_class(ResourcePage.objects.all(), "精品课 葡萄酒", operator="or")
            .get_query()
        )
        self.assertEqual(query["bool"]["must"]["bool"]["minimum_should_match"], 1)

    def test_autocomplete_looks_in_edgengrams(self):
        query = (
            backend()
            .autocomplete_query_compiler_class(ResourcePage.objects.all(), "jingp")
            .get_query()
        )
        self.assertIn("_edgengrams", str(query))
        self.assertEqual(words(query), ["jingp"])

    def test_settings_select_it_when_a_url_is_given(self):
        import subprocess
        import sys

        code = (
            "import django, os; django.setup(); from django.conf import settings; "
            "print(settings.WAGTAILSEARCH_BACKENDS['default']['BACKEND'])"
        )
        env = {
            **os.environ,
            "ELASTICSEARCH_URL": "http://es.example:9200",
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        }
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        self.assertEqual(out.stdout.strip(), "search.backends.elasticsearch")


@pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason="ELASTICSEARCH_URL is not set")
class ElasticsearchLiveTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)

    def test_index_and_search_a_real_cluster(self):
        es = backend(os.environ["ELASTICSEARCH_URL"], index=f"portal-test-{uuid.uuid4().hex[:8]}")
        index = es.get_index_for_model(ResourcePage)
        index.reset()
        try:
            page = make_resource("函数的单调性 精品课", school="hongsibu-zhongxue")
            other = make_resource("读后续写", school="luoshan")
            index.add_model(ResourcePage)
            index.add_items(ResourcePage, [page, other])
            index.refresh()
            found = list(es.search("红寺堡中学 单调性", ResourcePage.objects.all()))
            self.assertEqual(found, [page])
            self.assertEqual(list(es.autocomplete("jpk", ResourcePage.objects.all())), [page])
        finally:
            index.delete()
