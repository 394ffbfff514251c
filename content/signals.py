from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from wagtail.documents.models import document_served
from wagtail.models import Page, PageViewRestriction

from content import extraction
from content.document_text import extract_document_text, reindex_pages_carrying
from content.models import PortalDocument, WorkshopPage
from content.privacy import sync_collection_privacy


@receiver(document_served)
def count_download(sender, instance, request, **kwargs):
    instance.record_download()


@receiver(post_save, sender=PortalDocument)
def read_new_file(sender, instance, raw=False, **kwargs):
    """A new or replaced file is read by a job; the pages it is attached to lose the old
    file's text from search at once (the job indexes them again with the new one)."""
    if raw or not getattr(instance, "text_pending", False):
        return
    instance.text_pending = False
    if not kwargs.get("created"):
        reindex_pages_carrying(instance)
    # In the same transaction as the document: the job row commits or rolls back with it.
    if instance.text_status == extraction.PENDING:
        result = extract_document_text.enqueue(instance.pk, instance.file_hash)
        if result.is_finished:
            # Run at once (the tests' backend): the caller's instance shows what was read, as
            # a page it is attached to next is indexed from it.
            row = PortalDocument.objects.filter(pk=instance.pk)
            instance.text, instance.text_status = row.values_list("text", "text_status").get()


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
