"""Search latency at archive scale, and the bulk import that builds the archive.

    .venv/bin/python bench/latency.py                      # 50,000 resources, both databases
    .venv/bin/python bench/latency.py --rows 10000 --databases sqlite
    .venv/bin/python bench/latency.py --corpus uniform     # bench/corpus.py's rows

On a fresh database per run: the site skeleton, then `import_resources` of N generated rows
(bench/archive.py's realistic archive by default), timed, indexing included. Then each query
of KINDS is asked REPEAT times through the API search (`/api/v2/pages/?search=`: 10 results
and the count), with and without `type=`, and p50/p95/max are printed for all and per kind;
then the same for the whole search page (facets and rendering). All of it twice: on the
database as if never analysed (statistics deleted), then after search.statistics.refresh().
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

import archive  # noqa: E402
from archive import BODY_ONLY  # noqa: E402

DATABASES = {
    "sqlite": "sqlite:///" + str(ROOT / "bench" / "out" / "latency.sqlite3"),
    "postgres": os.environ.get(
        "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/hongsibu_bench_latency"
    ),
}
REPEAT = 3
# The 45 everyday queries of the issue, by kind, for the realistic archive (bench/archive.py);
# on the uniform corpus the body-only words find nothing. Words of the archive's running text
# are added at run time by their rank in its vocabulary: pairs for two words (from most rows,
# thousands, hundreds), single words for body-only words (thousands, hundreds).
KINDS = {
    "title words": [
        "函数",
        "单调性",
        "牛顿第二定律",
        "光合作用",
        "教案",
        "课件",
        "议论文写作",
        "等差数列",
        "课堂实录",
    ],
    "body-only words": list(BODY_ONLY),
    "two words": [
        "学情分析 小组合作",
        "函数 教案",
        "思维导图 试题",
        "光合作用 课件",
        "教学反思 学情分析",
    ],
    "no-space phrases": [
        "高一数学教案",
        "函数的单调性教学设计",
        "小组合作学习",
        "思维导图教学",
        "红寺堡中学数学课件",
        "高二物理课件",
        "罗山中学语文试题",
    ],
    "school + subject": [
        "红寺堡中学 数学",
        "罗山中学 物理",
        "职业技术学校 电子商务",
        "红寺堡中学 英语 试题",
        "罗山中学 语文",
        "职业技术学校 计算机应用",
    ],
    "mixed Latin": [
        "Unit 3 阅读课",
        "Python 编程入门",
        "DNA的复制",
        "Unit 5 Music",
        "PPT 课件",
        "Unit 3",
    ],
}
TWO_COMMON_WORDS = [(5, 40), (30, 300), (200, 2000)]
BODY_WORDS = [100, 1000]
# How each query is asked: the API search (10 results and the count), with and without the
# page type filter that put the index entries in the outer loop; then the whole search page.
DOORS = {
    "API": {},
    "API type=": {"type": "content.ResourcePage"},
}


def queries_by_kind():
    kinds = {kind: list(queries) for kind, queries in KINDS.items()}
    ranks = [*BODY_WORDS, *(rank for pair in TWO_COMMON_WORDS for rank in pair)]
    words = archive.vocabulary(max(ranks) + 1)
    kinds["two words"] += [f"{words[a]} {words[b]}" for a, b in TWO_COMMON_WORDS]
    kinds["body-only words"] += [words[rank] for rank in BODY_WORDS]
    return kinds


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def summary(timings):
    return {
        "p50_ms": statistics.median(timings),
        "p95_ms": percentile(timings, 95),
        "max_ms": max(timings),
    }


def forget_statistics():
    """The database as if nothing had ever analysed it (the import does now)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in ("sqlite_stat1", "sqlite_stat4"):
                cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [table])
                if cursor.fetchone():
                    cursor.execute(f"DELETE FROM {table}")
        else:
            cursor.execute(
                "DELETE FROM pg_statistic WHERE starelid IN (SELECT relid FROM pg_stat_user_tables)"
            )
            cursor.execute(
                "UPDATE pg_class SET reltuples = -1 "
                "WHERE oid IN (SELECT relid FROM pg_stat_user_tables)"
            )
    connection.close()  # the next connection plans without them


def measure(run, queries):
    """{query: [ms, ...]} for each query run REPEAT times, after one warming run each."""
    for q in queries:
        run(q)
    timings = {q: [] for q in queries}
    for _ in range(REPEAT):
        for q in queries:
            t = time.perf_counter()
            run(q)
            timings[q].append((time.perf_counter() - t) * 1000)
    return timings


