"""The search page's facets, counted together for all the facets from the values the count
reads with each match (SearchListing.combinations): the same numbers as counting each facet
alone over the matching pages in SQL (CombinedFacet.counts), cold, unfiltered and under a
filter on each other facet; a private match counted only for those who may read it; and no
statement of their own."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from wagtail.models import PageViewRestriction

import pytest

import caching
from content.models import Level, ResourcePage, School, StandardPage
from home.models import HomePage
from tests.factories import make_resource
from tests.session_demo import load_demo

pytestmark = pytest.mark.both_databases

QUERY = "数学"


def search(client, **params):
    caching.clear()  # cold, as the first visitor after a change
    response = client.get("/search/", {"q": QUERY, **params})
    assert response.status_code == 200
    return response


def in_sql(listing, facet):
    """The facet's counts as one grouped query over the matches gives them, under the other
    active filters."""
    under = listing.queryset
    for other in listing.facets:
        if other.param in listing.active and other is not facet:
            under = other.apply(under, listing.active[other.param])
    return sorted(facet.counts(under))


def counts(listing, param):
    facet = next(f for f in listing.facets if f.param == param)
    return {label: n for _value, label, n in listing.values_for(facet)}


@pytest.fixture
def site(db):
    load_demo()
    # A private resource among the matches, with every field a facet reads.
    section = StandardPage(title="内部资料", slug="neibu-ziliao")
    HomePage.objects.get().add_child(instance=section)
    section.save_revision().publish()
    PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)
    hidden = make_resource("数学内部资料", level=Level.objects.order_by("pk").first().slug)
    ResourcePage.objects.get(pk=hidden.pk).move(section, pos="last-child")
    return ResourcePage.objects.get(pk=hidden.pk)


@override_settings(PAGE_CACHE_ENABLED=False)
def test_search_facets_count_as_counting_the_matches_in_sql(site, client):
    listing = search(client).context["listing"]
    types = counts(listing, "type")
    assert len(types) >= 3, types  # several page types among the matches
    for facet in listing.facets:
        assert sorted(listing.values_for(facet)) == in_sql(listing, facet), facet.param
    # Under a filter on each facet's most common value, every other facet as SQL counts it.
    for facet in listing.facets:
        value = max(listing.values_for(facet), key=lambda option: option[2])[0]
        filtered = search(client, **{facet.param: value}).context["listing"]
        for other in filtered.facets:
            assert sorted(filtered.values_for(other)) == in_sql(filtered, other), (
                facet.param,
                other.param,
            )


@override_settings(PAGE_CACHE_ENABLED=False)
def test_a_private_match_counts_only_for_a_reader_who_may_see_it(site, client):
    school = School.objects.get(pk=site.school_id)
    anonymous = search(client).context["listing"]
    assert site.pk not in set(anonymous.queryset.values_list("pk", flat=True))
    client.force_login(get_user_model().objects.create_superuser("facet-admin", password="x"))
    teacher = search(client).context["listing"]
    level = Level.objects.get(pk=site.level_id)
    for param, label in [
        ("type", str(ResourcePage._meta.verbose_name)),
        ("school", school.name),
        ("level", level.name),
    ]:
        assert counts(teacher, param)[label] == counts(anonymous, param).get(label, 0) + 1


@override_settings(PAGE_CACHE_ENABLED=False)
@pytest.mark.parametrize("reader", ["anonymous", "teacher"])
def test_the_facets_come_with_the_count_in_one_statement(site, client, reader):
    if reader == "teacher":
        client.force_login(get_user_model().objects.create_superuser("facet-t", password="x"))
    caching.clear()
    with CaptureQueriesContext(connection) as queries:
        listing = search(client).context["listing"]
        groups = listing.groups
    statements = [q["sql"] for q in queries.captured_queries]
    # The index is read to count (with the facets' values) and to rank, and nothing is
    # grouped in SQL: the facets took no statement of their own.
    assert len([sql for sql in statements if "indexentry" in sql and "counted" in sql]) == 1
    assert not [sql for sql in statements if "GROUP BY" in sql]
    total = len(listing.queryset)
    types = next(group for group in groups if group["param"] == "type")
    assert sum(option["count"] for option in types["options"]) == total
    assert (site.pk in {page.pk for page in listing.queryset}) == (reader == "teacher")


@override_settings(PAGE_CACHE_ENABLED=False)
def test_facets_of_matches_counted_past_entries_the_reader_may_not_see(site, client):
    """More index entries than the count limit, fewer matches the visitor may see: the
    values are read for the matches the count found, and the counts are as in SQL."""
    from search.backends.ranked import RankedSearchResults

    second = make_resource("数学内部资料二")
    ResourcePage.objects.get(pk=second.pk).move(site.get_parent(), pos="last-child")
    total = len(search(client).context["listing"].queryset)
    original = RankedSearchResults.COUNT_LIMIT
    # The two private matches' entries make the index's entries reach the limit (one past
    # the count limit), the visitor's matches one short of the count limit.
    RankedSearchResults.COUNT_LIMIT = total + 1
    try:
        response = search(client)
    finally:
        RankedSearchResults.COUNT_LIMIT = original
    listing = response.context["listing"]
    assert listing.counted and response.context["page_obj"].paginator.count == total
    for facet in listing.facets:
        assert sorted(listing.values_for(facet)) == in_sql(listing, facet), facet.param
