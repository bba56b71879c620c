"""MinHash signatures side by side: datasketch, rensa and ours, on the same shingle sets of real documents.

    python benchmarks/signatures.py [--runs 3] [--files 3000] [--out benchmarks/results/signatures.md]

Two sets of documents, each shingled once by ``corpus.fingerprint.fingerprint`` with the
default settings (256 permutations, seed 1): every law of ``../shared/data/zh-laws``,
*Alice* and RFC 2616, as paragraphs; and the generated corpus of
``benchmarks/generate.py`` (``--files`` files, those with enough shingles for a
signature). Every tool gets each document's shingles in the same run, in turn, as fresh
string objects (so none profits from a UTF-8 form that another one cached in them):

- datasketch ``MinHash(256, seed=1, scheme="affine32").update_batch`` on the UTF-8
  bytes, with its default SHA-1 hash and with ``xxhash.xxh32_intdigest``;
- rensa's ``RMinHash(256, 1).update`` on the strings (a different MinHash: its values
  are not datasketch's; rensa is not a project dependency: install it with
  ``make bench-env`` or by hand, ``pip install rensa==0.5.0``);
- ours, the whole path of ``corpus.fingerprint.fingerprint(signature=True)`` from the
  document's tokens: ``corpus.minhash.distinct_shingle_hashes`` (shingles made, hashed,
  made distinct and sorted, as the fingerprint keeps them) then ``signature_of``; with
  SHA-1 (stores from before the hash setting) and with xxh32 (new stores) twice, by the C
  kernel ``corpus._minhash`` and by the numpy code it replaces when it is not built;
- ours again from the shingle strings, exactly what rensa's row times: given the same
  distinct shingle strings, ``corpus.minhash.signature`` (the kernel's ``string_hashes``,
  then ``minhash``; no sort, no distinct: repeats cannot change a minimum).

Ours is checked equal to datasketch's values on every document. The rows from the tokens
do more than the others: they are handed the distinct shingle strings, those rows make the
shingles from the tokens, with their repeats, and sort the distinct hashes (a fingerprint
keeps them); rensa (like datasketch and ours from the strings) hashes the strings itself,
with its own hash.

A document's time is the median of ``--runs`` runs, in CPU time of this process (every
tool is single-threaded; CPU time is what other processes on the machine disturb least);
the table gives the total over the set, the mean and median per document and the time
per shingle. The import cost of the
first signature is measured with ``python -X importtime`` (median of five processes):
before, ``fingerprint(signature=True)`` imported datasketch (and scipy); now it imports
``corpus.minhash`` (numpy and xxhash).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np
import xxhash
from datasketch import MinHash
from generate import SHARED, generate

from corpus import minhash as mh
from corpus.fingerprint import FingerprintSettings, fingerprint

SETTINGS = FingerprintSettings()
RESULTS = Path(__file__).resolve().parent / "results" / "signatures.md"
# The C kernel as corpus.minhash loaded it (None: not built, or CORPUS_NO_KERNEL set).
BUILT = mh._kernel

Shingles = Sequence[str]


@dataclass(frozen=True)
class Document:
    """A document as each tool takes it: its tokens (ours) and its distinct shingles (the others)."""

    tokens: tuple[str, ...]
    shingles: Shingles

    def __len__(self) -> int:
        return len(self.shingles)

    def fresh(self) -> Document:
        """New string objects for every token and shingle, so no tool profits from a UTF-8 form another cached."""
        return Document(tuple((t + "\0")[:-1] for t in self.tokens), [(s + "\0")[:-1] for s in self.shingles])


Method = Callable[[Document], np.ndarray | None]
KERNEL = "corpus.minhash, xxh32, C kernel (new stores)"
STRINGS = "corpus.minhash, xxh32, C kernel, from the shingle strings (as rensa is given them)"
NUMPY = "corpus.minhash, xxh32, numpy (no kernel)"
SHA1 = "corpus.minhash, sha1 (old stores)"


def real_documents(shared: Path = SHARED) -> list[Document]:
    """The shingle sets of every zh-laws law, Alice and RFC 2616, each split into paragraphs at blank lines."""
    paths = sorted(p for p in (shared / "zh-laws").rglob("*.md") if "README" not in p.name)
    paths += [shared / "gutenberg" / "alice-11" / "11-0.txt"]
    paths += [shared / "ietf-rfc" / "rfc2616" / "rfc2616.depaginated.txt"]
    return [_document(p.read_text(encoding="utf-8-sig")) for p in paths]


def generated_documents(files: int) -> list[Document]:
    """The shingle sets of a generated corpus's files that have enough shingles for a signature."""
    with tempfile.TemporaryDirectory() as tmp:
        generate(files, Path(tmp))
        texts = [p.read_text(encoding="utf-8") for p in sorted((Path(tmp) / "files").glob("*.txt"))]
    return [d for d in map(_document, texts) if len(d) >= SETTINGS.min_shingles]


