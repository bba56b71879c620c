"""``corpus add`` of the same generated files by two checkouts, alternating, in one run: before and after a change.

    python benchmarks/before_after.py BEFORE_CHECKOUT AFTER_CHECKOUT [--files 3000] [--runs 3] [--jobs 2]

A checkout is a folder holding ``corpus/`` and ``plugins/`` (``git worktree add /tmp/before
COMMIT`` makes one); each runs with this interpreter and ``PYTHONPATH`` pointing at it, so
the same installed libraries serve both. Runs alternate (before, after, before, …) so that
what else the machine does weighs on both alike. Printed: median wall seconds and median CPU
seconds (user + system, the worker processes included) of each, and their ratio, as a
markdown table.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import generate


def add_once(checkout: Path, files: Path, db: Path, jobs: int) -> tuple[float, float]:
    """Wall and CPU seconds of one whole ``corpus add`` process of ``checkout``."""
    env = {**os.environ, "PYTHONPATH": f"{checkout}{os.pathsep}{checkout / 'plugins'}"}
    env.pop("CORPUS_DB", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # -P, and a folder of its own to run in: "python -m" puts the working folder first on the
    # path, so run from a checkout it would import that checkout's corpus, whatever PYTHONPATH says.
    command = [sys.executable, "-P", "-m", "corpus", "--db", str(db), "add", "--json", f"--jobs={jobs}", str(files)]
    subprocess.run(command, env=env, cwd=db.parent, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    checkouts = {"before": args.before.resolve(), "after": args.after.resolve()}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in checkouts}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(args.files, root / "gen")
        for n in range(args.runs):
            for name, checkout in checkouts.items():
                db = root / f"{name}-{n}.db"
                times[name].append(add_once(checkout, root / "gen" / "files", db, args.jobs))
    wall = {name: statistics.median(w for w, _ in runs) for name, runs in times.items()}
    cpu = {name: statistics.median(c for _, c in runs) for name, runs in times.items()}
    print(f"`corpus add --jobs {args.jobs}` of {args.files:,} generated files, median of {args.runs}, alternating.")
    print()
    print("| checkout | wall s | CPU s |")
    print("|---|---:|---:|")
    for name, checkout in checkouts.items():
        print(f"| {name} ({checkout.name}) | {wall[name]:.1f} | {cpu[name]:.1f} |")
    print(f"| after / before | {wall['after'] / wall['before']:.2f} | {cpu['after'] / cpu['before']:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
