"""Counting views and downloads, cheaply and without ever breaking a page.

A page view is one HINCRBY in Redis (the field names the month and the page); `flush()`
moves the tally into MonthlyUsage, run by the publish timer (`manage.py flush_usage`) and
before the office reads the figures. Without Redis, or while it is away, the view is added
to the database at once (one UPDATE, an INSERT on a page's first view of the month), so
none is lost. Downloads, rarer and already written to the database by the document's own
counter, go to the database at once. Several processes may count at the same moment: every
write adds to the stored value (F() + n), never writes a value read before.

Whatever fails here is logged and swallowed: a reader gets the page even if it goes
uncounted.
"""

import logging

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from wagtail.models import Page

from caching import tallies
from privacy.files import pages_using
from usage.models import MonthlyUsage

logger = logging.getLogger(__name__)

KEY = "portal:usage-views"  # a hash: "<YYYY-MM>|<page id>" -> views
ROBOTS = ("bot", "spider", "crawl")


def this_month():
    return timezone.localdate().replace(day=1)


def countable(request):
    """A person reading: GET only (no HEAD, no form posts), and no self-declared crawler."""
    if request.method != "GET":
        return False
    agent = request.META.get("HTTP_USER_AGENT", "").lower()
    return not any(word in agent for word in ROBOTS)


def add(month, *, page_id=None, document_id=None, views=0, downloads=0):
    """Add to the month's row of a page (or of a document no page carries), in the database."""
    rows = MonthlyUsage.objects.filter(page_id=page_id, document_id=document_id, month=month)
    change = {"views": F("views") + views, "downloads": F("downloads") + downloads}
    if rows.update(**change):
        return
    try:
        with transaction.atomic():  # a savepoint: a concurrent first count wins the INSERT
            MonthlyUsage.objects.create(
                page_id=page_id,
                document_id=document_id,
                month=month,
                views=views,
                downloads=downloads,
            )
    except IntegrityError:
        rows.update(**change)


def count_view(request, page_id):
    """One view of a live page answered 200, by the view or from the page cache."""
    if not countable(request):
        return
    month = this_month()
    try:
        if tallies.increment(KEY, f"{month:%Y-%m}|{page_id}"):
            return
        if transaction.get_autocommit():
            # The UPDATE is atomic by itself (and add() wraps its rare INSERT): one
            # statement, where a transaction around it was three on every view.
            add(month, page_id=page_id, views=1)
        else:
            # Inside the caller's transaction, a savepoint keeps a failure here from
            # breaking it.
            with transaction.atomic():
                add(month, page_id=page_id, views=1)
    except Exception:
        logger.exception("a view of page %s went uncounted", page_id)


def count_download(request, document):
    """One download, the page's that carries the document (the oldest live one), else the
    document's own."""
    if not countable(request):
        return
    try:
        with transaction.atomic():
            page_id = pages_using(document).live().order_by("pk").values_list("pk", flat=True)
            page_id = page_id.first()
            if page_id:
                add(this_month(), page_id=page_id, downloads=1)
            else:
                add(this_month(), document_id=document.pk, downloads=1)
    except Exception:
        logger.exception("a download of document %s went uncounted", document.pk)


def flush():
    """Move the views kept in Redis into the database; returns how many."""
    return tallies.flush(KEY, _store)


def _store(counts):
    tally = [(field.split("|", 1), views) for field, views in counts.items()]
    # A page deleted since it was viewed takes its views with it.
    ids = {int(page_id) for (_month, page_id), _views in tally}
    existing = set(Page.objects.filter(pk__in=ids).values_list("pk", flat=True))
    for (month, page_id), views in tally:
        if int(page_id) in existing:
            add(f"{month}-01", page_id=int(page_id), views=views)


def flush_quietly():
    """flush() for a page the office reads: figures a few minutes old rather than an error."""
    try:
        return flush()
    except Exception:
        logger.exception("the usage tally could not be stored")
        return 0
