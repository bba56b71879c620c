"""Commands that only read the store load no reader and no MinHash library.

Listing a corpus of a million documents must not cost the start-up of trafilatura,
lxml, PDFium and datasketch (with scipy), nor read every canonical text.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

HEAVY = ("trafilatura", "lxml", "pypdfium2", "datasketch", "scipy")


def imported(db: Path, *args: str) -> set[str]:
    """The top-level modules a real ``corpus`` command imports, from Python's own import log."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "corpus", "--db", str(db), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    names = set()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


@pytest.mark.parametrize("command", [["docs"], ["docs", "--json"], ["show", "1"], ["audit"], ["export"], ["source", "1"]])
def test_read_only_commands_load_no_reader_library(
    seed_db: tuple[Path, list[dict[str, Any]]], command: list[str]
) -> None:
    db, _ = seed_db
    assert not imported(db, *command) & set(HEAVY)


def test_adding_does_load_the_readers(seed_db: tuple[Path, list[dict[str, Any]]], tmp_path: Path) -> None:
    # The check above can fail: the add command does import them.
    db, _ = seed_db
    assert {"trafilatura", "pypdfium2"} <= imported(db, "add", str(Path(__file__)), "--json")
