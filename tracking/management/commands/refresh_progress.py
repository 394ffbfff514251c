from django.core.management.base import BaseCommand

from caching import purge
from tracking import kept


class Command(BaseCommand):
    help = (
        "重新计算成效页保存的数据（目标进度、概况数字、图表、本学期频次要求）。"
        "数据通常随每次修改自动更新；批量写入、恢复备份后运行。"
        "--stale：仅当数据不是今天计算的（发布定时任务每 5 分钟运行，过零点后即更新）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale", action="store_true", help="仅在数据不是今天计算的时候重新计算。"
        )

    def handle(self, *args, stale=False, **options):
        if stale and not kept.stale():
            return
        kept.refresh()
        # Pages made from the figures before are retired: one UPDATE.
        purge("tracking")
        if options["verbosity"]:
            self.stdout.write("成效数据已重新计算。")
