from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from taggit.managers import TaggableManager
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.api.validators import SiteFilterValidator
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Page, PageViewRestriction

from caching.privacy import public
from caching.shared import site_for
from content import params
from content.references import with_references
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


def related_to_read(model, names):
    """The relations of `model` among the field names a listing shows, as prefetch lookups:
    keys (a page's workshop, teacher, cover image, locale), many-to-many (authors) and child
    rows (documents) with the keys their own API fields show (each document's file).
    Tags are left out: Wagtail's TagsField asks for them sorted, a query of its own anyway."""
    lookups = []
    for name in names:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a property or a label (label_of)
            continue
        if not field.is_relation or isinstance(field, TaggableManager):
            continue
        lookups.append(name)
        if field.one_to_many:
            child = field.related_model
            shown = {f.name for f in getattr(child, "api_fields", ())}
            lookups += [
                f"{name}__{f.name}"
                for f in child._meta.concrete_fields
                if f.many_to_one and f.name in shown
            ]
    return lookups


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
    """For a visitor no view restriction lets in (not logged in, no password given), the
    pages come from the cached list of private sections (caching.privacy): Wagtail asks the
    database for the restrictions on every request, and with `type=` narrowed the type's
    pages by `pk IN (every live public page)`, which SQLite built in full for each of a
    search's statements (20 ms each at 50,000 pages). Other visitors get Wagtail's own
    answer, which lets each through the restrictions they pass.

    The site is the cached one (caching.shared.site_for) rather than Wagtail's query, and
    the pages are built once per request: Wagtail asks for them three times (the listing,
    the serializer's model, the serializer's context), which cost a search a third of its
    Python time (bench/api_profile.py)."""

    def initial(self, request, *args, **kwargs):
        # Before Wagtail's SiteFilterValidator and the pages' URLs, which read
        # request._wagtail_site first.
        site_for(request)
        super().initial(request, *args, **kwargs)

    def public_only(self):
        request = self.request
        passed = request.session.get(PageViewRestriction.passed_view_restrictions_session_key)
        return not (request.user.is_authenticated or passed)

    def get_base_queryset(self):
        if not hasattr(self, "_base_queryset"):
            if self.public_only():
                self._base_queryset = self.public_pages(Page)
            else:
                self._base_queryset = super().get_base_queryset()
        return self._base_queryset

    def get_queryset(self):
        if not hasattr(self, "_queryset"):
            queryset = super().get_queryset()  # checks `type=`
            if queryset.model is not Page and self.public_only():
                queryset = self.public_pages(queryset.model)  # one type: its own rows
            self._queryset = queryset
        return self._queryset

    def get_serializer_class(self):
        if not hasattr(self, "_serializer_class"):
            self._serializer_class = super().get_serializer_class()
        return self._serializer_class

    def paginate_queryset(self, queryset):
        """The page of results, with the relations the listing shows read for all its pages
        at once: reference data from the cached lists, the others by one query each.
        Wagtail's serializers read them page by page: 100 queries for 10 resources with
        `fields=*` (search or not), 2 per page for `fields=subject,grade`."""
        page = super().paginate_queryset(queryset)
        if page is None or self.action != "listing_view":
            return page
        page = with_references(page)
        # The model the serializer is made for (a search's results may not name one).
        model = self.get_queryset().model
        lookups = related_to_read(model, self.get_serializer_class().Meta.fields)
        if lookups and page:
            prefetch_related_objects(page, *lookups)
        return page

    def public_pages(self, model):
        """wagtail.api.querysets.get_public_pages_queryset, but for the restrictions."""
        request = self.request
        try:
            site = SiteFilterValidator(site=request.GET.get("site"), request=request).site_obj
        except ValueError as e:
            raise BadRequestError(str(e)) from e
        if site is None:
            return model.objects.none()
        pages = public(model._default_manager.all().live())
        queryset = pages.descendant_of(site.root_page, inclusive=True)
        if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
            for translation in site.root_page.get_translations():
                queryset |= pages.descendant_of(translation, inclusive=True)
        return queryset


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
