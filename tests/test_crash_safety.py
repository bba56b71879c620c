"""An add killed with SIGKILL, several times, loses nothing it reported, and a rerun completes it.

Real files (the zh-web-vs-pdf documents, the zh-laws versions and seeds/), the real
command in its own process group (its worker processes die with it), real kills at
moments drawn from a seeded generator, and the store checked after each: it opens,
passes PRAGMA integrity_check and `corpus check`, and holds every source whose JSON line
was printed. The last run, uninterrupted, must leave the documents one run gives.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from test_concurrent_writers import inputs, partition, versions


def add(db: Path, files: list[Path]) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "corpus", "--db", str(db), "add", "--json", *map(str, files)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def stored(db: Path) -> set[str]:
    rows = sqlite3.connect(db).execute("SELECT location FROM locations")
    return {location for (location,) in rows}


def test_sigkill_at_random_moments_loses_nothing_reported(tmp_path: Path) -> None:
    files = inputs()
    single = tmp_path / "single.db"
    done = subprocess.run([sys.executable, "-m", "corpus", "--db", str(single), "add", "--json", *map(str, files)])
    assert done.returncode in (0, 1)

    db = tmp_path / "killed.db"
    moments = random.Random(20261201)
    for _ in range(3):
        run = add(db, files)
        time.sleep(moments.uniform(1.0, 8.0))
        os.killpg(run.pid, signal.SIGKILL)
        out, _ = run.communicate()
        reported = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        with sqlite3.connect(db) as con:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # Every line printed before the kill is in the store (its location recorded).
        assert {r["path"] for r in reported if r["sha256"]} <= stored(db)

    last = add(db, files)
    out, err = last.communicate(timeout=900)
    assert "Traceback" not in err and last.returncode == done.returncode
    assert len(out.splitlines()) == len(files)
    check = subprocess.run([sys.executable, "-m", "corpus", "--db", str(db), "check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert partition(db) == partition(single)
    assert versions(db) == versions(single)
