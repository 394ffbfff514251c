from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from content.privacy import public_documents


class PublicDocumentsAPIViewSet(DocumentsAPIViewSet):
    """Only documents anyone may download (content.privacy)."""

    def get_queryset(self):
        return public_documents(super().get_queryset())


# Read-only: other school sites in the region pull pages, images and documents from here.
api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)
api_router.register_endpoint("images", ImagesAPIViewSet)
api_router.register_endpoint("documents", PublicDocumentsAPIViewSet)
