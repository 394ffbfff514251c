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
import uuid

from django.core.cache import caches
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wagtail.contrib.search_promotions.models import Query, QueryDailyHits
from wagtail.search.utils import normalise_query_string

import redis
from django_redis import get_redis_connection
from django_redis.cache import RedisCache

logger = logging.getLogger(__name__)

KEY = "portal:search-hits"  # a hash: "<date>|<normalised query>" -> searches


def _redis():
    if isinstance(caches["default"], RedisCache):
        return get_redis_connection("default")
    return None


def count(query):
    """One more search for `query`, today."""
    today = timezone.now().date()
    client = _redis()
    if client is not None:
        try:
            client.hincrby(KEY, f"{today.isoformat()}|{normalise_query_string(query)}", 1)
            return
        except redis.RedisError:
            pass  # Redis away (caching.failfast logs it): count it in the database
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
    """Move the counts kept in Redis into the database; returns how many searches. The
    counts are renamed away first, so searches during the flush start a new tally, and put
    back if the database refuses them: none is lost or counted twice."""
    client = _redis()
    if client is None:
        return 0
    taken = f"{KEY}:flushing:{uuid.uuid4().hex}"
    try:
        client.rename(KEY, taken)
    except redis.exceptions.ResponseError:  # no such key: nothing searched since the last
        return 0
    except redis.RedisError:  # Redis away: its counts wait there for the next flush
        return 0
    counts = {field.decode(): int(hits) for field, hits in client.hgetall(taken).items()}
    try:
        with transaction.atomic():
            for field, hits in counts.items():
                day, query = field.split("|", 1)
                add(query, day, hits)
    except Exception:
        pipe = client.pipeline()
        for field, hits in counts.items():
            pipe.hincrby(KEY, field, hits)
        pipe.delete(taken)
        pipe.execute()
        raise
    client.delete(taken)
    return sum(counts.values())
