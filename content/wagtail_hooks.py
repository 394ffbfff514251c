from wagtail import hooks
from wagtail.snippets.models import register_snippet

from content.privacy import check_download
from content.viewsets import ReferenceDataGroup

register_snippet(ReferenceDataGroup)


@hooks.register("before_serve_document")
def serve_documents_only_to_readers(document, request):
    return check_download(document, request)
