"""Cards (a page's summary in a listing) rendered once, kept in the database and shared.

The same resource's card shows in its section under every filter and page number, on the
home page, in its workshop and in collections; rendering 20 cards was half of a listing's
time. A card shows only its page's own public facts and names from the reference lists,
nothing about the visitor, so one rendering serves everyone; which cards a visitor sees is
still decided by the listing's query.

Two levels, in the spirit of Plone's catalogue metadata:

- the shared cache, per generation (caching.generations): a warm listing's cards in one
  round trip, gone when a change (or BENCH_COLD) empties it;
- the database (caching.models.KeptCard, one row per page, template and site): a cold
  listing reads them with its own query, each row beside its page (`with_kept_cards`
  annotates the listing's queryset: no query of its own), and renders (and keeps, in one
  statement) only the cards it did not find.

A kept card is read only while it is what rendering it now would give:

- its *version* is that of the templates (the card's and those it includes), the code that
  makes its values (the source of the page models and of the models they point to, and the
  Django and Wagtail releases) and the settings it depends on (time zone, language, the
  media storage's URLs): a deploy that changes any of them reads none of the old cards;
- its *stamp* is the page's last_published_at and url_path when it was rendered, compared
  with the page's row in the listing's query: a publish, a move or a new slug (of the page
  or of an ancestor: Wagtail rewrites the descendants' url_path) makes it stale at once, in
  every process, even one that wrote its card a moment after the change was committed;
- a page saved without publishing, a change to a row a page points to (a school's name, a
  subject, a teacher, a poster image), a rendition deleted and an image moved between the
  public and private folders (privacy.images) delete the cards of the pages concerned, in
  the transaction of the change and again after its commit (`forget_cards_showing`); a
  change of a site deletes every card.
"""

import datetime
import functools
import hashlib
import inspect
import logging

import django
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import DatabaseError, router, transaction
from django.db.models import Expression, F, ForeignKey, Q, TextField
from django.db.models.signals import post_delete, post_save, pre_delete
from django.template.loader import get_template
from django.template.loader_tags import IncludeNode
from django.utils import timezone
from django.utils.safestring import mark_safe

import wagtail
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from caching.generations import depends_on, generation, note, noted
from caching.shared import site_for

logger = logging.getLogger(__name__)

# What a kept card's stamp holds when the page was never published (made live in code).
NEVER = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
# Settings a rendered card depends on besides its templates and the code.
CARD_SETTINGS = (
    "LANGUAGE_CODE",
    "TIME_ZONE",
    "USE_TZ",
    "USE_I18N",
    "MEDIA_URL",
    "WAGTAIL_APPEND_SLASH",
    "WAGTAIL_I18N_ENABLED",
    "PRIVATE_MEDIA_PREFIX",
)


def _kept():
    return apps.get_model("caching", "KeptCard")


def included_templates(nodelist):
    """The names of the templates a template includes by a constant name."""
    names = []
    for node in nodelist.get_nodes_by_type(IncludeNode):
        name = getattr(node.template, "var", None)
        if isinstance(name, str):
            names.append(name)
    return names


def _page_models():
    return [m for m in apps.get_models() if issubclass(m, Page)]


def _shown_models():
    """The page models and every model they point to (reference lists, people, images)."""
    models = set(_page_models())
    for model in list(models):
        for field in model._meta.concrete_fields:
            if isinstance(field, ForeignKey):
                models.add(field.related_model)
    return models


