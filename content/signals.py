from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from wagtail.documents.models import document_served
from wagtail.models import Page, PageViewRestriction
from wagtail.search.index import insert_or_update_object

from content.models import (
    ForumDocument,
    PortalDocument,
    RecordingDocument,
    ResourceDocument,
    WorkshopPage,
)
from content.privacy import sync_collection_privacy


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


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def mirror_section_privacy(sender, instance, **kwargs):
    """Privacy set on a workshop (or above it) reaches the workshop's 文件夹."""
    if kwargs.get("raw"):
        return  # loaded from a backup or fixture, which holds the folders' privacy too
    try:
        page = instance.page
    except Page.DoesNotExist:
        return
    workshops = WorkshopPage.objects.filter(path__startswith=page.path)
    for workshop in workshops:
        sync_collection_privacy(workshop)


@receiver(m2m_changed, sender=PageViewRestriction.groups.through)
def mirror_section_groups(sender, instance, action, **kwargs):
    """A group-only restriction is saved before its groups are set (the admin's privacy form,
    Wagtail's own order): the 文件夹's copy takes the groups when they come, else the
    workshop's members would be refused their own files."""
    if action in ("post_add", "post_remove", "post_clear") and isinstance(
        instance, PageViewRestriction
    ):
        mirror_section_privacy(sender, instance)
