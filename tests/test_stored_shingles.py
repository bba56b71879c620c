"""What the commit stage keeps to match fast: canonical shingles in the store, one-source texts built early.

Matching verifies each candidate document against its canonical text; the store keeps
each text's shingle hashes (``canonical_shingles``) so a candidate is not tokenised
again, and the per-source stage builds the text a source makes as a new document
(``Prepared.alone``). Both must give exactly what was computed before: these tests
read the store as ``corpus check`` and a user would, on the seed pair (``seeds/``)
and one document of ``../shared/data/zh-web-vs-pdf``.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from conftest import PDF_SEED, WEB_SEED, run_corpus, shared

from corpus import fingerprint as fp
from corpus.canonical import SourceText
from corpus.canonical_policy import Build
from corpus.inputs.item import file_input
from corpus.pluginhost import PluginHost
from corpus.prepare import prepare


def stored_rows(db: Path) -> dict[int, tuple[bytes, str, int]]:
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT document_id, hashes, exact_key, short FROM canonical_shingles").fetchall()
    return {int(d): (bytes(h), str(k), int(s)) for d, h, k, s in rows}


def canonical_paragraphs(db: Path, document_id: int) -> list[str]:
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(
            "SELECT text FROM paragraphs WHERE document_id = ? ORDER BY position", (document_id,)
        ).fetchall()
    return [str(text) for (text,) in rows]


def added(db: Path, *files: Path) -> list[dict[str, object]]:
    run = run_corpus("--db", db, "add", "--json", *files)
    assert run.returncode == 0, run.stderr
    return run.json_lines()


def test_each_document_keeps_the_shingles_of_its_canonical_text(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    added(db, WEB_SEED)
    (copy,) = added(db, PDF_SEED)  # a second run: the web seed's document is matched from its stored row
    assert copy["status"] == "copy" and copy["document_id"] == 1
    rows = stored_rows(db)
    assert set(rows) == {1}
    settings = fp.FingerprintSettings(hashfunc="xxh32")
    made = fp.fingerprint(canonical_paragraphs(db, 1), settings)
    # The copy changed the text (the PDF's paragraphs joined it): the row is of the text as it is now.
    assert rows[1] == (made.hashes, made.exact_key, int(made.is_short))
    assert run_corpus("--db", db, "check").returncode == 0


def test_a_store_without_the_rows_matches_all_the_same_and_makes_them(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    added(db, WEB_SEED)
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("DELETE FROM canonical_shingles")  # as a store from before m008 is
    (copy,) = added(db, PDF_SEED)
    assert copy["status"] == "copy" and copy["document_id"] == 1
    assert set(stored_rows(db)) == {1}


def test_check_finds_stored_shingles_that_are_not_the_texts_and_repair_mends_them(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    added(db, WEB_SEED, PDF_SEED)
    good = stored_rows(db)[1]
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE canonical_shingles SET hashes = substr(hashes, 1, length(hashes) / 2)")
    run = run_corpus("--db", db, "check")
    assert run.returncode == 1
    assert "document 1: its stored shingles are not those of its canonical text" in run.stdout
    assert run_corpus("--db", db, "check", "--repair").returncode == 0
    assert stored_rows(db)[1] == good
    assert run_corpus("--db", db, "check").returncode == 0


def test_the_text_built_in_the_per_source_stage_is_the_one_built_by_the_commit_stage() -> None:
    host = PluginHost()
    settings = fp.FingerprintSettings(hashfunc="xxh32")
    pages = sorted(shared("zh-web-vs-pdf/D02-kepu-xinhua-changsanjiao").iterdir())
    files = [WEB_SEED, PDF_SEED, *[p for p in pages if p.suffix in (".html", ".txt", ".pdf") and "groundtruth" not in p.name]]
    assert len(files) > 4
    for file in files:
        prepared = prepare(file_input(file), tuple(host.readers), settings, alone=True)
        assert prepared.extract is not None and prepared.alone is not None, file
        extract = prepared.extract
        expected = Build.start([SourceText(41, extract.title, extract.paragraphs, extract.metadata)]).canonical()
        assert prepared.alone.for_source(41) == expected, file
        assert expected.paragraphs and all(p.sources == (41,) for p in expected.paragraphs)
