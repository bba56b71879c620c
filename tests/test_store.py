"""The store: settings pinned, failures recorded with their bytes, atomic adds, the event log."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import PDF_SEED, ROOT, SEEDS, WEB_SEED, CliRunner, corpus_bytes

from corpus import Corpus, SettingsMismatchError, StoreError
from corpus.fingerprint import FingerprintSettings


def test_opening_with_other_settings_names_both(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    Corpus.open(db).close()
    with pytest.raises(SettingsMismatchError, match=r"num_perm: store has '256', asked for '128'"):
        Corpus.open(db, settings=FingerprintSettings(num_perm=128, bands=32))


def test_settings_and_scheme_are_recorded(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    Corpus.open(db).close()
    settings = dict(sqlite3.connect(db).execute("SELECT key, value FROM settings").fetchall())
    assert settings["scheme"] == "affine32" and settings["num_perm"] == "256" and settings["shingle_size"] == "5"


def test_store_is_wal_with_numbered_migrations(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    Corpus.open(db).close()
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("SELECT version, name FROM _migrations").fetchall() == [
        (1, "m001_initial"),
        (2, "m002_paragraph_index"),
        (3, "m003_document_chars"),
        (4, "m004_canonical_builds"),
        (5, "m005_lsh_bands_by_key"),
        (6, "m006_location_details"),
        (7, "m007_lifecycle"),
        (8, "m008_canonical_shingles"),
    ]


def test_a_store_from_before_the_chars_column_migrates_and_lists_its_documents(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    with Corpus.open(db) as corpus:
        corpus.add([SEEDS])
        (before,) = corpus.documents()
    con = sqlite3.connect(db)
    con.execute("ALTER TABLE documents DROP COLUMN chars")  # the store as schema version 2 left it
    con.execute("DELETE FROM _migrations WHERE version = 3")
    con.commit()
    con.close()
    with Corpus.open(db) as corpus:
        (after,) = corpus.documents()
        assert after == before and after.chars == len(corpus.document(after.document_id).text) > 8000


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path, cli: CliRunner) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database\n" * 50)
    with pytest.raises(StoreError, match="is it a corpus store"):
        Corpus.open(bogus)
    run = cli("--db", bogus, "docs")
    assert run.returncode == 2 and "Traceback" not in run.stderr and "is it a corpus store" in run.stderr


def test_binary_and_empty_files_fail_alone_and_are_kept(tmp_path: Path, cli: CliRunner) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    # A real PNG signature and header chunk: binary, not text.
    (folder / "image.png").write_bytes(bytes.fromhex("89504e470d0a1a0a0000000d49484452") + bytes(64))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "page.txt").write_bytes(WEB_SEED.read_bytes())
    db = tmp_path / "c.db"
    run = cli("--db", db, "add", folder, "--json")
    assert run.returncode == 1
    records = {Path(r["path"]).name: r for r in run.json_lines()}
    assert records["page.txt"]["status"] == "new"
    for name in ("image.png", "empty.txt"):
        assert records[name]["status"] == "failed" and records[name]["document_id"] is None
        assert records[name]["error"]
    assert "image/png" in records["image.png"]["error"] or "not text" in records["image.png"]["error"]
    raw = corpus_bytes("--db", db, "source", str(records["image.png"]["source_id"]), "--raw")
    assert raw == (folder / "image.png").read_bytes()
    with Corpus.open(db) as corpus:
        assert corpus.source_bytes(records["image.png"]["source_id"]) == (folder / "image.png").read_bytes()
        assert {Path(s.path).name for s in corpus.failed_sources()} == {"image.png", "empty.txt"}


def test_missing_path_is_a_failed_record_and_the_others_go_in(cli: CliRunner, tmp_path: Path) -> None:
    run = cli("--db", tmp_path / "c.db", "add", "--json", tmp_path / "nope.txt", WEB_SEED)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    records = {Path(r["path"]).name: r for r in run.json_lines()}  # in the order of their locations
    missing, seed = records["nope.txt"], records[WEB_SEED.name]
    assert missing["status"] == "failed" and "no such file or folder" in missing["error"]
    assert seed["status"] == "new"


def test_a_killed_add_leaves_the_corpus_as_it_was(tmp_path: Path) -> None:
    """Kill the process while the second source is being attached; what was reported stays, the next run carries on."""
    db = tmp_path / "c.db"
    note = tmp_path / "note.txt"  # a new source in the group that never commits
    note.write_text("Minutes of the reading group. We read the first chapter together.\n", encoding="utf-8")
    script = textwrap.dedent(
        f"""
        import json, os
        from corpus import Corpus, hookimpl

        class DieOnSecond:
            @hookimpl(tryfirst=True)
            def corpus_canonical_text(self, title, sources):
                if len(sources) > 1:
                    os._exit(9)  # as a power cut would: no cleanup, no rollback
                return None

        with Corpus.open({str(db)!r}, plugins=[DieOnSecond()]) as corpus:
            report = lambda r: print(json.dumps(r.to_dict()), flush=True)
            corpus.add([{str(WEB_SEED)!r}], on_result=report)  # committed and reported
            corpus.add([{str(note)!r}, {str(PDF_SEED)!r}], on_result=report)  # dies on the PDF, in one group
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 9
    reported = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["status"] for r in reported] == ["new"]  # the second call's group never committed
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with Corpus.open(db) as corpus:
        assert [d.source_count for d in corpus.documents()] == [1]  # not the note: its group was lost
        assert corpus.source(reported[0]["source_id"]).status == "ok"
        assert {e["kind"] for e in corpus.events()} == {"add", "canonical"}
        results = corpus.add([SEEDS, note])
        assert sorted(r.status for r in results) == ["copy", "exists", "new"]
        assert [d.source_count for d in corpus.documents()] == [2, 1]


def test_event_log_records_adds_and_is_append_only(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    with Corpus.open(db) as corpus:
        corpus.add([SEEDS])
        kinds = [e["kind"] for e in corpus.events()]
    assert kinds.count("add") == 2 and "canonical" in kinds
    con = sqlite3.connect(db)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM events")


def test_db_from_environment(cli: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "env.db"
    run = cli("add", WEB_SEED, "--json", env={"CORPUS_DB": str(db)})
    assert run.returncode == 0 and db.exists()


def test_raw_source_round_trips_the_seed_files(seed_db: tuple[Path, list[dict[str, object]]]) -> None:
    db, records = seed_db
    for record in records:
        raw = corpus_bytes("--db", db, "source", str(record["source_id"]), "--raw")
        assert raw == Path(str(record["path"])).read_bytes()
