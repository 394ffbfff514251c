"""What a user may still read, without a request: the digest is sent by a job, and /me/
asks the same question in one query rather than one per saved page or file.

Mirrors Wagtail's `accept_request` for a user, except that a password-protected page is
never listed: its password unlocks one browser session, not the account."""

from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast, Length, Substr

from wagtail.documents import get_document_model
from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction

from caching.privacy import restricted_paths
from privacy.files import page_references


def hidden_paths(user):
    """Tree paths of the sections whose restrictions the user does not pass, in one query."""
    if not restricted_paths():  # the cached list: no query when nothing is private
        return []
    restrictions = PageViewRestriction.objects.values_list("page__path", "restriction_type")
    if user.is_authenticated:
        members = PageViewRestriction.groups.through.objects.filter(
            pageviewrestriction=OuterRef("pk"), group__user=user
        )
        restrictions = restrictions.annotate(member=Exists(members)).values_list(
            "page__path", "restriction_type", "member"
        )
    hidden = []
    for path, kind, *member in restrictions:
        if user.is_authenticated and (
            kind == PageViewRestriction.LOGIN
            or (kind == PageViewRestriction.GROUPS and (user.is_superuser or member[0]))
        ):
            continue
        hidden.append(path)
    return hidden


def hidden_q(paths, prefix=""):
    q = Q()
    for path in paths:
        q |= Q(**{f"{prefix}path__startswith": path})
    return q


def readable_pages(queryset, paths):
    """Live pages of `queryset` outside the hidden sections `paths`."""
    queryset = queryset.filter(live=True)
    return queryset.exclude(hidden_q(paths)) if paths else queryset


def readable_page(page_id, user):
    """The live page the user may read, or None."""
    return readable_pages(Page.objects.filter(pk=page_id), hidden_paths(user)).first()


def readable_document_q(paths, field="document"):
    """Rows whose document the user may read, as privacy/ decides for a visitor: used by a
    live page they may read; or used by no page and in a 文件夹 without privacy (a 文件夹
    with any is left out here, rather than asked group by group)."""
    references = page_references(get_document_model()).filter(
        to_object_id=Cast(OuterRef(f"{field}_id"), output_field=CharField())
    )
    pages = readable_pages(Page.objects.all(), paths)
    readable_use = references.filter(
        object_id__in=pages.annotate(key=Cast("pk", output_field=CharField())).values("key")
    )
    # A restriction on the 文件夹 or any folder above it: its path begins the file's.
    closed = CollectionViewRestriction.objects.filter(
        collection__path=Substr(
            OuterRef(f"{field}__collection__path"), 1, Length("collection__path")
        )
    )
    return Q(Exists(readable_use)) | (~Q(Exists(references)) & ~Q(Exists(closed)))
