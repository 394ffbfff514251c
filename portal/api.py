from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from privacy.files import readable


class ReadableDocumentsAPIViewSet(DocumentsAPIViewSet):
    """Only documents the visitor may download (privacy.files)."""

    def get_queryset(self):
        return readable(super().get_queryset(), self.request)


class ReadableImagesAPIViewSet(ImagesAPIViewSet):
    """Only images the visitor may see (privacy.files)."""

    def get_queryset(self):
        return readable(super().get_queryset(), self.request)


# Read-only: other school sites in the region pull pages, images and documents from here.
api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)
api_router.register_endpoint("images", ReadableImagesAPIViewSet)
api_router.register_endpoint("documents", ReadableDocumentsAPIViewSet)
