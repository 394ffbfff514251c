"""Workshops, 同课异构 sets, forum sessions, news, activities and collections as visitors see
them; the calendar's iCal output read back with the icalendar library."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import PageViewRestriction
from wagtail.test.utils import WagtailPageTestCase

import pytest
from icalendar import Calendar

from content.models import (
    ActivityIndexPage,
    ActivityPage,
    CollectionPage,
    ForumIndexPage,
    ForumSessionPage,
    LessonStudyPage,
    NewsIndexPage,
    NewsPage,
    Person,
    RecordingIndexPage,
    RecordingPage,
    ResourcePage,
    School,
    StandardPage,
    Subject,
    WorkshopIndexPage,
    WorkshopPage,
)
from home.models import HomePage
from tests.factories import publish
from tests.session_demo import load_demo
from tests.test_library import facet, titles


class CreationRulesTests(WagtailPageTestCase):
    def test_each_detail_page_lives_in_its_section(self):
        self.assertAllowedParentPageTypes(WorkshopPage, {WorkshopIndexPage})
        self.assertAllowedParentPageTypes(LessonStudyPage, {RecordingIndexPage})
        self.assertAllowedParentPageTypes(ForumSessionPage, {ForumIndexPage})
        self.assertAllowedParentPageTypes(NewsPage, {NewsIndexPage})
        self.assertAllowedParentPageTypes(ActivityPage, {ActivityIndexPage, WorkshopPage})
        self.assertAllowedParentPageTypes(CollectionPage, {HomePage, StandardPage})

    def test_a_workshop_is_a_section_of_its_own(self):
        self.assertAllowedSubpageTypes(WorkshopPage, {ResourcePage, RecordingPage, ActivityPage})
        for leaf in [NewsPage, ActivityPage, ForumSessionPage, LessonStudyPage, CollectionPage]:
            self.assertAllowedSubpageTypes(leaf, set())


class ProgrammePagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def get(self, url, **params):
        response = self.client.get(url, params)
        assert response.status_code == 200, url
        return response

    def test_workshop_page_lists_its_people_and_work(self):
        html = self.get("/workshops/mingxiaozhang/").content.decode()
        assert "<h1>林建华名校长工作室</h1>" in html
        assert (
            '<td><a href="/people/linjianhua/">林建华</a></td>'
            '<td><a href="/people/mawenjing/">马文静</a></td><td>2023年3月15日</td>' in html
        )
        assert "高一数学集体备课：函数的概念" in html  # an activity naming the workshop
        assert "三角函数的图象与性质 教学设计" in html  # a resource by its lead
        assert "示范课：三角函数的图象与性质" in html  # a recording by its lead

    def test_workshop_index_shows_every_kind(self):
        html = self.get("/workshops/").content.decode()
        for kind in ["名校长工作室", "名班主任工作室", "名师工作室", "企业德育导师工作室"]:
            assert f'<span class="badge">{kind}</span>' in html

    def test_lesson_study_shows_the_lessons_side_by_side(self):
        html = self.get("/recordings/tkyg-hanshu-dandiaoxing/").content.decode()
        columns = re.findall(
            r'<li class="compare__column">.*?<h3><a href="[^"]+">([^<]+)</a>', html, re.S
        )
        assert columns == ["林建华", "王丽", "马文静"]
        assert html.count('<span class="document-link__title">教学设计</span>') == 3
        assert "比较与评价" in html
        assert "同课异构：函数的单调性" in self.get("/recordings/").content.decode()

    def test_forum_session_has_agenda_slides_and_speakers(self):
        html = self.get("/forum/2024-q2/").content.decode()
        assert "<td>09:00</td><td>示范课观摩</td><td>林建华</td>" in html
        assert (
            '<dt>主讲人</dt><dd><a href="/people/linjianhua/">林建华</a>、'
            '<a href="/people/huangzhiqiang/">黄志强</a></dd>' in html
        )
        assert '<span class="document-link__type">DOCX</span>' in html
        assert "示范课：三角函数的图象与性质" in html
        assert "2024年第二季度" in html
        assert (
            len(re.findall(r'class="item-card__title"', self.get("/forum/").content.decode())) == 4
        )

    def test_news_filters_by_category_and_year(self):
        response = self.get("/news/")
        assert facet(response, "类别")["帮扶动态"] == 4
        response = self.get("/news/", category="aid_news", year="2024")
        assert titles(response) == ["福建派出学校校长来校实地指导", "闽宁协作职教联盟推进会召开"]
        assert facet(response, "年份") == {"2024年": 2, "2023年": 2}

    def test_calendar_lists_upcoming_then_filters_by_type_school_month(self):
        html = self.get("/activities/").content.decode()
        upcoming = html.split('id="upcoming-heading"')[1].split('id="listing-heading"')[0]
        assert "同课异构：导数的几何意义" in upcoming
        assert "派出学校校长实地指导" not in upcoming  # long past
        response = self.get("/activities/", type="lesson_study", month="2024-03")
        assert titles(response) == ["同课异构：三角函数的图象与性质"]
        response = self.get("/activities/", type="lesson_study")
        months = facet(response, "月份")
        assert months["2023年10月"] == 1 and months["2024年5月"] == 1
        assert facet(response, "学校")["红寺堡中学"] == 2

    def test_activity_ical_parses_back(self):
        response = self.get("/activities/2023-10-tongke-yigou/ical/")
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert 'filename="2023-10-tongke-yigou.ics"' in response["Content-Disposition"]
        events = Calendar.from_ical(response.content).walk("VEVENT")
        assert len(events) == 1
        event = events[0]
        assert str(event["SUMMARY"]) == "同课异构：函数的单调性"
        start = event.decoded("DTSTART")
        assert start == datetime.datetime(2023, 10, 17, 9, 0, tzinfo=start.tzinfo)
        assert start.utcoffset() == datetime.timedelta(hours=8)
        assert event.decoded("DTEND") - start == datetime.timedelta(hours=3)
        assert str(event["LOCATION"]) == "罗山中学报告厅"
        assert str(event["URL"]) == "http://testserver/activities/2023-10-tongke-yigou/"
        # The zone its times name is described before them, for calendars that do not know it.
        parsed = Calendar.from_ical(response.content)
        assert [component.name for component in parsed.subcomponents] == ["VTIMEZONE", "VEVENT"]
        assert "TZID:Asia/Shanghai" in response.content.decode()
        assert self.get("/activities/ical/").content.count(b"BEGIN:VTIMEZONE") == 1

    def test_calendar_ical_has_every_public_activity_and_no_private_one(self):
        hidden = ActivityPage.objects.get(slug="2024-03-peixun")
        PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
        ActivityPage.objects.get(slug="2024-05-jingsai").unpublish()
        calendar = Calendar.from_ical(self.get("/activities/ical/").content)
        summaries = {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}
        assert len(summaries) == ActivityPage.objects.count() - 2
        assert "“双师型”教师企业实践培训" not in summaries
        assert "职业技能大赛校内选拔" not in summaries
        uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
        assert len(uids) == len(set(uids))

    def test_private_activity_ical_is_not_served(self):
        hidden = ActivityPage.objects.get(slug="2024-03-peixun")
        PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
        response = self.client.get("/activities/2024-03-peixun/ical/")
        assert response.status_code == 302  # to the login page
        assert b"BEGIN:VCALENDAR" not in response.content

    def test_activity_end_before_start_is_refused(self):
        activity = ActivityPage.objects.get(slug="2023-10-tongke-yigou")
        activity.end = activity.start - datetime.timedelta(hours=1)
        with pytest.raises(ValidationError, match="结束时间不能早于开始时间"):
            activity.full_clean()

    def test_home_page_shows_latest_content(self):
        html = self.get("/").content.decode()
        assert "福建派出学校校长来校实地指导" in html  # latest news
        assert "同课异构：导数的几何意义" in html  # upcoming activity
        assert "示范课：发动机拆装实训" in html  # latest recording


class CollectionPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.home = HomePage.objects.get()

    def collect(self, **criteria):
        page = publish(self.home, CollectionPage(title="集合", slug="collection", **criteria))
        return self.client.get(page.url, {"page": criteria.pop("_page", 1)})

    def test_resources_of_one_school_and_subject(self):
        response = self.collect(
            page_types=["resource"],
            school=School.objects.get(slug="luoshan"),
            subject=Subject.objects.get(slug="wuli"),
            sort=CollectionPage.Sort.TITLE,
        )
        listed = titles(response)
        assert listed == sorted(listed)
        assert set(listed) == set(
            ResourcePage.objects.filter(school__slug="luoshan", subject__slug="wuli").values_list(
                "title", flat=True
            )
        )

    def test_criteria_a_type_cannot_meet_leave_it_out(self):
        # News has no school, so a school criterion keeps news out entirely.
        response = self.collect(
            page_types=["news", "activity"], school=School.objects.get(slug="zhijiao")
        )
        listed = titles(response)
        assert listed
        assert all(ActivityPage.objects.filter(title=t).exists() for t in listed)

    def test_tags_and_date_range(self):
        response = self.collect(
            tags="同课异构，命题研究",
            published_from=datetime.date(2023, 10, 1),
            published_to=datetime.date(2023, 12, 31),
        )
        assert set(titles(response)) == {
            "同课异构《函数的单调性》课后反思",  # resource tagged 同课异构
            "全域同课异构活动走进罗山中学",  # news tagged 同课异构
            "高一数学必修第一册期中检测卷",  # resource tagged 命题研究
        }

    def test_lists_only_live_public_pages_and_paginates(self):
        ResourcePage.objects.get(slug="hanshu-dandiaoxing-kejian").unpublish()
        response = self.collect(page_types=["resource"], per_page=10)
        assert "共 29 条" in response.content.decode()
        assert len(titles(response)) == 10
        assert 'href="?page=2"' in response.content.decode()


@pytest.mark.both_databases
class ListingQueryCountTests(TestCase):
    """News, activity, forum and workshop lists cost the same number of queries for 2 items
    as for more than a page of them (the news list shows 10 a page, activities 20; the forum
    and workshop indexes show all): a query per item, or per page of items, shows as a
    difference. Each item goes through Wagtail's publishing, which is what costs the time,
    so the lists grow only as far as that proof needs."""

    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)

    def count(self, url, params):
        self.client.get(url, params)
        with CaptureQueriesContext(connection) as queries:
            assert self.client.get(url, params).status_code == 200
        return len(queries)

    def add_news(self, n):
        index = NewsIndexPage.objects.get()
        for i in range(n):
            publish(
                index,
                NewsPage(title=f"新闻 {i}", category="aid_news", introduction="导语", body=[]),
            )

    def add_activities(self, n, first=0):
        index = ActivityIndexPage.objects.get()
        start = timezone.now() - datetime.timedelta(days=30)
        # Five days apart: the longer list reaches past today and over several months, so
        # upcoming and past activities and the month facet all grow with it.
        for i in range(first, first + n):
            publish(
                index,
                ActivityPage(
                    title=f"活动 {i}",
                    activity_type="lesson_study",
                    start=start + datetime.timedelta(days=5 * i),
                    end=start + datetime.timedelta(days=5 * i, hours=2),
                    school=School.objects.get(slug="luoshan"),
                    summary="简介",
                ),
            )

    def test_news_list(self):
        self.add_news(2)
        few = self.count("/news/", {"category": "aid_news"})
        self.add_news(9)  # 11: a full page and a second one
        assert self.count("/news/", {"category": "aid_news"}) == few

    def test_activity_list(self):
        self.add_activities(2)
        few = self.count("/activities/", {})
        self.add_activities(19, first=2)  # 21: a full page and a second one
        assert self.count("/activities/", {}) == few

    def test_forum_and_workshop_indexes(self):
        forum_index, workshop_index = ForumIndexPage.objects.get(), WorkshopIndexPage.objects.get()
        lead, school = Person.objects.get(name="黄志强"), School.objects.get(slug="luoshan")

        def grow(n, start):
            for i in range(start, start + n):
                publish(
                    forum_index,
                    ForumSessionPage(
                        title=f"论坛 {i}",
                        quarter="2024年第一季度",
                        theme="主题",
                        date=datetime.date(2024, 3, 1),
                        summary="简介",
                    ),
                )
                publish(
                    workshop_index,
                    WorkshopPage(
                        title=f"工作室 {i}",
                        kind="master_teacher",
                        school=school,
                        lead=lead,
                        introduction="<p>简介</p>",
                    ),
                )

        grow(2, 0)
        few = (self.count("/forum/", {}), self.count("/workshops/", {}))
        grow(5, 2)
        assert (self.count("/forum/", {}), self.count("/workshops/", {})) == few
