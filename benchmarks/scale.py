"""Matching at corpus scale: generated corpora of recurring paragraphs, added whole, scored pairwise.

    python benchmarks/scale.py 600 3000 30000 [--out benchmarks/results/scale.md]

For each size a corpus is generated (benchmarks/generate.py: every paragraph in about
five documents, one document in ten with a reformatted copy) and added with the real
command line (one ``corpus add --json``, default ``--jobs``, a fresh store). Pairwise precision
and recall are over all pairs of files: a pair is predicted together when both files
landed in one document, truly together when they have one label. Wall time and the
process's peak memory (GNU time's maximum resident set) are reported with them.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

from generate import generate
from scoring import pairwise, timed


def run(files: int, *, seed: int = 1, extra: tuple[str, ...] = ()) -> dict[str, float | int]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        truth = generate(files, root / "gen", seed=seed)
        command = [sys.executable, "-m", "corpus", "--db", str(root / "c.db"), "add", "--json", *extra]
        seconds, peak_mb, out = timed([*command, str(root / "gen" / "files")])
        records = [json.loads(line) for line in out.splitlines() if line.strip()]
    predicted = {Path(r["path"]).name: f"doc{r['document_id']}" if r["document_id"] else r["path"] for r in records}
    precision, recall = pairwise(truth, predicted)
    statuses = Counter(r["status"] for r in records)
    return {
        "files": len(truth),
        "documents": len(set(truth.values())),
        "precision": precision,
        "recall": recall,
        "seconds": seconds,
        "peak_mb": peak_mb,
        "failed": statuses["failed"],
        "versions": statuses["version"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    lines = [
        "| files | documents | precision | recall | versions linked | failed | wall s | peak MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in args.sizes:
        r = run(size, seed=args.seed)
        lines.append(
            f"| {r['files']} | {r['documents']} | {r['precision']:.4f} | {r['recall']:.4f} | {r['versions']} "
            f"| {r['failed']} | {r['seconds']:.1f} | {r['peak_mb']:.0f} |"
        )
        print(lines[-1], flush=True)
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
