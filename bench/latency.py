"""Search latency at archive scale, and the bulk import that builds the archive.

    .venv/bin/python bench/latency.py                      # 50,000 resources, both databases
    .venv/bin/python bench/latency.py --rows 10000 --databases sqlite

On a fresh database per run: the site skeleton, then `import_resources` of N generated rows
(bench/corpus.py), timed, indexing included. Then each query of a fixed list is run REPEAT
times the way the search page runs it (the first page of 10 results and the total count) and
p50/p95/max are printed; then the same for the whole search page (facets and rendering).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DATABASES = {
    "sqlite": "sqlite:///" + str(ROOT / "bench" / "out" / "latency.sqlite3"),
    "postgres": os.environ.get(
        "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/hongsibu_bench_latency"
    ),
}
REPEAT = 3
QUERIES = [
    # everyday single words, matching thousands of pages
    "精品课",
    "集体备课",
    "远程教研",
    "同课异构",
    "示范课",
    "教案",
    "课件",
    "数学",
    "语文",
    "英语",
    "物理",
    "化学",
    "核心素养",
    "红寺堡中学",
    "罗山中学",
    "职业技术学校",
    "福建",
    "师徒",
    "反思",
    "课堂",
    # several words
    "高一 数学",
    "函数 单调性",
    "红寺堡中学 数学",
    "罗山中学 高二 物理",
    "集体备课 化学 教案",
    "核心素养 思想政治",
    "同课异构 英语 读后续写",
    "课程思政 信息技术",
    "新高考 数学 试题",
    "电子商务 直播",
    # no-space phrases and topics
    "函数的单调性",
    "高一数学教案",
    "牛顿第二定律",
    "葡萄酒酿造与营销",
    "红寺堡中学化学教案",
    # mixed Chinese, Latin and digits
    "Unit 3 阅读课",
    "Python 编程入门",
    "DNA的复制",
    "2023年",
    "Unit 5 Music",
    # pinyin and rare or absent words
    "jingpinke",
    "jpk",
    "hanshudedandiaoxing",
    "量子纠缠",
    "不存在的词语",
]


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def run_one(database, rows, reuse=False):
    os.environ["DATABASE_URL"] = DATABASES[database]
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    from relevance import fresh_database

    if not reuse:
        fresh_database(DATABASES[database])
    # The settings are chosen per run (database, backend), so the portal's modules are
    # imported below, once Django is set up with them.
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command
    from django.test import RequestFactory

    import_seconds = 0.0
    if not reuse:
        call_command("migrate", verbosity=0)
        from portal.setup.demo import DemoLoader

        DemoLoader(library=False).run()
        from generate_resources import rows_file

        path = rows_file(rows)
        started = time.perf_counter()
        call_command("import_resources", str(path), stdout=open(os.devnull, "w"))
        import_seconds = time.perf_counter() - started

    from wagtail.models import Page

    from search.views import search

    def backend_query(q):
        results = Page.objects.live().public().search(q)
        list(results[:10])
        return results.count()

    factory = RequestFactory()

    def page_query(q):
        request = factory.get("/search/", {"q": q})
        request.user = AnonymousUser()
        search(request).render()

    report = {"rows": rows, "import_seconds": import_seconds}
    for name, run in (("search", backend_query), ("search_page", page_query)):
        for q in QUERIES:  # warm the caches once
            run(q)
        timings, slowest, matches = [], [], {}
        for _ in range(REPEAT):
            for q in QUERIES:
                t = time.perf_counter()
                found = run(q)
                elapsed = (time.perf_counter() - t) * 1000
                timings.append(elapsed)
                slowest.append((elapsed, q))
                if name == "search":
                    matches[q] = found
        report[name] = {
            "p50_ms": statistics.median(timings),
            "p95_ms": percentile(timings, 95),
            "max_ms": max(timings),
            "slowest": sorted(slowest, reverse=True)[:3],
        }
        if matches:
            report["matches"] = matches
    print(json.dumps(report, ensure_ascii=False))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--run", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument(
        "--reuse", action="store_true", help="query the database of the last run, no import"
    )
    args = parser.parse_args()
    if args.run:
        return run_one(args.run[0], int(args.run[1]), reuse=args.reuse)
    for database in args.databases.split(","):
        output = subprocess.run(
            [sys.executable, __file__, "--run", database, str(args.rows)]
            + (["--reuse"] if args.reuse else []),
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        if output.returncode != 0:
            print(output.stderr[-3000:], file=sys.stderr)
            sys.exit(f"{database} failed")
        r = json.loads(output.stdout.strip().splitlines()[-1])
        print(
            f"== {database}: {r['rows']} resources imported and indexed in {r['import_seconds']:.1f} s"
        )
        for name in ("search", "search_page"):
            s = r[name]
            label = (
                "search (10 results + count)"
                if name == "search"
                else "search page (facets, render)"
            )
            print(
                f"   {label:30} p50 {s['p50_ms']:6.1f} ms   p95 {s['p95_ms']:6.1f} ms   max {s['max_ms']:6.1f} ms"
                f"   slowest: {', '.join(f'{q} {t:.0f} ms' for t, q in s['slowest'])}"
            )
        big = sorted(r["matches"].items(), key=lambda kv: -kv[1])[:5]
        print(
            f"   {len(QUERIES)} queries × {REPEAT}; most matches: "
            + ", ".join(f"{q} {n}" for q, n in big)
        )


if __name__ == "__main__":
    main()
