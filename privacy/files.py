"""Who may read a file (document, image, video): decided from the pages that use it.

A file used by no page follows Wagtail's collection privacy. A file used by pages is readable
by a visitor who may read at least one of them that is live, and by whoever may edit one of
them (editors and reviewers open the files of drafts they work on). A file used by one live
public page is public, whatever else uses it. "Used" is what Wagtail's ReferenceIndex records
of a page: choosers, StreamField blocks, rich text links and InlinePanel children, so an
attachment list, a body's document block, a link in a paragraph, a figure and a poster all
count alike.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, IntegerField, Q
from django.db.models.functions import Cast
from django.http import Http404

from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction, ReferenceIndex
from wagtail.permission_policies.pages import PagePermissionPolicy

from caching import fragment


def _base_model(model):
    # ReferenceIndex names a referenced object by its base concrete model.
    parents = model._meta.get_parent_list()
    return parents[-1] if parents else model._meta.concrete_model


def page_references(model):
    """ReferenceIndex rows recording that a page uses an object of `model`."""
    return ReferenceIndex.objects.filter(
        to_content_type=ContentType.objects.get_for_model(_base_model(model)),
        base_content_type=ContentType.objects.get_for_model(Page),
    )


def _keys(pages):
    # ReferenceIndex keeps object ids as text.
    return pages.annotate(key=Cast("pk", output_field=CharField())).values("key")


def _file_ids(references):
    return references.annotate(file_id=Cast("to_object_id", output_field=IntegerField())).values(
        "file_id"
    )


def pages_using(obj):
    ids = (
        ReferenceIndex.get_references_to(obj)
        .filter(base_content_type=ContentType.objects.get_for_model(Page))
        .values_list("object_id", flat=True)
    )
    return Page.objects.filter(pk__in={int(i) for i in ids})


def compute_private_ids(model):
    """Ids of the files of `model` that pages use and no live public page does."""
    references = page_references(model)
    used = set(references.values_list("to_object_id", flat=True))
    if not used:
        return frozenset()
    public = Page.objects.live().public()
    shown = set(
        references.filter(object_id__in=_keys(public)).values_list("to_object_id", flat=True)
    )
    return frozenset(int(i) for i in used - shown)


def private_ids(model):
    """compute_private_ids, once per cache generation (publishing, privacy changes and files
    saved start a new one)."""
    return fragment(f"private-files:{model._meta.label_lower}", lambda: compute_private_ids(model))


def _failed_page_restrictions(request):
    return [r for r in PageViewRestriction.objects.all() if not r.accept_request(request)]


def readable_pages(request):
    """The pages whose files the request may read: live ones it passes every restriction of,
    and those its user may edit."""
    failed = _failed_page_restrictions(request)
    hidden = Q()
    for restriction in failed:
        hidden |= Q(path__startswith=restriction.page.path)
    pages = Page.objects.live()
    if failed:
        pages = pages.exclude(hidden)
    user = request.user
    if user.is_authenticated:
        editable = PagePermissionPolicy().instances_user_has_any_permission_for(user, ["change"])
        pages = Page.objects.filter(Q(pk__in=pages.values("pk")) | Q(pk__in=editable.values("pk")))
    return pages


def _failed_collections(request):
    ids = set()
    for restriction in CollectionViewRestriction.objects.select_related("collection"):
        if not restriction.accept_request(request):
            ids.update(
                restriction.collection.get_descendants(inclusive=True).values_list("pk", flat=True)
            )
    return ids


def readable(queryset, request):
    """The files of `queryset` the request may read (the API's lists, the admin's choosers)."""
    model = queryset.model
    private = private_ids(model)
    if private:
        references = page_references(model).filter(to_object_id__in=[str(i) for i in private])
        if request.user.is_authenticated:
            shown = set(
                references.filter(object_id__in=_keys(readable_pages(request))).values_list(
                    "to_object_id", flat=True
                )
            )
        else:
            shown = set()  # anonymous visitors read live public pages only (passwords aside)
        hidden = private - {int(i) for i in shown}
        if hidden:
            queryset = queryset.exclude(pk__in=hidden)
    closed = _failed_collections(request)
    if closed:
        # Files used by pages were decided above; the collection decides for the others.
        queryset = queryset.exclude(
            Q(collection__in=closed) & ~Q(pk__in=_file_ids(page_references(model)))
        )
    return queryset


def may_read_page(page, request):
    if page.live and all(r.accept_request(request) for r in page.get_view_restrictions()):
        return True
    user = request.user
    return user.is_authenticated and page.permissions_for_user(user).can_edit()


def verdict(obj, request):
    """For one file: None when no page uses it (its collection's privacy decides), True when
    the request may read one of the pages using it; otherwise the response to give, the login
    page for an anonymous visitor when one of those pages is live (Http404 is raised where
    logging in would not help)."""
    pages = list(pages_using(obj))
    if not pages:
        return None
    if any(may_read_page(page, request) for page in pages):
        return True
    if any(page.live for page in pages) and not request.user.is_authenticated:
        login_url = getattr(settings, "WAGTAIL_FRONTEND_LOGIN_URL", None) or settings.LOGIN_URL
        return redirect_to_login(request.get_full_path(), login_url)
    raise Http404


def collection_allows(obj, request):
    """Wagtail's collection privacy for a file used by no page."""
    return all(r.accept_request(request) for r in obj.collection.get_view_restrictions())
