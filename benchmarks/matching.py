"""Pairwise precision and recall of the duplicate matching on every shared set with ground truth.

    .venv/bin/python benchmarks/matching.py [--others] [--out benchmarks/results/matching.md]

For each set, every file is added to a fresh corpus through the public API; two
files are "predicted together" when they land in one document. Precision and
recall are over pairs of files (a failed file is a singleton). With --others, the
same files are also deduplicated by datatrove's and text-dedup's MinHash,
datasketch and rensa used the plain way (see benchmarks/others.py), run in their
own environment (`make bench-env`), on the text our readers extracted (so the
comparison is of matching, not of reading).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import replace
from itertools import combinations
from pathlib import Path
from typing import cast

from datasets import Dataset, all_datasets
from split import half, unit_of

from corpus import Corpus, CorpusError
from corpus.decode import decode

BENCH_PYTHON = Path(__file__).resolve().parent / ".venv-others" / "bin" / "python"


def pairwise(labels_true: dict[str, str], labels_pred: dict[str, str]) -> tuple[float, float, int, int, int]:
    """(precision, recall, true positives, predicted pairs, true pairs) over all file pairs."""
    tp = pred = true = 0
    for a, b in combinations(sorted(labels_true), 2):
        same_true = labels_true[a] == labels_true[b]
        same_pred = labels_pred[a] == labels_pred[b]
        true += same_true
        pred += same_pred
        tp += same_true and same_pred
    precision = tp / pred if pred else 1.0
    recall = tp / true if true else 1.0
    return precision, recall, tp, pred, true


def run_ours(dataset: Dataset, *, raw: bool = False) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        with Corpus.open(Path(tmp) / "bench.db") as corpus:
            results = corpus.add([p for p, _ in dataset.files])
            seconds = time.perf_counter() - started
            predicted = {
                r.path: (f"doc{r.document_id}" if r.document_id is not None else f"failed:{r.path}") for r in results
            }
            # What the other tools are given: our readers' text, or with --raw the files' own text.
            texts: dict[str, str] = {}
            for r in results:
                if r.source_id is None or r.status == "failed":
                    continue
                extract = corpus.source(r.source_id).extract
                read = (
                    "\n".join(([extract.title] if extract.title else []) + list(extract.paragraphs)) if extract else ""
                )
                texts[r.path] = (_raw_text(Path(r.path)) if raw else "") or read
            related = {
                frozenset((d.document_id, rel.document_id))
                for d in corpus.documents()
                for rel in corpus.document(d.document_id).related
                if rel.relation == "version"
            }
    truth = {str(p): label for p, label in dataset.files}
    precision, recall, tp, pred, true = pairwise(truth, predicted)
    document_of = {r.path: r.document_id for r in results}
    linked = sum(
        1 for a, b in dataset.version_pairs if frozenset((document_of[str(a)], document_of[str(b)])) in related
    )
    return {
        "precision": precision,
        "recall": recall,
        "tp": tp,
        "predicted_pairs": pred,
        "true_pairs": true,
        "failed": sum(1 for r in results if r.status == "failed"),
        "files": len(results),
        "seconds": seconds,
        "versions_linked": linked,
        "version_pairs": len(dataset.version_pairs),
        "texts": texts,
        "truth": truth,
    }


def _raw_text(path: Path) -> str:
    """A text file as it is (what a user would hand a dedup tool); "" for bytes that are not text."""
    try:
        return decode(path.read_bytes()).text
    except CorpusError:
        return ""


def run_others(texts: dict[str, str], truth: dict[str, str]) -> dict[str, dict[str, object]]:
    """Run datatrove's and text-dedup's MinHash on our extracted texts, in their own environment."""
    if not BENCH_PYTHON.exists():
        raise SystemExit(f"{BENCH_PYTHON} is missing: run `make bench-env` first")
    paths = sorted(texts)
    payload = json.dumps([{"id": i, "text": texts[p]} for i, p in enumerate(paths)], ensure_ascii=False)
    proc = subprocess.run(
        [str(BENCH_PYTHON), str(Path(__file__).resolve().parent / "others.py")],
        input=payload,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise SystemExit(f"benchmarks/others.py failed:\n{proc.stderr}")
    out: dict[str, dict[str, object]] = {}
    for tool, clusters in json.loads(proc.stdout).items():
        if "error" in clusters:
            print(f"{tool} failed: {clusters['error']}", file=sys.stderr)
            continue
        predicted = {p: f"c{clusters[str(i)]}" for i, p in enumerate(paths)}
        sub_truth = {p: truth[p] for p in paths}
        precision, recall, tp, pred, true = pairwise(sub_truth, predicted)
        out[tool] = {"precision": precision, "recall": recall, "tp": tp, "predicted_pairs": pred, "true_pairs": true}
    return out


def table(rows: Iterable[tuple[str, str, dict[str, object]]]) -> str:
    lines = [
        "| set | tool | precision | recall | right pairs / predicted / true | files failed | time |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, tool, r in rows:
        failed = f"{r['failed']} / {r['files']}" if "failed" in r else "—"
        seconds = f"{r['seconds']:.1f} s" if "seconds" in r else "—"
        lines.append(
            f"| {name} | {tool} | {r['precision']:.3f} | {r['recall']:.3f} "
            f"| {r['tp']} / {r['predicted_pairs']} / {r['true_pairs']} "
            f"| {failed} | {seconds} |"
        )
    return "\n".join(lines)


def in_half(dataset: Dataset, wanted: str) -> Dataset:
    """The files of ``dataset`` whose document (or site) is in the ``wanted`` half; seeds are in none."""

    def kept(path: Path) -> bool:
        try:
            return half(*unit_of(path)) == wanted
        except ValueError:  # not under ../shared/data (the seeds)
            return False

    files = tuple((path, label) for path, label in dataset.files if kept(path))
    versions = tuple((a, b) for a, b in dataset.version_pairs if kept(a) and kept(b))
    return replace(dataset, name=f"{dataset.name} ({wanted})", files=files, version_pairs=versions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--others", action="store_true", help="also run datatrove, text-dedup, datasketch and rensa")
    parser.add_argument("--only", help="run one set by name")
    parser.add_argument(
        "--raw", action="store_true", help="give the other tools the files' own text, not our readers' extracts"
    )
    parser.add_argument("--out", type=Path, help="write the Markdown table here")
    parser.add_argument(
        "--half", choices=["tuning", "checking"], help="only the documents of one half (benchmarks/split.py)"
    )
    args = parser.parse_args()
    rows: list[tuple[str, str, dict[str, object]]] = []
    notes = []
    for dataset in all_datasets():
        if args.only and dataset.name != args.only:
            continue
        if args.half:
            dataset = in_half(dataset, args.half)
            if len(dataset.files) < 2:
                continue
        ours = run_ours(dataset, raw=args.raw)
        rows.append((dataset.name, "corpus", ours))
        shown = 1
        if dataset.version_pairs:
            notes.append(
                f"- {dataset.name}: {ours['versions_linked']} of {ours['version_pairs']} version pairs "
                "linked as versions"
            )
        if args.others:
            # run_ours stores both as dict[str, str]
            texts, truth = cast(dict[str, str], ours["texts"]), cast(dict[str, str], ours["truth"])
            for tool, r in run_others(texts, truth).items():
                rows.append((dataset.name, tool, r))
                shown += 1
        print(table(rows[-shown:]), file=sys.stderr)
    report = table(rows) + ("\n\n" + "\n".join(notes) if notes else "") + "\n"
    print(report)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
