"""Write N generated resource rows as JSON Lines: `python bench/generate_resources.py 50000 out.jsonl`."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import resource_rows


def rows_file(count):
    """bench/out/resources-<count>.jsonl, written on first use (fixed seed: same rows)."""
    path = Path(__file__).resolve().parent / "out" / f"resources-{count}.jsonl"
    if not path.exists():
        write(count, path)
    return path


def write(count, out):
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for row in resource_rows(count):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    out = Path(sys.argv[2] if len(sys.argv) > 2 else f"bench/out/resources-{count}.jsonl")
    write(count, out)
    print(f"{count} rows → {out}")


if __name__ == "__main__":
    main()
