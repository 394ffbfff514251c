"""The cold 成效 page, one request at a time: queries and milliseconds per request, beside a
cold StandardPage (the shared part of every page), with every scope purged before each
request (as bench/cold.py does for the load bench). One process, no wrk: the figures mean
something on a loaded machine, where the load bench's requests time out.

    BENCH_MEDIA_ROOT=... DATABASE_URL=postgres://.../hongsibu_bench_load \\
        DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python bench/results_cold.py

Run it on a site built by bench/load.py (bench/build_site.py).
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ["BENCH_PAGE_CACHE"] = "0"

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

import caching  # noqa: E402
from content.models import ActivityPage, ResourcePage, StandardPage  # noqa: E402
from tracking.models import OutputRecord, OutputStatus  # noqa: E402


def measure(client, url, runs):
    times, queries = [], []
    for _ in range(runs):
        caching.purge()
        caching.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, HTTP_HOST="127.0.0.1")
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.append(len(captured))
    return statistics.median(times), min(times), max(queries)


class Rollback(Exception):
    pass


def change_cost(name, change):
    """Queries and ms of a change, the kept 成效 figures brought up to date included; rolled
    back."""
    try:
        with transaction.atomic():
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                change()
                ms = (time.perf_counter() - started) * 1000
            raise Rollback
    except Rollback:
        pass
    kept = [q for q in captured if "tracking_" in q["sql"] or "count(" in q["sql"].lower()]
    print(f"{name:<34}{ms:>10.1f}{len(captured):>9}{len(kept):>8}")


def add_a_verified_record():
    OutputRecord.objects.create(
        category="quality_lesson",
        title="市级精品课（测量用）",
        date=datetime.date.today(),
        description="测量",
        status=OutputStatus.VERIFIED,
    )


def republish(model):
    return lambda: model.objects.live().public().first().save_revision().publish()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    client = Client()
    pages = {
        "standard page": StandardPage.objects.live().public().order_by("pk").first().url,
        "成效 page": "/results/",
    }
    for url in pages.values():
        client.get(url, HTTP_HOST="127.0.0.1")  # the first request of the day, not measured
    print(f"{'page':<16}{'median ms':>10}{'best ms':>10}{'queries':>9}  (cold, {args.runs} runs)")
    for name, url in pages.items():
        median, best, queries = measure(client, url, args.runs)
        print(f"{name:<16}{median:>10.1f}{best:>10.1f}{queries:>9}")
    print(f"\n{'change (rolled back)':<34}{'ms':>10}{'queries':>9}  of them tracking or count(*)")
    change_cost("a verified record added", add_a_verified_record)
    change_cost("an activity published again", republish(ActivityPage))
    change_cost("a resource published again", republish(ResourcePage))


if __name__ == "__main__":
    main()
