"""The page images of a document's preview, served to exactly those who may read the document:
the same decision as the document's own download (content.privacy, from the pages that use it),
never a public media URL. In production nginx sends the bytes (X-Accel-Redirect)."""

from django.shortcuts import get_object_or_404

from content.models import DocumentPreview, DocumentPreviewPage, PortalDocument
from content.privacy import check_media
from privacy.serving import file_response


def preview_page(request, document_id, number):
    document = get_object_or_404(PortalDocument, pk=document_id)
    # Asked before anything about the preview, so that guessing addresses tells nothing.
    denied = check_media(document, request)
    if denied is not None:
        return denied
    page = get_object_or_404(
        DocumentPreviewPage,
        preview__document=document,
        preview__status=DocumentPreview.READY,
        number=number,
    )
    response = file_response(page.image)
    # The address carries the file's hash (?v=): a replaced file's pages have a new one.
    response["Cache-Control"] = "private, max-age=86400"
    return response
