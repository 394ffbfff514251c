import sys
import time

from django.core.management.base import BaseCommand, CommandError

from wagtail.models import Page

from content.importing import ImportError_, ResourceImporter
from portal.imports.jobs import publish


class Command(BaseCommand):
    help = (
        "从 Excel（.xlsx）、JSON Lines 或 CSV（UTF-8 可带 BOM，或 GB18030/GBK）"
        "批量导入已发布的资源页面并建立搜索索引。"
        "必需的列：title, summary, body, subject, grade, school, resource_type；"
        "可选：stage（不填则按年级、学校推断，否则为通用）, textbook_edition, level, "
        "tags（逗号分隔）, file（附件路径，相对于导入文件，且须在其文件夹之内）。"
        "任何一行出错则什么都不导入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="要导入的 .xlsx、.csv 或 .jsonl 文件")
        parser.add_argument("--parent", help="上级页面的 ID 或 URL 路径（默认：资源库栏目）")
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="新建文件中出现、但尚不存在的学科、年级、学校等分类，而不是报错",
        )
        parser.add_argument(
            "--files-root",
            help="附件所在的文件夹（默认：导入文件所在的文件夹）；其外的文件不会被附加",
        )
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args, **options):
        started = time.monotonic()
        importer = ResourceImporter(
            parent=self._parent(options["parent"]),
            create_missing=options["create_missing"],
            progress=self._progress("写入"),
        )
        try:
            rows = importer.check(options["file"], files_root=options["files_root"])
            renamed = importer.renamed(rows)
        except ImportError_ as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"无法读取文件：{error}") from None
        self.stdout.write(f"已检查 {len(rows)} 行，没有发现错误。")
        self._report_renamed(renamed)
        if options["dry_run"]:
            self.stdout.write("试运行（--dry-run）：未写入任何内容。")
            return
        try:
            ids = publish(importer, rows, index_progress=self._progress("索引"))
        except ImportError_ as error:
            raise CommandError(str(error)) from None
        except Exception as error:
            raise CommandError(f"导入中途出错，已全部撤销，未导入任何内容：{error}") from error
        for term in importer.created_terms:
            self.stdout.write(f"新建分类 {term}")
        self.stdout.write(
            self.style.SUCCESS(
                f"已导入并发布 {len(ids)} 个资源，用时 {time.monotonic() - started:.1f} 秒。"
            )
        )
        if renamed:
            self.stdout.write(f"其中 {len(renamed)} 个因标题重复，网址加了序号（见上）。")

    def _report_renamed(self, renamed):
        if not renamed:
            return
        self.stdout.write(
            self.style.WARNING(
                f"{len(renamed)} 个标题与已有页面或文件中的其他行重复，网址将加上序号："
            )
        )
        for number, title, slug in renamed[:50]:
            self.stdout.write(f"  第 {number} 行“{title}”→ {slug}")
        if len(renamed) > 50:
            self.stdout.write(f"  ……另有 {len(renamed) - 50} 个")

    def _parent(self, value):
        if not value:
            return None
        pages = Page.objects.all()
        page = (
            pages.filter(pk=int(value)).first()
            if value.isdigit()
            else pages.filter(url_path__endswith="/" + value.strip("/") + "/").first()
        )
        if page is None:
            raise CommandError(f"找不到上级页面“{value}”")
        return page

    def _progress(self, label):
        interactive = sys.stdout.isatty()
        shown = {"last": -1}

        def report(done, total):
            percent = done * 100 // max(total, 1)
            if percent // 10 == shown["last"] and done != total:
                return
            shown["last"] = percent // 10
            end = "\r" if interactive and done != total else "\n"
            self.stdout.write(f"{label}：{done}/{total}（{percent}%）", ending=end)
            self.stdout.flush()

        return report
