"""What purges the cache (caching.purge): everything a public page shows, each change in
the scope it can alter (caching.generations).

A page purges the scope its type names (`cache_scope`, e.g. resources); a section's own
page (in the menu), an alias, a move and a page type naming no scope purge everything. The
rows a page keeps with it (tags, attachments, agenda: a ParentalKey to the page) purge the
page type's scope. Models of the apps in CACHING_APP_SCOPES purge that scope (tracking
records: 成效 and the report); every other model purges everything (reference lists,
settings, people, files, privacy: correctness first).

Pages: publish, unpublish, move, delete. Privacy: view restrictions and their groups.
Files: documents, images and videos saved (replaced, retitled) or deleted. Sites, search
promotions and tags. Then whatever the project lists in its settings: every model of the
apps in CACHING_PURGE_APPS (the portal's snippets, site settings, reference data, people,
tracking records) and the models in CACHING_PURGE_MODELS, pages aside (they purge on
publish, not on a draft's save). An app may also connect `caching.purge` to a signal itself.
A model kept from what already purges (content.FacetCount, counted as pages change) says
`purges_cache = False`: purging once per row it writes would empty the cache for nothing.

Not: download counts (an UPDATE, no signal), renditions made while rendering, search index
entries, search-term hits, sessions and logs. Those are written while visitors read, and
purging on them would empty the cache as fast as it fills.
"""

from django.apps import apps
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save

from modelcluster.fields import ParentalKey
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from wagtailmedia.models import get_media_model

from caching import cards
from caching.generations import purge

GENERIC_MODELS = (
    "wagtailcore.PageViewRestriction",
    "wagtailcore.Site",
    "wagtailsearchpromotions.SearchPromotion",
    "taggit.Tag",
)


# The depth of the sections' own pages (root 1, home 2): they are the menu's entries.
SECTION_DEPTH = 3


def page_scopes(page):
    """The scopes a change of this page can alter: its type's, or everything."""
    model = page.specific_class or type(page)
    scope = getattr(model, "cache_scope", None)
    if scope is None or page.depth <= SECTION_DEPTH or page.alias_of_id is not None:
        return ()
    return (scope,)


def _purge(sender, raw=False, **kwargs):
    if not raw:  # loaddata (a restore) purges once when it is done
        purge()


def _purge_page(sender, instance, **kwargs):
    purge(*page_scopes(instance))


def _purge_deleted_page(sender, instance, **kwargs):
    if isinstance(instance, Page):
        purge(*page_scopes(instance))


def _model_scopes(model):
    """What a save of the model can alter: its app's scope, its page's, or everything."""
    app_scope = getattr(settings, "CACHING_APP_SCOPES", {}).get(model._meta.app_label)
    if app_scope:
        return (app_scope,)
    for field in model._meta.get_fields():
        if isinstance(field, ParentalKey) and issubclass(field.related_model, Page):
            scope = getattr(field.related_model, "cache_scope", None)
            return (scope,) if scope else ()
    return ()


def _purger(scopes):
    def purge_scopes(sender, raw=False, **kwargs):
        if not raw:
            purge(*scopes)

    return purge_scopes


# Receivers are kept by weak reference: these hold the closures made in connect().
_receivers = []


def models_shown_on_pages():
    models = [
        m
        for name in getattr(settings, "CACHING_PURGE_APPS", ())
        for m in apps.get_app_config(name).get_models()
    ]
    labels = [*GENERIC_MODELS, *getattr(settings, "CACHING_PURGE_MODELS", ())]
    models += [apps.get_model(label) for label in labels]
    models += [get_document_model(), get_image_model(), get_media_model()]
    return [
        m
        for m in dict.fromkeys(models)
        if not issubclass(m, Page) and getattr(m, "purges_cache", True)
    ]


def connect():
    page_published.connect(_purge_page, dispatch_uid="page_cache_published")
    page_unpublished.connect(_purge_page, dispatch_uid="page_cache_unpublished")
    post_page_move.connect(_purge, dispatch_uid="page_cache_moved")
    # A new address: links to the page (and its children) from any section's pages.
    page_slug_changed.connect(_purge, dispatch_uid="page_cache_slug_changed")
    post_delete.connect(_purge_deleted_page, dispatch_uid="page_cache_page_deleted")
    for model in models_shown_on_pages():
        uid = f"page_cache_{model._meta.label_lower}"
        receiver = _purger(_model_scopes(model))
        _receivers.append(receiver)
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}_saved")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}_deleted")
    m2m_changed.connect(
        _purge, sender=PageViewRestriction.groups.through, dispatch_uid="page_cache_groups"
    )
    # The cards kept in the database outlive the generations: what makes one stale deletes it.
    cards.connect(models_shown_on_pages())
