"""The job that reads a document's text (content.extraction, in the sandbox) and makes search
find it: the document itself and every page the document is attached to are indexed again."""

from wagtail.search.index import insert_or_update_object

from django_tasks import task

from content import extraction
from content.models import ForumDocument, PortalDocument, RecordingDocument, ResourceDocument


def reindex_pages_carrying(document):
    """A page is found by the text of its attachments."""
    for attachment in (ResourceDocument, RecordingDocument, ForumDocument):
        for link in attachment.objects.filter(document=document).select_related("page"):
            insert_or_update_object(link.page.specific)


@task()
def extract_document_text(document_id, file_hash):
    """提取文档文字"""
    document = PortalDocument.objects.filter(pk=document_id).first()
    if document is None or document.file_hash != file_hash:
        return "superseded"  # deleted, or replaced: the new file has its own job
    text, status = extraction.extract(document.file, document.file.name)
    # Written only if the file is still the one read, without save(): nothing else changed.
    written = PortalDocument.objects.filter(pk=document_id, file_hash=file_hash).update(
        text=text, text_status=status
    )
    if written:
        document.text, document.text_status = text, status
        insert_or_update_object(document)
        reindex_pages_carrying(document)
    return status
