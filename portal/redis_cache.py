"""Django's Redis cache backend, with one Redis client per connection pool.

Django builds a new `redis.Redis` for every cache call, and redis-py 8 fills a table of
some 170 response callbacks in each one: with a page making a dozen cache calls, that was
8 ms of a 35 ms page (measured with cProfile on the home page). A client is thread-safe
(it takes a connection from its pool per command) and its pool resets itself after a fork,
so one per pool serves every thread of a worker.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class PortalRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClient
