"""Run the speed, memory and signature benchmarks and write their figures into RESULTS.md.

    python benchmarks/bench.py [--runs 3] [--quick]     (what `make bench` runs)

Each benchmark runs as its own process, one after the other, on this machine; their
markdown tables go into one section of ``benchmarks/RESULTS.md`` headed with the date,
the machine (CPU, cores, memory, Python) and the commit, placed first, above the
earlier sections (a section of the same date and commit is replaced). The benchmarks:

- ``speed.py`` (every section, ``--big`` included unless ``--quick``): adding 3,000
  generated files beside datasketch used the plain way, rensa, datatrove and
  text-dedup (those three in ``benchmarks/.venv-others``, built by ``make bench-env``);
  one file into 300 and 6,000 documents; the 3rd and the 40th copy of a book; one
  15 MB text with and without line breaks; ``corpus add ../shared/data``; peak memory
  adding 10,000 and 100,000 files.
- ``signatures.py``: MinHash signatures per document, ours beside datasketch and rensa.

Nothing here is a test: the figures are what this machine gave on that day.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        names = re.findall(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text(encoding="utf-8"))
        cpu = names[0].strip() if names else cpu
    except OSError:
        pass
    try:
        kib = int(re.findall(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text(encoding="utf-8"))[0])
        memory = f"{kib / 2**20:.0f} GiB"
    except (OSError, IndexError):
        memory = "memory unknown"
    return f"{cpu}, {os.cpu_count()} cores, {memory}, Python {platform.python_version()}, {platform.system()}"


def commit() -> str:
    run = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=HERE, capture_output=True)
    return (run.stdout.strip() or "unknown") + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def run(script: str, *args: str) -> str:
    """A benchmark's markdown, written to a temporary file by its ``--out``."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.md"
        command = [sys.executable, str(HERE / script), *args, "--out", str(out)]
        print("$", " ".join(command), flush=True)
        subprocess.run(command, cwd=HERE, check=True)
        return out.read_text(encoding="utf-8").strip()


def section(runs: int, quick: bool) -> str:
    today = dt.date.today().isoformat()
    speed = run("speed.py", "--runs", str(runs), *(() if quick else ("--big",)))
    # (its own title line gives way to this section's heading)
    signatures = re.sub(r"\A# .*\n+", "", run("signatures.py", "--runs", str(max(3, runs))))
    heading = f"## {today}: speed and memory (`make bench`, commit {commit()})"
    return "\n\n".join(
        [
            heading,
            f"Run by `benchmarks/bench.py` on {machine()}, on {today}; every tool in the same run, "
            "whole processes, medians of the runs given in each table.",
            "### Speed and memory (`benchmarks/speed.py`)",
            speed,
            "### Signatures (`benchmarks/signatures.py`)",
            signatures,
        ]
    )


def write(new: str) -> None:
    """Put ``new`` first below the title of RESULTS.md, replacing a section with the same heading."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Results\n"
    heading = new.splitlines()[0]
    parts = re.split(r"(?m)^(?=## )", text)
    title, sections = parts[0], [p for p in parts[1:] if p.splitlines()[0] != heading]
    RESULTS.write_text(title.rstrip() + "\n\n" + new.rstrip() + "\n\n" + "".join(sections), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs of each timing; the median counts (at least 3)")
    parser.add_argument("--quick", action="store_true", help="leave out the 10,000- and 100,000-file memory runs")
    args = parser.parse_args(argv)
    write(section(args.runs, args.quick))
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
