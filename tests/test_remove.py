"""`corpus remove SOURCE_ID…` through the real command line, on real documents in a real store.

What a user sees afterwards: the document that lost a source has the canonical text that
adding only the remaining files gives; a document left with no source is gone (and so are
its version links); `corpus check` finds the store clean; the original bytes are kept
unless --purge; an id that names no source is a usage error and nothing is removed; ids
are never given to another source or document.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from conftest import CLOSING, PDF_SEED, TITLE, WEB_SEED, Run, run_corpus, shared

from corpus import Corpus
from corpus.check import check_store

OLD_LAW = "zh-laws/versions/反垄断法/经济法__反垄断法(2007-08-30).md"
NEW_LAW = "zh-laws/versions/反垄断法/经济法__反垄断法(2022-06-24).md"
PICTURE = "encoding-detection/char-dataset/None/sample-1.png"


def corpus(db: Path, *args: str | Path) -> Run:
    return run_corpus("--db", db, *args)


def added(db: Path, *files: Path) -> list[dict[str, Any]]:
    run = corpus(db, "add", "--json", *files)
    assert run.returncode in (0, 1), run.stderr
    return run.json_lines()


def show(db: Path, document_id: int) -> dict[str, Any]:
    run = corpus(db, "show", str(document_id), "--json")
    assert run.returncode == 0, run.stderr
    (view,) = run.json_lines()
    return view


def text_of(view: dict[str, Any]) -> tuple[str | None, str, list[str]]:
    """What a reader of the document sees: title, text, paragraphs (not which source ids attest them)."""
    return view["title"], view["text"], [p["text"] for p in view["paragraphs"]]


def assert_clean(db: Path) -> None:
    run = corpus(db, "check", "--json")
    summary = run.json_lines()[-1]
    assert run.returncode == 0 and summary["clean"] and summary["problems"] == 0, run.stdout


def one(db: Path, sql: str) -> Any:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql).fetchone()[0]


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A store holding the two seed files: one document (1) of the web page (source 1) and its PDF text (2)."""
    db = tmp_path / "corpus.db"
    records = added(db, WEB_SEED, PDF_SEED)
    assert [(r["status"], r["source_id"], r["document_id"]) for r in records] == [("new", 1, 1), ("copy", 2, 1)]
    return db


def test_removing_a_copy_leaves_the_text_that_adding_only_the_other_file_gives(seeds: Path, tmp_path: Path) -> None:
    run = corpus(seeds, "remove", "2", "--json")
    assert run.returncode == 0, run.stderr
    source, document, summary = run.json_lines()
    assert source["type"] == "source" and source["source_id"] == 2 and source["document_id"] == 1
    assert source["path"] == str(PDF_SEED) and source["bytes_kept"] is True and source["status"] == "ok"
    assert document["type"] == "document" and document["document_id"] == 1
    assert document["sources_before"] == [1, 2] and document["sources"] == [1]
    assert summary == {
        "type": "summary",
        "removed": 1,
        "bytes_purged": 0,
        "bytes_kept": 1,
        "documents_removed": 0,
        "documents_rebuilt": 1,
        "documents_changed": 1,
    }

    alone = tmp_path / "alone.db"
    added(alone, WEB_SEED)
    view = show(seeds, 1)
    assert text_of(view) == text_of(show(alone, 1))
    assert [s["source_id"] for s in view["sources"]] == [1]
    assert all(p["sources"] == [1] for p in view["paragraphs"])
    assert_clean(seeds)
    assert corpus(seeds, "source", "2").returncode == 2


def test_removing_the_source_that_made_the_document_rebuilds_it_from_the_copy(seeds: Path, tmp_path: Path) -> None:
    assert CLOSING in show(seeds, 1)["text"]  # only the web page has the closing paragraph
    run = corpus(seeds, "remove", "1")
    assert run.returncode == 0, run.stderr
    assert "removed source 1" in run.stdout and "document 1: its canonical text is rebuilt" in run.stdout

    view = show(seeds, 1)
    assert CLOSING not in view["text"] and view["title"] == TITLE
    alone = tmp_path / "alone.db"
    added(alone, PDF_SEED)
    assert text_of(view) == text_of(show(alone, 1))
    assert_clean(seeds)


def test_a_document_left_without_sources_goes_away_and_ids_are_not_given_again(seeds: Path) -> None:
    run = corpus(seeds, "remove", "1", "2", "--json")
    assert run.returncode == 0, run.stderr
    lines = run.json_lines()
    assert [line["type"] for line in lines] == ["source", "source", "document", "summary"]
    assert lines[2]["change"] == "removed" and lines[2]["document_id"] == 1 and lines[2]["sources"] == []
    assert lines[3]["documents_removed"] == 1

    assert corpus(seeds, "docs", "--json").json_lines() == []
    gone = corpus(seeds, "show", "1")
    assert gone.returncode == 2 and "no document 1" in gone.stderr
    assert_clean(seeds)
    kinds = [e["kind"] for e in Corpus.open(seeds, read_only=True).events()]
    assert kinds.count("removed") == 2 and kinds.count("document-removed") == 1

    # Adding the files again makes a new document, with new ids: 1 and 2 named what was removed.
    again = added(seeds, WEB_SEED, PDF_SEED)
    assert [(r["status"], r["source_id"], r["document_id"]) for r in again] == [("new", 3, 2), ("copy", 4, 2)]
    assert_clean(seeds)


