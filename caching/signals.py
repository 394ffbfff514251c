"""What purges the cache (caching.purge): everything a public page shows.

Pages: publish, unpublish, move, delete. Privacy: view restrictions and their groups.
Files: documents, images and videos saved (replaced, retitled) or deleted. Sites, search
promotions and tags. Then whatever the project lists in its settings: every model of the
apps in CACHING_PURGE_APPS (the portal's snippets, site settings, reference data, people,
tracking records) and the models in CACHING_PURGE_MODELS, pages aside (they purge on
publish, not on a draft's save). An app may also connect `caching.purge` to a signal itself.

Not: download counts (an UPDATE, no signal), renditions made while rendering, search index
entries, search-term hits, sessions and logs. Those are written while visitors read, and
purging on them would empty the cache as fast as it fills.
"""

from django.apps import apps
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from wagtailmedia.models import get_media_model

from caching.generations import purge

GENERIC_MODELS = (
    "wagtailcore.PageViewRestriction",
    "wagtailcore.Site",
    "wagtailsearchpromotions.SearchPromotion",
    "taggit.Tag",
)


def _purge(sender, raw=False, **kwargs):
    if not raw:  # loaddata (a restore) purges once when it is done
        purge()


def _purge_deleted_page(sender, instance, **kwargs):
    if isinstance(instance, Page):
        purge()


def models_shown_on_pages():
    models = [
        m
        for name in getattr(settings, "CACHING_PURGE_APPS", ())
        for m in apps.get_app_config(name).get_models()
    ]
    labels = [*GENERIC_MODELS, *getattr(settings, "CACHING_PURGE_MODELS", ())]
    models += [apps.get_model(label) for label in labels]
    models += [get_document_model(), get_image_model(), get_media_model()]
    return [m for m in dict.fromkeys(models) if not issubclass(m, Page)]


def connect():
    page_published.connect(_purge, dispatch_uid="page_cache_published")
    page_unpublished.connect(_purge, dispatch_uid="page_cache_unpublished")
    post_page_move.connect(_purge, dispatch_uid="page_cache_moved")
    post_delete.connect(_purge_deleted_page, dispatch_uid="page_cache_page_deleted")
    for model in models_shown_on_pages():
        uid = f"page_cache_{model._meta.label_lower}"
        post_save.connect(_purge, sender=model, dispatch_uid=f"{uid}_saved")
        post_delete.connect(_purge, sender=model, dispatch_uid=f"{uid}_deleted")
    m2m_changed.connect(
        _purge, sender=PageViewRestriction.groups.through, dispatch_uid="page_cache_groups"
    )
