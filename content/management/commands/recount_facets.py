from django.core.management.base import BaseCommand

from caching import purge
from content import facet_counts


class Command(BaseCommand):
    help = "重新统计各栏目列表的筛选计数（教学资源、课堂实录、新闻、活动），如恢复数据库之后。"

    def handle(self, *args, **options):
        facet_counts.recount()
        purge()  # the lists read the new numbers at once
        for key in facet_counts.listings():
            total = facet_counts.maintained(key)[facet_counts.TOTAL][facet_counts.TOTAL]
            self.stdout.write(f"{key}: {total}")
