"""The shared part of every page read in one query after a purge (caching.snapshot): the
same rows, fields and order as the ORM reads them one table at a time, and a change to any
of them seen on the next request."""

from django.conf import settings
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from wagtail.models import Page, PageViewRestriction, Site

import pytest

import caching
from caching.privacy import restricted_paths
from caching.shared import reference_list, site_for
from caching.snapshot import TOP_PAGE_FIELDS, snapshot
from content.models import School, Subject
from home.models import HomePage
from portal.models import PortalSettings
from tests.session_demo import load_demo

pytestmark = [pytest.mark.both_databases, pytest.mark.django_db]


def fields(obj, names=None):
    names = names or [f.attname for f in type(obj)._meta.concrete_fields]
    return {name: getattr(obj, name) for name in names}


@pytest.fixture
def demo():
    load_demo(library=False)
    caching.clear()


def test_one_query_reads_every_shared_list_as_the_orm_would(demo):
    caching.purge()
    with CaptureQueriesContext(connection) as queries:
        shared = snapshot()
    assert len([q for q in queries.captured_queries if "caching_generation" not in q["sql"]]) == 1
    for label in settings.CACHING_REFERENCE_LISTS:
        model = Page._meta.apps.get_model(label)
        expected = list(model.objects.order_by("sort_order", "name"))
        assert expected, label
        assert [fields(o) for o in reference_list(model)] == [fields(o) for o in expected]
    site = Site.objects.get(is_default_site=True)
    kept = shared["portal.portalsettings"]
    assert [fields(o) for o in kept] == [fields(PortalSettings.for_site(site))]
    top = Page.objects.filter(depth__lte=3).order_by("path")
    assert [fields(p, TOP_PAGE_FIELDS) for p in shared["top"]] == [
        fields(p, TOP_PAGE_FIELDS) for p in top
    ]
    assert shared["aliases"] is False


def test_a_snapshot_read_again_unchanged_reuses_its_instances_and_a_change_makes_new_ones(
    demo,
):
    caching.purge()
    with caching.request_scope():
        first = snapshot()
        top, schools = first["top"], first["content.school"]
    caching.clear()  # as after a change elsewhere: the query again, the same rows
    with caching.request_scope():
        again = snapshot()
        assert again is not first
        assert again["top"] is top and again["content.school"] is schools
    section = Page.objects.get(depth=3, slug="news")
    section.title = "新闻动态（改）"
    section.save()
    caching.clear()
    with caching.request_scope():
        changed = snapshot()
        assert changed["top"] is not top
        assert "新闻动态（改）" in [page.title for page in changed["top"]]
        assert changed["content.school"] is not schools  # one list changed: none is reused
        assert [fields(s) for s in changed["content.school"]] == [fields(s) for s in schools]
    assert "新闻动态（改）" in Client().get("/").content.decode()  # the menu


def test_a_restriction_or_a_renamed_school_is_seen_by_the_next_request(demo):
    client = Client()
    section = Page.objects.get(depth=3, slug="news")
    assert f'href="{section.url}"' in client.get("/").content.decode()
    PageViewRestriction.objects.create(page=section, restriction_type="login")
    assert section.path in restricted_paths()
    home = client.get("/").content.decode()
    assert f'href="{section.url}"' not in home  # neither in the menu nor among the sections
    school = School.objects.order_by("pk").first()
    school.name = "新校名"
    school.save()
    assert "新校名" in [s.name for s in reference_list(School)]
    subject = Subject.objects.order_by("pk").first()
    subject.delete()
    assert subject.pk not in [s.pk for s in reference_list(Subject)]


@override_settings(ALLOWED_HOSTS=["*"])
def test_the_site_is_the_one_wagtail_finds_for_every_host(demo):
    home = Site.objects.get(is_default_site=True).root_page
    Site.objects.create(hostname="other.example", port=80, root_page=home, site_name="另一站")
    Site.objects.create(hostname="other.example", port=8080, root_page=home, site_name="端口")
    for host in ["testserver", "other.example", "other.example:8080", "other.example:81", "x.cn"]:
        request = RequestFactory().get("/", HTTP_HOST=host)
        expected = Site.find_for_request(RequestFactory().get("/", HTTP_HOST=host))
        found = site_for(request)
        assert (found.pk, found.root_page.pk) == (expected.pk, expected.root_page.pk), host
        assert isinstance(found.root_page, HomePage), host
