"""Where a cold page's time goes, in-process: for each page of bench/load.py's large site
(or any site the settings name), every shared cache emptied before each request
(caching.clear, as bench/cold.py does under load), the median over `--runs` requests of

- the worker's CPU (time.process_time around the Django test client's request),
- the database server's CPU for the same request (its backend process's user + system time
  from /proc, PostgreSQL on this machine only), and
- the statements: how many, and the time each took from the worker's side (a wrapper
  around every execute, connection.execute_wrapper).

CPU, not wall-clock: on a machine shared with other work the clock measures the neighbours.
With --explain, each page's slowest statements are run again under EXPLAIN (ANALYZE,
BUFFERS) and their plans printed. --warm leaves the shared caches warm between requests, as
bench/load.py's page-cache-off run does.

    DATABASE_URL=postgres://... REDIS_URL=redis://127.0.0.1:6379/4 \\
        DJANGO_SETTINGS_MODULE=bench.settings PYTHONPATH=. \\
        .venv/bin/python bench/cold_costs.py [--runs 30] [--explain 3] [--page 成效] [--statements]
        [--warm] [--profile 25]

With --profile N, each page's cold requests are run under cProfile and its N costliest
functions printed (by own time, then by cumulative time); the CPU figures are then the
profiled ones, higher than without.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("BENCH_PAGE_CACHE", "0")  # cold: the page cache is off too
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from caching import clear  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def urls():
    """The pages bench/load.py loads on the large site, picked the same way."""
    from content.models import RecordingPage, ResourceIndexPage, ResourcePage

    resources = (
        ResourcePage.objects.live().public().select_related("subject", "school").order_by("pk")
    )
    resource = resources[resources.count() // 2]
    recordings = RecordingPage.objects.live().public().order_by("pk")
    recording = recordings[recordings.count() // 2]
    index = ResourceIndexPage.objects.get()
    two = f"{index.url}?subject={resource.subject.slug}&school={resource.school.slug}"
    return {
        "home": "/",
        "resource list": index.url,
        "resource list, 2 filters": two,
        "resource page": resource.url,
        "recording page": recording.url,
        "search page": "/search/?q=函数%20单调性",
        "成效 page": "/results/",
    }


class Statements:
    """Every statement the connection runs, with its time as the worker sees it."""

    def __init__(self):
        self.rows = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.rows.append((time.perf_counter() - started, sql, params))


def server_cpu():
    """The database backend process's CPU seconds so far (PostgreSQL on this machine)."""
    if connection.vendor != "postgresql":
        return 0.0
    pid = connection.connection.info.backend_pid
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def measure(client, url, runs, warm=False, profiler=None):
    cpu, db_cpu, db_time, counts, last = [], [], [], [], None
    client.get(url)  # this process's imports and templates, once
    for _ in range(runs):
        if not warm:
            clear()
        statements = Statements()
        server_before = server_cpu()
        with connection.execute_wrapper(statements):
            started = time.process_time()
            if profiler is not None:
                profiler.enable()
            response = client.get(url)
            if profiler is not None:
                profiler.disable()
            cpu.append(time.process_time() - started)
        db_cpu.append(server_cpu() - server_before)
        assert response.status_code == 200, (url, response.status_code)
        db_time.append(sum(t for t, _sql, _p in statements.rows))
        counts.append(len(statements.rows))
        last = statements.rows
    return {
        "cpu_ms": statistics.median(cpu) * 1000,
        "db_cpu_ms": statistics.mean(db_cpu) * 1000,  # tick-sized steps: the mean
        "db_ms": statistics.median(db_time) * 1000,
        "queries": statistics.median(counts),
        "statements": last,
    }


def explain(sql, params):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--page", action="append", help="only these pages (by name)")
    parser.add_argument("--statements", action="store_true", help="print every statement")
    parser.add_argument("--explain", type=int, default=0, help="EXPLAIN the N slowest")
    parser.add_argument(
        "--warm",
        action="store_true",
        help="the shared caches left warm between requests: load.py's page-cache-off run",
    )
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="cProfile: the N costliest functions"
    )
    args = parser.parse_args()
    assert not settings.PAGE_CACHE_ENABLED or os.environ["BENCH_PAGE_CACHE"] == "1"
    client = Client(HTTP_HOST="127.0.0.1")  # an allowed host (bench.settings)
    print(
        f"{'page':26} {'CPU ms':>7} {'DB CPU ms':>9} {'DB ms':>7} {'queries':>7}  (median of "
        f"{args.runs} cold requests)"
    )
    for name, url in urls().items():
        if args.page and name not in args.page:
            continue
        profiler = cProfile.Profile() if args.profile else None
        figures = measure(client, url, args.runs, args.warm, profiler)
        print(
            f"{name:26} {figures['cpu_ms']:7.1f} {figures['db_cpu_ms']:9.1f} "
            f"{figures['db_ms']:7.1f} {figures['queries']:7.0f}",
            flush=True,
        )
        if profiler is not None:
            stats = pstats.Stats(profiler, stream=sys.stdout)
            for order in ("tottime", "cumulative"):
                stats.sort_stats(order).print_stats(args.profile)
        rows = figures["statements"]
        if args.statements:
            for seconds, sql, _params in rows:
                print(f"    {seconds * 1000:7.2f} ms  {sql[:220]}")
        for seconds, sql, params in sorted(rows, key=lambda r: r[0], reverse=True)[: args.explain]:
            if sql.lstrip("( \n").upper().startswith("SELECT"):
                print(f"\n  -- {seconds * 1000:.2f} ms: {sql[:400]}\n  -- params {params}")
                print("  " + explain(sql, params).replace("\n", "\n  ") + "\n")


if __name__ == "__main__":
    main()
