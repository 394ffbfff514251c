from django.db.models.signals import post_save
from django.dispatch import receiver

from wagtail.documents.models import document_served
from wagtail.search.index import insert_or_update_object

from content.models import ForumDocument, PortalDocument, RecordingDocument, ResourceDocument


@receiver(document_served)
def count_download(sender, instance, request, **kwargs):
    instance.record_download()


@receiver(post_save, sender=PortalDocument)
def reindex_pages_carrying(sender, instance, **kwargs):
    """A page is found by the text of its attachments: when a file is replaced and read
    again, the pages it is attached to are indexed again."""
    if not getattr(instance, "text_changed", False):
        return
    for attachment in (ResourceDocument, RecordingDocument, ForumDocument):
        for link in attachment.objects.filter(document=instance).select_related("page"):
            insert_or_update_object(link.page.specific)
