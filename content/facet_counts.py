"""Facet counts kept up to date as pages change, instead of recounted on the first request
after every change (issue 17).

A listing (content.filters.FacetedIndexMixin naming its `listed_model`) shows every live,
public page of a type. For each, content.models.FacetCount holds how many such pages have
each value of each facet, and its total; content.models.CountedPage holds what each page
adds now. Whenever something can change whether a page counts or under which values, the
page is looked at again and the difference is applied:

- a page saved (created, published, unpublished, its fields changed: Wagtail saves the page
  row on publish and unpublish) or deleted;
- a page moved, a view restriction saved or deleted: every page below it, as their privacy
  may have changed.

Bulk writes (content.bulk, which sends no signals) recount their listing once at the end, and
`manage.py recount_facets` recounts everything from the pages themselves, for a restored
database or a change made behind the ORM's back (an UPDATE in SQL).

Until a listing's first recount (which writes its total row) nothing is kept for it and its
list counts with queries as before; migrate recounts every listing not yet counted.

Each listing also keeps its counts under every filter and every pair of filters (`under`:
the pages with one facet's value, or two facets' values, counted by every other facet, and
their total), so a list filtered on up to three facets reads its counts instead of counting
thousands of rows per facet: a page adds to its listing and to the listing under each of
its values and each pair of them (1 + 7 + 21 for a resource). They are written with the
listing's own, so a listing counted has them too.

Privacy is read from the database, not from the cached list of private sections
(caching.privacy): the upkeep runs inside the change's own transaction, before the cache's
generation is bumped.
"""

import functools
import hashlib
from collections import Counter, defaultdict

from django.apps import apps
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_migrate, post_save, pre_delete
from django.dispatch import receiver

from wagtail.models import Page, PageViewRestriction, get_page_models
from wagtail.signals import post_page_move

# The facet and value of a listing's total row.
TOTAL = ""
BATCH = 1000
# Rows of one upsert: four parameters each, under SQLite's limit of parameters.
UPSERT_BATCH = 200


def listing_key(label):
    """The key of the listing of a page type, from its "app.Model" label."""
    return label.lower()


# FacetCount.listing's length.
KEY_LENGTH = 60


def under(key, *filters):
    """The key of a listing's counts under one or two filters, each (param, kept value):
    its pages whose facets have those values."""
    name = "|".join([key, *(f"{param}={value}" for param, value in sorted(filters))])
    if len(name) > KEY_LENGTH:
        digest = hashlib.sha1(name.encode()).hexdigest()
        name = f"{key}|#{digest}"[:KEY_LENGTH]
    return name


class Listing:
    def __init__(self, key, model, facets):
        self.key, self.model, self.facets = key, model, facets

    def columns(self):
        return ["pk", "path", "live", *dict.fromkeys(f.column for f in self.facets)]

    def entry(self, row, private):
        """{facet: key} a page counts under, or None when it does not count."""
        if not row["live"] or row["path"].startswith(private):
            return None
        entry = {}
        for facet in self.facets:
            value = facet.key(row[facet.column])
            if value is not None:
                entry[facet.param] = value
        return entry

    def rows(self, **page_filter):
        return self.model._default_manager.filter(**page_filter).values(*self.columns())


@functools.cache
def listings():
    """{key: Listing} of every page type a faceted index lists."""
    found = {}
    for index in get_page_models():
        label = getattr(index, "listed_model", None)
        if label:
            found[listing_key(label)] = Listing(
                listing_key(label), apps.get_model(label), index.facets
            )
    return found


def _models():
    return apps.get_model("content", "FacetCount"), apps.get_model("content", "CountedPage")


def _delete(model, column, values):
    """Rows whose column is one of the values, deleted in one statement per thousand: a
    QuerySet.delete() would load each (there are receivers of every model's post_delete)
    and send two signals per row, 50,000 of them in a resource list's recount."""
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(column)
    with connection.cursor() as cursor:
        for start in range(0, len(values), BATCH):
            chunk = values[start : start + BATCH]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)


def _private_paths():
    return tuple(PageViewRestriction.objects.values_list("page__path", flat=True))


def maintained(key):
    """{facet: {value: n}} of a listing (the total as {"": {"": n}}), in one query; None
    when the listing has never been counted."""
    return maintained_many([key])[key]


