"""Counters kept in Redis and moved into the database from time to time: searches (the 搜索词
report) and page views (usage figures). Counting each in the database cost a fifth of a
search page's time; a HINCRBY costs next to nothing.

`increment` says whether Redis took the count; when it did not (no Redis configured, or
Redis away) the caller writes it to the database at once, so nothing is lost. `flush` moves a
tally into the database with the caller's `store`.
"""

import uuid

from django.core.cache import caches
from django.db import transaction

import redis
from django_redis import get_redis_connection
from django_redis.cache import RedisCache


def _redis():
    if isinstance(caches["default"], RedisCache):
        return get_redis_connection("default")
    return None


def increment(key, field):
    """One more in the hash `key` under `field`; False if Redis did not take it."""
    client = _redis()
    if client is None:
        return False
    try:
        client.hincrby(key, field, 1)
    except redis.RedisError:  # Redis away (caching.failfast logs it)
        return False
    return True


def flush(key, store):
    """Hands the tally under `key` to `store({field: n})`, run in one transaction; returns
    the sum. The tally is renamed away first, so counts during the flush start a new one, and
    put back if `store` fails: none is lost or counted twice."""
    client = _redis()
    if client is None:
        return 0
    taken = f"{key}:flushing:{uuid.uuid4().hex}"
    try:
        client.rename(key, taken)
    except redis.exceptions.ResponseError:  # no such key: nothing counted since the last flush
        return 0
    except redis.RedisError:  # Redis away: its counts wait there for the next flush
        return 0
    counts = {field.decode(): int(n) for field, n in client.hgetall(taken).items()}
    try:
        with transaction.atomic():
            store(counts)
    except Exception:
        pipe = client.pipeline()
        for field, n in counts.items():
            pipe.hincrby(key, field, n)
        pipe.delete(taken)
        pipe.execute()
        raise
    client.delete(taken)
    return sum(counts.values())
