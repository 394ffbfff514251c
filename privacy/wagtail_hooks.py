from django.conf import settings

from wagtail import hooks
from wagtail.documents.models import document_served

from privacy.files import collection_allows, readable, verdict
from privacy.serving import file_response


# Before Wagtail's own check of the collection's privacy, which decides only for documents
# that no page uses.
@hooks.register("before_serve_document", order=-1)
def serve_documents_only_to_readers(document, request):
    """A document used by pages goes to readers (and editors) of one of them and to nobody
    else, whatever its 文件夹's privacy says: a file used by a public page is public."""
    answer = verdict(document, request)
    if answer not in (None, True):
        return answer
    allowed = collection_allows(document, request)
    if answer is None and not allowed:
        return None  # used by no page: Wagtail's check of its 文件夹 refuses, with the login page
    if allowed and not settings.PRIVATE_MEDIA_ACCEL_REDIRECT:
        return None  # Wagtail serves it as usual
    # Wagtail's collection check would refuse a reader of the page, or nginx is to send the
    # bytes (X-Accel-Redirect: Wagtail would stream a file from object storage itself).
    document_served.send(sender=type(document), instance=document, request=request)
    return file_response(document.file, filename=document.filename, attachment=True)


# The choosers list what the editor's 文件夹 permissions allow; of those, only files the
# editor may read, so that choosing a file cannot be a way to see another section's.
@hooks.register("construct_document_chooser_queryset")
@hooks.register("construct_image_chooser_queryset")
def choose_only_readable_files(queryset, request):
    return readable(queryset, request)
