"""The figures the matching thresholds were chosen on: how labelled pairs of real files compare.

    .venv/bin/python benchmarks/calibration.py [--out benchmarks/results/calibration.md]

For pairs whose relation is known (copies, versions, look-alikes from ../shared/data
and the seeds), each file is read by its reader and the two are compared as the
matcher does: shingle Jaccard and containment, then the alignment's substituted
share and inner one-sided insertions. The table shows where copies end and
versions begin; corpus/match.py holds the thresholds chosen from it.
"""

from __future__ import annotations

import argparse
import csv
import itertools
from pathlib import Path

from datasets import SHARED

from corpus import match
from corpus.fingerprint import Fingerprint, FingerprintSettings
from corpus.inputs.item import file_input
from corpus.pluginhost import PluginHost
from corpus.prepare import prepare

ROOT = Path(__file__).resolve().parents[1]


def labelled_pairs() -> list[tuple[str, Path, Path]]:
    pairs: list[tuple[str, Path, Path]] = [
        ("copy", ROOT / "seeds" / "000_c0c16b73368775be.txt", ROOT / "seeds" / "003_dba224dbe8b168d4.txt")
    ]
    laws = SHARED / "zh-laws"
    for row in csv.DictReader((laws / "pairs.csv").open(encoding="utf-8")):
        relation = row["relation"]
        label = "copy" if relation.startswith("same document") else "version" if "versions" in relation else "apart"
        pairs.append((label, laws / row["file_a"], laws / row["file_b"]))
    alice = SHARED / "gutenberg" / "alice-11"
    for name in ("11.txt", "11-h__11-h.htm", "11-pdf.pdf", "book.asciidoc", "old__alice30.txt", "old__alice30.pdf"):
        pairs.append(("copy", alice / "11-0.txt", alice / name))
    rfc = SHARED / "ietf-rfc"
    for path in [
        rfc / "rfc2616" / "rfc2616.paginated.txt",
        rfc / "rfc2616" / "rfc2616.pdf",
        *sorted((rfc / "derived").iterdir()),
    ]:
        pairs.append(("copy", rfc / "rfc2616" / "rfc2616.depaginated.txt", path))
    pairs.append(
        ("apart", rfc / "rfc2616" / "rfc2616.depaginated.txt", rfc / "related-negatives" / "rfc7230.ja-en.html")
    )
    for folder in sorted((SHARED / "zh-web-vs-pdf").glob("D*")):
        forms = [folder / "web.original.html", folder / "official-style.pdf", folder / "web.w3m-dump.txt"]
        forms = [f for f in forms if f.exists()]
        pairs += [("copy", a, b) for a, b in itertools.combinations(forms, 2)]
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    host, settings = PluginHost(), FingerprintSettings()
    cache: dict[Path, Fingerprint] = {}

    def fingerprint(path: Path) -> Fingerprint:
        if path not in cache:
            found = prepare(file_input(path), host.readers, settings).fingerprint
            assert found is not None, path
            cache[path] = found
        return cache[path]

    lines = [
        "| truth | decided | Jaccard | containment | substituted | inserted (a / b) | a | b |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, a, b in labelled_pairs():
        c = match.compare(fingerprint(a), fingerprint(b))
        decided = match.decide(c).value
        mark = "" if (label == "apart" and decided == "unrelated") or decided == label else " ✗"
        lines.append(
            f"| {label} | {decided}{mark} | {c.jaccard:.3f} | {c.containment:.3f} | {c.substituted:.3f} "
            f"| {c.inserted:.3f} / {c.inserted_other:.3f} | {a.parent.name}/{a.name} | {b.parent.name}/{b.name} |"
        )
    thresholds = (
        f"\nThresholds (corpus/match.py): related when Jaccard ≥ {match.RELATED_JACCARD} and containment ≥ "
        f"{match.RELATED_CONTAINMENT}; a copy when substituted ≤ {match.COPY_MAX_SUBSTITUTED}, inner insertions ≤ "
        f"{match.COPY_MAX_INSERTED}, containment ≥ {match.COPY_MIN_CONTAINMENT}, size ratio ≥ "
        f"{match.COPY_MIN_SIZE_RATIO}; equal runs under {match.MIN_RUN} tokens are not anchors.\n"
    )
    report = "\n".join(lines) + "\n" + thresholds
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
