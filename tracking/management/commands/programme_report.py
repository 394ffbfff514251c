from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tracking import report
from tracking.models import Semester


class Command(BaseCommand):
    help = "导出学期报告（XLSX）：目标与进度、频次要求、措施、已核实成果、教研活动、赋分评价。"

    def add_arguments(self, parser):
        parser.add_argument("--semester", help="学期名称，如“2023年秋季学期”；不填则为当前学期。")
        parser.add_argument("--output", required=True, help="输出文件，如 report.xlsx")

    def handle(self, *args, semester=None, output, **options):
        found = report.semester_named(semester)
        if found is None:
            names = "、".join(Semester.objects.values_list("name", flat=True)) or "（尚无学期）"
            raise CommandError(f"找不到学期“{semester or '当前'}”。可选：{names}")
        path = Path(output)
        path.write_bytes(report.workbook(found))
        self.stdout.write(f"已导出 {found.name}报告：{path}")
