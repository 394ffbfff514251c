"""A file is as private as the pages it is attached to: a document attached only to
teachers-only, group-only or unpublished pages is served to nobody who could not read one
of those pages, and is left out of the documents API. Documents attached to no page follow
Wagtail's collection privacy."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.http import Http404

from wagtail.models import Collection, CollectionViewRestriction, Page

from content.models import ForumDocument, RecordingDocument, RecordingPage, ResourceDocument

ATTACHMENTS = (ResourceDocument, RecordingDocument, ForumDocument)


def attached_page_ids(document):
    ids = set()
    for model in ATTACHMENTS:
        ids.update(model.objects.filter(document=document).values_list("page_id", flat=True))
    return ids


def public_documents(queryset):
    """The documents anyone may download: attached to a live public page, or to no page, and
    not in a private collection."""
    public_pages = Page.objects.live().public().values("pk")
    attached, on_public_page = Q(), Q()
    for model in ATTACHMENTS:
        attached |= Q(pk__in=model.objects.values("document_id"))
        on_public_page |= Q(
            pk__in=model.objects.filter(page__in=public_pages).values("document_id")
        )
    restricted = set()
    for restriction in CollectionViewRestriction.objects.select_related("collection"):
        restricted.update(
            restriction.collection.get_descendants(inclusive=True).values_list("pk", flat=True)
        )
    return queryset.filter(~attached | on_public_page).exclude(collection__in=restricted)


def _check_pages(pages, request):
    """None when the visitor may read (or edit) one of the pages; else the login page for an
    anonymous visitor where one is live, or a 404."""
    user = request.user
    for page in pages:
        if page.live and all(r.accept_request(request) for r in page.get_view_restrictions()):
            return None
        # Editors and reviewers open the files of what they may edit, drafts included.
        if user.is_authenticated and page.permissions_for_user(user).can_edit():
            return None
    if any(page.live for page in pages) and not user.is_authenticated:
        login_url = getattr(settings, "WAGTAIL_FRONTEND_LOGIN_URL", None) or settings.LOGIN_URL
        return redirect_to_login(request.get_full_path(), login_url)
    raise Http404


def check_download(document, request):
    """None when the visitor may have the file; else the login page or a 404."""
    page_ids = attached_page_ids(document)
    if not page_ids:
        return None
    return _check_pages(list(Page.objects.filter(pk__in=page_ids).specific()), request)


def workshop_collection_name(workshop):
    return f"工作室·{workshop.title}"


def sync_collection_privacy(workshop):
    """A workshop's 文件夹 is as private as the workshop's section: files uploaded there for a
    teachers-only or group-only section are private too, attached to a page or not."""
    collection = Collection.objects.filter(name=workshop_collection_name(workshop)).first()
    if collection is None:
        return
    restrictions = list(workshop.get_view_restrictions())
    CollectionViewRestriction.objects.filter(collection=collection).delete()
    for restriction in restrictions:
        mirrored = CollectionViewRestriction.objects.create(
            collection=collection,
            restriction_type=restriction.restriction_type,
            password=restriction.password,
        )
        mirrored.groups.set(restriction.groups.all())


def check_media(media, request):
    """As check_download, for an uploaded video: it is as private as the recordings showing
    it; one shown nowhere follows its collection's privacy."""
    pages = list(RecordingPage.objects.filter(video=media))
    if pages:
        return _check_pages(pages, request)
    for restriction in CollectionViewRestriction.objects.filter(
        collection__in=media.collection.get_ancestors(inclusive=True)
    ):
        if not restriction.accept_request(request):
            raise Http404
    return None
