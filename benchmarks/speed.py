"""Speed and memory of ``corpus add``, side by side with the alternatives, whole processes, one run.

    python benchmarks/speed.py [--runs 3] [--big] [--out benchmarks/results/speed.md]

Sections (each a table in the output):

- **add**: 3,000 generated files (benchmarks/generate.py) into a new corpus with
  ``--jobs 1`` and ``--jobs 2``, beside datasketch used the plain way
  (benchmarks/plain_minhash.py) and, when ``make bench-env`` has built
  benchmarks/.venv-others, rensa, datatrove and text-dedup (benchmarks/others.py);
  median wall time of ``--runs`` runs, the ratio to datasketch, peak memory,
  pairwise precision and recall.
- **one file**: adding one new file to a corpus of 300 and of 6,000 documents.
- **copies**: adding the 3rd and the 40th reformatted copy of *Alice*.
- **long text**: one 15 MB text with line breaks and the same without any.
- **shared data**: ``corpus add ../shared/data`` (every file), ``--jobs 1`` and ``2``.
- **memory** (``--big``): peak memory adding 10,000 and 100,000 generated files.

Wall times are of whole processes (start-up included), as a user meets them; peak
memory is GNU time's maximum resident set of the process.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from generate import SHARED, generate, hard_wrap
from scoring import pairwise, timed

HERE = Path(__file__).resolve().parent
OTHERS = HERE / ".venv-others" / "bin" / "python"
OTHERS_READY = HERE / ".venv-others" / ".installed"
# Set when timing a checkout from before --jobs (CORPUS_BENCH_OLD=1): jobs 1 only.
OLD = bool(os.environ.get("CORPUS_BENCH_OLD"))


def corpus_add(db: Path, *paths: Path | str, jobs: int = 1) -> tuple[float, float, str]:
    # (--jobs only when asked: so that the same script times a corpus from before --jobs existed)
    jobs_option = [f"--jobs={jobs}"] if jobs != 1 else []
    return timed([sys.executable, "-m", "corpus", "--db", str(db), "add", "--json", *jobs_option, *map(str, paths)])


def median_of(runs: int, make: Callable[[], tuple[float, float, str]]) -> tuple[float, float, str]:
    results = [make() for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results), results[-1][2]


def section_add(runs: int, root: Path) -> list[str]:
    truth = generate(3000, root / "gen3000")
    folder = root / "gen3000" / "files"
    rows: list[tuple[str, float, float, float, float]] = []

    def ours(jobs: int) -> tuple[float, float, str]:
        db = root / f"add-{jobs}-{time.monotonic_ns()}.db"
        return corpus_add(db, folder, jobs=jobs)

    for jobs in (1, 2) if not OLD else (1,):
        seconds, peak, out = median_of(runs, partial(ours, jobs))
        records = [json.loads(line) for line in out.splitlines() if line.strip()]
        predicted = {Path(r["path"]).name: f"doc{r['document_id']}" if r["document_id"] else r["path"] for r in records}
        p, r = pairwise(truth, predicted)
        rows.append((f"corpus add --jobs {jobs}", seconds, peak, p, r))
    seconds, peak, out = median_of(runs, lambda: timed([sys.executable, str(HERE / "plain_minhash.py"), str(folder)]))
    p, r = pairwise(truth, json.loads(out))
    rows.append(("datasketch plain (MinHash 128 + MinHashLSH 0.5)", seconds, peak, p, r))
    if OTHERS_READY.exists():
        names = sorted(truth)
        docs = [{"id": i, "text": (folder / name).read_text(encoding="utf-8")} for i, name in enumerate(names)]
        texts = json.dumps(docs)
        for tool in ("rensa-plain", "datasketch-char5", "datatrove", "text-dedup"):
            command = [str(OTHERS), str(HERE / "others.py"), "--only", tool]
            seconds, peak, out = median_of(runs, partial(timed, command, stdin=texts))
            labels = json.loads(out).get(tool, {})
            if "error" in labels:
                rows.append((f"{tool}: {labels['error'][:60]}", seconds, peak, float("nan"), float("nan")))
                continue
            predicted = {names[int(k)]: str(v) for k, v in labels.items()}
            p, r = pairwise(truth, predicted)
            rows.append((tool, seconds, peak, p, r))
    base = next(s for name, s, *_ in rows if name.startswith("datasketch plain"))
    lines = [
        f"3,000 generated files ({len(set(truth.values()))} documents), median of {runs} runs, whole processes.",
        "",
        "| tool | wall s | × datasketch plain | peak MB | precision | recall |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [f"| {n} | {s:.1f} | {s / base:.2f} | {m:.0f} | {p:.4f} | {r:.4f} |" for n, s, m, p, r in rows]
    return lines


def section_one_file(runs: int, root: Path) -> list[str]:
    lines = ["| corpus | adding one file, wall s (median of runs) |", "|---|---:|"]
    figures = {}
    for size in (300, 6000):
        gen = root / f"gen{size}"
        generate(size, gen, seed=size)
        db = root / f"one{size}.db"
        corpus_add(db, gen / "files", jobs=2)
        extra = root / f"extra{size}"
        generate(40, extra, seed=size + 1)
        newcomers = sorted((extra / "files").iterdir())

        def one(newcomers: list[Path] = newcomers, db: Path = db) -> tuple[float, float, str]:
            return corpus_add(db, newcomers.pop(), jobs=1)

        seconds, _, _ = median_of(max(runs, 5), one)
        figures[size] = seconds
        lines.append(f"| {size} files | {seconds:.2f} |")
    lines.append(f"| ratio 6,000 / 300 | {figures[6000] / figures[300]:.2f} |")
    return lines


def _alice_copies(folder: Path, count: int) -> list[Path]:
    """``count`` copies of Alice, each hard-wrapped at its own width, as text extractors give them."""
    text = (SHARED / "gutenberg" / "alice-11" / "11-0.txt").read_text(encoding="utf-8-sig")
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for n in range(count):
        lines: list[str] = []
        for paragraph in paragraphs:
            lines += [*hard_wrap(paragraph, False, 50 + n), ""]
        path = folder / f"alice-{n:02d}.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        out.append(path)
    return out


def section_copies(runs: int, root: Path) -> list[str]:
    copies = _alice_copies(root / "alice", 40 + runs)
    db = root / "copies.db"
    corpus_add(db, *copies[:2])
    third, _, _ = corpus_add(db, copies[2])
    corpus_add(db, *copies[3:39])
    fortieth = statistics.median(corpus_add(db, copies[39 + i])[0] for i in range(runs))
    return [
        "| adding | wall s |",
        "|---|---:|",
        f"| the 3rd copy of Alice | {third:.2f} |",
        f"| the 40th copy (median of {runs}: 40th, 41st…) | {fortieth:.2f} |",
        f"| ratio | {fortieth / third:.2f} |",
    ]


def section_long_text(root: Path) -> list[str]:
    alice = (SHARED / "gutenberg" / "alice-11" / "11-0.txt").read_text(encoding="utf-8-sig")
    laws = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted((SHARED / "zh-laws").rglob("*.md")))
    body = alice + "\n\n" + laws
    text = (body * (15_000_000 // len(body.encode("utf-8")) + 1))[: 15_000_000 // 2]
    lines = ["| one 15 MB text | wall s | peak MB |", "|---|---:|---:|"]
    for name, content in (("with line breaks", text), ("without line breaks", " ".join(text.split()))):
        path = root / f"long-{name.split()[0]}.txt"
        path.write_text(content, encoding="utf-8")
        seconds, peak, _ = corpus_add(root / f"long-{name.split()[0]}.db", path)
        lines.append(f"| {name} ({path.stat().st_size / 1e6:.1f} MB) | {seconds:.1f} | {peak:.0f} |")
    return lines


def section_shared(root: Path) -> list[str]:
    lines = ["| corpus add ../shared/data | wall s | peak MB | files |", "|---|---:|---:|---:|"]
    for jobs in (1, 2):
        seconds, peak, out = corpus_add(root / f"shared-{jobs}.db", SHARED, jobs=jobs)
        lines.append(f"| --jobs {jobs} | {seconds:.1f} | {peak:.0f} | {len(out.splitlines())} |")
    return lines


def section_memory(root: Path) -> list[str]:
    lines = ["| files | wall s | peak MB |", "|---:|---:|---:|"]
    for size in (10_000, 100_000):
        gen = root / f"mem{size}"
        generate(size, gen, seed=3)
        seconds, peak, _ = corpus_add(root / f"mem{size}.db", gen / "files", jobs=2)
        lines.append(f"| {size} | {seconds:.0f} | {peak:.0f} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--big", action="store_true", help="also the 10,000 and 100,000-file memory figures")
    parser.add_argument("--only", choices=["add", "one", "copies", "long", "shared", "memory"])
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    sections: dict[str, tuple[str, Callable[[Path], list[str]]]] = {
        "add": ("Adding 3,000 files", partial(section_add, args.runs)),
        "one": ("One file into a small and a large corpus", partial(section_one_file, args.runs)),
        "copies": ("The 3rd and the 40th copy of a book", partial(section_copies, args.runs)),
        "long": ("One long text", section_long_text),
        "shared": ("The shared data", section_shared),
    }
    if args.big or args.only == "memory":
        sections["memory"] = ("Memory as the input grows", section_memory)
    out: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for key, (title, run) in sections.items():
            if args.only and key != args.only:
                continue
            root = Path(tmp) / key
            root.mkdir()
            block = [f"### {title}", "", *run(root), ""]
            print("\n".join(block), flush=True)
            out += block
    if args.out:
        args.out.write_text("\n".join(out), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
