"""Redis that fails fast and is skipped for a while when it is away.

django-redis (settings: IGNORE_EXCEPTIONS) turns a Redis error into a cache miss, so a page
is served uncached rather than answering 500. What it does not do is stop asking: every
cache call of every request would try to connect again, and against a host that does not
answer each try waits for the connect timeout. This connection remembers a failure for
BACKOFF seconds per server and process, refusing at once meanwhile, and logs an outage
once when it begins and once when Redis is back. Its pool is django-redis's
CONNECTION_POOL_CLASS (plain redis:// URLs).
"""

import logging
import time

import redis

logger = logging.getLogger(__name__)

BACKOFF = 5.0  # seconds without trying Redis after a failure

# (host, port) -> {"since": first failure, "until": next try}, for this process.
_outages = {}


class FailFastConnection(redis.Connection):
    def connect(self):
        server = (self.host, self.port)
        outage = _outages.get(server)
        now = time.monotonic()
        if outage is not None and now < outage["until"]:
            raise redis.ConnectionError(f"Redis {self.host}:{self.port} skipped after a failure")
        try:
            super().connect()
        except (redis.ConnectionError, redis.TimeoutError) as error:
            if outage is None:
                logger.warning(
                    "Redis %s:%s is unreachable (%s): serving without the cache, "
                    "trying again every %s s",
                    self.host,
                    self.port,
                    error,
                    BACKOFF,
                )
                _outages[server] = outage = {"since": now}
            outage["until"] = time.monotonic() + BACKOFF
            raise
        if outage is not None and _outages.pop(server, None) is not None:
            logger.warning(
                "Redis %s:%s is back after %.0f s", self.host, self.port, now - outage["since"]
            )


class FailFastConnectionPool(redis.ConnectionPool):
    def __init__(self, connection_class=FailFastConnection, **kwargs):
        super().__init__(connection_class=connection_class, **kwargs)


def reset():
    """Forget every outage (for tests that start and stop a Redis)."""
    _outages.clear()
