"""What other sites and WeChat see of the portal: share-card meta tags and the sitemap."""

import re

from django.test import TestCase

from wagtail.models import Page, PageViewRestriction, Site

from content.models import RecordingPage, ResourcePage
from tests.session_demo import load_demo


def meta(html, prop):
    found = re.search(rf'<meta (?:property|name)="{prop}" content="([^"]*)">', html)
    return found.group(1) if found else None


class SharingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def test_every_page_has_a_share_card(self):
        for url in ["/", "/about/", "/resources/", "/recordings/jpk-hanshu-dandiaoxing/"]:
            with self.subTest(url=url):
                html = self.client.get(url).content.decode()
                assert meta(html, "og:title"), url
                assert meta(html, "og:description"), url
                assert meta(html, "description") == meta(html, "og:description")
                assert meta(html, "og:url") == f"http://testserver{url}"
                assert f'<link rel="canonical" href="http://testserver{url}">' in html

    def test_recording_card_uses_its_poster_at_an_absolute_url(self):
        html = self.client.get("/recordings/jpk-hanshu-dandiaoxing/").content.decode()
        assert meta(html, "og:title") == "市级精品课：函数的单调性"
        assert meta(html, "og:description").startswith("罗山中学青年教师")
        assert re.fullmatch(
            r"http://testserver/media/images/jpk-hanshu-dandiaoxing[\w.]*\.fill-1200x630\.png",
            meta(html, "og:image"),
        )

    def test_sitemap_lists_public_live_pages_only(self):
        private = ResourcePage.objects.get(slug="niangjiu-kebiao")
        PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
        RecordingPage.objects.get(slug="sfk-qixiu-fadongji").unpublish()

        response = self.client.get("/sitemap.xml")
        locations = re.findall(r"<loc>([^<]+)</loc>", response.content.decode())

        assert response.status_code == 200
        assert "http://testserver/resources/hanshu-dandiaoxing-jiaoan/" in locations
        assert "http://testserver/recordings/jpk-hanshu-dandiaoxing/" in locations
        assert "http://testserver/resources/niangjiu-kebiao/" not in locations
        assert "http://testserver/recordings/sfk-qixiu-fadongji/" not in locations
        site_root = Site.objects.get(is_default_site=True).root_page
        visible = Page.objects.live().public().descendant_of(site_root, inclusive=True)
        assert len(locations) == visible.count()
        # home, 6 sections, 帮扶成效 and 关于项目; workshops, resources, recordings, 同课异构,
        # forums, news, activities; less the two hidden
        assert len(locations) == 9 + 5 + 30 + 10 + 1 + 4 + 12 + 31 - 2

    def test_pages_without_a_summary_describe_themselves_from_their_own_text(self):
        news = self.client.get("/news/bangfu-tuandui-daowei/").content.decode()
        assert meta(news, "description").startswith("“组团式”教育帮扶团队抵达红寺堡区")
        activity = self.client.get("/activities/2023-10-tongke-yigou/").content.decode()
        assert meta(activity, "og:description") == "三位教师同课异构，全区数学教师观摩。"
