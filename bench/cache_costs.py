"""What the cache layer costs per request and per call (tests/test_cache_layer.py tests
that it is correct; this says how fast):

- reading the shared generation (one row of caching.Generation, once per request), on a
  SQLite file and on PostgreSQL;
- one cache call through django-redis (the backend now), Django's own Redis backend (a
  client per call), and the reused-client backend the portal had before (portal/
  redis_cache.py at BASELINE_COMMIT, read from git), and locmem;
- a cache call while Redis is away: refused at once during the back-off
  (caching/failfast.py), against a connect attempt per call without it.

    PYTHONPATH=. .venv/bin/python bench/cache_costs.py [--postgres URL] [--redis URL]
"""

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE_COMMIT = "401071f"  # the last commit with portal/redis_cache.py


def per_call(fn, n, rounds=10):
    """Microseconds per call, the best of `rounds` rounds: on a shared machine the other
    rounds measure the neighbours."""
    fn()
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(max(n // rounds, 1)):
            fn()
        best = min(best, (time.perf_counter() - started) / max(n // rounds, 1))
    return best * 1e6


def measure_generation():
    import django

    django.setup()
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection

    from caching import generation, purge, request_scope

    call_command("migrate", "caching", verbosity=0)
    purge()

    def one_request():
        with request_scope():
            for _ in range(12):  # a page asks for a dozen fragments
                generation()

    us = per_call(one_request, 2000)
    bump = per_call(purge, 200)
    model = apps.get_model("caching", "Generation")
    orm = per_call(lambda: model.objects.filter(pk=1).values_list("n", flat=True).first(), 2000)

    def bare():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    floor = per_call(bare, 2000)
    print(
        f"{connection.vendor:10s} generation read per request {us:7.1f} µs   purge {bump:7.1f} µs"
        f"   (the ORM query alone {orm:6.1f} µs; a bare SELECT 1 {floor:6.1f} µs)"
    )


def old_backend():
    source = subprocess.run(
        ["git", "show", f"{BASELINE_COMMIT}:portal/redis_cache.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType("old_redis_cache")
    exec(compile(source, "old_redis_cache.py", "exec"), module.__dict__)
    return module.PortalRedisCache


def measure_calls(redis_url):
    import django
    from django.conf import settings

    settings.configure()
    django.setup()
    from django.core.cache.backends.locmem import LocMemCache
    from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

    from django_redis.cache import RedisCache

    from caching import failfast

    options = {
        "IGNORE_EXCEPTIONS": True,
        "SOCKET_CONNECT_TIMEOUT": 0.25,
        "SOCKET_TIMEOUT": 0.5,
        "CONNECTION_POOL_CLASS": "caching.failfast.FailFastConnectionPool",
    }
    backends = {
        "locmem": LocMemCache("bench", {}),
        "django-redis (now)": RedisCache(redis_url, {"KEY_PREFIX": "bench", "OPTIONS": options}),
        "Django RedisCache": DjangoRedisCache(redis_url, {"KEY_PREFIX": "bench"}),
    }
    with contextlib.suppress(subprocess.CalledProcessError, FileNotFoundError):
        backends["portal PortalRedisCache (before)"] = old_backend()(
            redis_url, {"KEY_PREFIX": "bench"}
        )
    value = {"html": "卡片" * 1000}
    for name, backend in backends.items():
        backend.set("bench:key", value, 60)
        hit = per_call(lambda b=backend: b.get("bench:key"), 5000)
        miss = per_call(lambda b=backend: b.get("bench:none"), 5000)
        many = per_call(lambda b=backend: b.get_many([f"bench:{i}" for i in range(20)]), 2000)
        print(f"{name:34s} get hit {hit:6.1f} µs  miss {miss:6.1f} µs  get_many(20) {many:6.1f} µs")
        backend.delete("bench:key")

    # A Redis that takes connections and answers nothing (stopped, or a dead host behind a
    # live proxy): each call waits for the timeout unless the back-off skips it.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1000)
    port = silent.getsockname()[1]
    plain = {**options, "CONNECTION_POOL_CLASS": "redis.ConnectionPool"}
    # django-redis keeps one pool per URL in the process: a database number each.
    for db, name, opts in ((0, "with back-off", options), (1, "without back-off", plain)):
        failfast.reset()
        away = RedisCache(f"redis://127.0.0.1:{port}/{db}", {"OPTIONS": opts})
        ms = per_call(lambda a=away: a.get("k"), 10, rounds=2) / 1000
        print(f"Redis not answering, {name:16s} get {ms:8.2f} ms per call")
    silent.close()


def child(args, env):
    subprocess.run(
        [sys.executable, __file__, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        check=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/hongsibu_caching")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--child", choices=["generation", "calls"])
    args = parser.parse_args()
    if args.child == "generation":
        return measure_generation()
    if args.child == "calls":
        return measure_calls(args.redis)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    settings = {"DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    with tempfile.TemporaryDirectory() as folder:
        child(["--child", "generation"], {**settings, "DATABASE_URL": f"sqlite:///{folder}/g.db"})
    child(["--child", "generation"], {**settings, "DATABASE_URL": args.postgres})
    child(["--child", "calls", "--redis", args.redis], {})


if __name__ == "__main__":
    main()
