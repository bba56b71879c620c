"""`corpus audit` for a person at a terminal (and in a log): the seed facts in a table."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import CLOSING, DATELINE, PDF_SEED, REMOVED_CHROME, WEB_SEED, CliRunner, run_corpus

from corpus.api import Corpus

# A pipe of no known width, whatever the shell running the tests exports: a log's table.
LOG = {"COLUMNS": ""}


def audit_text(cli: CliRunner, db: Path) -> str:
    run = cli("--db", db, "audit", env=LOG)
    assert run.returncode == 0, run.stderr
    return run.stdout


@pytest.fixture(scope="module")
def seed_audit(seed_db: tuple[Path, list[dict[str, Any]]]) -> tuple[str, dict[str, Any]]:
    """The seed corpus's terminal audit (piped, as in a log) and its JSON audit."""
    db, _ = seed_db
    text = run_corpus("--db", db, "audit", env=LOG)
    assert text.returncode == 0, text.stderr
    (audit,) = run_corpus("--db", db, "audit", "--json").json_lines()
    return text.stdout, audit


def source_ids(records: list[dict[str, Any]]) -> tuple[int, int]:
    web = next(r["source_id"] for r in records if r["path"].endswith(WEB_SEED.name))
    pdf = next(r["source_id"] for r in records if r["path"].endswith(PDF_SEED.name))
    return web, pdf


def row_of(text: str, name: str) -> str:
    (row,) = [line for line in text.splitlines() if name in line and line.lstrip().startswith("#")]
    return row


def test_terminal_audit_has_a_row_per_seed_file(
    seed_db: tuple[Path, list[dict[str, Any]]], seed_audit: tuple[str, dict[str, Any]]
) -> None:
    _, records = seed_db
    text, audit = seed_audit
    header = next(line for line in text.splitlines() if line.startswith("source"))
    for column in ("path", "reader", "encoding", "similarity", "attests", "lacks", "adds", "removed"):
        assert column in header
    web_row, pdf_row = row_of(text, WEB_SEED.name), row_of(text, PDF_SEED.name)
    sims = {s["source_id"]: s["similarity"] for s in audit["sources"]}
    web, pdf = source_ids(records)
    assert f"{sims[pdf]:.3f}" in pdf_row and f"{sims[web]:.3f}" in web_row
    assert "webtext" in web_row and "pdftext" in pdf_row and "utf-8" in pdf_row
    total = audit["paragraph_count"]
    assert f"{total}/{total}" in web_row  # the web copy attests every canonical paragraph
    assert f"{total - 2}/{total}" in pdf_row and f"2: ¶{total - 1}–{total}" in pdf_row  # the PDF lacks the last two
    assert re.search(r"\b9 lines\b", web_row) and re.search(r"\b0 lines\b", pdf_row)


def test_terminal_audit_says_what_the_pdf_lacks(
    seed_db: tuple[Path, list[dict[str, Any]]], seed_audit: tuple[str, dict[str, Any]]
) -> None:
    _, pdf = source_ids(seed_db[1])
    lacks = [line for line in seed_audit[0].splitlines() if f"#{pdf} lacks" in line]
    assert len(lacks) == 2
    assert CLOSING in lacks[0] and lacks[0].split(": ", 1)[1].startswith(CLOSING)
    assert DATELINE in lacks[1]


def test_terminal_audit_lists_the_removed_chrome(
    seed_db: tuple[Path, list[dict[str, Any]]], seed_audit: tuple[str, dict[str, Any]]
) -> None:
    web, _ = source_ids(seed_db[1])
    text = seed_audit[0]
    block = text.split(f"#{web}: the reader removed 9 lines:")[1]
    removed = block.split("\n\n")[0]
    for chrome in REMOVED_CHROME:
        assert chrome in removed, chrome
    for kind in ("menu", "breadcrumb", "navigation", "footer"):
        assert re.search(rf"^\s+{kind}\s", removed, re.MULTILINE), kind
    # Nothing of the article itself is in the list of what was cut.
    assert "群团" not in removed.replace("群团工作会议", "")


def test_terminal_audit_ends_with_the_corpus_summary(seed_audit: tuple[str, dict[str, Any]]) -> None:
    last = seed_audit[0].strip().splitlines()[-1]
    assert (
        last == "corpus: 1 document, 2 sources, 1 copy collapsed, 0 versions linked, 0 failed sources; 1 audited above."
    )


def test_failed_sources_count_in_the_summary(cli: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "blob.bin").write_bytes(bytes(range(256)) * 4)
    assert cli("--db", db, "add", WEB_SEED, PDF_SEED, tmp_path / "in").returncode == 1
    assert "1 failed source;" in audit_text(cli, db)


def test_piped_audit_has_no_terminal_codes(seed_audit: tuple[str, dict[str, Any]]) -> None:
    text = seed_audit[0]
    assert "\x1b[" not in text and "────" not in text


def test_json_audit_keeps_its_contract(
    seed_db: tuple[Path, list[dict[str, Any]]], seed_audit: tuple[str, dict[str, Any]]
) -> None:
    records, audit = seed_db[1], seed_audit[1]
    assert {"document_id", "title", "sources", "pairs", "related"} <= audit.keys()
    _, pdf = source_ids(records)
    pdf_audit = next(s for s in audit["sources"] if s["source_id"] == pdf)
    assert {"similarity", "lacks", "adds", "removed"} <= pdf_audit.keys()
    assert [p["text"] for p in pdf_audit["lacks"]][1] == DATELINE


def test_audit_names_linked_versions(cli: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    with Corpus.open(db) as corpus:
        (a,) = corpus.add([WEB_SEED])
        other = tmp_path / "other.txt"
        other.write_text("Harbour rules\n\nArticle 1. The council meets monthly.\n", encoding="utf-8")
        (b,) = corpus.add([other])
        assert a.document_id is not None and b.document_id is not None and a.document_id != b.document_id
        # No public verb links two documents by hand; the store's is what the matcher itself calls.
        corpus.store.relate(a.document_id, b.document_id, "version", 0.5)
    text = audit_text(cli, db)
    assert f"version of document {b.document_id} (similarity 0.500)" in text
    assert f"version of document {a.document_id} (similarity 0.500)" in text
    assert "1 version linked" in text
