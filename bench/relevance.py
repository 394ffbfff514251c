"""Search relevance on a labelled query set, on SQLite and PostgreSQL, for the portal's search
backend and for the plain-jieba baseline (bench/baseline.py), in one run.

    .venv/bin/python bench/relevance.py            # both databases
    .venv/bin/python bench/relevance.py --databases sqlite

The corpus is 300 generated resources (bench/corpus.py, fixed seed) on a fresh database. Each
query's relevant pages are those whose structured fields satisfy the query's meaning (its
topic, school, grade, subject, type or tag), judged from the corpus rows, not from any search.
Prints recall@10, nDCG@10, MRR and the number of queries with no result, per configuration,
and the same for pinyin queries (full pinyin and initials of topics).
"""

import argparse
import json
import math
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

CORPUS_SIZE = 300
SEED = 11
SHORT = {
    "红寺堡区罗山中学": "罗山中学",
    "红寺堡中学": "红寺堡中学",
    "红寺堡区职业技术学校": "职业技术学校",
}
DATABASES = {
    "sqlite": "sqlite:///" + str(ROOT / "bench" / "out" / "relevance.sqlite3"),
    "postgres": os.environ.get(
        "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/hongsibu_bench_relevance"
    ),
}
BACKENDS = {"portal": "search.backends", "baseline": "bench.baseline"}


def corpus():
    from corpus import resource_rows

    rows = list(resource_rows(CORPUS_SIZE, seed=SEED))
    for number, row in enumerate(rows, start=1):
        row["key"] = number
        row["topic"] = row["title"].split("：", 1)[1].rsplit("（", 1)[0]
        row["tag_list"] = [t for t in row["tags"].split(",") if t]
    return rows


def labelled_queries(rows):
    """(query, kind, relevant keys): built from the corpus's structured fields, keeping queries
    with 1 to 10 relevant pages so that recall@10 can reach 1."""

    def keys(pred):
        return {r["key"] for r in rows if pred(r)}

    queries = []
    topics = Counter(r["topic"] for r in rows)
    for topic, _ in sorted(topics.items(), key=lambda t: (t[1], t[0]))[:18]:
        queries.append((topic, "主题", keys(lambda r, t=topic: r["topic"] == t)))
    for topic in sorted(topics)[::7][:8]:
        types = Counter(r["resource_type"] for r in rows if r["topic"] == topic)
        rtype = types.most_common(1)[0][0]
        queries.append(
            (
                f"{topic} {rtype}",
                "主题+类型",
                keys(lambda r, t=topic, y=rtype: r["topic"] == t and r["resource_type"] == y),
            )
        )
    # Per school, so that 红寺堡中学 and 红寺堡区罗山中学 are both asked for.
    for school in SHORT:
        combos = Counter((r["grade"], r["subject"]) for r in rows if r["school"] == school)
        for (grade, subject), n in sorted(combos.items(), key=lambda c: (-c[1], c[0]))[:3]:
            queries.append(
                (
                    f"{SHORT[school]} {grade} {subject}",
                    "学校+年级+学科",
                    keys(
                        lambda r, s=school, g=grade, j=subject: (
                            (r["school"], r["grade"], r["subject"]) == (s, g, j)
                        )
                    ),
                )
            )
        combos = Counter((r["subject"], r["resource_type"]) for r in rows if r["school"] == school)
        for (subject, rtype), n in sorted(combos.items(), key=lambda c: (-c[1], c[0]))[:2]:
            queries.append(
                (
                    f"{SHORT[school]}{subject}{rtype}",
                    "学校+学科+类型",
                    keys(
                        lambda r, s=school, j=subject, y=rtype: (
                            (r["school"], r["subject"], r["resource_type"]) == (s, j, y)
                        )
                    ),
                )
            )
    combos = Counter((r["grade"], r["subject"], r["resource_type"]) for r in rows)
    for (grade, subject, rtype), n in sorted(combos.items(), key=lambda c: (-c[1], c[0]))[:8]:
        queries.append(
            (
                f"{grade}{subject}{rtype}",
                "无空格短语",
                keys(
                    lambda r, g=grade, j=subject, y=rtype: (
                        (r["grade"], r["subject"], r["resource_type"]) == (g, j, y)
                    )
                ),
            )
        )
    combos = Counter((tag, r["subject"]) for r in rows for tag in r["tag_list"])
    for (tag, subject), n in sorted(combos.items(), key=lambda c: (-c[1], c[0]))[:6]:
        queries.append(
            # A page is about the tag when it is tagged so or its text says it.
            (
                f"{tag} {subject}",
                "标签+学科",
                keys(
                    lambda r, t=tag, j=subject: (
                        r["subject"] == j
                        and (t in r["tag_list"] or t in r["title"] + r["summary"] + r["body"])
                    )
                ),
            )
        )
    for topic in ("Unit 3 阅读课", "Python 编程入门", "DNA的复制", "Unit 5 Music"):
        if topic in topics:
            queries.append((topic, "中英混合", keys(lambda r, t=topic: r["topic"] == t)))
    return [(q, kind, rel) for q, kind, rel in queries if 1 <= len(rel) <= 10]