def maintained_many(keys):
    """{key: maintained(key)} of several listings (a listing and its counts under some
    filters), in one query."""
    counts, _counted = _models()
    found = {key: defaultdict(dict) for key in keys}
    rows = counts.objects.filter(listing__in=keys).values_list("listing", "facet", "value", "count")
    for key, facet, value, n in rows:
        if n > 0 or facet == TOTAL:
            found[key][facet][value] = n
    return {key: dict(values) if TOTAL in values else None for key, values in found.items()}


def _deltas(key, old, new):
    """{(listing, facet, value): change} of a page's entry going from `old` to `new`: in the
    listing `key`, and in the listing under each of its values and each pair of them (by
    every other facet)."""
    changes = Counter()
    for entry, sign in ((old, -1), (new, 1)):
        if entry is None:
            continue
        items = sorted(entry.items())
        groups = [(key, ())]
        for i, first in enumerate(items):
            groups.append((under(key, first), (first[0],)))
            for second in items[i + 1 :]:
                groups.append((under(key, first, second), (first[0], second[0])))
        for name, filtered in groups:
            changes[(name, TOTAL, TOTAL)] += sign
            for facet, value in items:
                if facet not in filtered:
                    changes[(name, facet, value)] += sign
    return changes


def _apply(changes):
    """Adds each change to its row (made when missing), in one upsert per few hundred rows:
    a page changes some 60 rows, a bulk write of a thousand pages some 20,000 (as one
    UPDATE per distinct change, built with the ORM, that took 2.6 s of CPU)."""
    counts, _counted = _models()
    rows = [(key, facet, value, n) for (key, facet, value), n in changes.items() if n]
    quote = connection.ops.quote_name
    table, count = quote(counts._meta.db_table), quote("count")
    columns = ", ".join(quote(name) for name in ("listing", "facet", "value", "count"))
    conflict = ", ".join(quote(name) for name in ("listing", "facet", "value"))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPSERT_BATCH):
            chunk = rows[start : start + UPSERT_BATCH]
            marks = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {marks} ON CONFLICT ({conflict}) "
                f"DO UPDATE SET {count} = {table}.{count} + EXCLUDED.{count}",
                [value for row in chunk for value in row],
            )


def _is_counted(key, lock=True):
    """Whether the listing is counted, its total row locked until the transaction ends: two
    changes to one page at once (in autocommit a page's post_save comes after its row is
    committed) would otherwise both read what the page added before and apply the same
    difference twice. SQLite's immediate transactions already put writers in a line."""
    counts, _counted = _models()
    total = counts.objects.filter(listing=key, facet=TOTAL, value=TOTAL)
    if lock:
        total = total.select_for_update()
    return bool(list(total.values_list("pk", flat=True)))


def refresh(listing, **page_filter):
    """Looks again at the listing's pages that match `page_filter` (Page fields: pk=..., or
    path__startswith=... for a subtree) and applies what changed."""
    with transaction.atomic():
        if _is_counted(listing.key):
            _refresh(listing, page_filter)
        # else its first recount will count them


def _refresh(listing, page_filter):
    _counts, counted = _models()
    private = _private_paths()
    new = {row["pk"]: listing.entry(row, private) for row in listing.rows(**page_filter)}
    old = dict(
        counted.objects.filter(
            listing=listing.key, **{f"page__{k}": v for k, v in page_filter.items()}
        ).values_list("page_id", "values")
    )
    changes = Counter()
    gone, changed = [], []
    for pk in old.keys() | new.keys():
        before, after = old.get(pk), new.get(pk)
        if before == after:
            continue
        changes.update(_deltas(listing.key, before, after))
        if after is None:
            gone.append(pk)
        else:
            changed.append(counted(page_id=pk, listing=listing.key, values=after))
    _delete(counted, "page_id", gone)
    if changed:
        counted.objects.bulk_create(
            changed,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["page"],
            update_fields=["listing", "values"],
        )
    _apply(changes)


def refresh_pages(**page_filter):
    for listing in listings().values():
        refresh(listing, **page_filter)


# Past this many new pages, a recount of the whole listing is quicker than looking at each.
RECOUNT_AFTER = 5000


def pages_added(model, pks):
    """Pages written in bulk (content.bulk), which sent no signals."""
    for listing in listings().values():
        if not issubclass(model, listing.model) or not pks:
            continue
        if len(pks) > RECOUNT_AFTER:
            recount([listing.key])
        else:
            for start in range(0, len(pks), BATCH):
                refresh(listing, pk__in=pks[start : start + BATCH])


