"""Issue 8: what one messy copy has stays out of the canonical text, and the audit says what and why.

A paragraph only some sources attest enters the canonical text only when it is content
of the document (the seed's closing paragraph and dateline, which only the web copy
has); an ad, a credit, a menu word, a table border, a stray fragment stay out. A source
whose structure is degenerate (a page dump read as one giant paragraph) attests, it does
not shape. A whole-page dump with table borders is read as web text.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import corpus_html
import corpus_pdftext
import corpus_webtext
import pytest
from conftest import CLOSING, DATELINE, ROOT, SEEDS, CliRunner, registered, run_corpus, shared

from corpus import Corpus, SourceFile, SourceText
from corpus.canonical_policy import build_canonical
from corpus.normalise import normal_form

DUMPS = ROOT / "tests" / "fixtures" / "page-dumps"
BORDERED = ("sxmu-jianchafa.w3m.txt", "sxmu-jianchafa.w3m-ascii.txt")
LAW_PAGE = "web-boilerplate/gne/sxmu/1.html"
# The site around the law: its menu column, image placeholders, byline and footer.
SITE = ("机构职能", "校内制度", "中纪委监察部", "[index_", "[buttom]", "浏览次数", "版权所有", "3985088", "030001")
BOX = re.compile(r"[\u2500-\u257f]|\+-{3,}|-{6,}|\|")
MIN_COVERAGE = 0.97


def add(db: Path, *paths: Path) -> list[dict[str, Any]]:
    """Add ``paths`` in this order, one add each (an add matches its files in the order of their locations).

    The adds run in this process, on one open corpus: a command line per file would spend
    most of its time starting up. The tests read the store with the command line.
    """
    records = []
    with Corpus.open(db) as corpus:
        for path in paths:
            added = corpus.add([path])
            assert not [r for r in added if r.status == "failed"], added
            records += [r.to_dict() for r in added]
    return records


def show(cli: CliRunner, db: Path, document_id: int) -> dict[str, Any]:
    run = cli("--db", db, "show", str(document_id), "--json")
    assert run.returncode == 0, run.stderr
    (doc,) = run.json_lines()
    return doc


def largest(records: list[dict[str, Any]]) -> int:
    """The document most of the added files joined."""
    ids: list[int] = [r["document_id"] for r in records if r["document_id"] is not None]
    return max(set(ids), key=ids.count)


def body(doc: dict[str, Any]) -> list[str]:
    """The canonical paragraphs after the title (the main text annotations have no headline)."""
    texts = [p["text"] for p in doc["paragraphs"]]
    return texts[1:] if doc["title"] is not None and texts[:1] == [doc["title"]] else texts


def source_of(path: Path, media_type: str = "text/plain") -> SourceFile:
    data = path.read_bytes()
    return SourceFile(path, data, data.decode("utf-8"), media_type, "utf-8")


def zh_documents() -> list[str]:
    base = shared("zh-web-vs-pdf")
    return sorted(p.name for p in base.glob("D*") if (p / "groundtruth.main-text.txt").exists())


def forms(folder: str) -> list[Path]:
    base = shared("zh-web-vs-pdf")
    rows = csv.DictReader((base / "groundtruth.csv").open(encoding="utf-8"))
    return [base / r["file"] for r in rows if r["kind"] == "document" and r["file"].startswith(folder + "/")]


Built = dict[str, tuple[dict[str, Any], str]]  # folder → (its canonical document, its main text)


@pytest.fixture(scope="module")
def zh_canonical(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Each zh-web-vs-pdf document's forms added to a corpus of their own: its canonical text, its main text."""
    out = {}
    for folder in zh_documents():
        db = tmp_path_factory.mktemp(folder) / "corpus.db"
        records = add(db, *forms(folder))
        truth = (shared("zh-web-vs-pdf") / folder / "groundtruth.main-text.txt").read_text(encoding="utf-8")
        out[folder] = (show(run_corpus, db, largest(records)), truth)
    return out


