from django.core.management.base import BaseCommand

from privacy.images import sync_images


class Command(BaseCommand):
    help = (
        "Move images used only by private pages (originals and renditions) under private/, "
        "and the others back. Publishing and privacy changes do it by themselves; run it once "
        "after installing this version, or after `rebuild_references_index`."
    )

    def handle(self, *args, **options):
        moved = sync_images()
        self.stdout.write(f"转为私有：{moved['private']} 项；转为公开：{moved['public']} 项")
