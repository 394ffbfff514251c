"""What purges the page cache (portal.page_cache): everything a public page shows.

Pages: publish, unpublish, move, delete. Privacy: view restrictions and their groups.
Files: documents, images and videos saved (replaced, retitled) or deleted. The site and its
footer setting, reference data and people (snippets), search promotions, tags, and every
tracking record, which /results/ computes from.

Not: download counts (an UPDATE, no signal), renditions made while rendering, search index
entries, search-term hits, sessions and logs. Those are written while visitors read, and
purging on them would empty the cache as fast as it fills.
"""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from wagtailmedia.models import get_media_model

from portal.page_cache import purge

# Apps whose every model (pages aside, which purge on publish, not on a draft's save) is
# content shown on public pages.
CONTENT_APPS = ("content", "home", "portal", "tracking")
OTHER_MODELS = (
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
    models = [m for name in CONTENT_APPS for m in apps.get_app_config(name).get_models()]
    models += [apps.get_model(label) for label in OTHER_MODELS]
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
