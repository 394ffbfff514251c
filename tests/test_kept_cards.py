"""Cards kept in the database (caching.cards): a cold listing shows its pages' cards without
rendering them, and every change to what a card shows is on the next cold listing.

"Cold" is every shared cache emptied before the request (caching.clear), as for the first
visitor after a change. Each input a card shows has its test: the change, then the listing
as a visitor gets it with nothing cached.
"""

import datetime
import io

from django.core.files.images import ImageFile
from django.db import connection
from django.template.loader import get_template
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wagtail.images import get_image_model
from wagtail.models import Site

import pytest
from PIL import Image as PILImage

import caching
from caching import cards
from caching.models import KeptCard
from content.models import (
    NewsIndexPage,
    NewsPage,
    Person,
    RecordingPage,
    ResourceIndexPage,
    ResourceType,
    School,
    Subject,
    WorkshopPage,
)
from privacy.images import move_image
from tests.factories import make_recording, make_resource
from tests.session_demo import load_demo

# Kept cards are SQL of their own (a subquery beside the listing's rows): both databases.
pytestmark = [pytest.mark.both_databases, pytest.mark.django_db]

RESOURCE_CARD = "components/resource_card.html"
RECORDING_CARD = "components/recording_card.html"


@pytest.fixture
def demo():
    load_demo()
    caching.clear()


def cold(client, url):
    caching.clear()
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def html(response):
    return response.content.decode()


def card_of(listing, title):
    """The card (its <article>) showing this title in a listing's HTML."""
    end = listing.index(title)
    start = listing.rindex("<article", 0, end)
    return listing[start : listing.index("</article>", end)]


def card_templates(response):
    return [t.name for t in response.templates if t.name and t.name.startswith("components/")]


def republish(page, **changes):
    page = type(page).objects.get(pk=page.pk)
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return page


def png(colour):
    buffer = io.BytesIO()
    PILImage.new("RGB", (640, 360), colour).save(buffer, "PNG")
    return ImageFile(buffer, name=f"{colour}.png")


def test_a_cold_listing_shows_its_kept_cards_without_rendering_them(demo):
    client = Client()
    first = cold(client, "/resources/")
    assert RESOURCE_CARD in card_templates(first)  # made once, and kept
    assert KeptCard.objects.filter(template=RESOURCE_CARD).count() == 20
    with CaptureQueriesContext(connection) as queries:
        again = cold(client, "/resources/")
    assert RESOURCE_CARD not in card_templates(again)
    assert html(again) == html(first)
    assert not [q for q in queries.captured_queries if "INSERT" in q["sql"].upper()]
    # The home page, the recordings and a workshop keep theirs too.
    workshop = WorkshopPage.objects.live().public().order_by("pk").first().url
    for url in ["/", "/recordings/", "/news/", "/activities/", workshop]:
        cold(client, url)
        assert not [t for t in card_templates(cold(client, url)) if t.endswith("_card.html")], url


def test_a_title_published_shows_at_once(demo):
    client = Client()
    resource = make_resource("楞次定律教学设计")
    assert "楞次定律教学设计" in html(cold(client, "/resources/"))
    republish(resource, title="楞次定律教学设计（修订）")
    assert "楞次定律教学设计（修订）" in html(cold(client, "/resources/"))


def test_a_page_saved_without_publishing_shows_at_once(demo):
    client = Client()
    resource = make_resource("函数单调性练习")
    cold(client, "/resources/")
    resource = type(resource).objects.get(pk=resource.pk)
    resource.summary = "只在代码里改过的简介"
    resource.save()  # as a script or a data fix would, without a revision
    assert "只在代码里改过的简介" in html(cold(client, "/resources/"))


def test_a_new_address_of_the_page_or_its_section_shows_at_once(demo):
    client = Client()
    resource = make_resource("电磁感应课件")
    cold(client, "/resources/")
    resource = republish(resource, slug="dianci-ganying-new")
    assert 'href="/resources/dianci-ganying-new/"' in html(cold(client, "/resources/"))
    index = ResourceIndexPage.objects.get()
    republish(index, slug="ziyuan")  # the descendants' addresses change, not their rows
    listing = html(cold(client, "/ziyuan/"))
    assert 'href="/ziyuan/dianci-ganying-new/"' in listing
    assert 'href="/resources/' not in listing


def test_a_card_written_from_the_old_page_after_a_publish_is_not_shown(demo):
    """Another process rendered the card before the publish and kept it after the commit:
    its stamp is the old one, so the listing renders the card afresh."""
    client = Client()
    resource = make_resource("牛顿第二定律")
    cold(client, "/resources/")
    stale = KeptCard.objects.get(page=resource, template=RESOURCE_CARD)
    republish(resource, title="牛顿第二定律（新）")
    KeptCard.objects.filter(page=resource).delete()
    stale.pk = None
    stale.save()  # the slow process's write, after the publish
    assert "牛顿第二定律（新）" in html(cold(client, "/resources/"))


