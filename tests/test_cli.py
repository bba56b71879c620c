"""The command line for a person: progress on a terminal, quiet in a pipe, `show`, `export`, `source --raw`."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner as ClickRunner
from conftest import PDF_SEED, SEEDS, TITLE, WEB_SEED, CliRunner, corpus_bytes

from corpus.cli import cli as corpus_cli
from corpus.text import display_width

ADD_FIELDS = {"path", "status", "document_id", "source_id", "sha256", "reader", "encoding", "similarity", "error"}


def many_files(folder: Path, count: int) -> Path:
    """``count`` distinct small documents, enough for the progress bar to show."""
    folder.mkdir()
    for i in range(count):
        words = " ".join(f"w{i}x{j}" for j in range(60))
        (folder / f"note-{i:03}.txt").write_text(f"Note {i}\n\nThis note {i} says {words}.\n", encoding="utf-8")
    return folder


def run_in_terminal(*args: str | Path, cwd: Path, columns: int = 120) -> tuple[int, str]:
    """Run the command line with its stdout on a pseudo-terminal, as a person at a terminal would."""
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "CORPUS_DB"} | {
        "TERM": "xterm-256color",
        "COLUMNS": str(columns),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "corpus", *map(str, args)], stdout=follower, stderr=follower, cwd=cwd, env=env
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return proc.wait(timeout=300), b"".join(chunks).decode("utf-8", errors="replace")


def test_add_on_a_terminal_shows_a_progress_bar_then_the_summary(tmp_path: Path) -> None:
    folder = many_files(tmp_path / "notes", 30)
    code, screen = run_in_terminal("--db", tmp_path / "corpus.db", "add", folder, cwd=tmp_path)
    assert code == 0, screen
    assert "adding" in screen and "files/s" in screen and "/30" in screen  # files done, rate, and "0:00:0x" left
    assert "━" in screen
    assert "30 file(s): 30 new." in screen


def test_add_in_a_pipe_prints_only_the_summary(cli: CliRunner, tmp_path: Path) -> None:
    folder = many_files(tmp_path / "notes", 3)
    run = cli("--db", tmp_path / "corpus.db", "add", folder, SEEDS)
    assert run.returncode == 0, run.stderr
    assert "files/s" not in run.stdout and "━" not in run.stdout and "\x1b[" not in run.stdout
    assert "5 file(s): 4 new, 1 copy." in run.stdout
    assert run.stderr == ""


def test_add_json_is_one_object_per_file_and_nothing_else(cli: CliRunner, tmp_path: Path) -> None:
    run = cli("--db", tmp_path / "corpus.db", "add", SEEDS, "--json")
    assert run.returncode == 0
    lines = run.stdout.splitlines()
    assert len(lines) == 2
    records = [json.loads(line) for line in lines]
    assert all(r.keys() >= ADD_FIELDS for r in records)
    assert [r["status"] for r in records] == ["new", "copy"]


def test_show_is_written_for_a_person(cli: CliRunner, seed_db: tuple[Path, list[dict[str, Any]]]) -> None:
    db, records = seed_db
    run = cli("--db", db, "show", str(records[0]["document_id"]), env={"COLUMNS": ""})  # a pipe of no known width
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert TITLE in lines[1]
    (closing,) = [line for line in lines if line.startswith("各省、自治区、直辖市党委")]
    assert closing.endswith("具体措施。")  # one paragraph, one line: not broken to the width of a pipe
    assert "（新华社北京7月9日电）" in lines
    assert "2 source(s)" in run.stdout
    for record in records:
        assert record["path"] in run.stdout and record["sha256"] in run.stdout
    assert "webtext 1.0" in run.stdout and "pdftext 1.0" in run.stdout
    assert "utf-8 (confidence 0.99)" in run.stdout and "text/plain" in run.stdout
    assert any(line.split() == ["date", "2015-07-23"] for line in lines)


def test_export_writes_json_lines_with_provenance(cli: CliRunner, seed_db: tuple[Path, list[dict[str, Any]]]) -> None:
    db, records = seed_db
    run = cli("--db", db, "export")
    assert run.returncode == 0
    (doc,) = run.json_lines()
    assert doc["title"] == TITLE and doc["text"].endswith("（新华社北京7月9日电）")
    assert {s["sha256"] for s in doc["sources"]} == {r["sha256"] for r in records}
    assert all(p["sources"] for p in doc["paragraphs"])
    assert {"reader", "reader_version", "encoding", "similarity", "joined_as", "locations"} <= doc["sources"][0].keys()


def test_export_takes_json_like_every_command(cli: CliRunner, seed_db: tuple[Path, list[dict[str, Any]]]) -> None:
    db, _ = seed_db
    plain, flagged = cli("--db", db, "export"), cli("--db", db, "export", "--json")
    assert flagged.returncode == 0, flagged.stderr
    assert flagged.stdout == plain.stdout and flagged.json_lines()


def test_show_on_an_80_column_terminal_fits_it(seed_db: tuple[Path, list[dict[str, Any]]], tmp_path: Path) -> None:
    db, records = seed_db
    code, screen = run_in_terminal("--db", db, "show", str(records[0]["document_id"]), cwd=tmp_path, columns=80)
    assert code == 0, screen
    lines = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen).replace("\r", "").splitlines()
    assert lines[0].startswith("─") and "document 1" in lines[0] and display_width(lines[0]) == 80
    assert max(display_width(line.rstrip()) for line in lines) <= 80
    # The closing paragraph, wrapped to the screen: its lines joined give it back whole.
    start = next(i for i, line in enumerate(lines) if line.startswith("各省、自治区、直辖市党委"))
    end = lines.index("", start)
    assert "".join(lines[start:end]).endswith("具体措施。") and end - start > 1


def test_export_parquet_has_the_same_documents_and_provenance(
    cli: CliRunner, seed_db: tuple[Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    pq = pytest.importorskip("pyarrow.parquet", reason="Parquet export is optional: pip install 'corpus[parquet]'")
    db, _ = seed_db
    target = tmp_path / "corpus.parquet"
    run = cli("--db", db, "export", "--parquet", target)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "" and f"wrote 1 document to {target}" in run.stderr
    (row,) = pq.read_table(target).to_pylist()
    (doc,) = cli("--db", db, "export").json_lines()
    assert row["document_id"] == doc["document_id"] and row["text"] == doc["text"]
    assert [p["sources"] for p in row["paragraphs"]] == [p["sources"] for p in doc["paragraphs"]]
    by_id = {s["source_id"]: s for s in row["sources"]}
    for source in doc["sources"]:
        parquet = by_id[source["source_id"]]
        assert parquet["sha256"] == source["sha256"] and parquet["reader"] == source["reader"]
        assert parquet["similarity"] == source["similarity"] and parquet["locations"] == source["locations"]
        assert dict(parquet["metadata"]) == source["metadata"]


def test_export_parquet_without_pyarrow_says_how_to_get_it(
    seed_db: tuple[Path, list[dict[str, Any]]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # importing it now fails as if it were not installed
    db, _ = seed_db
    result = ClickRunner().invoke(corpus_cli, ["--db", str(db), "export", "--parquet", str(tmp_path / "x.parquet")])
    assert result.exit_code == 2
    assert "pip install 'corpus[parquet]'" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.parquet").exists()


def test_raw_source_comes_from_the_store_byte_for_byte(cli: CliRunner, tmp_path: Path) -> None:
    """Both seed files come back out identical, after the files added are gone."""
    originals = {p.name: p.read_bytes() for p in (WEB_SEED, PDF_SEED)}
    shutil.copytree(SEEDS, tmp_path / "in")
    db = tmp_path / "corpus.db"
    records = cli("--db", db, "add", tmp_path / "in", "--json").json_lines()
    shutil.rmtree(tmp_path / "in")
    assert len(records) == 2
    for record in records:
        raw = corpus_bytes("--db", db, "source", str(record["source_id"]), "--raw")
        assert raw == originals[Path(record["path"]).name]


def test_audit_html_writes_the_page_and_says_where(
    cli: CliRunner, seed_db: tuple[Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    db, _ = seed_db
    page = tmp_path / "audit.html"
    run = cli("--db", db, "audit", "--html", page, "--json")
    assert run.returncode == 0
    (audit,) = run.json_lines()  # --json still prints the JSON Lines, and only them, on stdout
    assert audit["document_id"] == 1
    assert f"wrote {page}" in run.stderr
    assert TITLE in page.read_text(encoding="utf-8")
