"""Keep private images' files out of the public folders (privacy.images) as pages change.

After the transaction commits: Wagtail's ReferenceIndex is written by its own post_save
handlers, and a moved file must not be left behind by a rolled back one."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from privacy.images import place_new_rendition, sync_images


def _sync(sender, raw=False, **kwargs):
    if not raw:  # loaddata (a restore) keeps the files where the backup had them
        transaction.on_commit(sync_images, robust=True)


def _sync_after_page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        transaction.on_commit(sync_images, robust=True)


def _new_rendition(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        place_new_rendition(instance)


def connect():
    page_published.connect(_sync, dispatch_uid="privacy_published")
    page_unpublished.connect(_sync, dispatch_uid="privacy_unpublished")
    post_page_move.connect(_sync, dispatch_uid="privacy_moved")
    post_delete.connect(_sync_after_page_deleted, dispatch_uid="privacy_page_deleted")
    for signal in (post_save, post_delete):
        signal.connect(_sync, sender=PageViewRestriction, dispatch_uid=f"privacy_{signal}")
    m2m_changed.connect(
        _sync, sender=PageViewRestriction.groups.through, dispatch_uid="privacy_groups"
    )
    image = get_image_model()
    post_save.connect(_sync, sender=image, dispatch_uid="privacy_image_saved")
    post_save.connect(
        _new_rendition, sender=image.get_rendition_model(), dispatch_uid="privacy_rendition"
    )
