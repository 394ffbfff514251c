from django.core.management.base import BaseCommand

from search import statistics


class Command(BaseCommand):
    help = (
        "更新数据库的查询统计信息（SQLite：ANALYZE 与 PRAGMA optimize；PostgreSQL：ANALYZE），"
        "只分析从未分析过或已有四分之一以上行变动的表；--all 则分析全部。随定时发布任务运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="分析全部表")

    def handle(self, *args, **options):
        analysed = statistics.refresh(force=options["all"])
        if options["verbosity"]:
            if analysed == ["*"]:
                self.stdout.write("已分析全部表。")
            elif analysed:
                self.stdout.write(f"已分析 {len(analysed)} 个表：{'、'.join(analysed)}")
            else:
                self.stdout.write("统计信息仍是新的，无需分析。")