def pinyin_queries(rows):
    from pypinyin import lazy_pinyin

    topics = Counter(r["topic"] for r in rows)
    chosen = [
        t
        for t, n in sorted(topics.items(), key=lambda t: (t[1], t[0]))
        if n <= 10 and all("\u4e00" <= ch <= "\u9fff" for ch in t)
    ][:10]
    queries = []
    for topic in chosen:
        syllables = lazy_pinyin(topic)
        relevant = {r["key"] for r in rows if r["topic"] == topic}
        queries.append(("".join(syllables), "全拼", relevant))
        queries.append(("".join(s[0] for s in syllables), "首字母", relevant))
    return queries


def metrics(ranked, relevant, k=10):
    top = ranked[:k]
    hits = [1 if key in relevant else 0 for key in top]
    recall = sum(hits) / len(relevant)
    dcg = sum(h / math.log2(i + 2) for i, h in enumerate(hits))
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    mrr = next((1 / (i + 1) for i, key in enumerate(ranked) if key in relevant), 0.0)
    return recall, dcg / ideal, mrr


def summarise(results):
    n = len(results)
    return {
        "queries": n,
        "recall@10": sum(r["recall"] for r in results) / n,
        "ndcg@10": sum(r["ndcg"] for r in results) / n,
        "mrr": sum(r["mrr"] for r in results) / n,
        "zero_results": sum(1 for r in results if r["found"] == 0),
    }


# -- one configuration, in its own process --------------------------------------------------


def run_one(database, backend):
    os.environ["DATABASE_URL"] = DATABASES[database]
    os.environ["BENCH_SEARCH_BACKEND"] = BACKENDS[backend]
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    fresh_database(DATABASES[database])
    # The settings are chosen per run (database, backend), so the portal's modules are
    # imported below, once Django is set up with them.
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from portal.setup.demo import DemoLoader

    DemoLoader(library=False).run()
    rows = corpus()
    path = ROOT / "bench" / "out" / "relevance-corpus.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            data = {k: v for k, v in row.items() if k not in ("key", "topic", "tag_list")}
            handle.write(json.dumps(data, ensure_ascii=False) + "\n")
    call_command("import_resources", str(path), verbosity=0, stdout=open(os.devnull, "w"))
    from wagtail.models import Page

    from content.models import ResourcePage

    if backend == "baseline":
        call_command("update_index", verbosity=0, stdout=open(os.devnull, "w"))
    key_of = {
        p.pk: int(p.title.rsplit("（", 1)[1].rstrip("）")) for p in ResourcePage.objects.all()
    }
    report = {}
    for name, queries in (("labelled", labelled_queries(rows)), ("pinyin", pinyin_queries(rows))):
        results = []
        for query, kind, relevant in queries:
            found = list(Page.objects.live().public().search(query)[:50])
            ranked = [key_of.get(p.pk) for p in found]
            recall, ndcg, mrr = metrics(ranked, relevant)
            results.append(
                {
                    "query": query,
                    "kind": kind,
                    "relevant": len(relevant),
                    "found": len(found),
                    "recall": recall,
                    "ndcg": ndcg,
                    "mrr": mrr,
                }
            )
        report[name] = {"summary": summarise(results), "queries": results}
    print(json.dumps(report, ensure_ascii=False))


def fresh_database(url):
    """Drop and create the database at url (a SQLite file is removed)."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


# -- the whole run ----------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--run", nargs=2, metavar=("DATABASE", "BACKEND"), help=argparse.SUPPRESS)
    parser.add_argument("--details", action="store_true", help="print every query's figures")
    args = parser.parse_args()
    if args.run:
        return run_one(*args.run)
    reports = {}
    for database in args.databases.split(","):
        for backend in BACKENDS:
            output = subprocess.run(
                [sys.executable, __file__, "--run", database, backend],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=False,
            )
            if output.returncode != 0:
                print(output.stderr[-3000:], file=sys.stderr)
                sys.exit(f"{database}/{backend} failed")
            reports[(database, backend)] = json.loads(output.stdout.strip().splitlines()[-1])
    print(
        f"{'database':10} {'backend':9} {'set':9} {'queries':>7} {'recall@10':>10} {'nDCG@10':>8} {'MRR':>6} {'zero':>5}"
    )
    for (database, backend), report in reports.items():
        for name, part in report.items():
            s = part["summary"]
            print(
                f"{database:10} {backend:9} {name:9} {s['queries']:>7} {s['recall@10']:>10.3f} "
                f"{s['ndcg@10']:>8.3f} {s['mrr']:>6.3f} {s['zero_results']:>5}"
            )
    if args.details:
        for (database, backend), report in reports.items():
            print(f"\n== {database} / {backend}")
            for part in report.values():
                for q in part["queries"]:
                    print(
                        f"  {q['kind']:8} {q['query']:28} rel={q['relevant']:2} found={q['found']:3} "
                        f"R@10={q['recall']:.2f} nDCG={q['ndcg']:.2f} MRR={q['mrr']:.2f}"
                    )


if __name__ == "__main__":
    main()
