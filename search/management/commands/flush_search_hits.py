from django.core.management.base import BaseCommand

from search import hits


class Command(BaseCommand):
    help = "把 Redis 中累计的搜索次数写入数据库（搜索词报表）。"

    def handle(self, *args, **options):
        moved = hits.flush()
        if options["verbosity"]:
            self.stdout.write(f"已写入 {moved} 次搜索。")
