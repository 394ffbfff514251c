"""What people see: the 成效 page, the admin dashboard panel, a workshop's outputs, exports."""

import datetime
import html
import re
from unittest import mock

from wagtail.models import PageViewRestriction
from wagtail.test.utils import WagtailPageTestCase

from content.models import ResourcePage, WorkshopPage
from home.models import HomePage
from tests.factories import make_user
from tests.session_demo import load_demo
from tracking.charts import line_chart
from tracking.models import OutputRecord, ResultsPage, Target


def figure(response, label):
    """The headline number shown beside a label on the 成效 page."""
    text = response.content.decode()
    found = re.search(
        rf'results-figures__value">(\d+)</span><span class="results-figures__label">{label}<',
        text,
    )
    return int(found.group(1)) if found else None


class ResultsPageTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.office = make_user("office", "tracking.view_evaluationscore")
        cls.teacher = make_user("teacher2")

    def get(self):
        response = self.client.get("/results/")
        assert response.status_code == 200
        return response

    def test_page_type_lives_once_under_home(self):
        self.assertAllowedParentPageTypes(ResultsPage, {HomePage})
        assert ResultsPage.max_count == 1
        assert ResultsPage.objects.get().show_in_menus

    def test_shows_every_target_with_its_figure(self):
        text = html.unescape(self.get().content.decode())
        for target in Target.objects.all():
            assert target.wording in text, target.code
            if target.figure:
                assert f'/ <span class="target__goal">{target.figure}</span>' in text, target.code
        # Partly met by the demo outputs: 4 of 8 city-level lessons, 2 of 2 特色专业.
        assert "罗山中学打造市级精品课8节" in text and "4节</span> / " in text
        assert re.search(r"遴选2个对接地方产业特色专业建设.*?2个</span>.*?已达成", text, re.S)
        assert '<h3 id="school-1">红寺堡区罗山中学</h3>' in text
        assert "<h4>教育教学质量提升</h4>" in text

    def test_shows_this_semesters_cadence_and_charts_drawn_here(self):
        text = self.get().content.decode()
        assert "2026年秋季学期频次要求落实情况" in text
        assert "全域同课异构" in text and "2026年10月 全区：0" in text
        assert text.count('<svg class="chart"') == 2
        assert 'aria-label="每学期教研活动场次"' in text
        assert not re.search(r"<script[^>]+src=\"(https?:)?//", text)

    def test_scores_only_for_the_office(self):
        for who in (None, self.teacher):
            if who:
                self.client.force_login(who)
            text = self.get().content.decode()
            assert 'id="scores-heading"' not in text
            assert "83.00" not in text and "2022年秋季学期" not in text
        self.client.force_login(self.office)
        text = self.get().content.decode()
        assert "赋分评价（仅办公室可见）" in text
        assert "2022年秋季学期（基准）" in text
        assert "83.00（+10.50）" in text  # 罗山中学 2026春 against its 2022 baseline
        assert text.count('<svg class="chart"') == 3
        chart = text.split('aria-label="各受援学校赋分评价"')[1].split("</svg>")[0]
        ticks = [float(t) for t in re.findall(r'class="chart__axis"[^>]*>([\d.]+)<', chart)]
        assert max(ticks) >= 83  # the axis reaches the best score (it stopped at 80)
        assert ticks == sorted(ticks) and len(set(ticks)) == len(ticks)

    def test_counts_only_public_pages_and_names_none(self):
        resources = figure(self.get(), "份教学资源")
        assert resources == ResourcePage.objects.live().count() == 30
        private = ResourcePage.objects.get(slug="hanshu-dandiaoxing-jiaoan")
        PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
        ResourcePage.objects.get(slug="hanshu-dandiaoxing-kejian").unpublish()
        response = self.get()
        assert figure(response, "份教学资源") == 28
        assert private.title not in response.content.decode()


class AdminAndWorkshopTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.admin = make_user("boss", is_superuser=True, is_staff=True)
        cls.lead = make_user(
            "huang",
            "tracking.view_outputrecord",
            "tracking.add_outputrecord",
            "tracking.change_outputrecord",
            person="吴敏",  # leads 吴敏英语名师工作室
        )

    def test_dashboard_panel_lists_what_needs_attention(self):
        self.client.force_login(self.admin)
        # The demo's activities have fixed dates in 2026年秋季学期: the figures below are
        # those of a day in November (Beijing time), when three of its months have begun.
        november = datetime.datetime(2026, 11, 20, 2, tzinfo=datetime.UTC)
        with mock.patch("django.utils.timezone.now", return_value=november):
            text = self.client.get("/admin/").content.decode()
        assert "帮扶跟踪" in text
        assert "待审核成果（3）" in text
        assert "市级精品课：原电池的工作原理" in text
        assert "2023年 罗山中学打造市级精品课8节：4节 / ≥ 8 节" in text
        assert "全域同课异构（全区每月 ≥ 1 次）：2 / 3 达标，未达标" in text
        assert "2. 建立工作落实体系" in text  # deadline end of 2025, still in progress
        assert "导出学期报告" in text

    def test_a_lead_sees_only_their_own_records_awaiting_review(self):
        OutputRecord.objects.create(
            category="micro_research",
            title="微课题：英语分层作业设计",
            date="2026-11-01",
            workshop=WorkshopPage.objects.get(slug="yingyu-mingshi"),
            description="立项通知",
        )
        self.client.force_login(self.lead)
        text = self.client.get("/admin/").content.decode()
        assert "待审核成果（1）" in text
        assert "微课题：英语分层作业设计" in text
        assert "市级精品课：原电池的工作原理" not in text
        assert "导出学期报告" not in text

    def test_workshop_page_lists_its_verified_outputs_only(self):
        text = self.client.get("/workshops/mingbanzhuren/").content.decode()
        assert "工作室成果" in text
        assert '<a href="/recordings/jpk-lantingjixu/">区级精品课：《兰亭集序》</a>' in text
        assert "《罗山中学班主任管理办法》" not in text  # submitted, not yet verified

    def test_target_list_shows_progress_and_exports(self):
        self.client.force_login(self.admin)
        text = self.client.get("/admin/tracking/target/", {"year": "2023"}).content.decode()
        assert "罗山中学打造市级精品课8节" in text and "4节（滞后）" in text
        assert ">目标值<" in text.replace("\n", "").replace(" ", "") and "Figure" not in text
        assert "Progress" not in text
        response = self.client.get("/admin/tracking/target/", {"export": "csv"})
        csv = b"".join(response.streaming_content).decode("utf-8-sig")
        assert "2023-04,2023,红寺堡区罗山中学,教育教学质量提升,罗山中学打造市级精品课8节" in csv
        assert "≥ 8 节,4节（滞后）" in csv
        response = self.client.get("/admin/tracking/outputrecord/", {"export": "xlsx"})
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        for url in [
            "/admin/tracking/measure/",
            "/admin/tracking/cadencerule/",
            "/admin/tracking/semester/",
            "/admin/tracking/evaluationscore/",
            f"/admin/tracking/measure/inspect/{Target.objects.first().measure_id}/",
        ]:
            assert self.client.get(url).status_code == 200, url


def test_every_axis_label_of_a_line_chart_stays_inside_the_chart():
    """The score chart's first and last semester sat on the plot's edges, half cut off."""
    labels = ["23秋", "24春", "24秋", "25春", "25秋"]
    svg = str(line_chart(labels, [("罗山中学", [70, 72.5, 80, 83, 85])], "赋分"))
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    found = re.findall(
        r'<text x="([\d.]+)" y="[\d.]+" class="chart__label" text-anchor="(\w+)">([^<]+)<', svg
    )
    assert [label for _, _, label in found] == labels
    for x, anchor, label in found:
        # 16px text (results.css): a Chinese character 16px wide, a digit about 9px.
        extent = sum(16 if ord(c) > 0x2E80 else 9 for c in label)
        left = {"start": 0, "middle": extent / 2, "end": extent}[anchor]
        assert float(x) - left >= 0 and float(x) - left + extent <= width, (label, x, anchor)
