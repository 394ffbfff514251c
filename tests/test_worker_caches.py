"""What each worker process keeps for itself: shared fragments it has read
and the templates compiled before gunicorn forks it."""

from unittest import mock

from django.core.cache import cache
from django.db import connection
from django.template import engines
from django.test import SimpleTestCase, TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from caching import fragment, generations, purge, request_scope
from content.models import NewsPage
from content.models.news import NewsCategory
from home.models import HomePage
from portal.warmup import project_templates, warm
from search import analysis
from tests.session_demo import load_demo


class LocalFragmentTests(TestCase):
    def setUp(self):
        cache.clear()
        generations._local.clear()

    def test_a_fragment_is_built_once_per_generation_and_again_after_a_change(self):
        built = []

        def build():
            built.append(1)
            return {"built": len(built)}

        assert fragment("test-figures", build) == {"built": 1}
        with (
            mock.patch.object(cache, "get", wraps=cache.get) as reads,
            CaptureQueriesContext(connection) as queries,
            request_scope(),
        ):
            assert fragment("test-figures", build) == {"built": 1}
            assert fragment("test-figures", build) == {"built": 1}
        # Only the generation was read, once, from the database: the value came from this
        # process, without a call to the shared cache.
        assert reads.call_args_list == []
        assert len(queries) == 1
        assert len(built) == 1
        purge()  # what publishing, a privacy change or an import does
        assert fragment("test-figures", build) == {"built": 2}

    def test_another_process_reads_the_shared_copy(self):
        built = []
        fragment("test-menu", lambda: built.append(1) or ["首页"])
        generations._local.clear()  # a freshly forked worker
        assert fragment("test-menu", lambda: built.append(1) or ["其他"]) == ["首页"]
        assert len(built) == 1

    def test_the_process_copy_stays_bounded_and_drops_old_generations_first(self):
        with mock.patch.object(generations, "LOCAL_FRAGMENTS", 10):
            for i in range(25):
                fragment(f"test-{i}", lambda i=i: i)
                assert len(generations._local) <= 10
            generations._local.clear()
            for i in range(10):
                fragment(f"test-{i}", lambda i=i: i)
            purge()
            fragment("test-new", lambda: "new")
            assert list(generations._local) == [f"fragment:{generations.generation()}:test-new"]


class SharedPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)

    def test_routing_leaves_the_worker_s_shared_pages_as_they_were(self):
        home = HomePage.objects.get()
        assert self.client.get("/about/").status_code == 200
        # The same generation: the very objects the request was routed through.
        shared = home.top_pages()
        assert "about" in [page.slug for page in shared]
        assert [page for page in shared if "_cached_parent_obj" in vars(page)] == []


class ChoiceLabelTests(TestCase):
    def test_labels_are_the_choices_and_unknown_values_show_as_stored(self):
        with translation.override("zh-hans"):
            for value, label in NewsCategory.choices:
                assert NewsPage(category=value).get_category_display() == label
            assert NewsPage(category="retired-category").get_category_display() == (
                "retired-category"
            )


class WarmupTests(SimpleTestCase):
    def test_the_portal_templates_are_compiled_before_the_workers_fork(self):
        names = set(project_templates())
        assert {"base.html", "pages/home_page.html", "search/search.html"} <= names
        assert not any(name.startswith("wagtailadmin/") for name in names)
        loader = engines["django"].engine.template_loaders[0]
        loader.reset()
        warm()
        assert {"base.html", "pages/home_page.html"} <= set(loader.get_template_cache)

    def test_the_word_lists_are_loaded_before_the_workers_fork(self):
        """Loaded in gunicorn's master, jieba's dictionary and pypinyin's tables are shared by
        the workers and frozen with the rest (deploy/gunicorn.conf.py); a worker that loads
        them itself carries ~200,000 more objects through every full garbage collection."""
        with (
            mock.patch.object(analysis, "tokenizer") as tokenizer,
            mock.patch.object(analysis, "_pypinyin") as pinyin,
        ):
            warm()
        tokenizer.assert_called_once_with()
        pinyin.assert_called_once_with()
