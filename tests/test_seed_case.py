"""The seed case end to end through the real command line and the real SQLite store:
one Chinese policy document as a scraped web page and as text extracted from its PDF."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from conftest import PDF_SEED, SEEDS, TITLE, WEB_SEED, CliRunner

WEB_CHROME = (
    "通知公告",
    "当前位置",
    "发布时间",
    "点击",
    "上一条",
    "下一条",
    "工会微信公众号",
    "版权所有",
    "宁夏路308号",
    "266071",
    "85953372",
    "econ@qdu.edu.cn",
)
HEADINGS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def show(cli: CliRunner, db: Path, document_id: int) -> dict[str, Any]:
    run = cli("--db", db, "show", str(document_id), "--json")
    assert run.returncode == 0, run.stderr
    (doc,) = run.json_lines()
    return doc


def test_add_gives_one_new_and_one_copy_of_the_same_document(seed_db: tuple[Path, list[dict[str, Any]]]) -> None:
    _, records = seed_db
    by_path = {Path(r["path"]).name: r for r in records}
    assert by_path[WEB_SEED.name]["status"] == "new"
    assert by_path[PDF_SEED.name]["status"] == "copy"
    assert by_path[WEB_SEED.name]["document_id"] == by_path[PDF_SEED.name]["document_id"]
    assert by_path[PDF_SEED.name]["similarity"] > 0.9
    for r in records:
        assert r["encoding"] == "utf-8" and r["error"] is None and r["sha256"] == sha(SEEDS / Path(r["path"]).name)
    assert by_path[WEB_SEED.name]["reader"] != by_path[PDF_SEED.name]["reader"]


def test_docs_lists_one_document(cli: CliRunner, seed_db: tuple[Path, list[dict[str, Any]]]) -> None:
    db, _ = seed_db
    run = cli("--db", db, "docs", "--json")
    (doc,) = run.json_lines()
    assert doc["title"] == TITLE and doc["source_count"] == 2 and doc["chars"] > 9000


def test_canonical_text_is_the_clean_whole_document(cli: CliRunner, seed_db: tuple[Path, list[dict[str, Any]]]) -> None:
    db, records = seed_db
    doc = show(cli, db, records[0]["document_id"])
    text, lines = doc["text"], doc["text"].split("\n")
    assert text.startswith(TITLE)
    assert len(doc["paragraphs"]) == 63 and len(lines) == 63
    assert [p["text"] for p in doc["paragraphs"]] == lines
    for numeral in HEADINGS:
        assert sum(1 for line in lines if line.startswith(numeral + "、")) == 1, numeral
        heading = next(line for line in lines if line.startswith(numeral + "、"))
        assert len(heading) < 40 and not heading.endswith("。")
    assert lines[-2].startswith("各省、自治区、直辖市党委")
    assert lines[-1] == "（新华社北京7月9日电）"
    for chrome in WEB_CHROME:
        assert chrome not in text, chrome
    assert "党的群团工作是党治国理政的一项经常性" in text
    # Full-width punctuation throughout: no ASCII , ; : ( ) next to a Chinese character.
    assert not re.search(r"[\u4e00-\u9fff][,;:()]|[,;:()][\u4e00-\u9fff]", text)
    assert "，" in text and "（" in text and "；" in text


def test_paragraphs_say_which_sources_attest_them(cli: CliRunner, seed_db: tuple[Path, list[dict[str, Any]]]) -> None:
    db, records = seed_db
    web = next(r["source_id"] for r in records if r["path"].endswith(WEB_SEED.name))
    pdf = next(r["source_id"] for r in records if r["path"].endswith(PDF_SEED.name))
    doc = show(cli, db, records[0]["document_id"])
    both = [p for p in doc["paragraphs"] if sorted(p["sources"]) == sorted([web, pdf])]
    assert len(both) >= 55
    web_only = [p["text"] for p in doc["paragraphs"] if p["sources"] == [web]]
    assert any(t.startswith("各省、自治区、直辖市党委") for t in web_only)
    assert "（新华社北京7月9日电）" in web_only


def test_sources_carry_their_provenance(cli: CliRunner, seed_db: tuple[Path, list[dict[str, Any]]]) -> None:
    db, records = seed_db
    doc = show(cli, db, records[0]["document_id"])
    sources = doc["sources"]
    assert {s["sha256"] for s in sources} == {sha(WEB_SEED), sha(PDF_SEED)}
    assert len({s["reader"] for s in sources}) == 2
    assert all(s["encoding"] == "utf-8" for s in sources)
    assert all(s["media_type"] == "text/plain" for s in sources)
    assert all(0.9 <= s["similarity"] <= 1.0 for s in sources)
    assert doc["related"] == []


def test_adding_again_finds_both_existing(cli: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    first = cli("--db", db, "add", SEEDS, "--json").json_lines()
    again = cli("--db", db, "add", SEEDS, "--json")
    assert again.returncode == 0
    records = again.json_lines()
    assert [r["status"] for r in records] == ["exists", "exists"]
    assert {r["document_id"] for r in records} == {first[0]["document_id"]}
    assert len(cli("--db", db, "docs", "--json").json_lines()) == 1


def test_a_known_file_at_a_new_place_records_only_the_location(cli: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    cli("--db", db, "add", WEB_SEED)
    moved = tmp_path / "elsewhere" / "page.txt"
    moved.parent.mkdir()
    moved.write_bytes(WEB_SEED.read_bytes())
    (record,) = cli("--db", db, "add", moved, "--json").json_lines()
    assert record["status"] == "exists"
    (doc,) = cli("--db", db, "docs", "--json").json_lines()
    shown = show(cli, db, doc["document_id"])
    (source,) = shown["sources"]
    assert source["locations"] == [str(WEB_SEED), str(moved)]


def test_the_order_of_adding_does_not_change_the_document(cli: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    pdf_first = cli("--db", db, "add", PDF_SEED, "--json").json_lines()
    web_then = cli("--db", db, "add", WEB_SEED, "--json").json_lines()
    assert pdf_first[0]["status"] == "new" and web_then[0]["status"] == "copy"
    doc = show(cli, db, pdf_first[0]["document_id"])
    assert len(doc["paragraphs"]) == 63
    assert doc["text"].split("\n")[-1] == "（新华社北京7月9日电）"
