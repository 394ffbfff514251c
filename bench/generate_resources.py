"""Write N generated resource rows as JSON Lines:

python bench/generate_resources.py 50000 out.jsonl                 # bench/corpus.py
python bench/generate_resources.py --corpus archive 50000 out.jsonl  # bench/archive.py
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import archive
import corpus

CORPORA = {"uniform": corpus.resource_rows, "archive": archive.resource_rows}


def rows_file(count, corpus="uniform"):
    """bench/out/<resources|archive>-<count>.jsonl, written on first use (fixed seed: same
    rows)."""
    name = "resources" if corpus == "uniform" else corpus
    path = Path(__file__).resolve().parent / "out" / f"{name}-{count}.jsonl"
    if not path.exists():
        write(count, path, corpus)
    return path


def write(count, out, corpus="uniform"):
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for row in CORPORA[corpus](count):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("count", type=int, nargs="?", default=50_000)
    parser.add_argument("out", nargs="?")
    parser.add_argument("--corpus", choices=CORPORA, default="uniform")
    args = parser.parse_args()
    out = Path(args.out or f"bench/out/{args.corpus}-{args.count}.jsonl")
    write(args.count, out, args.corpus)
    print(f"{args.count} rows → {out}")


if __name__ == "__main__":
    main()
