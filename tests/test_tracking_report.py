"""The semester report: the XLSX read back cell by cell, the command, the printable page."""

import tempfile
from io import BytesIO, StringIO
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.test import TestCase

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from tests.factories import make_user
from tests.session_demo import load_demo
from tracking.models import Semester

SHEETS = ["目标与进度", "频次要求", "措施与状态", "已核实成果", "教研活动", "赋分评价", "使用统计"]


def rows(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


class SemesterReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo(demo_accounts=True)
        cls.office = make_user("office2", "tracking.view_evaluationscore")
        cls.editor = make_user("editor", "tracking.view_target")

    def export(self, tmp, *args):
        out = StringIO()
        path = Path(tmp) / "report.xlsx"
        call_command("programme_report", *args, "--output", str(path), stdout=out)
        return load_workbook(path), out.getvalue()

    def test_xlsx_for_a_named_semester_cell_by_cell(self):
        with tempfile.TemporaryDirectory() as tmp:
            book, message = self.export(tmp, "--semester", "2023年秋季学期")
        assert "已导出 2023年秋季学期报告" in message
        assert book.sheetnames == SHEETS

        targets = rows(book["目标与进度"])
        assert targets[0] == [
            "编号",
            "年度",
            "学校",
            "方面",
            "方案原文",
            "类型",
            "目标值",
            "当前值",
            "完成率(%)",
            "状态",
            "所属措施",
        ]
        assert len(targets) == 1 + 70
        row = next(r for r in targets if r[0] == "2023-04")
        # By the end of 2023秋 (31 January 2024) two city-level lessons were verified.
        assert row[:10] == [
            "2023-04",
            2023,
            "红寺堡区罗山中学",
            "教育教学质量提升",
            "罗山中学打造市级精品课8节",
            "数量",
            "≥ 8 节",
            2,
            25,
            "滞后",
        ]
        assert row[10].startswith("18. 注重教学实效")

        outputs = rows(book["已核实成果"])
        titles = [r[1] for r in outputs[1:]]
        assert "市级精品课：牛顿第二定律" in titles
        assert "市级精品课：化学反应的速率" not in titles  # verified, but in spring 2024
        assert all("2023-09-01" <= r[0] <= "2024-01-31" for r in outputs[1:])

        activities = rows(book["教研活动"])
        assert len(activities) == 1 + 10  # the demo's autumn 2023 activities
        assert activities[1][:3] == ["2023-09-20", "高一数学集体备课：函数的概念", "集体备课"]

        cadence = rows(book["频次要求"])
        assert ["全域同课异构", "全区每月 ≥ 1 次", "2023年10月", "全区", 1, 1, "达标"] in cadence

        measures = rows(book["措施与状态"])
        assert len(measures) == 1 + 19
        assert measures[4][0] == 4 and measures[4][7] == 30_000_000

        scores = rows(book["赋分评价"])
        assert ["2023年秋季学期", "红寺堡区罗山中学", 75.5, 72.5, 3, "演示数据"] in scores

    def test_command_defaults_to_the_current_semester_and_refuses_an_unknown_one(self):
        with tempfile.TemporaryDirectory() as tmp:
            book, message = self.export(tmp)
            assert "2026年秋季学期" in message
            assert book.sheetnames == SHEETS
            with pytest.raises(CommandError, match="找不到学期“2030年秋季学期”"):
                self.export(tmp, "--semester", "2030年秋季学期")

    def test_one_click_in_the_admin_for_the_office_only(self):
        self.client.force_login(self.editor)
        assert self.client.get("/admin/tracking/report/").status_code in (302, 403)

        self.client.force_login(self.office)
        page = self.client.get("/admin/tracking/report/")
        text = page.content.decode()
        assert page.status_code == 200
        assert "2026年秋季学期" in text and "tracking/report.css" in text
        css = Path(finders.find("tracking/report.css")).read_text()
        assert "@media print" in css and "@page { size: A4 landscape" in css
        for title in SHEETS:
            assert title in text
        semester = page.context["semester"]
        download = self.client.get("/admin/tracking/report/xlsx/", {"semester": semester.pk})
        assert download["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "programme-report-2026-09.xlsx" in download["Content-Disposition"]
        book = load_workbook(BytesIO(download.content))
        assert book.sheetnames == SHEETS

        # The download follows the semester viewed (report.js also follows the picker
        # before 查看 is pressed): 2022年秋季学期's page links 2022年秋季学期's file.
        autumn_2022 = Semester.objects.get(name="2022年秋季学期")
        page = self.client.get("/admin/tracking/report/", {"semester": autumn_2022.pk})
        link = BeautifulSoup(page.content, "lxml").select_one("a[data-xlsx-link]")
        assert link["href"] == f"/admin/tracking/report/xlsx/?semester={autumn_2022.pk}"
        assert "2022年秋季学期" in link.get_text()
        script = Path(finders.find("tracking/report.js")).read_text()
        assert 'addEventListener("change"' in script and "data-xlsx-link" in script

    def test_demo_accounts_for_the_tracking_area(self):
        assert self.client.login(
            request=HttpRequest(), username="office", password="Hsb-office-2026"
        )
        assert self.client.get("/admin/tracking/report/").status_code == 200
        assert 'id="scores-heading"' in self.client.get("/results/").content.decode()

        assert self.client.login(request=HttpRequest(), username="lead", password="Hsb-lead-2026")
        listed = self.client.get("/admin/tracking/outputrecord/").context["object_list"]
        assert {r.workshop.slug for r in listed} == {"wuli-mingshi"}
        assert self.client.get("/admin/tracking/report/").status_code in (302, 403)