@transaction.atomic
def forget(page_id):
    """A deleted page takes off what it added."""
    _counts, counted = _models()
    row = counted.objects.filter(page_id=page_id).values_list("listing", "values").first()
    if row is None:
        return
    key, values = row
    if _is_counted(key):
        # Read again under the lock: a change to the page may have committed meanwhile.
        values = counted.objects.filter(page_id=page_id).values_list("values", flat=True).first()
        _delete(counted, "page_id", [page_id])
        if values is not None:
            _apply(_deltas(key, values, None))
    else:
        _delete(counted, "page_id", [page_id])


@transaction.atomic
def recount(keys=None):
    """Counts the listings (all of them unless `keys`) again from their pages."""
    counts, counted = _models()
    private = _private_paths()
    for key, listing in listings().items():
        if keys is not None and key not in keys:
            continue
        entries = {}
        for row in listing.rows().iterator(chunk_size=BATCH * 2):
            entry = listing.entry(row, private)
            if entry is not None:
                entries[row["pk"]] = entry
        totals = Counter()
        for entry in entries.values():
            totals.update(_deltas(key, None, entry))
        totals[(key, TOTAL, TOTAL)] += 0  # the total row says the listing is counted
        _delete(counted, "listing", [key])
        counted.objects.bulk_create(
            [counted(page_id=pk, listing=key, values=e) for pk, e in entries.items()],
            batch_size=BATCH,
        )
        within = counts.objects.filter(listing__startswith=f"{key}|").values_list("listing")
        _delete(counts, "listing", [key, *{name for (name,) in within.distinct()}])
        counts.objects.bulk_create(
            [counts(listing=k, facet=f, value=v, count=n) for (k, f, v), n in totals.items()],
            batch_size=BATCH,
        )


# What a listing's pages are listed and counted by: a save touching none of these columns (a
# draft's revision pointer, a lock) leaves the counts as they are.
_PAGE_COLUMNS = {"live", "path", "content_type", "content_type_id"}


def _listing_of(page):
    model = type(page)
    for listing in listings().values():
        if issubclass(model, listing.model):
            return listing
    if model is Page:  # a page read without its type (Page.objects...), or one of another type
        for listing in listings().values():
            if issubclass(page.specific_class or Page, listing.model):
                return listing
    return None


@receiver(post_save, dispatch_uid="facet_counts_page_saved")
def page_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or not isinstance(instance, Page):
        return  # loaddata (a restore) is followed by recount_facets
    listing = _listing_of(instance)
    if listing is None:
        return
    if update_fields is not None:
        columns = _PAGE_COLUMNS | {f.field for f in listing.facets}
        columns |= {f.column for f in listing.facets}
        if not columns & set(update_fields):
            return
    refresh(listing, pk=instance.pk)


@receiver(pre_delete, dispatch_uid="facet_counts_page_deleted")
def page_deleted(sender, instance, **kwargs):
    # Before the delete: the page's CountedPage row goes with it (on_delete=CASCADE).
    if isinstance(instance, Page):
        forget(instance.pk)


@receiver(post_page_move, dispatch_uid="facet_counts_page_moved")
def page_moved(sender, instance, **kwargs):
    # Into or out of a private section: the page and everything below it.
    path = Page.objects.filter(pk=instance.pk).values_list("path", flat=True).first()
    if path:
        refresh_pages(path__startswith=path)


@receiver(post_save, sender=PageViewRestriction, dispatch_uid="facet_counts_restricted")
@receiver(post_delete, sender=PageViewRestriction, dispatch_uid="facet_counts_unrestricted")
def privacy_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    # (A restriction deleted with its page: the pages below go too, and forget themselves.)
    path = Page.objects.filter(pk=instance.page_id).values_list("path", flat=True).first()
    if path is not None:
        refresh_pages(path__startswith=path)


@receiver(post_migrate, dispatch_uid="facet_counts_first_count")
def count_new_listings(sender, app_config=None, using=None, **kwargs):
    """A listing never counted (a new database, a listing added) is counted once migrated."""
    if app_config is None or app_config.label != "content":
        return
    keys = [key for key in listings() if not _is_counted(key, lock=False)]
    if keys:
        recount(keys)
