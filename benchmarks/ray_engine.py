"""What ``corpus add --engine ray`` costs beside the local engine, on one machine.

    python benchmarks/ray_engine.py [SIZE…] [--out benchmarks/results/ray_engine.md]

For each size (default 2,000 and 10,000 files) a corpus is generated
(benchmarks/generate.py: recurring paragraphs of real sentences, one document in ten
with a reformatted copy) and added twice into new stores with the real command line:
``corpus add --json --jobs 2`` (the local engine: two worker processes) and
``corpus add --json --engine ray --jobs 2`` (a local Ray of 2 CPUs, started by the add
and shut down after it, listening on the loopback address only). A first row adds the
two seed files, which shows what starting Ray costs on its own.

Wall time, and the peak memory of the whole process tree sampled from /proc every
100 ms (the command, its workers, and for Ray its GCS server, raylet and Ray workers):
summed resident sets (RSS, which counts shared pages once per process, the object
store's included) and summed proportional sets (PSS, shared pages split: what the tree
really holds). The records of the two adds are compared: they must be the same, the
point of the design (:mod:`corpus.ray_engine`). No speed-up is expected on 2 cores:
Ray's processes share the same cores with the command, and the generated corpora fall
into a few large components (:mod:`corpus.components`), which the workers commit
nearly one after the other; the figures show the overhead. Linux only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from generate import generate
from hostile import Measured, run_measured

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
MB = 1024 * 1024


def add(db: Path, folder: Path, *engine: str) -> Measured:
    env = {**os.environ, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}  # a local Ray on 127.0.0.1
    env.pop("RAY_ADDRESS", None)
    command = [sys.executable, "-m", "corpus", "--db", str(db), "add", "--json", "--jobs", "2", *engine, str(folder)]
    measured = run_measured(command, env=env, interval=0.1)
    if measured.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({measured.returncode}): {measured.stderr[-2000:]}")
    return measured


def records(measured: Measured) -> list[tuple[object, ...]]:
    rows = [json.loads(line) for line in measured.stdout.splitlines() if line.strip()]
    return [(r["path"], r["status"], r["document_id"], r["source_id"], r["similarity"], r["error"]) for r in rows]


def row(label: str, files: int, engine: str, measured: Measured, same: str) -> str:
    rate = files / measured.seconds if measured.seconds else 0.0
    return (
        f"| {label} | {engine} | {measured.seconds:.1f} | {rate:.0f} | {measured.peak_rss / MB:.0f} "
        f"| {measured.peak_pss / MB:.0f} | {measured.largest / MB:.0f} | {same} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", type=int, nargs="*", default=[2000, 10000])
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    lines = [
        "# `corpus add --engine ray` beside the local engine, on 2 CPUs",
        "",
        f"`python benchmarks/ray_engine.py {' '.join(map(str, args.sizes))}`, {time.strftime('%Y-%m-%d')}, "
        f"{platform.machine()}, {os.cpu_count()} cores (load average {load:.1f} at the start: the machine is "
        "shared), Python " + platform.python_version() + ". One run each; a new store each time.",
        "",
        "| files | engine | wall s | files/s | peak RSS MB | peak PSS MB | largest process MB | same records |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    print("\n".join(lines), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cases: list[tuple[str, int, Path]] = [("2 (seeds)", 2, SEEDS)]
        for size in args.sizes:
            truth = generate(size, root / f"gen-{size}")
            cases.append((f"{len(truth):,}", len(truth), root / f"gen-{size}" / "files"))
        for label, files, folder in cases:
            local = add(root / f"local-{files}.db", folder)
            print(row(label, files, "local, --jobs 2", local, ""), flush=True)
            ray = add(root / f"ray-{files}.db", folder, "--engine", "ray")
            same = "yes" if records(ray) == records(local) else "**no**"
            lines += [row(label, files, "local, --jobs 2", local, ""), row(label, files, "ray, 2 CPUs", ray, same)]
            print(lines[-1], flush=True)
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