def _document(text: str) -> Document:
    fp = fingerprint(text.split("\n\n"), SETTINGS)
    return Document(fp.tokens, sorted(fp.shingles))


def _datasketch(hashfunc: Callable[[bytes], int] | None) -> Method:
    def run(document: Document) -> np.ndarray:
        m = MinHash(num_perm=SETTINGS.num_perm, seed=SETTINGS.seed, scheme="affine32", hashfunc=hashfunc)
        m.update_batch([s.encode("utf-8") for s in document.shingles])
        return np.asarray(m.hashvalues)

    return run


def _ours(hashfunc: str, kernel: ModuleType | None) -> Method | None:
    """fingerprint()'s path from tokens to signature, with the C kernel or (``kernel`` None) the numpy code."""
    if hashfunc == "xxh32" and kernel is None and mh._kernel is None:
        return None  # not built: the numpy row is the only one

    def run(document: Document) -> np.ndarray:
        mh._kernel = kernel
        try:
            hashes = mh.distinct_shingle_hashes(document.tokens, SETTINGS.shingle_size, hashfunc)
            return mh.signature_of(hashes, num_perm=SETTINGS.num_perm, seed=SETTINGS.seed).hashvalues
        finally:
            mh._kernel = BUILT

    return run


def _ours_from_strings() -> Method | None:
    """What rensa's row times, ours: the signature of the distinct shingle strings, with the C kernel."""
    if BUILT is None:
        return None

    def run(document: Document) -> np.ndarray:
        signature = mh.signature(document.shingles, num_perm=SETTINGS.num_perm, seed=SETTINGS.seed, hashfunc="xxh32")
        return signature.hashvalues

    return run


def _rensa() -> Method | None:
    try:
        from rensa import RMinHash
    except ImportError:
        return None

    def run(document: Document) -> None:
        RMinHash(SETTINGS.num_perm, SETTINGS.seed).update(document.shingles)

    return run


def methods() -> dict[str, Method | None]:
    return {
        "datasketch, sha1 (its default)": _datasketch(None),
        "datasketch, xxh32": _datasketch(xxhash.xxh32_intdigest),
        "rensa 0.5 RMinHash": _rensa(),
        SHA1: _ours("sha1", None),
        NUMPY: _ours("xxh32", None),
        KERNEL: _ours("xxh32", BUILT),
        STRINGS: _ours_from_strings(),
    }


# Ours must give datasketch's values, exactly: checked on every document.
_SAME = {
    SHA1: "datasketch, sha1 (its default)",
    NUMPY: "datasketch, xxh32",
    KERNEL: "datasketch, xxh32",
    STRINGS: "datasketch, xxh32",
}


def measure(documents: Sequence[Document], runs: int) -> dict[str, list[float]]:
    """Each method's median time per document, over ``runs`` runs in turn on fresh copies of the strings."""
    available = {name: f for name, f in methods().items() if f is not None}
    mh.permutations(SETTINGS.num_perm, SETTINGS.seed)  # made once per settings; not a document's cost
    times: dict[str, list[float]] = {name: [] for name in available}
    for document in documents:
        taken: dict[str, list[float]] = {name: [] for name in available}
        values: dict[str, np.ndarray | None] = {}
        for run in range(runs):
            names = list(available)
            names = names[run % len(names) :] + names[: run % len(names)]  # no method always goes first
            for name in names:
                fresh = document.fresh()  # new string objects, no cached UTF-8
                started = time.process_time()
                values[name] = available[name](fresh)
                taken[name].append(time.process_time() - started)
        for ours, theirs in _SAME.items():
            a, b = values.get(ours), values.get(theirs)
            if a is not None and b is not None and not np.array_equal(a, b):
                raise AssertionError(f"{ours} differs from {theirs} on a document of {len(document)} shingles")
        for name in available:
            times[name].append(statistics.median(taken[name]))
    return times