def built(zh_canonical: Built, prefix: str) -> tuple[dict[str, Any], str]:
    found = [value for folder, value in zh_canonical.items() if folder.startswith(prefix)]
    if not found:
        pytest.skip(f"no zh-web-vs-pdf folder {prefix} with a main text")
    return found[0]


def test_every_zh_document_is_checked(zh_canonical: Built) -> None:
    assert {folder[:3] for folder in zh_canonical} >= {"D02", "D03", "D04", "D05"}


@pytest.mark.parametrize("folder", ["D02", "D03", "D04", "D05"])
def test_zh_canonical_text_holds_no_paragraph_missing_from_the_main_text(zh_canonical: Built, folder: str) -> None:
    doc, truth = built(zh_canonical, folder)
    held = normal_form(truth)
    stray = [text for text in body(doc) if normal_form(text) not in held]
    assert stray == [], f"{folder}: paragraphs that are no part of the document: {stray}"


@pytest.mark.parametrize("folder", ["D02", "D03", "D04", "D05"])
def test_zh_canonical_text_covers_the_main_text(zh_canonical: Built, folder: str) -> None:
    doc, truth = built(zh_canonical, folder)
    canonical = normal_form("\n".join(body(doc)))
    lines = [normal_form(line) for line in truth.splitlines() if normal_form(line)]
    covered = sum(len(line) for line in lines if line in canonical) / sum(len(line) for line in lines)
    assert covered >= MIN_COVERAGE, f"{folder}: {covered:.3f} of the main text"


def test_zh_ad_figures_and_link_of_one_copy_stay_out(zh_canonical: Built) -> None:
    """D03's lottery ad, a run of figures and a language link come from one copy each."""
    doc, _ = built(zh_canonical, "D03")
    texts = body(doc)
    for leftover in ("相约体彩", "甘 76 78", "English"):
        assert leftover not in texts
    assert any(t.startswith("王凯介绍，河南做好良田") for t in texts)


