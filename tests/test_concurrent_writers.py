"""Several `corpus add` runs on one store at once end as one run over the same files would.

Real files: the zh-web-vs-pdf documents (web pages, PDFs and their text extractions,
negatives among them) and the zh-laws versions of ../shared/data, plus seeds/.
Three writers start together on a store that does not exist yet (so they also race to
create it), on thirds of the files, one of them also given some of another's files.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from conftest import SEEDS, shared

Partition = frozenset[frozenset[str]]


def inputs() -> list[Path]:
    """The files of a document sets, as a user would give them (the data files left out)."""
    found = [p for p in sorted(shared("zh-web-vs-pdf").rglob("*")) if p.is_file()]
    found += [p for p in sorted(shared("zh-laws").rglob("*")) if p.is_file()]
    found += sorted(SEEDS.iterdir())
    data = {".csv", ".json", ".jsonl"}
    return [p for p in found if p.suffix not in data and not p.name.startswith("groundtruth")]


def partition(db: Path) -> Partition:
    """The documents of a store as sets of the file names of their sources."""
    rows = sqlite3.connect(db).execute(
        """SELECT p.document_id, l.location FROM provenance p JOIN locations l ON l.source_id = p.source_id
           JOIN documents d ON d.id = p.document_id WHERE d.merged_into IS NULL"""
    )
    documents: dict[int, set[str]] = {}
    for document_id, location in rows:
        documents.setdefault(document_id, set()).add(str(Path(location).resolve()))
    return frozenset(frozenset(files) for files in documents.values())


def versions(db: Path) -> int:
    row = sqlite3.connect(db).execute("SELECT count(*) FROM relations WHERE relation = 'version'").fetchone()
    return int(row[0])


def start(db: Path, files: list[Path]) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "corpus", "--db", str(db), "add", "--json", "--jobs", "1", *map(str, files)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_three_writers_at_once_give_the_store_of_one_run(tmp_path: Path) -> None:
    files = inputs()
    single = tmp_path / "single.db"
    one = subprocess.run(
        [sys.executable, "-m", "corpus", "--db", str(single), "add", "--json", *map(str, files)],
        capture_output=True,
        text=True,
    )
    assert "Traceback" not in one.stderr, one.stderr

    shared_db = tmp_path / "shared.db"
    thirds = [files[0::3], files[1::3], files[2::3] + files[0::3][:5]]  # the last overlaps the first
    writers = [start(shared_db, part) for part in thirds]
    outputs = [w.communicate(timeout=900) for w in writers]
    for writer, (out, err), part in zip(writers, outputs, thirds, strict=True):
        assert "Traceback" not in err, err
        assert writer.returncode == one.returncode, err
        records = [json.loads(line) for line in out.splitlines()]
        assert len(records) == len(part)  # one record per file given, none lost to a lock
        assert {r["status"] for r in records} <= {"new", "copy", "version", "exists", "failed"}

    with sqlite3.connect(shared_db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        sources = con.execute("SELECT count(*) FROM sources").fetchone()[0]
    assert sources == sqlite3.connect(single).execute("SELECT count(*) FROM sources").fetchone()[0]
    assert partition(shared_db) == partition(single)
    assert versions(shared_db) == versions(single) > 0
