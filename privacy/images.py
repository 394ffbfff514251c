"""Images used only by private pages are kept where the web server does not serve them.

Public images stay as fast as before: the web server (or the bucket) serves their original and
renditions straight from /media/images/ and /media/original_images/, with no Python on the
way. An image used by pages none of which is live and public has its original and every
rendition moved under PREFIX (`private/`): nginx does not serve that folder and the bucket
policy does not publish it, so its URL, /media/private/…, reaches the portal's checked view
(privacy.views), which answers readers of one of the pages only. Moving the files (not only
refusing the URL) means the old public address answers 404 as soon as the page turns private,
and back again when it turns public; a cached page or a copied link cannot leak it.
"""

import logging

from django.conf import settings

from wagtail.images import get_image_model

from caching import purge
from caching.cards import forget_cards_showing
from privacy.files import compute_private_ids

logger = logging.getLogger(__name__)

PREFIX = getattr(settings, "PRIVATE_MEDIA_PREFIX", "private/")


def stored_privately(name):
    return bool(name) and name.startswith(PREFIX)


def _move(fieldfile, private):
    """Store the file under its private or public name; answer the name it got."""
    old = fieldfile.name
    target = PREFIX + old if private else old[len(PREFIX) :]
    storage = fieldfile.storage
    if not storage.exists(old):
        logger.warning("Image file %s is missing; not moved", old)
        return old
    with storage.open(old, "rb") as handle:
        new = storage.save(target, handle)
    storage.delete(old)
    return new


def move_rendition(rendition, private):
    if stored_privately(rendition.file.name) == private:
        return
    rendition.purge_from_cache()
    rendition.file.name = _move(rendition.file, private)
    type(rendition).objects.filter(pk=rendition.pk).update(file=rendition.file.name)
    # The cards kept with its old address (caching.cards) are made again.
    forget_cards_showing(get_image_model(), [rendition.image_id])


def move_image(image, private):
    """Move an image's original and renditions to the private or the public folders. Rows
    are updated, not saved: the image is the same, nothing else listens for it."""
    if stored_privately(image.file.name) != private:
        image.file.name = _move(image.file, private)
        type(image).objects.filter(pk=image.pk).update(file=image.file.name)
        forget_cards_showing(type(image), [image.pk])
    for rendition in image.renditions.all():
        move_rendition(rendition, private)


def sync_images():
    """Put every image where its privacy says: private ones under PREFIX, the others out.
    Answers how many images (and stray renditions) moved each way."""
    model = get_image_model()
    private = compute_private_ids(model)
    going = model.objects.filter(pk__in=private).exclude(file__startswith=PREFIX)
    coming = model.objects.filter(file__startswith=PREFIX)
    if private:
        coming = coming.exclude(pk__in=private)
    moved = {"private": 0, "public": 0}
    for image in going:
        move_image(image, True)
        moved["private"] += 1
    for image in coming:
        move_image(image, False)
        moved["public"] += 1
    # Renditions made several at once (Wagtail's bulk_create, as srcset and picture tags
    # do) come with no signal: any left beside the public ones are gathered here.
    stray = (
        model.get_rendition_model()
        .objects.filter(image__file__startswith=PREFIX)
        .exclude(file__startswith=PREFIX)
    )
    for rendition in stray:
        move_rendition(rendition, True)
        moved["private"] += 1
    if any(moved.values()):
        # The publish that caused this purged the cache before the files moved (this runs
        # after the commit): a page rendered in between may name an old address.
        purge()
    return moved


def place_new_rendition(rendition):
    """A rendition is made beside the public ones (Wagtail names its folder); one of a
    private image joins its original at once, before its URL is handed out."""
    if stored_privately(rendition.image.file.name):
        move_rendition(rendition, True)
