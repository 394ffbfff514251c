"""课堂观察: teachers' timestamped notes on a recorded lesson, the lead's 评课 summary, who
may see and remove what, the page cache, the query budget and the cadence count."""

import datetime

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import PageViewRestriction

import pytest

from content.models import (
    ObservationDimension,
    ObservationNote,
    ObservationSummary,
    RecordingPage,
)
from content.observations import parse_time
from tests.session_demo import load_demo
from tracking.models import CadenceRule, Semester
from tracking.progress import cadence_compliance

pytestmark = pytest.mark.both_databases

# The physics 精品课, taught by 杨海军 (`member`) of 黄志强's (`lead`) workshop, with the
# demo's uploaded six-second clip.
PHYSICS = "jpk-niudun-dierdinglv"
TODAY = datetime.date(2026, 11, 29)


def at(month, day):
    return timezone.make_aware(datetime.datetime(2026, month, day, 10))


class ObservationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo(demo_accounts=True)
        users = get_user_model().objects
        cls.teacher, cls.member, cls.lead, cls.office = (
            users.get(username=name) for name in ("teacher", "member", "lead", "office")
        )
        cls.page = RecordingPage.objects.get(slug=PHYSICS)
        cls.student, cls.teaching = ObservationDimension.objects.filter(
            name__in=["学生学习", "教师教学"]
        ).order_by("sort_order")
        cls.add_url = f"/observations/recordings/{cls.page.pk}/notes/"
        cls.summary_url = f"/observations/recordings/{cls.page.pk}/summary/"

    def note(self, author, seconds, text, **fields):
        fields.setdefault("dimension", self.student)
        return ObservationNote.objects.create(
            recording=self.page, author=author, seconds=seconds, text=text, **fields
        )

    def add(self, time, text, dimension=None, **headers):
        dimension = dimension if dimension is not None else self.teaching.pk
        data = {"time": time, "dimension": dimension, "text": text}
        return self.client.post(self.add_url, data, **headers)

    def test_the_office_keeps_the_scale_and_teachers_tag_with_it(self):
        scale = "/admin/snippets/content/observationdimension/"
        self.client.force_login(self.teacher)
        assert self.client.get(scale).status_code in (302, 403)
        self.client.force_login(self.office)
        response = self.client.post(
            f"{scale}add/", {"name": "教学评价", "description": "评价方式与反馈", "sort_order": 9}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        added = ObservationDimension.objects.get(name="教学评价")

        self.client.force_login(self.teacher)
        assert "教学评价（评价方式与反馈）" in self.client.get(self.page.url).content.decode()
        self.add("0:02", "当堂检测后即时反馈", dimension=added.pk)
        assert ObservationNote.objects.get().dimension == added

    # Adding and listing ---------------------------------------------------------------

    def test_the_default_scale_has_the_four_dimensions(self):
        names = list(ObservationDimension.objects.values_list("name", flat=True))
        assert names == ["学生学习", "教师教学", "课程性质", "课堂文化"]

    def test_a_teacher_adds_notes_and_reads_them_in_time_order(self):
        self.client.force_login(self.teacher)
        response = self.add("0:05", "小结时请学生复述牛顿第二定律")
        assert response.status_code == 302
        assert response["Location"] == f"{self.page.url}#observations"
        self.add("00:02", "用小车实验引入，学生兴趣高", dimension=self.student.pk)

        html = self.client.get(self.page.url).content.decode()
        first, second = html.index("用小车实验引入"), html.index("小结时请学生复述")
        assert first < second  # in the video's order, not the order they were written
        assert 'data-seek="2"' in html and 'data-seek="5"' in html
        notes = ObservationNote.objects.order_by("seconds")
        assert [(n.seconds, n.dimension.name, n.author) for n in notes] == [
            (2, "学生学习", self.teacher),
            (5, "教师教学", self.teacher),
        ]

    def test_the_script_gets_the_panel_redrawn(self):
        self.client.force_login(self.teacher)
        response = self.add("0:03", "板书清晰", HTTP_X_REQUESTED_WITH="fetch")
        assert response.status_code == 200
        html = response.content.decode()
        assert html.lstrip().startswith('<section class="observations"')
        assert "板书清晰" in html and "00:03" in html

    def test_odd_values_get_a_message_and_lose_nothing(self):
        self.client.force_login(self.teacher)
        cases = [
            ("-0:05", self.teaching.pk, "负时间", "不能为负数"),
            ("9:59", self.teaching.pk, "超出时长", "超出了视频长度"),
            ("abc", self.teaching.pk, "乱写的时间", "无法识别时间"),
            ("1:75", self.teaching.pk, "秒数过大", "无法识别时间"),
            ("0:01", 999999, "未知维度", "没有这个观察维度"),
            ("0:01", "学生", "不是编号的维度", "没有这个观察维度"),
            ("0:01", self.teaching.pk, "长" * 2001, "最多 2000 字"),
            ("", self.teaching.pk, "没填时间", "请填写这条记录对应的视频时间"),
        ]
        for time, dimension, text, message in cases:
            response = self.add(time, text, dimension=dimension)
            html = response.content.decode()
            assert response.status_code == 400, time
            assert message in html, (time, dimension)
            assert text[:50] in html  # what was typed comes back to be corrected
        assert not ObservationNote.objects.exists()

    def test_times_are_read_as_a_player_shows_them(self):
        assert [parse_time(v) for v in ("75", "1:15", "01:15", "1:02:05", "１:05")] == [
            75,
            75,
            75,
            3725,
            None,
        ]
        assert parse_time("1：15") == 75  # a Chinese keyboard's colon

    # Who sees and who may do what -----------------------------------------------------

    def test_anonymous_visitors_neither_see_nor_post_notes(self):
        self.note(self.teacher, 2, "学生小组讨论热烈")
        html = self.client.get(self.page.url).content.decode()
        assert "学生小组讨论热烈" not in html and "data-observations" not in html
        response = self.add("0:01", "匿名记录")
        assert response.status_code == 302 and "/login/" in response["Location"]
        assert not ObservationNote.objects.filter(text="匿名记录").exists()
        assert self.client.get(self.add_url).status_code in (302, 405)

    def test_notes_of_a_page_a_teacher_may_not_read_are_refused(self):
        PageViewRestriction.objects.create(
            page=self.page, restriction_type=PageViewRestriction.GROUPS
        ).groups.set([])
        self.client.force_login(self.teacher)
        assert self.add("0:01", "看不到的课").status_code == 404
        assert not ObservationNote.objects.exists()

    def test_another_teacher_cannot_remove_a_note_its_author_and_the_lead_can(self):
        mine, theirs = self.note(self.teacher, 1, "我的记录"), self.note(self.office, 2, "别人的")
        self.client.force_login(self.teacher)
        html = self.client.get(self.page.url).content.decode()
        assert f"/observations/notes/{mine.pk}/remove/" in html
        assert f"/observations/notes/{theirs.pk}/remove/" not in html
        response = self.client.post(f"/observations/notes/{theirs.pk}/remove/")
        assert response.status_code == 403
        assert ObservationNote.objects.filter(pk=theirs.pk).exists()
        self.client.post(f"/observations/notes/{mine.pk}/remove/")
        assert not ObservationNote.objects.filter(pk=mine.pk).exists()

        self.client.force_login(self.lead)  # 黄志强 leads the workshop 杨海军 teaches in
        assert self.client.post(f"/observations/notes/{theirs.pk}/remove/").status_code == 302
        assert not ObservationNote.objects.exists()
        assert (
            self.client.post("/observations/notes/99999999999999999999/remove/").status_code == 404
        )

    def test_the_lead_writes_the_summary_a_member_cannot(self):
        self.note(self.teacher, 3, "实验数据处理用时偏长")
        self.client.force_login(self.member)
        assert 'action="' + self.summary_url not in self.client.get(self.page.url).content.decode()
        response = self.client.post(self.summary_url, {"text": "成员写的评课"})
        assert response.status_code == 403
        assert not ObservationSummary.objects.exists()

        self.client.force_login(self.lead)
        self.client.post(self.summary_url, {"text": "实验探究充分，建议压缩数据处理环节。"})
        self.client.post(self.summary_url, {"text": "实验探究充分；数据处理可交给小组分工。"})
        summary = ObservationSummary.objects.get(recording=self.page)
        assert summary.text == "实验探究充分；数据处理可交给小组分工。"

        self.client.force_login(self.teacher)
        html = self.client.get(self.page.url).content.decode()
        assert "数据处理可交给小组分工" in html and "黄志强" in html
        assert self.client.post(self.summary_url, {"text": "x" * 10}).status_code == 403

        self.client.force_login(self.lead)
        response = self.client.post(self.summary_url, {"text": "长" * 10001})
        assert response.status_code == 400 and "最多 10000 字" in response.content.decode()
        self.client.post(self.summary_url, {"text": "  "})
        assert not ObservationSummary.objects.exists()

    # Cache and queries ----------------------------------------------------------------

    @override_settings(PAGE_CACHE_ENABLED=True)
    def test_the_anonymous_cached_page_holds_no_notes(self):
        cache.clear()
        self.client.force_login(self.teacher)
        self.add("0:04", "提问覆盖面广")
        seen = self.client.get(self.page.url)
        assert "提问覆盖面广" in seen.content.decode()
        assert seen.get("X-Page-Cache") is None  # a logged-in page is never stored

        self.client.logout()
        self.client.cookies.clear()
        first, second = self.client.get(self.page.url), self.client.get(self.page.url)
        assert (first.get("X-Page-Cache"), second.get("X-Page-Cache")) == ("miss", "hit")
        for response in (first, second):
            html = response.content.decode()
            assert "提问覆盖面广" not in html and "data-observations" not in html
            assert "observations.js" not in html

    def test_the_page_costs_the_same_queries_with_one_note_or_thirty(self):
        self.client.force_login(self.teacher)

        def queries():
            self.client.get(self.page.url)  # warm the shared caches the first view fills
            with CaptureQueriesContext(connection) as context:
                assert self.client.get(self.page.url).status_code == 200
            return len(context.captured_queries)

        self.note(self.office, 1, "一条")
        one = queries()
        for second in range(2, 31):
            self.note(self.lead if second % 2 else self.teacher, second, f"第{second}条")
        assert queries() == one
        # 27: the page for a logged-in reader (session, user, the edit permission's checks),
        # the panel's four (leads, notes, summary, dimensions) and the 收藏/关注 buttons' state.
        assert one <= 28, one

    # Cadence ---------------------------------------------------------------------------

    def test_observed_lessons_count_toward_the_observation_rule(self):
        semester = Semester.objects.current(TODAY)

        def luoshan():
            compliance = next(
                c
                for c in cadence_compliance(semester, TODAY)
                if c.rule.code == "guanmo-jingsai-pingxuan"
            )
            bucket = next(b for b in compliance.buckets if b.unit == self.page.school.display_name)
            return bucket.count

        before = luoshan()
        self.note(self.teacher, 1, "第一条", created_at=at(10, 15))
        self.note(self.teacher, 4, "同一节课的第二条", created_at=at(10, 16))
        assert luoshan() == before + 1  # one teacher, one lesson: one observation
        self.note(self.office, 2, "另一位教师", created_at=at(11, 2))
        assert luoshan() == before + 2
        self.note(
            self.lead,
            2,
            "学期开始之前",
            created_at=timezone.make_aware(datetime.datetime(2026, 7, 1)),
        )
        self.note(self.member, 2, "明天才记", created_at=at(11, 30))
        assert luoshan() == before + 2  # outside the semester or after today
        restriction = PageViewRestriction.objects.create(
            page=self.page, restriction_type=PageViewRestriction.LOGIN
        )
        assert luoshan() == before  # as for activities: public recordings only
        restriction.delete()
        assert luoshan() == before + 2

        CadenceRule.objects.filter(code="guanmo-jingsai-pingxuan").update(
            include_observations=False
        )
        assert luoshan() == before
