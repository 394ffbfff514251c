"""Ask for the previews documents lack: those uploaded before previews existed or while they were
switched off, and with --failed those that could not be drawn (LibreOffice installed since, a
limit raised). The tasks run where every task runs (content.previews)."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F, Q

from content.models import DocumentPreview, PortalDocument
from content.previews import previewable, request_preview


class Command(BaseCommand):
    help = "为尚无预览的文档生成预览（--failed：也重试生成失败的；--all：全部重新生成）。"

    def add_arguments(self, parser):
        parser.add_argument("--failed", action="store_true", help="也重试生成失败的文档")
        parser.add_argument(
            "--all", action="store_true", dest="everything", help="全部文档重新生成预览"
        )

    def handle(self, *args, failed=False, everything=False, **options):
        documents = PortalDocument.objects.select_related("preview")
        if not everything:
            wanted = Q(preview__isnull=True) | ~Q(preview__source_hash=F("file_hash"))
            if failed:
                wanted |= Q(preview__status=DocumentPreview.FAILED)
            documents = documents.filter(wanted)
        asked = 0
        # One transaction: its documents go to the tasks in batches when it commits.
        with transaction.atomic():
            for document in documents.iterator():
                if previewable(document):
                    request_preview(document)
                    asked += 1
        self.stdout.write(f"已请求生成 {asked} 个文档的预览。")