def test_seed_keeps_its_63_paragraphs_with_the_closing_paragraph_and_dateline(cli: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    records = add(db, SEEDS)
    doc = show(cli, db, largest(records))
    texts = [p["text"] for p in doc["paragraphs"]]
    assert len(texts) == 63
    assert texts[-2].startswith(CLOSING) and texts[-1] == DATELINE
    web = next(r["source_id"] for r in records if r["reader"] == "webtext")
    assert [p["sources"] for p in doc["paragraphs"][-2:]] == [[web], [web]]
    (audit,) = cli("--db", db, "audit", "--json").json_lines()
    assert all(s["left_out"] == [] for s in audit["sources"])  # nothing of the seed is a leftover


@pytest.mark.parametrize("name", BORDERED)
def test_bordered_page_dump_is_claimed_and_read_as_web_text(name: str) -> None:
    source = source_of(DUMPS / name)
    webtext, pdftext = registered(corpus_webtext), registered(corpus_pdftext)
    claim, other = webtext.sniff(source), pdftext.sniff(source)
    assert claim is not None and other is not None and claim > other
    extract = webtext.read(source)
    assert extract.title == "中华人民共和国监察法"
    articles = [p for p in extract.paragraphs if re.match(r"第[一二三四五六七八九十]+条", p)]
    assert len(articles) == 69 and articles[-1].startswith("第六十九条")
    assert max(map(len, extract.paragraphs)) < 600  # one paragraph per paragraph, not the page
    text = "\n".join(extract.paragraphs)
    assert not BOX.search(text)
    for chrome in SITE:
        assert chrome not in text, chrome
    borders = [r for r in extract.removed if r.kind == "border"]
    assert borders and all(source.text and source.text[r.start : r.end] == r.text for r in borders[:50])
    assert any("版权所有" in r.text for r in extract.removed)


def test_bordered_dump_adds_nothing_of_its_site_to_the_document_it_joins(cli: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    records = add(db, shared(LAW_PAGE), *(DUMPS / name for name in BORDERED))
    assert len({r["document_id"] for r in records}) == 1
    assert [r["reader"] for r in records[1:]] == ["webtext", "webtext"]
    doc = show(cli, db, records[0]["document_id"])
    text = doc["text"]
    assert not BOX.search(text)
    for chrome in (*SITE, "添加收藏夹", "纪检监察室"):
        assert chrome not in text, chrome
    texts = [p["text"] for p in doc["paragraphs"]]
    assert sum(1 for t in texts if re.match(r"第[一二三四五六七八九十]+条", t)) == 69
    assert max(map(len, texts)) < 600


def test_dump_read_as_one_giant_paragraph_attests_and_does_not_shape() -> None:
    """The PDF-text reader reads the bordered dump as the whole law in one paragraph: it only attests."""
    page = shared(LAW_PAGE)
    html = registered(corpus_html).read(source_of(page, "text/html"))
    dump = registered(corpus_pdftext).read(source_of(DUMPS / BORDERED[0]))
    assert max(map(len, dump.paragraphs)) > 10_000  # the degenerate structure this is about
    canonical = build_canonical(
        [SourceText(1, html.title, html.paragraphs, html.metadata), SourceText(2, dump.title, dump.paragraphs)]
    )
    texts = [p.text for p in canonical.paragraphs]
    assert max(map(len, texts)) < 600
    assert sum(1 for t in texts if re.match(r"第[一二三四五六七八九十]+条", t)) == 69
    laws = [p for p in canonical.paragraphs if re.match(r"第[一二三四五六七八九十]+条", p.text)]
    assert all(p.sources == (1, 2) for p in laws)  # the dump attests every article it holds
    assert not any(BOX.search(t) or "[index_" in t for t in texts)
    assert {lo.reason for lo in canonical.left_out if lo.source_id == 2} == {"unplaced"}
    assert any(lo.reason == "footer" and "版权所有" in lo.text for lo in canonical.left_out)


def test_audit_lists_what_was_left_out_and_why_beside_what_readers_removed(cli: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    records = add(db, *forms(next(f for f in zh_documents() if f.startswith("D02"))))
    (audit,) = [a for a in cli("--db", db, "audit", "--json").json_lines() if a["document_id"] == largest(records)]
    left = {s["source_id"]: s["left_out"] for s in audit["sources"]}
    credits = [item for items in left.values() for item in items if item["text"] == "编辑：毛梦囡"]
    assert credits and {item["reason"] for item in credits} == {"credit"}
    captions = [item for items in left.values() for item in items if item["text"].endswith("摄")]
    assert captions and {item["reason"] for item in captions} == {"caption"}
    for source in audit["sources"]:
        assert {"removed", "left_out"} <= source.keys()
        assert all(item["chars"] >= len(item["text"]) for item in source["left_out"])
    text = cli("--db", db, "audit").stdout
    header = next(line for line in text.splitlines() if line.startswith("source"))
    assert "left out" in header
    assert re.search(r"the canonical text left out \d+ paragraphs?:", text)
    assert re.search(r"^\s+credit\s+编辑：毛梦囡$", text, re.MULTILINE)
    page = tmp_path / "audit.html"
    assert cli("--db", db, "audit", "--html", page).returncode == 0
    html = page.read_text(encoding="utf-8")
    assert "Left out of the canonical text" in html and "编辑：毛梦囡" in html
    assert html.index("Removed by the reader") < html.index("Left out of the canonical text")


def test_audit_of_the_bordered_dump_shows_the_cut_borders_and_the_page_leftovers(
    cli: CliRunner, tmp_path: Path
) -> None:
    db = tmp_path / "corpus.db"
    records = add(db, shared(LAW_PAGE), DUMPS / BORDERED[0])
    (audit,) = cli("--db", db, "audit", "--json").json_lines()
    by_id = {s["source_id"]: s for s in audit["sources"]}
    page, dump = by_id[records[0]["source_id"]], by_id[records[1]["source_id"]]
    assert any(r["kind"] == "border" and "┌" in r["text"] for r in dump["removed"])
    reasons = {item["reason"] for item in page["left_out"]}
    assert {"footer", "menu"} <= reasons
    assert any("版权所有" in item["text"] for item in page["left_out"])