@functools.cache
def _code_version():
    """The source of the models a card's values come from, and the releases of the code
    that renders it (template tags, filters, rendition names)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"django {django.__version__} wagtail {wagtail.__version__}".encode())
    files = set()
    for model in _shown_models():
        for klass in model.__mro__:
            try:
                files.add(inspect.getsourcefile(klass))
            except TypeError:  # a built-in
                continue
    # By content only, in an order that does not depend on where the code is installed:
    # every app server of a deployment reads the cards the others kept.
    contents = []
    for name in files:
        if name:
            with open(name, "rb") as handle:
                contents.append(hashlib.blake2b(handle.read(), digest_size=16).digest())
    for content in sorted(contents):
        digest.update(content)
    for name in CARD_SETTINGS:
        digest.update(f"{name}={getattr(settings, name, None)!r}".encode())
    digest.update(default_storage.url("card").encode())  # where uploaded files are served
    return digest.hexdigest()


@functools.cache
def card_version(template_name):
    """What a kept card of this template was made with (module docstring): a new value
    after a deploy that changes the template, an included one, the code or the settings."""
    digest = hashlib.blake2b(_code_version().encode(), digest_size=16)
    seen, pending = set(), [template_name]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        template = get_template(name).template
        digest.update(name.encode() + b"\0" + template.source.encode())
        pending.extend(included_templates(template.nodelist))
    return digest.hexdigest()


def _annotation(template_name):
    return "kept_card_" + hashlib.blake2b(template_name.encode(), digest_size=6).hexdigest()


STAMP_PUBLISHED = "kept_card_published"
STAMP_PATH = "kept_card_path"


class KeptCardHTML(Expression):
    """The page's kept card of a template for a site, if valid, as a subquery beside the
    listing's row (a custom query expression, Django's documented API): the unique index
    finds it, and only for the rows the listing returns. Written as SQL rather than as an
    ORM subquery, which took a millisecond to compile for each listing, more than what the
    kept cards saved on the home page's short lists."""

    output_field = TextField()

    def __init__(self, template_name, site_id):
        super().__init__()
        self.template_name, self.site_id = template_name, site_id
        self.columns = [F("pk"), F("last_published_at"), F("url_path")]

    def __repr__(self):
        return f"{type(self).__name__}({self.template_name!r}, {self.site_id!r})"

    def get_source_expressions(self):
        return self.columns

    def set_source_expressions(self, exprs):
        self.columns = exprs

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, **kw):
        resolved = self.copy()
        resolved.is_summary = summarize
        resolved.columns = [
            column.resolve_expression(query, allow_joins, reuse, summarize, **kw)
            for column in self.columns
        ]
        return resolved

    def as_sql(self, compiler, connection):
        (pk, pk_params), (published, published_params), (path, path_params) = (
            compiler.compile(column) for column in self.columns
        )
        model = _kept()
        q = connection.ops.quote_name
        kept = q("kept_card")
        table = q(model._meta.db_table)
        sql = (
            f"(SELECT {kept}.{q('html')} FROM {table} {kept}"
            f" WHERE {kept}.{q('page_id')} = {pk} AND {kept}.{q('template')} = %s"
            f" AND {kept}.{q('site_id')} = %s AND {kept}.{q('version')} = %s"
            f" AND {kept}.{q('published')} = COALESCE({published}, %s)"
            f" AND {kept}.{q('url_path')} = {path})"
        )
        params = [
            *pk_params,
            self.template_name,
            self.site_id,
            card_version(self.template_name),
            *published_params,
            connection.ops.adapt_datetimefield_value(NEVER),
            *path_params,
        ]
        return sql, params


def kept_cards_site(template_name, request):
    """The site whose kept cards of this template `with_kept_cards` reads beside a
    listing's rows for this request, None when it reads none: what a statement made once
    per process for a listing is made for."""
    site = site_for(request) if request is not None else None
    if site is None or noted(_shown(request, template_name, site)):
        # This list's cards were shown since the last change: they are in the shared cache,
        # and reading the kept ones too would cost every request (a tenth of a list's time
        # with the page cache off).
        return None
    return site


_DECIDE = object()


def with_kept_cards(queryset, template_name, request, site=_DECIDE):
    """The listing's queryset with each page's kept card of this template (None when none is
    valid) read in the same query, and the stamp a card rendered from the row is kept
    with, for rendered_cards. `site`: kept_cards_site's answer, when the caller has it."""
    if site is _DECIDE:
        site = kept_cards_site(template_name, request)
    if site is None:
        return queryset
    return queryset.annotate(
        **{
            _annotation(template_name): KeptCardHTML(template_name, site.pk),
            STAMP_PUBLISHED: F("last_published_at"),
            STAMP_PATH: F("url_path"),
        }
    )


def _shown(request, template_name, site):
    """What names a list's cards as shown at this address (with_kept_cards)."""
    where = hashlib.blake2b(request.get_full_path().encode(), digest_size=12).hexdigest()
    return f"cards-shown:{site.pk}:{template_name}:{where}"


def _aware(stamp):
    """The stamp as read: a listing read by Manager.raw() (home.models.listed) has it as
    the driver gives it, which is naive UTC from SQLite (the ORM's own conversion is for
    the model's fields only there)."""
    if stamp is not None and settings.USE_TZ and timezone.is_naive(stamp):
        return timezone.make_aware(stamp, datetime.UTC)
    return stamp


def _keep(cards, template_name, site):
    """Keeps the cards rendered ([(item, html)]), in one statement, replacing older ones."""
    model = _kept()
    version = card_version(template_name)
    rows = [
        model(
            page_id=item.pk,
            template=template_name,
            site_id=site.pk,
            version=version,
            published=_aware(getattr(item, STAMP_PUBLISHED)) or NEVER,
            url_path=getattr(item, STAMP_PATH),
            html=html,
        )
        for item, html in cards
    ]
    try:
        with transaction.atomic(using=router.db_for_write(model)):
            model.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["page", "template", "site"],
                update_fields=["version", "published", "url_path", "html"],
            )
    except DatabaseError:  # a page deleted meanwhile, a read-only database: render next time
        logger.warning("Cards of %s not kept", template_name, exc_info=True)


