from django.core.management.base import BaseCommand

from usage import counting


class Command(BaseCommand):
    help = "把 Redis 中累计的页面浏览次数写入数据库（使用统计）。"

    def handle(self, *args, **options):
        moved = counting.flush()
        if options["verbosity"]:
            self.stdout.write(f"已写入 {moved} 次浏览。")
