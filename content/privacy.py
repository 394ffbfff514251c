"""The portal's own privacy glue. Whether a file may be read is decided in the `privacy`
package from the pages that use it; here are the workshops' 文件夹, which take their
section's privacy, and the checks the document and video views call."""

from django.db import transaction
from django.http import Http404

from wagtail.models import Collection, CollectionViewRestriction

from privacy.files import collection_allows, verdict


def check_media(media, request):
    """None when the visitor may have the video (as private as the pages showing it; one
    shown nowhere follows its collection's privacy); else the login page or a 404."""
    answer = verdict(media, request)
    if answer is None:
        if not collection_allows(media, request):
            raise Http404
        return None
    return None if answer is True else answer


def workshop_collection_name(workshop):
    return f"工作室·{workshop.title}"


def sync_collection_privacy(workshop):
    """A workshop's 文件夹 is as private as the workshop's section: files uploaded there for a
    teachers-only or group-only section are private too before any page uses them."""
    collection = Collection.objects.filter(name=workshop_collection_name(workshop)).first()
    if collection is None:
        return
    with transaction.atomic():
        CollectionViewRestriction.objects.filter(collection=collection).delete()
        for restriction in workshop.get_view_restrictions().prefetch_related("groups"):
            mirrored = CollectionViewRestriction.objects.create(
                collection=collection,
                restriction_type=restriction.restriction_type,
                password=restriction.password,
            )
            mirrored.groups.set(restriction.groups.all())
