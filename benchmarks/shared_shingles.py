"""Counting the shingles two texts share: the C kernel beside the numpy code it replaces.

    python benchmarks/shared_shingles.py [--files 3000] [--runs 3] [--out benchmarks/results/shared_shingles.md]

Verifying a candidate starts with the shingles a source shares with the document's
canonical text (``corpus.match.compare``): both are sorted runs of distinct 32-bit hashes,
as the store keeps them. The commit stage counts them for every candidate the indexes
bring, so the count is paid per candidate: at 20,000 generated files some six a source.

The pairs counted are real candidate pairs: the generated corpus of
``benchmarks/generate.py`` (``--files`` files) fingerprinted with the default settings,
and every two documents sharing an LSH band key paired; and, so that long texts are in
it, every pair of the zh-laws laws, *Alice* and RFC 2616. Both ways count every pair,
in turn, in one process; the figure is CPU time per pair, the median of ``--runs`` runs.
The counts are checked equal.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from generate import SHARED, generate

from corpus import minhash as mh
from corpus.fingerprint import FingerprintSettings, band_keys, fingerprint

Pair = tuple[bytes, bytes]


def candidate_pairs(folder: Path, settings: FingerprintSettings) -> list[Pair]:
    """Pairs of the generated documents that share an LSH band key (what the commit stage verifies)."""
    hashes: list[bytes] = []
    holders: dict[int, list[int]] = {}
    for path in sorted(folder.iterdir()):
        made = fingerprint(path.read_text(encoding="utf-8").split("\n\n"), settings, signature=True)
        if made.minhash is None:
            continue
        for key in band_keys(made.minhash, settings):
            holders.setdefault(key, []).append(len(hashes))
        hashes.append(made.hashes)
    pairs = {(a, b) for group in holders.values() for a in group for b in group if a < b}
    return [(hashes[a], hashes[b]) for a, b in sorted(pairs)]


def long_pairs(settings: FingerprintSettings) -> list[Pair]:
    texts = sorted((SHARED / "zh-laws").rglob("*.md"))
    texts += [
        SHARED / "gutenberg" / "alice-11" / "11-0.txt",
        SHARED / "ietf-rfc" / "rfc2616" / "rfc2616.depaginated.txt",
    ]
    runs = [fingerprint(p.read_text(encoding="utf-8-sig").split("\n\n"), settings).hashes for p in texts]
    return [(a, b) for i, a in enumerate(runs) for b in runs[i + 1 :]]


def timed(pairs: list[Pair], runs: int) -> tuple[float, list[int]]:
    """Median CPU seconds of counting every pair, and the counts."""
    times, counts = [], []
    for _ in range(runs):
        start = time.process_time()
        counts = [mh.shared_count(a, b) for a, b in pairs]
        times.append(time.process_time() - start)
    return statistics.median(times), counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    kernel = mh._kernel
    if kernel is None:
        print("corpus._minhash is not built: nothing to compare", file=sys.stderr)
        return 1
    settings = FingerprintSettings()
    with tempfile.TemporaryDirectory() as tmp:
        generate(args.files, Path(tmp))
        sets = {
            f"generated ({args.files:,} files): documents sharing a band key": candidate_pairs(
                Path(tmp) / "files", settings
            ),
            "zh-laws, Alice, RFC 2616: every pair": long_pairs(settings),
        }
    rows = ["| pairs | count | numpy µs/pair | C kernel µs/pair | ratio |", "|---|---:|---:|---:|---:|"]
    for name, pairs in sets.items():
        ways: dict[str, tuple[float, list[int]]] = {}
        for way, module in (("numpy", None), ("kernel", kernel)):
            mh._kernel = module
            ways[way] = timed(pairs, args.runs)
        mh._kernel = kernel
        assert ways["numpy"][1] == ways["kernel"][1], "the kernel counted otherwise than numpy"
        numpy_us, kernel_us = (ways[way][0] / len(pairs) * 1e6 for way in ("numpy", "kernel"))
        rows.append(f"| {name} | {len(pairs):,} | {numpy_us:.1f} | {kernel_us:.2f} | {kernel_us / numpy_us:.3f}× |")
    table = "\n".join(rows)
    print(table)
    if args.out:
        args.out.write_text(f"# Shared shingles: the C kernel beside numpy\n\n{table}\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
