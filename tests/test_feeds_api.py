"""Feeds, the API and the QR endpoint: what other sites and phones read, private pages never."""

import xml.etree.ElementTree as ET

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction

from content.models import (
    ActivityPage,
    ForumSessionPage,
    NewsPage,
    RecordingPage,
    ResourcePage,
)
from tests.session_demo import load_demo

ATOM = "{http://www.w3.org/2005/Atom}"


class FeedsApiQrTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def hide(self, page):
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)

    def rss_titles(self, url):
        response = self.client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/rss+xml")
        return [item.findtext("title") for item in ET.fromstring(response.content).iter("item")]

    def test_news_feed_newest_first(self):
        titles = self.rss_titles("/feeds/news/")
        assert len(titles) == 12
        assert titles[0] == "福建派出学校校长来校实地指导"

    def test_atom_feed_for_resources(self):
        response = self.client.get("/feeds/resources/atom/")
        assert response["Content-Type"].startswith("application/atom+xml")
        root = ET.fromstring(response.content)
        entries = root.findall(f"{ATOM}entry")
        assert len(entries) == 30
        link = entries[0].find(f"{ATOM}link").get("href")
        assert link.startswith("http://testserver/resources/")

    def test_workshop_feed_matches_its_page(self):
        titles = self.rss_titles("/feeds/workshops/wuli-mingshi/")
        assert "牛顿第二定律 教学设计" in titles  # by its lead
        assert "远程教研：电磁感应复习课研讨" in titles  # taught by its lead
        assert "同课异构：电磁感应" in titles  # activity naming the workshop
        assert self.client.get("/feeds/workshops/no-such-workshop/").status_code == 404

    def test_feeds_leave_out_private_and_unpublished_pages(self):
        self.hide(NewsPage.objects.get(slug="zhijiao-lianmeng"))
        NewsPage.objects.get(slug="luntan-diyiqi").unpublish()
        self.hide(RecordingPage.objects.get(slug="ycjy-wuli-dianci"))
        titles = self.rss_titles("/feeds/news/")
        assert "闽宁协作职教联盟推进会召开" not in titles
        assert "第一期全域教育论坛举行" not in titles
        assert "远程教研：电磁感应复习课研讨" not in self.rss_titles("/feeds/recordings/")
        assert "远程教研：电磁感应复习课研讨" not in self.rss_titles(
            "/feeds/workshops/wuli-mingshi/"
        )

    def test_api_exposes_resource_fields_by_name(self):
        response = self.client.get(
            "/api/v2/pages/",
            {"type": "content.ResourcePage", "slug": "hanshu-dandiaoxing-jiaoan", "fields": "*"},
        )
        item = response.json()["items"][0]
        assert item["resource_type"] == "教案"
        assert item["subject"] == "数学"
        assert item["grade"] == "高一"
        assert item["textbook_edition"] == "人教A版"
        assert item["authors"] == ["林建华", "马文静"]
        assert "集体备课" in item["tags"]
        document = item["documents"][0]["document"]
        assert document["meta"]["download_url"].endswith(".docx")

    def test_api_exposes_recording_and_activity_fields(self):
        recording = self.client.get(
            "/api/v2/pages/",
            {"type": "content.RecordingPage", "slug": "jpk-hanshu-dandiaoxing", "fields": "*"},
        ).json()["items"][0]
        assert recording["kind_label"] == "精品课"
        assert recording["level"] == "市级"
        assert recording["teacher"] == "马文静"
        assert {d["role"] for d in recording["documents"]} == {"design", "reflection"}
        activity = self.client.get(
            "/api/v2/pages/",
            {"type": "content.ActivityPage", "slug": "2023-10-tongke-yigou", "fields": "*"},
        ).json()["items"][0]
        assert activity["activity_type_label"] == "同课异构"
        assert activity["start"].startswith("2023-10-17T09:00:00+08:00")

    def test_api_never_lists_private_pages(self):
        hidden = ResourcePage.objects.get(slug="niangjiu-kebiao")
        self.hide(hidden)
        listing = self.client.get("/api/v2/pages/", {"type": "content.ResourcePage"}).json()
        assert listing["meta"]["total_count"] == 29
        by_slug = self.client.get("/api/v2/pages/", {"slug": "niangjiu-kebiao"}).json()
        assert by_slug["items"] == []
        assert self.client.get(f"/api/v2/pages/{hidden.pk}/").status_code == 404

    def test_api_search_keeps_private_pages_out_without_asking_for_restrictions(self):
        # Anonymous visitors' pages come from the cached list of private sections: Wagtail's
        # query for the restrictions, and with type= its `pk IN (every public page)`, cost
        # a search 10-40 ms at 50,000 pages.
        hidden = ResourcePage.objects.get(slug="niangjiu-kebiao")
        doors = ({}, {"type": "content.ResourcePage"})

        def search(params):
            response = self.client.get("/api/v2/pages/", {"search": "酿造工艺", **params})
            return response.json()

        for params in doors:
            assert hidden.pk in [item["id"] for item in search(params)["items"]], params
        self.hide(hidden)
        search({})  # the list of private sections, cached again
        for params in doors:
            with CaptureQueriesContext(connection) as captured:
                found = search(params)
            assert hidden.pk not in [item["id"] for item in found["items"]], params
            assert found["meta"]["total_count"] == 0, params
            statements = " ".join(q["sql"] for q in captured.captured_queries)
            assert "wagtailcore_pageviewrestriction" not in statements, params

    def test_api_listing_reads_what_it_shows_once_for_all_its_pages(self):
        # Wagtail's serializers read a page's keys, authors and attachments page by page:
        # 101 statements for 10 resources with fields=*. Only the tags, which Wagtail's
        # TagsField sorts in the database, are still one query per page.
        def listing(model, limit):
            params = {"type": model._meta.label, "fields": "*", "limit": limit}
            self.client.get("/api/v2/pages/", params)  # the shared lists, warm
            with CaptureQueriesContext(connection) as captured:
                found = self.client.get("/api/v2/pages/", params).json()
            statements = [q["sql"] for q in captured.captured_queries]
            return found["items"], [sql for sql in statements if "taggit_tag" not in sql]

        for model in (ResourcePage, RecordingPage, NewsPage, ActivityPage, ForumSessionPage):
            _one, few_statements = listing(model, 1)
            items, statements = listing(model, 20)
            assert len(items) > 1, model
            assert len(statements) == len(few_statements), (model, statements)
            for item in items:  # shown as the page's own view (detail) shows it
                detail = self.client.get(f"/api/v2/pages/{item['id']}/", {"fields": "*"})
                detail = detail.json()
                del detail["meta"]["parent"]
                assert item == detail, model

    def test_qr_code_is_an_svg_for_public_pages_only(self):
        page = RecordingPage.objects.get(slug="jpk-hanshu-dandiaoxing")
        response = self.client.get(f"/share/{page.pk}/qr.svg")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml"
        assert response.content.startswith(b"<svg")
        html = self.client.get(page.url).content.decode()
        assert f'src="/share/{page.pk}/qr.svg"' in html
        assert 'value="http://testserver/recordings/jpk-hanshu-dandiaoxing/"' in html

        self.hide(page)
        assert self.client.get(f"/share/{page.pk}/qr.svg").status_code == 404
        page.unpublish()
        assert self.client.get(f"/share/{page.pk}/qr.svg").status_code == 404
