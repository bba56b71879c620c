"""`corpus stats`: what a real store holds, counted by SQLite from indexes, read-only.

The figures are checked against counts made independently on the same store (by reading its
rows), the size against the files on disk, and the cost by the query plans of the queries
the command runs: none may read a table whose rows hold extracts, texts or bytes.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from conftest import PDF_SEED, WEB_SEED, Run, run_corpus, shared

from corpus import Corpus
from corpus.fingerprint import FingerprintSettings
from corpus.stats import store_stats
from corpus.store import Store

OLD_LAW = "zh-laws/versions/反垄断法/经济法__反垄断法(2007-08-30).md"
NEW_LAW = "zh-laws/versions/反垄断法/经济法__反垄断法(2022-06-24).md"
ID_LAWS = (
    "zh-laws/same-law-same-date/宪法相关法__居民身份证法(2011-10-29).md",
    "zh-laws/same-law-same-date/行政法__居民身份证法(2011-10-29).md",
)
PICTURE = "encoding-detection/char-dataset/None/sample-1.png"
# Tables whose rows hold extracts, canonical texts, bytes or JSON: stats reads their indexes only.
ROWS_OF_TEXT = ("sources", "documents", "blobs", "provenance", "paragraphs", "locations", "canonical_builds", "events")


def corpus(db: Path, *args: str | Path) -> Run:
    return run_corpus("--db", db, *args)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds (one document of two sources), two versions of a law, a law filed twice, a picture."""
    db = tmp_path_factory.mktemp("stats") / "corpus.db"
    files = [WEB_SEED, PDF_SEED, shared(OLD_LAW), shared(NEW_LAW), *map(shared, ID_LAWS), shared(PICTURE)]
    # One add each: the ids follow this order wherever the checkout lies.
    runs = [corpus(db, "add", "--json", file) for file in files]
    assert runs[-1].returncode == 1 and all(r.returncode == 0 for r in runs[:-1]), [r.stderr for r in runs]
    return db


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql).fetchall()


def stats(db: Path) -> dict[str, Any]:
    run = corpus(db, "stats", "--json")
    assert run.returncode == 0, run.stderr
    (figures,) = run.json_lines()
    return figures


def test_stats_counts_what_the_store_holds(store: Path) -> None:
    figures = stats(store)
    assert figures["sources"] == 6
    assert figures["sources_by_status"] == {"ok": 5, "failed": 1}
    readers = {(r["reader"], r["version"]): r for r in figures["sources_by_reader"]}
    assert {key: r["sources"] for key, r in readers.items()} == {
        ("webtext", "1.0"): 1,
        ("pdftext", "1.0"): 1,
        ("text", "1.0"): 3,
    }
    assert not any(r["outdated"] for r in readers.values()) and figures["sources_to_reread"] == 0
    assert figures["sources_by_media_type"] == dict(
        rows(store, "SELECT media_type, count(*) FROM sources GROUP BY media_type ORDER BY count(*) DESC, media_type")
    )
    assert figures["sources_by_media_type"]["image/png"] == 1
    # The seed document has two sources; each law version one, the law filed twice one (two locations).
    assert figures["documents"] == 4
    assert figures["documents_by_source_count"] == {"1": 3, "2": 1, "3-5": 0, "6-10": 0, "11-100": 0, ">100": 0}
    assert figures["documents_merged"] == 0
    assert figures["versions"] == 1
    assert figures["removed_bytes_kept"] == 0
    assert figures["events"] == rows(store, "SELECT count(*) FROM events")[0][0]
    assert figures["file_bytes"] == os.path.getsize(store)
    wal = Path(f"{store}-wal")
    assert figures["wal_bytes"] == (os.path.getsize(wal) if wal.exists() else 0)
    assert figures["store_bytes"] == figures["file_bytes"] + figures["wal_bytes"]


def test_stats_says_what_reread_and_remove_would_do(store: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    with closing(sqlite3.connect(store)) as source, closing(sqlite3.connect(db)) as target:
        source.backup(target)
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE sources SET reader_version = '0.9' WHERE reader = 'pdftext'")
    assert corpus(db, "remove", "1").returncode == 0  # the web page: its bytes are kept

    figures = stats(db)
    (pdf,) = (r for r in figures["sources_by_reader"] if r["reader"] == "pdftext")
    assert (pdf["version"], pdf["installed_version"], pdf["outdated"]) == ("0.9", "1.0", True)
    assert figures["sources_to_reread"] == 1
    assert figures["removed_bytes_kept"] == 1
    assert figures["documents_by_source_count"]["2"] == 0 and figures["documents_by_source_count"]["1"] == 4

    run = corpus(db, "stats")
    assert run.returncode == 0, run.stderr
    assert "5 (4 read, 1 failed)" in run.stdout
    assert "reader pdftext 0.9: 1 (1.0 is installed: `corpus reread` reads them again)" in run.stdout
    assert "`corpus remove --purge ID`" in run.stdout
    assert "1 version link" in run.stdout


def test_stats_reads_only_indexes(store: Path) -> None:
    """Each query stats runs reads an index (or the small table of version links), never rows of texts."""
    statements: list[str] = []
    opened = Store.open(store, FingerprintSettings(), read_only=True)
    try:
        opened.db.set_trace_callback(statements.append)
        store_stats(opened, {})
        opened.db.set_trace_callback(None)
        queries = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        assert len(queries) >= 8
        for query in queries:
            plan = [str(r[3]) for r in opened.db.execute(f"EXPLAIN QUERY PLAN {query}")]
            for step in plan:
                words = step.split()
                if words[0] == "SCAN" and words[1] in ROWS_OF_TEXT:
                    assert "COVERING INDEX" in step, (query, plan)
                if words[0] == "SEARCH" and words[1] in ROWS_OF_TEXT and len(words) > 2:  # alone: min/max of the id
                    assert "COVERING INDEX" in step or "INTEGER PRIMARY KEY" in step, (query, plan)
    finally:
        opened.close()


def test_stats_creates_no_store(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    run = corpus(missing, "stats")
    assert run.returncode == 2 and "no corpus store" in run.stderr
    assert list(tmp_path.iterdir()) == []


def test_stats_through_the_api(store: Path) -> None:
    with Corpus.open(store, read_only=True) as c:
        figures = c.stats()
    assert figures.to_dict() == stats(store) | {"wal_bytes": figures.wal_bytes, "store_bytes": figures.store_bytes}