@pytest.mark.parametrize(
    "model, key, field, value",
    [
        (Subject, "subject_id", "name", "数学（新名）"),
        (School, "school_id", "short_name", "罗山新校"),
        (ResourceType, "resource_type_id", "name", "教学设计（新）"),
    ],
)
def test_a_reference_list_name_shows_at_once(demo, model, key, field, value):
    client = Client()
    resource = make_resource("二次函数图像")
    cold(client, "/resources/")
    row = model.objects.get(pk=getattr(resource, key))
    setattr(row, field, value)
    row.save()
    # In the card itself: the facets beside the listing show the names too.
    assert value in card_of(html(cold(client, "/resources/")), "二次函数图像")


def test_a_teacher_renamed_shows_on_the_recordings_at_once(demo):
    client = Client()
    recording = make_recording("平抛运动示范课", lesson_date=datetime.date(2030, 1, 1))
    assert "平抛运动示范课" in html(cold(client, "/recordings/"))
    teacher = Person.objects.get(pk=recording.teacher_id)
    teacher.name = "马文静（改名）"
    teacher.save()
    assert "马文静（改名）" in card_of(html(cold(client, "/recordings/")), "平抛运动示范课")


def poster_src(listing, image):
    rendition = image.get_rendition("fill-480x270|format-webp")
    return rendition.url, rendition.url in listing


def test_a_poster_changed_deleted_or_moved_shows_at_once(demo):
    client = Client()
    image = get_image_model().objects.create(title="海报", file=png("red"))
    make_recording("海报测试课", poster=image, lesson_date=datetime.date(2030, 1, 1))
    listing = html(cold(client, "/recordings/"))
    url, shown = poster_src(listing, image)
    assert shown
    # Its renditions deleted (wagtail_update_image_renditions --purge-only): made again.
    image.renditions.all().delete()
    listing = html(cold(client, "/recordings/"))
    assert poster_src(listing, image)[1]
    # Its file replaced: the new rendition's address.
    image = get_image_model().objects.get(pk=image.pk)
    image.file = png("blue")
    image.save()
    image.renditions.all().delete()
    listing = html(cold(client, "/recordings/"))
    new_url, shown = poster_src(listing, image)
    assert shown and new_url != url
    # Moved to the private folder and back (privacy.images): the address it has now.
    move_image(get_image_model().objects.get(pk=image.pk), True)
    listing = html(cold(client, "/recordings/"))
    assert poster_src(listing, get_image_model().objects.get(pk=image.pk))[1]
    # Its image deleted: the placeholder, not a broken address.
    get_image_model().objects.get(pk=image.pk).delete()
    assert new_url not in html(cold(client, "/recordings/"))


def test_a_news_item_published_shows_on_the_home_page_at_once(demo):
    client = Client()
    news = NewsPage.objects.live().order_by("-date").first()
    assert news.title in html(cold(client, "/"))
    republish(news, title="首页新闻标题已改", date=datetime.date(2031, 1, 1))
    assert "首页新闻标题已改" in html(cold(client, "/"))
    assert "首页新闻标题已改" in html(cold(client, NewsIndexPage.objects.get().url))


def test_a_site_changed_forgets_every_card(demo):
    client = Client()
    cold(client, "/resources/")
    assert KeptCard.objects.exists()
    site = Site.objects.get(is_default_site=True)
    site.site_name = site.site_name + "（新）"
    site.save()
    assert not KeptCard.objects.exists()
    first = cold(client, "/resources/")
    assert RESOURCE_CARD in card_templates(first)


def test_recording_cards_are_kept_per_page(demo):
    client = Client()
    cold(client, "/recordings/")
    listed = set(
        RecordingPage.objects.live().public().order_by("-lesson_date").values_list("pk", flat=True)
    )
    kept = set(KeptCard.objects.filter(template=RECORDING_CARD).values_list("page_id", flat=True))
    assert kept and kept <= listed


def test_cards_kept_by_an_older_version_are_not_shown(demo):
    """A deploy that changes a card's template, the code or the settings gives its cards a
    new version (caching.cards.card_version): those kept before are made again."""
    client = Client()
    cold(client, "/resources/")
    KeptCard.objects.update(version="before-the-deploy", html="<article>旧卡片</article>")
    listing = cold(client, "/resources/")
    assert "旧卡片" not in html(listing)
    assert RESOURCE_CARD in card_templates(listing)
    # What a card includes is part of its version: a teacher's link on a recording's card.
    template = get_template(RECORDING_CARD).template
    assert "components/person_link.html" in cards.included_templates(template.nodelist)
