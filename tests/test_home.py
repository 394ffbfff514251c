"""The home page and section pages as a visitor sees them."""

import datetime
from unittest.mock import patch

from django.db import connection
from django.test import RequestFactory, TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import PageViewRestriction

import pytest

import caching
from caching.models import KeptCard
from content.models import (
    ActivityIndexPage,
    ActivityPage,
    ForumIndexPage,
    NewsIndexPage,
    NewsPage,
    ResourcePage,
)
from home.models import HomePage, KeyFigure, listed
from portal.models import PortalSettings
from tests.session_demo import load_demo

SECTION_TITLES = ["工作室", "教学资源", "课堂实录", "全域教育论坛", "新闻动态", "教研活动"]


class HomeAndSectionPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)

    def test_home_page_is_chinese(self):
        response = self.client.get("/")
        html = response.content.decode()
        assert response.status_code == 200
        assert response["Content-Language"] == "zh-hans"
        assert '<html lang="zh-Hans">' in html
        assert "<title>红寺堡教育帮扶门户</title>" in html
        assert "红寺堡区教育人才“组团式”帮扶" in html
        assert "红寺堡区罗山中学" in html

    def test_home_page_leads_to_every_section_and_search(self):
        response = self.client.get("/")
        html = response.content.decode()
        for title in SECTION_TITLES:
            # once in the main navigation, once as an entry card
            assert html.count(f">{title}</a>") == 2, title
        assert 'action="/search/"' in html
        assert 'name="q"' in html
        assert ">关于项目</a>" in html

    def test_home_page_shows_the_plans_key_figures(self):
        html = self.client.get("/").content.decode()
        assert "19<small>项</small>" in html
        assert "帮扶措施" in html

    def test_key_figures_follow_publishing_the_home_page(self):
        self.client.get("/")  # the figures are now cached
        home = HomePage.objects.get()
        home.key_figures.add(KeyFigure(value="42", unit="所", label="结对学校"))
        home.save_revision()
        assert "42<small>所</small>" not in self.client.get("/").content.decode()  # a draft
        home.get_latest_revision().publish()
        assert "42<small>所</small>" in self.client.get("/").content.decode()

    def test_an_activity_still_running_is_upcoming_however_long_ago_it_began(self):
        self.client.get("/")  # the longest activity so far is now known
        now, day = timezone.now(), datetime.timedelta(days=1)
        index = ActivityIndexPage.objects.get()
        for title, start, end in [
            ("跨学期教师研修班", now - 60 * day, now + day),
            ("已结束的研修班", now - 90 * day, now - day),
        ]:
            page = ActivityPage(
                title=title,
                activity_type="training",
                start=start,
                end=end,
                location="教师发展中心",
                organiser="“组团式”教育帮扶团队",
                summary=f"{title}的简介",
            )
            index.add_child(instance=page)
            page.save_revision().publish()
        home = self.client.get("/").content.decode()
        upcoming = home.split('id="upcoming-heading"')[1]
        assert "跨学期教师研修班" in upcoming
        assert "已结束的研修班" not in upcoming
        calendar = self.client.get(index.url).content.decode()
        assert (
            "跨学期教师研修班"
            in calendar.split('id="upcoming-heading"')[1].split('id="listing-heading"')[0]
        )

    def test_home_lists_are_shared_yet_show_a_publication_at_once(self):
        self.client.get("/")  # the lists are now cached
        with CaptureQueriesContext(connection) as queries:
            self.client.get("/")
        assert not [q for q in queries.captured_queries if "content_newspage" in q["sql"]]
        index = NewsIndexPage.objects.get()
        news = NewsPage(
            title="罗山中学举行教学开放周",
            date=timezone.localdate(),
            category="aid_news",
            introduction="福建帮扶团队与罗山中学教师同台上课。",
        )
        index.add_child(instance=news)
        news.save_revision()
        assert "罗山中学举行教学开放周" not in self.client.get("/").content.decode()
        news.get_latest_revision().publish()
        assert "罗山中学举行教学开放周" in self.client.get("/").content.decode()

    def test_unpublished_section_leaves_menu_and_home(self):
        ForumIndexPage.objects.get().unpublish()
        html = self.client.get("/").content.decode()
        assert "全域教育论坛</a>" not in html
        assert self.client.get("/forum/").status_code == 404

    def test_footer_comes_from_the_site_setting(self):
        settings = PortalSettings.objects.get()
        settings.organisation_name = "红寺堡区教育局（测试）"
        settings.phone = "0953-1234567"
        settings.icp_number = "宁ICP备12345678号"
        settings.save()
        html = self.client.get("/").content.decode()
        assert "主办单位：红寺堡区教育局（测试）" in html
        assert "联系电话：0953-1234567" in html
        assert "宁ICP备12345678号" in html

    def test_section_page_has_breadcrumbs_title_and_empty_state(self):
        response = self.client.get("/workshops/")
        html = response.content.decode()
        assert response.status_code == 200
        assert "<title>工作室 - 红寺堡教育帮扶门户</title>" in html
        assert 'aria-label="面包屑导航"' in html
        assert '<a href="/">首页</a>' in html
        assert '<span aria-current="page">工作室</span>' in html
        assert "暂无工作室" in html

    def test_pages_are_accessible_by_construction(self):
        for url in ["/", "/about/", "/resources/"]:
            html = self.client.get(url).content.decode()
            assert '<a class="skip-link" href="#main">跳到正文</a>' in html, url
            assert '<main id="main"' in html, url
            assert 'aria-label="主导航"' in html, url
            assert html.count("<h1") == 1, url

    def test_about_page_summarises_the_plan(self):
        html = self.client.get("/about/").content.decode()
        assert "19项帮扶措施分为六组" in html
        assert "每季度开展一次全域教育论坛" in html


