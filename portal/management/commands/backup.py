from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal import backup


class Command(BaseCommand):
    help = (
        "把整个门户备份为一个 zip 文件：数据库（Django 序列化，可恢复到 SQLite 或 PostgreSQL）、"
        "存储中的全部文件，以及带校验和的清单 manifest.json。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="备份文件路径，或存放它的文件夹（默认：当前目录下 portal-backup-<时间>.zip）",
        )

    def handle(self, *args, **options):
        output = Path(options["output"] or backup.default_filename())
        if output.is_dir():
            output = output / backup.default_filename()
        try:
            manifest = backup.create(output)
        except Exception as error:
            raise CommandError(f"备份失败，未留下备份文件：{error}") from error
        rows = sum(manifest["counts"].values())
        size = sum(f["size"] for f in manifest["files"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"已备份到 {output}：{len(manifest['counts'])} 个模型共 {rows} 行，"
                f"{len(manifest['files'])} 个文件共 {size / 1024 / 1024:.1f} MB。"
            )
        )
