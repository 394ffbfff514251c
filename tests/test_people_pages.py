"""成长档案: every person named on the site has a page listing their work, as private as it is."""

import io
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from wagtail.models import Page, PageViewRestriction

import pytest
from openpyxl import load_workbook

from content.models import (
    ForumSessionPage,
    Person,
    RecordingPage,
    ResourceIndexPage,
    ResourcePage,
    School,
    WorkshopPage,
)
from tests.session_demo import load_demo
from tracking.models import OutputRecord

# One of the suite's longest: parallel runs hand it out first (tests/scheduling.py).
pytestmark = pytest.mark.heavy

PERSON_LINK = re.compile(r'href="(/people/[^"/]+/)"')
NOTHING_PUBLIC = "暂无公开的成长档案内容"


@pytest.fixture
def demo(db):
    load_demo(demo_accounts=True)
    return {u.username: u for u in get_user_model().objects.all()}


def public_work(person):
    """Titles of the live public pages that name the person, by the relation that names them."""
    pages = [
        *ResourcePage.objects.live().public().filter(authors=person),
        *RecordingPage.objects.live().public().filter(teacher=person),
        *ForumSessionPage.objects.live().public().filter(speakers=person),
    ]
    return {page.title for page in pages}


def html(response):
    return response.content.decode()


@pytest.mark.both_databases
def test_every_person_named_on_a_demo_page_links_to_a_page_listing_their_public_work(demo, client):
    linked = set()
    for page in Page.objects.live().public().filter(depth__gt=1).specific():
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        linked.update(PERSON_LINK.findall(html(response)))
    assert linked
    person_pages = {}  # each linked page is read once, then checked for the work it lists
    for url in sorted(linked):
        response = client.get(url)
        assert response.status_code == 200, url
        person_pages[url] = html(response)
    named = {p.get_absolute_url(): p for p in Person.objects.filter(live=True)}
    for url, person in named.items():
        work = public_work(person)
        if not work:
            continue
        assert url in linked, f"{person.name} has public work but no page links to {url}"
        page = person_pages[url]
        missing = [title for title in work if title not in page]
        assert not missing, f"{url} does not list {missing}"
    # Leads, members, mentors and apprentices are linked from their workshop pages too.
    workshop = WorkshopPage.objects.live().public().exclude(apprenticeships=None).first()
    pair = workshop.apprenticeships.first()
    workshop_page = html(client.get(workshop.url))
    for person in (workshop.lead, pair.mentor, pair.apprentice):
        assert person.get_absolute_url() in workshop_page


@pytest.mark.both_databases
def test_a_private_page_is_neither_listed_nor_counted_for_those_who_may_not_read_it(demo, client):
    resource = ResourcePage.objects.live().public().exclude(authors=None).first()
    author = resource.authors.first()
    url = author.get_absolute_url()
    before = html(client.get(url))
    assert resource.title in before
    count = re.search(r"教学资源 (\d+) 份", before)
    PageViewRestriction.objects.create(page=resource, restriction_type=PageViewRestriction.LOGIN)

    anonymous = html(client.get(url))
    assert resource.title not in anonymous
    assert resource.url not in anonymous
    shown = re.search(r"教学资源 (\d+) 份", anonymous)
    assert (int(shown.group(1)) if shown else 0) == int(count.group(1)) - 1

    client.force_login(demo["teacher"])
    assert resource.title in html(client.get(url))

    # Made for a group: its members only, not every teacher.
    restriction = PageViewRestriction.objects.get(page=resource)
    restriction.restriction_type = PageViewRestriction.GROUPS
    restriction.save()
    group = Group.objects.create(name="某课题组")
    restriction.groups.add(group)
    assert resource.title not in html(client.get(url))
    demo["teacher"].groups.add(group)
    assert resource.title in html(client.get(url))


@pytest.mark.both_databases
def test_an_output_record_whose_evidence_is_private_is_not_listed(demo, client):
    record = (
        OutputRecord.objects.verified()
        .exclude(people=None)
        .exclude(evidence_page=None)
        .filter(workshop=None)
        .first()
        or OutputRecord.objects.verified().exclude(people=None).first()
    )
    person = record.people.first()
    url = person.get_absolute_url()
    assert record.title in html(client.get(url))
    evidence = record.evidence_page or ResourcePage.objects.live().first()
    if record.evidence_page is None:
        record.evidence_page = evidence
        record.save(update_fields=["evidence_page"])
    PageViewRestriction.objects.create(page=evidence, restriction_type=PageViewRestriction.LOGIN)
    assert record.title not in html(client.get(url))


