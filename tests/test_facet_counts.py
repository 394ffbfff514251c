"""Facet counts kept up to date as pages change (content.facet_counts): what a list shows
beside each filter value, and its total, equal what counting the pages again gives, after
every kind of change; a private page never counts; and a cold unfiltered list reads them
all in one query instead of counting."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from wagtail.models import PageViewRestriction, get_page_models

import pytest

import caching
from content import facet_counts
from content.bulk import ChildPages
from content.models import (
    FacetCount,
    ResourceIndexPage,
    ResourcePage,
    ResourceType,
    School,
    Stage,
    StandardPage,
    Subject,
)
from tests.factories import make_recording, make_resource

pytestmark = pytest.mark.both_databases

# The savepoints and planner setting around a search query are not queries (as in
# tests/test_query_budget.py).
CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "SET LOCAL")


def kept(key):
    return facet_counts.maintained(key)


def listing_index(key):
    return next(
        m
        for m in get_page_models()
        if getattr(m, "listed_model", None) and facet_counts.listing_key(m.listed_model) == key
    )


def recounted(key):
    listing = facet_counts.listings()[key]
    queryset = listing_index(key)().get_listing_queryset()
    found = {facet.param: facet.found(queryset) for facet in listing.facets}
    found = {param: values for param, values in found.items() if values}
    found[facet_counts.TOTAL] = {facet_counts.TOTAL: queryset.count()}
    return found


RESOURCES = facet_counts.listing_key("content.ResourcePage")
RECORDINGS = facet_counts.listing_key("content.RecordingPage")


def recounted_under(key):
    """{under-key: counts} of the listing's pages with each value of a facet, and with each
    pair of values of two facets, counted by every other facet: what is kept under one
    filter and under two."""
    listing = facet_counts.listings()[key]
    queryset = listing_index(key)().get_listing_queryset()
    model = listing.model

    def counted(filtered, skip):
        counts = {f.param: f.found(filtered) for f in listing.facets if f not in skip}
        counts = {param: values for param, values in counts.items() if values}
        counts[facet_counts.TOTAL] = {facet_counts.TOTAL: filtered.count()}
        return counts

    found = {}
    for facet in listing.facets:
        for url_value, _label, _n in facet.labelled(model, facet.found(queryset)):
            filtered = facet.apply(queryset, url_value)
            first = (facet.param, facet.kept_value(model, url_value))
            found[facet_counts.under(key, first)] = counted(filtered, [facet])
            for other in listing.facets:
                if other.param <= facet.param:
                    continue  # each pair once
                for other_value, _label, _n in other.labelled(model, other.found(filtered)):
                    second = (other.param, other.kept_value(model, other_value))
                    both = other.apply(filtered, other_value)
                    found[facet_counts.under(key, first, second)] = counted(both, [facet, other])
    return found


def kept_under(key):
    """What is kept under each single filter of the listing, where any page counts."""
    names = FacetCount.objects.filter(
        listing__startswith=f"{key}|", facet="", value="", count__gt=0
    ).values_list("listing", flat=True)
    return {name: kept(name) for name in names}


def assert_kept_equals_counted():
    for key in facet_counts.listings():
        caching.clear()  # the list of private sections the listing's queryset reads
        assert kept(key) == recounted(key), key
        assert kept_under(key) == recounted_under(key), key


def restrict(page):
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)


def private_section(home):
    """A teachers-only section that pages can be moved into and out of."""
    section = StandardPage(title="内部资料", slug="neibu-ziliao")
    home.add_child(instance=section)
    section.save_revision().publish()
    restrict(section)
    return section


def test_kept_counts_follow_every_change_and_equal_a_recount(demo_site):
    assert_kept_equals_counted()
    other_subject = Subject.objects.exclude(slug="shuxue").first()

    first = make_resource("函数的单调性")
    second = make_resource("古诗两首", subject=other_subject.slug, grade=None)
    make_recording("圆的面积", lesson_date=datetime.date(2023, 5, 4))
    assert_kept_equals_counted()
    assert kept(RESOURCES)["subject"][str(other_subject.pk)] >= 1

    first.unpublish()  # unpublished: it no longer counts
    assert_kept_equals_counted()

    first.save_revision().publish()  # published again
    second.subject = Subject.objects.get(slug="shuxue")
    second.save_revision().publish()  # a facet's value changed
    assert_kept_equals_counted()
    before_move = kept(RESOURCES)

    section = private_section(demo_site)
    ResourcePage.objects.get(pk=first.pk).move(section, pos="last-child")  # into a private one
    assert_kept_equals_counted()
    assert kept(RESOURCES) != before_move

    PageViewRestriction.objects.filter(page=section).delete()  # the section made public
    assert_kept_equals_counted()
    assert kept(RESOURCES) == before_move

    restrict(section)  # and private again, with the resource in it
    assert_kept_equals_counted()

    ResourcePage.objects.get(pk=second.pk).delete()
    assert_kept_equals_counted()

    before = {key: kept(key) for key in facet_counts.listings()}
    facet_counts.recount()
    assert {key: kept(key) for key in facet_counts.listings()} == before


def test_a_bulk_write_counts_its_pages_once_done(demo_site):
    index = ResourceIndexPage.objects.get()
    before = kept(RESOURCES)[facet_counts.TOTAL][facet_counts.TOTAL]
    children = ChildPages(index, ResourcePage)
    fields = {
        "summary": "简介",
        "resource_type": ResourceType.objects.first(),
        "stage": Stage.objects.first(),
        "subject": Subject.objects.first(),
        "school": School.objects.first(),
    }
    pages = [children.new(f"bulk-{n}", title=f"批量{n}") for n in range(3)]
    children.create(pages, [dict(fields) for _ in pages])
    children.finish()
    assert kept(RESOURCES)[facet_counts.TOTAL][facet_counts.TOTAL] == before + 3
    assert_kept_equals_counted()


@override_settings(PAGE_CACHE_ENABLED=False)
def test_a_private_resource_never_counts_for_anonymous_visitors(demo_site, client):
    school = School.objects.exclude(slug="luoshan").order_by("pk").last()
    section = private_section(demo_site)
    hidden = make_resource("内部资料", school="luoshan")
    ResourcePage.objects.get(pk=hidden.pk).move(section, pos="last-child")
    secret = ResourcePage(
        title="只给老师看的教案",
        summary="简介",
        resource_type=ResourceType.objects.first(),
        stage=Stage.objects.first(),
        subject=Subject.objects.first(),
        school=school,
    )
    section.add_child(instance=secret)
    secret.save_revision().publish()

    index = ResourceIndexPage.objects.get()
    public = ResourcePage.objects.live().public()
    caching.purge()
    response = client.get(index.url)
    assert response.status_code == 200
    listing = response.context["listing"]
    assert response.context["page_obj"].paginator.count == public.count()
    shown = {
        option["label"]: option["count"]
        for group in listing.groups
        if group["param"] == "school"
        for option in group["options"]
    }
    assert shown.get(school.name, 0) == public.filter(school=school).count()
    luoshan = School.objects.get(slug="luoshan")
    assert shown.get(luoshan.name, 0) == public.filter(school=luoshan).count()


@override_settings(PAGE_CACHE_ENABLED=False)
def test_a_filtered_list_counts_as_before(demo_site, client):
    make_resource("函数的单调性")
    make_resource("古诗两首", subject=Subject.objects.exclude(slug="shuxue").first().slug)
    index = ResourceIndexPage.objects.get()
    caching.purge()
    response = client.get(index.url, {"subject": "shuxue"})
    listing = response.context["listing"]
    queryset = index.get_listing_queryset()
    subject = next(f for f in index.facets if f.param == "subject")
    filtered = subject.apply(queryset, "shuxue")
    for facet in index.facets:
        # Each facet under the other filters: the subject's own values from the kept numbers.
        under = queryset if facet is subject else filtered
        assert listing.values_for(facet) == facet.counts(under), facet.param
    assert response.context["page_obj"].paginator.count == filtered.count()


@override_settings(PAGE_CACHE_ENABLED=False)
@pytest.mark.parametrize(
    ("params", "counting"),
    [
        ({"subject": "shuxue", "school": "luoshan"}, 0),
        # Three: the facets not filtered on are counted together over the matching pages,
        # and the matching pages; the filtered-on facets' counts are still read as kept.
        ({"subject": "shuxue", "school": "luoshan", "grade": "gaoyi"}, 2),
    ],
)
def test_a_list_filtered_on_two_or_three_facets_reads_kept_counts(
    demo_site, client, params, counting
):
    other_school = School.objects.exclude(slug="luoshan").order_by("pk").first()
    make_resource("函数的单调性")
    make_resource("函数的奇偶性", grade="gaoer")
    make_resource("数列", school=other_school.slug)
    make_resource("古诗两首", subject=Subject.objects.exclude(slug="shuxue").first().slug)
    index = ResourceIndexPage.objects.get()
    queryset = index.get_listing_queryset()
    caching.purge()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(index.url, params)
    listing = response.context["listing"]
    for facet in index.facets:
        # Each facet under the other filters, as counting the pages gives them.
        under = queryset
        for other in index.facets:
            if other.param in params and other is not facet:
                under = other.apply(under, params[other.param])
        assert listing.values_for(facet) == facet.counts(under), facet.param
        if facet.param == "school":
            shown = {label: n for _value, label, n in listing.values_for(facet)}
            assert shown[other_school.name] >= 1  # a count under the other filters only
    matching = queryset
    for facet in index.facets:
        if facet.param in params:
            matching = facet.apply(matching, params[facet.param])
    assert response.context["page_obj"].paginator.count == matching.count() >= 1
    # Up to two other filters, a facet's counts and the total are read as kept.
    counted = [
        q["sql"]
        for q in queries.captured_queries
        if "COUNT(" in q["sql"].upper() and "content_resourcepage" in q["sql"]
    ]
    assert len(counted) == counting, counted


def cold_queries(client, url, shared_tables=()):
    """Queries of a page just after a purge, but whole reads of `shared_tables`."""
    client.get(url)  # templates, the month's usage row and the like, made once
    caching.purge()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    counted = []
    for query in queries.captured_queries:
        sql = query["sql"].lstrip()
        whole = re.search(r'FROM "(\w+)" ORDER BY', sql)
        if sql.upper().startswith(CONTROL) or (whole and whole.group(1) in shared_tables):
            continue
        counted.append(sql)
    return len(counted)


@override_settings(PAGE_CACHE_ENABLED=False)
def test_a_cold_resource_list_reads_its_counts_in_one_query(demo_site, client):
    for n in range(3):
        make_resource(f"资源{n}")
    shared = cold_queries(client, StandardPage.objects.live().public().first().url)
    # The reference lists that name the facets' values and the cards' are the shared part
    # too (caching.shared.reference_list), though a plain page has no use for them.
    references = [
        ResourcePage._meta.get_field(f.field).related_model._meta.db_table
        for f in ResourceIndexPage.facets
    ]
    own = cold_queries(client, ResourceIndexPage.objects.get().url, references) - shared
    # The list's total and every facet's counts, a page of results, what its cards need.
    assert own <= 6, f"{own} queries of its own beside the {shared} every page makes"


def shown_count(html, label):
    found = re.search(rf">{re.escape(label)} <span class=\"facet__count\">(\d+)</span>", html)
    return int(found.group(1)) if found else 0


@override_settings(PAGE_CACHE_ENABLED=False)
def test_the_filters_shown_follow_a_publish_and_keep_each_addresss_parameters(demo_site, client):
    # The filters' HTML is shared between requests (portal_tags.shared_listing_part).
    index = ResourceIndexPage.objects.get()
    luoshan = School.objects.get(slug="luoshan")
    caching.purge()
    before = shown_count(client.get(index.url).content.decode(), luoshan.name)
    assert before == ResourcePage.objects.live().public().filter(school=luoshan).count()
    second_page = client.get(index.url, {"page": "2"}).content.decode()
    assert shown_count(second_page, luoshan.name) == before
    make_resource("又一篇教案")  # at 罗山中学: a publish starts the section's generation
    after = shown_count(client.get(index.url).content.decode(), luoshan.name)
    assert after == before + 1
    tagged = client.get(index.url, {"subject": "shuxue", "from": "wx"}).content.decode()
    links = re.findall(r'class="facet__option[^"]*"[^>]*', tagged)
    options = re.findall(r'<a href="(\?[^"]*)" class="facet__option', tagged)
    assert links and options and all("from=wx" in url for url in options)
    plain = client.get(index.url, {"subject": "shuxue"}).content.decode()
    assert not any("from=wx" in url for url in re.findall(r'<a href="(\?[^"]*)"', plain))