def rendered_cards(items, template_name, request):
    """[(item, its card's HTML)] for the items, one shared-cache round trip for all; on a
    miss, the kept cards that came with the items (with_kept_cards), else rendered."""
    items = list(items)
    template = get_template(template_name)
    site = site_for(request) if request is not None else None
    if not items:
        return []
    if site is None:  # no site to name in the key (or no request): render them all
        return [(item, template.render({"item": item, "request": request})) for item in items]
    # A card is made from what its page type names (`cache_depends`, e.g. an activity's
    # workshop), else from everything.
    depends = [getattr(item, "cache_depends", None) for item in items]
    scopes = None if None in depends else sorted({s for names in depends for s in names})
    depends_on(*(scopes or ()))
    prefix = f"card:{generation(scopes)}:{site.pk}:{template_name}"
    keys = [f"{prefix}:{item.pk}" for item in items]
    found = cache.get_many(keys)
    annotation = _annotation(template_name)
    made = {}
    to_keep = []
    cards = []
    for item, key in zip(items, keys, strict=True):
        html = found.get(key)
        if html is None:
            html = getattr(item, annotation, None)
            if html is None:
                # A plain context, without the context processors: a card needs only the
                # item and the request (for its links).
                html = str(template.render({"item": item, "request": request}))
                if hasattr(item, annotation):  # read with its kept card: keep this one
                    to_keep.append((item, html))
            made[key] = html
        cards.append((item, mark_safe(html)))  # it was rendered, escaped, by the template
    if made:
        cache.set_many(made, settings.PAGE_CACHE_TIMEOUT)
    if to_keep:
        _keep(to_keep, template_name, site)
    if made:
        note(_shown(request, template_name, site))
    return cards


# Invalidation -------------------------------------------------------------------------


@functools.cache
def _pointing_fields(model):
    """[(page model, foreign key)] of the page models' own foreign keys to this model."""
    found = []
    for page_model in _page_models():
        for field in page_model._meta.local_concrete_fields:
            if (
                isinstance(field, ForeignKey)
                and issubclass(model, field.related_model)
                and not issubclass(field.related_model, Page)
            ):
                found.append((page_model, field))
    return found


def _forget(model, pks):
    conditions = [
        Q(page_id__in=page_model._base_manager.filter(**{f"{field.name}__in": pks}).values("pk"))
        for page_model, field in _pointing_fields(model)
    ]
    if conditions:
        kept = _kept()
        kept.objects.using(router.db_for_write(kept)).filter(
            functools.reduce(Q.__or__, conditions)
        ).delete()


def forget_cards_showing(model, pks):
    """Deletes the kept cards of the pages that point to these rows (a school renamed, an
    image's files moved): now, within the change's transaction, and again once it is
    committed, for a card another process rendered from the old row meanwhile."""
    pks = list(pks)
    if not pks or not _pointing_fields(model):
        return
    _forget(model, pks)
    transaction.on_commit(lambda: _forget(model, pks), robust=True)


def forget_page_cards(page_ids):
    kept = _kept()
    kept.objects.using(router.db_for_write(kept)).filter(page_id__in=list(page_ids)).delete()


def _page_saved(sender, instance, raw=False, **kwargs):
    # Any save, not only a publish (which the stamp already tells): code that changes a
    # live page and saves it without publishing.
    if not raw and isinstance(instance, Page) and instance.pk is not None:
        forget_page_cards([instance.pk])


def _row_changed(sender, instance, created=False, raw=False, **kwargs):
    if not raw and not created:  # no page can point to a row just made
        forget_cards_showing(type(instance), [instance.pk])


def _rendition_deleted(sender, instance, **kwargs):
    forget_cards_showing(get_image_model(), [instance.image_id])


def _site_changed(sender, raw=False, **kwargs):
    if not raw:  # a host name, port or root page: every card's links
        kept = _kept()
        kept.objects.using(router.db_for_write(kept)).all().delete()


_receivers = []


def connect(shown_models):
    """Listens for what makes a kept card stale; `shown_models` are those a page may show
    (caching.signals.models_shown_on_pages): of these, the ones a page points to."""
    post_save.connect(_page_saved, dispatch_uid="kept_cards_page_saved")
    for model in shown_models:
        if model is Site:
            post_save.connect(_site_changed, sender=Site, dispatch_uid="kept_cards_site")
            post_delete.connect(_site_changed, sender=Site, dispatch_uid="kept_cards_site_gone")
        elif _pointing_fields(model):
            uid = f"kept_cards_{model._meta.label_lower}"
            post_save.connect(_row_changed, sender=model, dispatch_uid=f"{uid}_saved")
            # Before: a deletion sets the pages' foreign keys to NULL before post_delete.
            pre_delete.connect(_row_changed, sender=model, dispatch_uid=f"{uid}_deleted")
    post_delete.connect(
        _rendition_deleted,
        sender=get_image_model().get_rendition_model(),
        dispatch_uid="kept_cards_rendition_deleted",
    )