def test_a_person_with_nothing_public_has_a_page_saying_so(demo, client):
    person = Person(name="测试教师", kind=Person.Kind.TEACHER, school=demo_school())
    person.save()
    person.save_revision().publish()
    assert person.slug == "ceshijiaoshi"
    response = client.get(person.get_absolute_url())
    assert response.status_code == 200
    assert NOTHING_PUBLIC in html(response)
    # A person with work has no such notice.
    lead = WorkshopPage.objects.live().first().lead
    assert NOTHING_PUBLIC not in html(client.get(lead.get_absolute_url()))


def demo_school():
    return School.objects.filter(role="aided").first()


def test_slugs_are_unique_and_stay_when_the_name_changes(demo):
    school = demo_school()
    first = Person.objects.create(name="王芳", kind=Person.Kind.TEACHER, school=school)
    second = Person.objects.create(name="王芳", kind=Person.Kind.TEACHER, school=school)
    assert (first.slug, second.slug) == ("wangfang", "wangfang-2")
    first.name = "王芳芳"
    first.save()
    first.refresh_from_db()
    assert first.slug == "wangfang"


def test_a_draft_person_is_named_without_a_link_and_has_no_page(demo, client):
    recording = RecordingPage.objects.live().public().first()
    teacher = recording.teacher
    Person.objects.filter(pk=teacher.pk).update(live=False)
    page = html(client.get(recording.url))
    assert teacher.name in page
    assert teacher.get_absolute_url() not in page
    assert client.get(teacher.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/people/nobody-here/",
        "/people/%E7%8E%8B%E8%8A%B3/",
        "/people/huangzhiqiang/extra/",
        "/people/huangzhiqiang'/",
        "/people/%00/",
        "/people/nobody-here/portfolio.xlsx",
    ],
)
def test_odd_addresses_get_not_found(demo, client, path):
    if path.endswith(".xlsx"):
        client.force_login(demo["office"])
    assert client.get(path).status_code == 404


def test_the_office_exports_a_portfolio_others_cannot(demo, client):
    lead = WorkshopPage.objects.live().first().lead
    export = f"{lead.get_absolute_url()}portfolio.xlsx"

    response = client.get(export)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert export not in html(client.get(lead.get_absolute_url()))

    client.force_login(demo["teacher"])
    assert export not in html(client.get(lead.get_absolute_url()))
    assert client.get(export).status_code == 403

    client.force_login(demo["office"])
    assert export in html(client.get(lead.get_absolute_url()))
    response = client.get(export)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["成长档案", "计入目标"]
    rows = list(book["成长档案"].iter_rows(values_only=True))
    assert rows[0][:3] == ("年份", "类别", "名称")
    titles = {row[2] for row in rows[1:]}
    assert public_work(lead) <= titles
    outputs = set(
        OutputRecord.objects.verified().filter(people=lead).values_list("title", flat=True)
    )
    assert outputs <= titles
    if outputs:
        assert list(book["计入目标"].iter_rows(values_only=True))[1:]


def test_the_people_list_in_the_admin_links_portfolios(demo, client):
    lead = WorkshopPage.objects.live().first().lead
    client.force_login(demo["admin"])
    listing = html(client.get("/admin/snippets/content/person/"))
    assert f'href="{lead.get_absolute_url()}"' in listing
    assert f'href="{lead.get_absolute_url()}portfolio.xlsx"' in listing


@override_settings(PAGE_CACHE_ENABLED=True)
def test_the_page_is_cached_for_visitors_and_shows_a_change_at_once(demo, client):
    resource = ResourcePage.objects.live().public().exclude(authors=None).first()
    url = resource.authors.first().get_absolute_url()
    client.get(url)
    cached = client.get(url)
    assert cached["X-Page-Cache"] == "hit"
    assert resource.title in html(cached)
    resource.unpublish()
    fresh = client.get(url)
    assert fresh["X-Page-Cache"] == "miss"
    assert resource.title not in html(fresh)


@override_settings(PAGE_CACHE_ENABLED=False)
def test_queries_do_not_grow_with_the_work_listed(demo, client):
    lead = WorkshopPage.objects.live().first().lead
    url = lead.get_absolute_url()

    def count():
        client.get(url)  # warms the shared fragments
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    parent = ResourceIndexPage.objects.get()
    template = ResourcePage.objects.live().filter(authors=lead).first()
    for n in range(5):
        page = ResourcePage(
            title=f"成长档案测试资源{n}",
            summary="测试",
            resource_type=template.resource_type,
            stage=template.stage,
            subject=template.subject,
        )
        parent.add_child(instance=page)
        page.authors.add(lead)
        page.save_revision().publish()
    after = count()
    assert "成长档案测试资源4" in html(client.get(url))
    assert after == before
    assert after <= 12