@pytest.mark.django_db
def test_header_offers_login_and_then_shows_who_is_logged_in(demo_site, client):
    from django.contrib.auth import get_user_model
    from django.http import HttpRequest

    response = client.get("/resources/?subject=wuli")
    assert '<a href="/_util/login/?next=/resources/%3Fsubject%3Dwuli" rel="nofollow">登录</a>' in (
        response.text
    )
    get_user_model().objects.create_user("laoshi", password="Pw-laoshi-2026", first_name="李老师")
    assert client.login(request=HttpRequest(), username="laoshi", password="Pw-laoshi-2026")
    response = client.get("/")
    assert '<span class="site-account__name">李老师</span>' in response.text
    assert ">登录</a>" not in response.text
    assert ">退出</button>" in response.text


@pytest.mark.both_databases
@pytest.mark.django_db
def test_the_longest_activity_is_read_from_an_index_not_from_every_activity():
    # A cold home page asks for it (ActivityPage.upcoming): computing every activity's
    # duration cost 2 ms at 5,000 activities.
    with CaptureQueriesContext(connection) as queries:
        ActivityPage._longest_duration()
    (statement,) = [q["sql"] for q in queries.captured_queries]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # An empty table is read whole: what counts is that the index can answer. (Nor
            # from the upcoming activities' index on (start, end), which holds both columns:
            # on an empty table that looks as cheap.)
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexonlyscan = off")
            cursor.execute(f"EXPLAIN {statement}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {statement}")
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "content_activity_duration" in plan, plan


@pytest.mark.both_databases
def test_each_section_card_shows_its_summary_as_last_published(demo_site, client):
    news = NewsIndexPage.objects.get()
    html = client.get("/").content.decode()
    assert news.listing_summary and news.listing_summary in html
    # The statement is kept from one request to the next, its answer never is.
    news.listing_summary = "帮扶工作的最新进展"
    news.save_revision().publish()
    html = client.get("/").content.decode()
    assert "帮扶工作的最新进展" in html.split('id="sections-title"')[1]


def _upcoming_titles(html):
    """The home page's upcoming activities ("" when it shows none)."""
    return html.partition('id="upcoming-heading"')[2].split("</section>")[0]


@pytest.mark.both_databases
def test_home_lists_statements_made_once_follow_each_request_and_private_sections(
    demo_site, client
):
    # The upcoming activities and the newest resources are read by statements made once
    # per process (home.models.listed): the request's time and the private sections must
    # still be the ones each request reads with.
    caching.clear()
    now, hour = timezone.now(), datetime.timedelta(hours=1)
    index = ActivityIndexPage.objects.get()
    page = ActivityPage(
        title="即将开始的同课异构",
        activity_type="training",
        start=now + hour,
        end=now + 2 * hour,
        location="教师发展中心",
        organiser="“组团式”教育帮扶团队",
        summary="简介",
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    caching.clear()
    assert "即将开始的同课异构" in _upcoming_titles(client.get("/").content.decode())
    # Its card kept with the stamp the next cold home page compares (an aware time).
    kept = KeptCard.objects.get(page_id=page.pk, template=ActivityIndexPage.card_template)
    page.refresh_from_db()
    assert kept.published == page.last_published_at
    # Read again with a later time (the same statement): over by then.
    home = HomePage.objects.get()
    request = RequestFactory().get("/", HTTP_HOST="localhost")
    with caching.request_scope(), patch("home.models.timezone.now", return_value=now + 3 * hour):
        caching.clear()
        upcoming = home.shared_lists(request)["upcoming"]
    assert page.pk not in [activity.pk for activity in upcoming]
    expected = ActivityPage.upcoming(home.activities(None), now + 3 * hour)[:20]
    assert [a.pk for a in upcoming] == [a.pk for a in expected]
    # The section made private: its activities leave the home page's lists.
    PageViewRestriction.objects.create(page=index, restriction_type="login")
    with caching.request_scope():
        caching.clear()
        upcoming = home.shared_lists(request)["upcoming"]
    assert page.pk not in [activity.pk for activity in upcoming]
    assert "即将开始的同课异构" not in _upcoming_titles(client.get("/").content.decode())


@pytest.mark.both_databases
def test_home_lists_read_once_made_are_the_orms_objects(demo_site, rf):
    request = rf.get("/", HTTP_HOST="localhost")
    caching.clear()
    with caching.request_scope():
        for _ in range(2):  # the statement made, then reused
            lists = demo_site.shared_lists(request)
            for objects, expected in [
                (lists["resources"], ResourcePage.newest_first()[:5]),
                (
                    lists["upcoming"],
                    ActivityPage.upcoming(demo_site.activities(request))[: HomePage.UPCOMING_KEPT],
                ),
            ]:
                expected = list(expected)
                assert [type(o) for o in objects] == [type(o) for o in expected]
                assert [o.pk for o in objects] == [o.pk for o in expected]
                for made, read in zip(objects, expected, strict=True):
                    assert made.get_deferred_fields() == read.get_deferred_fields()
                    for name, value in vars(read).items():
                        if name != "_state":
                            assert getattr(made, name) == value, name
        figures = demo_site.key_figures.all()
        made = listed(KeyFigure, ("figures", demo_site.pk), figures.all)
        assert [(f.pk, f.value, f.label) for f in made] == [
            (f.pk, f.value, f.label) for f in figures
        ]
