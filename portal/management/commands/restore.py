from django.core.management.base import BaseCommand, CommandError

from portal import backup


class Command(BaseCommand):
    help = (
        "从 backup 生成的 zip 文件恢复门户：先校验整个文件，再迁移数据库、在一个事务中载入数据、"
        "写回文件，最后重建搜索索引和引用索引。数据库已有内容时须加 --force。"
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="备份文件（.zip）")
        parser.add_argument(
            "--force", action="store_true", help="数据库已有内容时也恢复（现有内容将被替换）"
        )

    def handle(self, *args, **options):
        try:
            counts = backup.restore(options["archive"], force=options["force"])
        except backup.BackupError as error:
            raise CommandError(f"未恢复：{error}") from None
        for label, count in counts.items():
            if count:
                self.stdout.write(f"{label}: {count}")
        self.stdout.write(
            self.style.SUCCESS(
                f"已恢复 {sum(counts.values())} 行数据（{len(counts)} 个模型），"
                "并重建了搜索索引和引用索引。"
            )
        )
