"""The tally of searches, for the 搜索词 report (Wagtail's search terms) and the popular
searches offered on an empty result.

Counting each search in the database (one UPDATE, three queries on a query's first search of
the day) was a fifth of the search page's time. With Redis, a search adds one to a counter
there instead (one HINCRBY), and `flush()` moves the counts into Wagtail's QueryDailyHits:
the publish timer runs `manage.py flush_search_hits` every few minutes, and the report
flushes before it reads. Without Redis (development, the tests) the database is written at
once, as before, and so it is while Redis is away: a search counted then is stored at once
rather than lost, and the report shows what it could flush.
"""

import logging

from django.db.models import F
from django.utils import timezone

from wagtail.contrib.search_promotions.models import Query, QueryDailyHits
from wagtail.search.utils import normalise_query_string

from caching import tallies

logger = logging.getLogger(__name__)

KEY = "portal:search-hits"  # a hash: "<date>|<normalised query>" -> searches


def count(query):
    """One more search for `query`, today."""
    today = timezone.now().date()
    if not tallies.increment(KEY, f"{today.isoformat()}|{normalise_query_string(query)}"):
        add(query, today, 1)


def add(query, date, hits):
    """`hits` more searches for `query` on `date`, in the database: one UPDATE once the
    day's row exists."""
    day = QueryDailyHits.objects.filter(
        query__query_string=normalise_query_string(query), date=date
    )
    if not day.update(hits=F("hits") + hits):
        row, _created = QueryDailyHits.objects.get_or_create(query=Query.get(query), date=date)
        QueryDailyHits.objects.filter(pk=row.pk).update(hits=F("hits") + hits)


def flush():
    """Move the counts kept in Redis into the database; returns how many searches."""
    return tallies.flush(KEY, _store)


def _store(counts):
    for field, hits in counts.items():
        day, query = field.split("|", 1)
        add(query, day, hits)