def import_costs(repeat: int = 5) -> dict[str, float]:
    """Median milliseconds of imports, from ``python -X importtime`` (top-level cumulative times)."""
    cases = {
        "`import corpus.fingerprint` (before and now: no datasketch, no numpy)": "import corpus.fingerprint",
        "… and the first signature, before: `import datasketch` (scipy with it)": (
            "import corpus.fingerprint; import datasketch"
        ),
        "… and the first signature, now: `import corpus.minhash` (numpy, xxhash, the C kernel)": (
            "import corpus.fingerprint; import corpus.minhash"
        ),
    }
    out: dict[str, float] = {}
    for label, code in cases.items():
        totals = []
        for _ in range(repeat):
            done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True)
            total = 0
            for line in done.stderr.splitlines():
                parts = line.split("|")
                # "import time: self | cumulative | name": a top-level import's name has one leading space.
                top = line.startswith("import time:") and len(parts) == 3 and not parts[2].startswith("  ")
                if top and parts[1].strip().isdigit():
                    total += int(parts[1])
            totals.append(total / 1000)
        out[label] = statistics.median(totals)
    return out


def table(sets: dict[str, tuple[Sequence[Document], dict[str, list[float]]]], imports: dict[str, float]) -> str:
    lines = [
        "| documents | tool | total | mean per document | median per document | per shingle | vs rensa |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, (documents, times) in sets.items():
        shingles = sum(map(len, documents))
        rensa = sum(times["rensa 0.5 RMinHash"]) if "rensa 0.5 RMinHash" in times else None
        for name, per_document in times.items():
            total = sum(per_document)
            ratio = f"{total / rensa:.1f}×" if rensa else "—"
            lines.append(
                f"| {label} | {name} | {total * 1e3:.1f} ms | {total / len(documents) * 1e6:.0f} µs "
                f"| {statistics.median(per_document) * 1e6:.0f} µs | {total / shingles * 1e9:.0f} ns | {ratio} |"
            )
        missing = [name for name, f in methods().items() if f is None]
        for name in missing:
            built = name in (KERNEL, STRINGS)
            why = "not built (no C compiler at install?)" if built else "not installed (`make bench-env`)"
            lines.append(f"| {label} | {name} | {why} | | | | |")
    lines += ["", "| import (python -X importtime, median of 5) | ms |", "|---|---|"]
    lines += [f"| {label} | {ms:.0f} |" for label, ms in imports.items()]
    return "\n".join(lines) + "\n"


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in ("datasketch", "numpy", "xxhash", "rensa"):
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} not installed")
    kernel = f"corpus._minhash built for {BUILT.CLONES}" if BUILT else "corpus._minhash not built"
    return (
        f"Python {platform.python_version()}, {', '.join(found)}; {kernel}; "
        f"{os.cpu_count()} cores, {platform.machine()}."
    )


def load_note(before: tuple[float, float, float]) -> str:
    """The machine's load during the run: other processes take cores and caches from the one measured."""
    after = os.getloadavg()
    cores = os.cpu_count() or 1
    note = f"Load average (1 min) {before[0]:.2f} at the start, {after[0]:.2f} at the end, on {cores} cores"
    if max(before[0], after[0]) > 0.5:
        note += (
            ": other processes were running during the run (another benchmark, say), so every time is"
            " slower and noisier than on an idle machine; the tools were measured in turn on each"
            " document, so their ratios are the figures to compare"
        )
    return note + ".\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs per document; its median counts (at least 3)")
    parser.add_argument("--files", type=int, default=3000, help="size of the generated corpus")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    sets: dict[str, tuple[Sequence[Document], dict[str, list[float]]]] = {}
    load_before = os.getloadavg()
    for label, documents in (
        ("zh-laws + Alice + RFC 2616", real_documents()),
        (f"generated ({args.files} files)", generated_documents(args.files)),
    ):
        shingles = sum(map(len, documents))
        label = f"{label}: {len(documents)} docs, {shingles} shingles"
        sets[label] = (documents, measure(documents, max(3, args.runs)))
    report = table(sets, import_costs()) + "\n" + versions() + "\n" + load_note(load_before)
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        "# MinHash signatures: datasketch, rensa and corpus.minhash side by side\n\n"
        f"`python benchmarks/signatures.py --runs {max(3, args.runs)} --files {args.files}`, "
        "one process, 256 permutations, CPU time; ours checked equal to datasketch on every document.\n\n" + report,
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
