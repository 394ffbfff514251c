from django.utils.translation import gettext as _

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from content import params
from privacy.files import readable

# Past this, an offset names no page of any real listing, and SQLite cannot add it to a limit.
MAX_OFFSET = 2**31 - 1
# Parameters naming a page or an object by id, or a position: whole numbers, or 400.
NUMBERS = {
    "offset": MAX_OFFSET,
    "limit": MAX_OFFSET,
    "id": params.MAX_INTEGER,
    "child_of": params.MAX_INTEGER,
    "descendant_of": params.MAX_INTEGER,
    "ancestor_of": params.MAX_INTEGER,
    "translation_of": params.MAX_INTEGER,
}
# Words the pages' filters take besides numbers (child_of=root).
WORDS = {"child_of": {"root"}, "descendant_of": {"root"}}
OPERATORS = {"and", "or"}


class CheckedParametersMixin:
    """Answers a malformed parameter with 400 and a message, before Wagtail's filters pass
    it to the database (an id that is no number, an offset past 64 bits, a NUL byte that
    PostgreSQL refuses in text, an unknown search operator)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        for name, values in request.GET.lists():
            for value in values:
                self.check_parameter(name, value)

    def check_parameter(self, name, value):
        if "\x00" in name or "\x00" in value:
            raise BadRequestError(_("参数 %(name)s 含有不允许的字符") % {"name": name[:50]})
        number = name in NUMBERS and value not in WORDS.get(name, ())
        if number and params.integer(value, NUMBERS[name]) is None:
            raise BadRequestError(
                _("参数 %(name)s 应为不超过 %(max)d 的非负整数")
                % {"name": name, "max": NUMBERS[name]}
            )
        if name == "search_operator" and value not in OPERATORS:
            raise BadRequestError(_("search_operator 只能是 and 或 or"))


class CheckedPagesAPIViewSet(CheckedParametersMixin, PagesAPIViewSet):
    pass


class ReadableDocumentsAPIViewSet(CheckedParametersMixin, DocumentsAPIViewSet):
    """Only documents the visitor may download (privacy.files)."""

    def get_queryset(self):
        return readable(super().get_queryset(), self.request)


class ReadableImagesAPIViewSet(CheckedParametersMixin, ImagesAPIViewSet):
    """Only images the visitor may see (privacy.files)."""

    def get_queryset(self):
        return readable(super().get_queryset(), self.request)


# Read-only: other school sites in the region pull pages, images and documents from here.
api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", CheckedPagesAPIViewSet)
api_router.register_endpoint("images", ReadableImagesAPIViewSet)
api_router.register_endpoint("documents", ReadableDocumentsAPIViewSet)
