"""A detail page and the frame every page shares, made cheaply on the first request after a
change: the site's root paths and the menu from the shared snapshot (caching.shared), the
snapshot kept as plain rows in the shared cache (caching.snapshot), a detail page routed
through its section without reading the section's own row (home.models)."""

import pickle

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from taggit.models import Tag
from wagtail.models import Page, Site

import pytest

import caching
from caching.shared import site_root_paths
from caching.snapshot import snapshot
from content.models import (
    DocumentPreview,
    DocumentPreviewPage,
    Person,
    ResourceDocument,
    ResourceIndexPage,
    ResourcePage,
)
from tests.session_demo import load_demo

pytestmark = [pytest.mark.both_databases, pytest.mark.django_db]


@pytest.fixture
def demo():
    load_demo()  # with the resources
    caching.clear()


def fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_the_site_root_paths_are_wagtails_for_every_site(demo):
    home = Site.objects.get(is_default_site=True).root_page
    section = Page.objects.filter(depth=3).order_by("path").last()
    Site.objects.create(hostname="other.example", port=8080, root_page=home, site_name="端口")
    Site.objects.create(hostname="b.example", port=80, root_page=section, site_name="子站")
    caching.purge()
    with caching.request_scope():
        assert site_root_paths() == Site.get_site_root_paths()


@override_settings(ALLOWED_HOSTS=["*"])
def test_a_new_host_name_is_in_the_next_pages_links(demo):
    site = Site.objects.get(is_default_site=True)
    resource = ResourcePage.objects.live().public().order_by("pk").first()
    client = Client()
    page = client.get(resource.url).content.decode()
    assert f'content="http://{site.hostname}' in page  # og:url
    site.hostname = "jiaoyu.example"
    site.save()  # purges the shared scope (caching.signals)
    page = client.get(resource.url).content.decode()
    assert f'value="{site.root_url}/resources/' in page  # the share box's link
    assert f'<link rel="canonical" href="{site.root_url}/resources/' in page
    assert "jiaoyu.example" in site.root_url


def test_the_snapshot_read_back_from_the_shared_cache_has_the_same_lists(demo):
    caching.purge()
    with caching.request_scope():
        made = snapshot()
        again = pickle.loads(pickle.dumps(made))  # as another process gets it
        assert set(again) == set(made)
        for name in made:
            mine, theirs = made[name], again[name]
            if isinstance(mine, list) and mine and hasattr(mine[0], "_meta"):
                assert [fields(o) for o in theirs] == [fields(o) for o in mine], name
            else:
                assert theirs == mine, name
        with pytest.raises(KeyError):
            made["no.such-list"]


def test_a_detail_page_is_routed_without_its_sections_own_row(demo):
    index = ResourceIndexPage.objects.get()
    resource = ResourcePage.objects.live().public().child_of(index).order_by("pk").first()
    caching.clear()
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(resource.url)
    assert response.status_code == 200
    assert resource.title in response.content.decode()
    table = ResourceIndexPage._meta.db_table
    assert not [q for q in queries.captured_queries if table in q["sql"]]
    # The section's own page still shows its own fields.
    caching.clear()
    response = Client().get(index.url)
    assert response.status_code == 200
    assert index.title in response.content.decode()


def test_an_attachments_ready_preview_shows_its_pages_and_a_pending_one_reads_none(demo):
    resource = (
        ResourcePage.objects.live().public().filter(documents__isnull=False).order_by("pk").first()
    )
    ready = resource.documents.order_by("sort_order").first().document
    DocumentPreview.objects.filter(document=ready).delete()
    preview = DocumentPreview.objects.create(
        document=ready, status=DocumentPreview.READY, page_count=2, source_hash="a" * 40
    )
    for number in (1, 2):
        DocumentPreviewPage.objects.create(
            preview=preview,
            number=number,
            image=f"document_previews/p{number}.png",
            width=80,
            height=100,
        )
    caching.clear()
    page = Client().get(resource.url).content.decode()
    assert page.count('class="doc-preview__page"') == 2
    assert f"/documents/{ready.pk}/preview/2/" in page

    preview.status = DocumentPreview.PENDING
    preview.save()
    caching.clear()
    with CaptureQueriesContext(connection) as queries:
        page = Client().get(resource.url).content.decode()
    assert 'class="doc-preview__page"' not in page
    assert "预览正在生成" in page
    table = DocumentPreviewPage._meta.db_table
    assert not [q for q in queries.captured_queries if f'FROM "{table}"' in q["sql"]]


def _tables_read(queries):
    return " ".join(q["sql"] for q in queries.captured_queries)


@override_settings(PAGE_CACHE_ENABLED=False)
def test_a_resource_pages_body_is_made_once_and_shown_until_a_change(demo):
    resource = (
        ResourcePage.objects.live().public().filter(documents__isnull=False).order_by("pk").first()
    )
    client = Client()
    first = client.get(resource.url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(resource.url).content.decode()
    assert again == first
    read = _tables_read(queries)
    for model in (ResourceDocument, Person, Tag):
        assert model._meta.db_table not in read, model
    attached = resource.documents.order_by("sort_order").first()
    attached.document.title = "改过的附件标题"
    attached.document.save()  # a file retitled: purges (caching.signals)
    attached.title = ""
    attached.save()
    page = client.get(resource.url).content.decode()
    assert "改过的附件标题" in page


def test_a_preview_neither_shows_nor_leaves_the_shared_body(demo, rf):
    resource = ResourcePage.objects.live().public().order_by("pk").first()
    client = Client()
    live = client.get(resource.url).content.decode()  # the shared body made
    draft = ResourcePage.objects.get(pk=resource.pk)
    draft.summary = "草稿里的新简介"
    preview = draft.make_preview_request(preview_mode="").content.decode()
    assert "草稿里的新简介" in preview
    assert client.get(resource.url).content.decode() == live
    assert "草稿里的新简介" not in live