def run_one(database, rows, corpus, reuse=False):
    os.environ["DATABASE_URL"] = DATABASES[database]
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["BENCH_PAGE_CACHE"] = "0"  # the search itself, not a cached response
    from relevance import fresh_database

    if not reuse:
        fresh_database(DATABASES[database])
    # The settings are chosen per run (database, backend), so the portal's modules are
    # imported below, once Django is set up with them.
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command
    from django.test import Client, RequestFactory

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)  # the search page's
    import_seconds = 0.0
    if not reuse:
        call_command("migrate", verbosity=0)
        from portal.setup.demo import DemoLoader

        DemoLoader(library=False).run()
        from generate_resources import rows_file

        path = rows_file(rows, corpus)
        started = time.perf_counter()
        call_command("import_resources", str(path), stdout=open(os.devnull, "w"))
        import_seconds = time.perf_counter() - started

    from search import statistics as planner_statistics
    from search.views import search

    client = Client(HTTP_HOST="127.0.0.1")  # bench.settings allows no other host
    kinds = queries_by_kind()
    every_query = [q for queries in kinds.values() for q in queries]

    def api(params):
        def run(q):
            response = client.get("/api/v2/pages/", {"search": q, "limit": 10, **params})
            assert response.status_code == 200, (q, response.status_code)
            return response.json()["meta"]["total_count"]

        return run

    factory = RequestFactory()

    def page_query(q):
        request = factory.get("/search/", {"q": q})
        request.user = AnonymousUser()
        search(request).render()

    report = {"rows": rows, "corpus": corpus, "import_seconds": import_seconds, "runs": {}}
    for state in ("never analysed", "analysed"):
        if state == "never analysed":
            forget_statistics()
        else:
            started = time.perf_counter()
            planner_statistics.refresh(force=True)
            report["analyse_seconds"] = time.perf_counter() - started
        run_report = report["runs"][state] = {}
        for door, params in DOORS.items():
            timings = measure(api(params), every_query)
            every = [t for ts in timings.values() for t in ts]
            run_report[door] = {
                "all": summary(every),
                "kinds": {
                    kind: summary([t for q in queries for t in timings[q]])
                    for kind, queries in kinds.items()
                },
                "slowest": sorted(((max(ts), q) for q, ts in timings.items()), reverse=True)[:3],
            }
        timings = measure(page_query, every_query)
        run_report["search page"] = {
            "all": summary([t for ts in timings.values() for t in ts]),
            "slowest": sorted(((max(ts), q) for q, ts in timings.items()), reverse=True)[:3],
        }
    report["matches"] = {q: api({})(q) for q in every_query}
    print(json.dumps(report, ensure_ascii=False))


def line(label, s):
    return f"   {label:24} p50 {s['p50_ms']:6.1f} ms   p95 {s['p95_ms']:6.1f} ms   max {s['max_ms']:6.1f} ms"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument(
        "--corpus",
        choices=["archive", "uniform"],
        default="archive",
        help="archive: bench/archive.py (Zipf, realistic); uniform: bench/corpus.py",
    )
    parser.add_argument("--run", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument(
        "--reuse", action="store_true", help="query the database of the last run, no import"
    )
    args = parser.parse_args()
    if args.run:
        return run_one(args.run[0], int(args.run[1]), args.run[2], reuse=args.reuse)
    for database in args.databases.split(","):
        output = subprocess.run(
            [sys.executable, __file__, "--run", database, str(args.rows), args.corpus]
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
            f"== {database}: {r['rows']} resources ({r['corpus']}) imported and indexed in "
            f"{r['import_seconds']:.1f} s; ANALYZE {r.get('analyse_seconds', 0):.1f} s"
        )
        for state, runs in r["runs"].items():
            print(f" -- {state}")
            for door, s in runs.items():
                slowest = ", ".join(f"{q} {t:.0f} ms" for t, q in s["slowest"])
                print(line(f"{door} (10 + count)" if door != "search page" else door, s["all"]))
                for kind, k in s.get("kinds", {}).items():
                    print(line(f"  {kind}", k))
                print(f"   {'':24} slowest: {slowest}")
        big = sorted(r["matches"].items(), key=lambda kv: -kv[1])[:5]
        small = sorted(r["matches"].items(), key=lambda kv: kv[1])[:3]
        print(
            f"   {len(r['matches'])} queries × {REPEAT}; most matches: "
            + ", ".join(f"{q} {n}" for q, n in big)
            + "; fewest: "
            + ", ".join(f"{q} {n}" for q, n in small)
        )


if __name__ == "__main__":
    main()
