"""One API search request, taken apart: its statements (each timed) and its Python CPU.

    .venv/bin/python bench/api_profile.py postgres      # the database bench/latency.py left
    .venv/bin/python bench/api_profile.py sqlite --profile 25

Runs on the database of the last `bench/latency.py` run (BENCH_POSTGRES_URL for PostgreSQL),
as an anonymous visitor through Django's test client, page cache off, like latency.py does.
For each of a few queries, with and without `type=`: the number of statements, their time
and the CPU time (user + sys of this process, time.process_time) per request, averaged over
REPEAT requests after a warming one. `--profile N` prints cProfile's top functions over N
rounds of every request. `--sql` prints each statement of the first query.

    git show main:portal/api.py > /tmp/api_main.py
    .venv/bin/python bench/api_profile.py postgres --against /tmp/api_main.py

`--against FILE` compares this tree's pages view with the one in FILE (another version of
portal/api.py) in the same process, their requests alternated so that both meet the same
load, each inside the request scope caching's middleware gives: statements and CPU per
request, also with `fields=*`, and checks that both answer the same bytes.
"""

import argparse
import cProfile
import importlib.util
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from latency import DATABASES  # noqa: E402

QUERIES = ["函数", "红寺堡中学 数学", "高一数学教案", "Unit 3", "光合作用 课件"]
DOORS = {"API": {}, "API type=": {"type": "content.ResourcePage"}}
REPEAT = 5
ROUNDS = 10  # --against: requests per query and view


def against(path):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    import portal.api as here
    from caching import request_scope

    spec = importlib.util.spec_from_file_location("other_api", path)
    other = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(other)
    views = {
        "other": other.CheckedPagesAPIViewSet.as_view({"get": "listing_view"}),
        "this": here.CheckedPagesAPIViewSet.as_view({"get": "listing_view"}),
    }
    factory = RequestFactory(HTTP_HOST="127.0.0.1")

    def call(name, params):
        request = factory.get("/api/v2/pages/", params)
        request.user = AnonymousUser()
        request.session = SessionStore()
        request.wagtailapi_router = here.api_router
        with request_scope():
            response = views[name](request)
            response.render()
        assert response.status_code == 200, response.content[:300]
        return response.content

    doors = {**DOORS, "API type= fields=*": {"type": "content.ResourcePage", "fields": "*"}}
    for door, params in doors.items():
        cpu = dict.fromkeys(views, 0.0)
        statements = dict.fromkeys(views, 0)
        for q in QUERIES:
            answers = set()
            for name in views:
                call(name, {"search": q, "limit": 10, **params})  # warm
                with CaptureQueriesContext(connection) as captured:
                    answers.add(call(name, {"search": q, "limit": 10, **params}))
                statements[name] += len(captured)
            assert len(answers) == 1, f"{door} {q}: the two views answer differently"
        for _ in range(ROUNDS):
            for q in QUERIES:
                for name in views:
                    started = time.process_time()
                    call(name, {"search": q, "limit": 10, **params})
                    cpu[name] += time.process_time() - started
        print(
            f"{door:20} "
            + "   ".join(
                f"{name}: statements {statements[name] / len(QUERIES):5.1f}, "
                f"CPU {cpu[name] / (ROUNDS * len(QUERIES)) * 1000:5.1f} ms"
                for name in views
            )
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("database", choices=sorted(DATABASES))
    parser.add_argument("--profile", type=int, default=0)
    parser.add_argument("--sql", action="store_true")
    parser.add_argument("--callees", help="with --profile: what the functions matching this call")
    parser.add_argument("--against", help="another version of portal/api.py to compare with")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = DATABASES[args.database]
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["BENCH_PAGE_CACHE"] = "0"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    if args.against:
        return against(args.against)
    client = Client(HTTP_HOST="127.0.0.1")

    def get(q, params):
        response = client.get("/api/v2/pages/", {"search": q, "limit": 10, **params})
        assert response.status_code == 200, response.content[:300]
        return response

    timings = []

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append(((time.perf_counter() - started) * 1000, sql))

    total_cpu = total_sql = total_statements = 0.0
    n = 0
    for door, params in DOORS.items():
        for q in QUERIES:
            get(q, params)  # warm: the shared lists, jieba, the word lookups
            cpu = []
            for _ in range(REPEAT):
                timings.clear()
                with (
                    CaptureQueriesContext(connection) as captured,
                    connection.execute_wrapper(timer),
                ):
                    started = time.process_time()
                    response = get(q, params)
                    cpu.append((time.process_time() - started) * 1000)
                statements = len(captured)
            sql_ms = sum(t for t, _ in timings)
            count = response.json()["meta"]["total_count"]
            print(
                f"{door:10} {q:14} total {count:5}  statements {statements:2}  "
                f"SQL (execute, wall) {sql_ms:6.1f} ms  CPU {min(cpu):6.1f} ms (min of {REPEAT})"
            )
            total_cpu += min(cpu)
            total_sql += sql_ms
            total_statements += statements
            n += 1
            if args.sql and q == QUERIES[0]:
                for t, sql in timings:
                    print(f"    {t:7.2f} ms  {sql[:300]}")
    print(
        f"mean per request: statements {total_statements / n:.1f}, "
        f"SQL {total_sql / n:.1f} ms, CPU {total_cpu / n:.1f} ms"
    )

    if args.profile:
        profiler = cProfile.Profile(time.process_time)  # CPU, not waiting on the server
        profiler.enable()
        for _ in range(args.profile):
            for params in DOORS.values():
                for q in QUERIES:
                    get(q, params)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(25)
        if args.callees:
            stats.sort_stats("cumulative").print_callees(args.callees)


if __name__ == "__main__":
    main()