def test_the_bytes_are_kept_unless_purged(seeds: Path) -> None:
    assert corpus(seeds, "remove", "2").returncode == 0
    assert one(seeds, "SELECT count(*) FROM blobs") == 2  # the PDF text's bytes, kept for no source
    assert corpus(seeds, "stats", "--json").json_lines()[0]["removed_bytes_kept"] == 1

    again = corpus(seeds, "remove", "2")
    assert again.returncode == 2
    assert "source 2 was removed already" in again.stderr and "--purge" in again.stderr

    purged = corpus(seeds, "remove", "--purge", "2", "--json")
    assert purged.returncode == 0, purged.stderr
    source, summary = purged.json_lines()
    assert source["status"] == "removed" and source["bytes_kept"] is False and summary["removed"] == 0
    assert one(seeds, "SELECT count(*) FROM blobs") == 1
    assert corpus(seeds, "stats", "--json").json_lines()[0]["removed_bytes_kept"] == 0

    assert corpus(seeds, "remove", "--purge", "1").returncode == 0
    assert one(seeds, "SELECT count(*) FROM blobs") == 0
    assert_clean(seeds)


def test_an_id_that_is_no_source_removes_nothing(seeds: Path) -> None:
    before = corpus(seeds, "show", "1", "--json").stdout
    run = corpus(seeds, "remove", "2", "9", "--json")
    assert run.returncode == 2
    assert run.stdout == ""
    assert "no source 9" in run.stderr and "nothing was removed" in run.stderr
    assert corpus(seeds, "show", "1", "--json").stdout == before
    assert one(seeds, "SELECT count(*) FROM sources") == 2
    assert "removed" not in [e["kind"] for e in Corpus.open(seeds, read_only=True).events()]


def test_removing_a_version_unlinks_the_other_and_a_failed_source_can_go(tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    records = {Path(r["path"]).name: r for r in added(db, shared(OLD_LAW), shared(NEW_LAW), shared(PICTURE))}
    old_law, new_law, picture = (records[Path(name).name] for name in (OLD_LAW, NEW_LAW, PICTURE))
    assert (old_law["status"], new_law["status"], picture["status"]) == ("new", "version", "failed")
    assert show(db, new_law["document_id"])["related"][0]["document_id"] == old_law["document_id"]

    run = corpus(db, "remove", str(old_law["source_id"]), str(picture["source_id"]), "--json")
    assert run.returncode == 0, run.stderr
    lines = run.json_lines()
    removed = {line["source_id"]: line for line in lines if line["type"] == "source"}
    assert removed[old_law["source_id"]]["document_id"] == old_law["document_id"]
    assert removed[picture["source_id"]]["status"] == "failed"
    assert removed[picture["source_id"]]["document_id"] is None
    documents = {line["document_id"]: line for line in lines if line["type"] == "document"}
    assert documents[old_law["document_id"]]["change"] == "removed"
    unlinked = documents[new_law["document_id"]]
    assert unlinked["change"] == "related" and unlinked["text_changed"] is False
    assert (unlinked["related_before"], unlinked["related"]) == ([old_law["document_id"]], [])
    assert show(db, new_law["document_id"])["related"] == []
    assert [d["document_id"] for d in corpus(db, "docs", "--json").json_lines()] == [new_law["document_id"]]
    assert_clean(db)


def test_the_ids_merged_into_a_removed_document_go_with_it(seeds: Path, tmp_path: Path) -> None:
    """A document that absorbed another in a merge: removing its sources removes both ids."""
    law = shared(OLD_LAW)
    with Corpus.open(seeds) as c:
        (result,) = c.add([law])
        assert result.document_id == 2
        # What the commit stage does when a source turns out to be a copy of two documents.
        with c.store.transaction():
            c.store.merge_documents(1, 2)
            c.store.log("merge", document_id=1, absorbed=2, jaccard=1.0)
            from corpus.lifecycle import rebuild

            rebuild(c.store, c.host, 1, after="test")
        assert c.store.resolve_document(2) == 1
        assert check_store(c.store, c.host).clean

        report = c.remove([1, 2, 3])
        assert [(d.document_id, d.change) for d in report.documents] == [(1, "removed")]
        assert c.store.resolve_document(2) is None and c.store.resolve_document(1) is None
        assert check_store(c.store, c.host).clean
        assert c.documents() == []
