"""The PDF-text reader: hard-wrapped lines rejoined into paragraphs, page furniture cut."""

from __future__ import annotations

import re
from pathlib import Path

import corpus_pdftext
import corpus_text
import corpus_webtext
import pytest
from conftest import registered, shared, words

from corpus import Extract, Reader, SourceFile
from corpus.text import depaginate

SEEDS = Path(__file__).parents[1] / "seeds"
PDF_SEED = SEEDS / "003_dba224dbe8b168d4.txt"
WEB_SEED = SEEDS / "000_c0c16b73368775be.txt"

SECTION_NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一"]


def source_of(path: Path, media_type: str = "text/plain") -> SourceFile:
    data = path.read_bytes()
    return SourceFile(path, data, data.decode("utf-8"), media_type, "utf-8")


@pytest.fixture(scope="module")
def reader() -> Reader:
    return registered(corpus_pdftext)


@pytest.fixture(scope="module")
def seed(reader: Reader) -> Extract:
    return reader.read(source_of(PDF_SEED))


def test_registers_one_reader_named_pdftext(reader: Reader) -> None:
    assert reader.name == "pdftext"
    assert isinstance(reader, Reader)


def test_seed_title_is_the_centred_first_line(seed: Extract) -> None:
    assert seed.title == "中共中央关于加强和改进党的群团工作的意见"
    assert seed.title not in seed.paragraphs


def test_seed_wrapped_lines_are_rejoined_into_paragraphs(seed: Extract) -> None:
    assert len(seed.paragraphs) == 60
    assert seed.paragraphs[0].startswith("群团事业是党的事业的重要组成部分，党的群团工作是党治国理政")
    assert "党的群团工作是党治国理政的一项经常性" in seed.paragraphs[0]
    assert all("\n" not in p and not p.startswith(" ") for p in seed.paragraphs)
    # Rejoined CJK lines get no space between them ("党治" / "国理政" above is one such wrap).
    assert not [p for p in seed.paragraphs if " " in p]


def test_seed_page_break_indent_does_not_open_a_paragraph(seed: Extract) -> None:
    # The first line of page 2 is " 更好组织动员群众…" (one space): it continues.
    assert not [p for p in seed.paragraphs if p.startswith("更好组织动员群众")]
    assert [p for p in seed.paragraphs if "必须加强和改进党的群团工作，更好组织动员群众" in p]


def test_seed_section_headings_are_paragraphs_of_their_own(seed: Extract) -> None:
    headings = [p for p in seed.paragraphs if re.match(r"^[一二三四五六七八九十]+、", p)]
    assert [h.split("、")[0] for h in headings] == SECTION_NUMERALS
    assert headings[-1] == "十一、加强群团组织领导班子和干部队伍建设"


def test_seed_matches_the_web_copy_paragraph_for_paragraph(seed: Extract) -> None:
    # The PDF lacks the web page's closing paragraph and dateline; the rest
    # are the same paragraphs, apart from punctuation width.
    web = registered(corpus_webtext).read(source_of(WEB_SEED))
    assert [words(p) for p in seed.paragraphs] == [words(p) for p in web.paragraphs[:60]]


def test_pdf_seed_goes_to_this_reader() -> None:
    source = source_of(PDF_SEED)
    mine = registered(corpus_pdftext).sniff(source) or 0.0
    others = [registered(p).sniff(source) or 0.0 for p in (corpus_text, corpus_webtext)]
    assert mine > max(others)


def test_web_text_and_plain_prose_are_not_claimed(reader: Reader, tmp_path: Path) -> None:
    assert (reader.sniff(source_of(WEB_SEED)) or 0.0) == 0.0
    prose = tmp_path / "prose.txt"
    prose.write_text(
        "委员会周二开会讨论了明年的预算安排。\n"
        "几位委员要求给出更多时间阅读报告，并在下次会议前提交书面意见。\n"
        "会议决定下周继续讨论。\n",
        encoding="utf-8",
    )
    assert (reader.sniff(source_of(prose)) or 0.0) == 0.0


def test_binary_and_html_sources_are_not_claimed(reader: Reader) -> None:
    pdf = SourceFile(Path("x.pdf"), b"%PDF-1.4", None, "application/pdf")
    html = SourceFile(Path("x.html"), b"<html></html>", "<html></html>", "text/html")
    assert reader.sniff(pdf) is None
    assert reader.sniff(html) is None


# An official-style PDF of a people.com.cn article, extracted by PyMuPDF and by
# pdftotext (zh-web-vs-pdf/D03, see its derived.csv): ~28 characters a line, no
# paragraph indent left, a running header and "— n —" page numbers on every page.
@pytest.mark.parametrize("extractor", ["pymupdf", "pdftotext"])
def test_official_style_pdf_gives_the_annotated_paragraphs(reader: Reader, extractor: str) -> None:
    path = shared(f"zh-web-vs-pdf/D03-people-guoxinban-henan/official-style.{extractor}.txt")
    truth = (path.parent / "groundtruth.main-text.txt").read_text(encoding="utf-8").splitlines()
    extract = reader.read(source_of(path))
    got = [words(p) for p in extract.paragraphs]
    assert [p for p in truth if words(p) not in got] == []
    assert len(extract.paragraphs) == len(truth)


def test_official_style_page_furniture_is_cut_and_shown(reader: Reader) -> None:
    path = shared("zh-web-vs-pdf/D03-people-guoxinban-henan/official-style.pymupdf.txt")
    text = path.read_text(encoding="utf-8")
    extract = reader.read(source_of(path))
    kinds = {r.kind for r in extract.removed}
    assert {"page-number", "running-header", "page-break"} <= kinds
    assert not [p for p in extract.paragraphs if re.search(r"—\s*\d+\s*—|\f", p)]
    for removed in extract.removed:
        assert removed.start is not None
        assert text[removed.start : removed.end] == removed.text


# RFC 2616 as published (ietf-rfc/rfc2616): form feeds, a running header and a
# "[Page N]" footer on each of its 176 pages, paragraphs between blank lines.
def test_rfc_pagination_is_cut_and_paragraphs_are_rejoined(reader: Reader) -> None:
    path = shared("ietf-rfc/rfc2616/rfc2616.paginated.txt")
    extract = reader.read(source_of(path))
    joined = "\n".join(extract.paragraphs)
    assert "[Page " not in joined
    assert "Fielding, et al." not in joined
    assert "RFC 2616 HTTP/1.1 June 1999" not in joined
    assert sum(r.kind == "running-header" for r in extract.removed) >= 170
    abstract = extract.paragraphs[extract.paragraphs.index("Abstract") + 1]
    assert abstract.startswith("The Hypertext Transfer Protocol (HTTP) is an application-level")
    assert abstract.endswith("independently of the data being transferred.")


# The DMCA summary of the U.S. Copyright Office, extracted by pdfminer
# (pdf-text-layer): proportional type, a block quote hyphenated at line ends.
def test_latin_hyphenation_is_undone(reader: Reader) -> None:
    path = shared("pdf-text-layer/extracted/en__dmca-copyright-office-summary.pdfminer.txt")
    extract = reader.read(source_of(path))
    joined = "\n".join(extract.paragraphs)
    assert "adequate legal protection and effective legal remedies against the circumvention" in joined


# Web pages printed to PDF by a browser (zh-web-vs-pdf, see its derived.csv):
# the date and the page's title on top of every page, its address and "n/m" at
# the bottom, in whatever order each extractor gives a page's edge lines.
PRINTED = [
    ("D02-kepu-xinhua-changsanjiao", "web.original.html", 6),
    ("D03-people-guoxinban-henan", "web.as-served.gb18030.html", 5),
    ("D04-caijing-cpi-2024-04", "web.original.html", 10),
    ("D05-chinacomcn-huhehaote-childcare", "web.original.html", 6),
    ("D08-xinhuanet-wuhan", "web.original.html", 5),
]


@pytest.mark.parametrize("extractor", ["pdftotext", "pdftotext-layout", "pymupdf"])
@pytest.mark.parametrize(("folder", "page", "pages"), PRINTED)
def test_browser_stamps_are_cut_and_name_the_printed_page(
    reader: Reader, folder: str, page: str, pages: int, extractor: str
) -> None:
    path = shared(f"zh-web-vs-pdf/{folder}/web.browser-print.{extractor}.txt")
    text = path.read_text(encoding="utf-8")
    printed = depaginate(text)
    assert printed.url is not None and printed.url.endswith(f"{folder}/{page}")
    kept = "\n".join(line.text for line in printed.lines)
    assert "file://" not in kept
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d\d, \d{1,2}:\d\d [AP]M", kept)
    assert not re.search(rf"^\s*\d{{1,2}}/{pages}\s*$", kept, re.MULTILINE)
    # A printed web page is the web page text reader's; this one claims it
    # only weakly, for when that reader is disabled.
    assert 0.0 < (reader.sniff(source_of(path)) or 0.0) < (registered(corpus_webtext).sniff(source_of(path)) or 0.0)


def test_running_header_is_found_wherever_the_extractor_put_it(reader: Reader) -> None:
    # pdftotext puts the browser's title header first on some pages, second or
    # third on others (after the print date, after the article's headline).
    path = shared("zh-web-vs-pdf/D04-caijing-cpi-2024-04/web.browser-print.pdftotext.txt")
    extract = reader.read(source_of(path))
    header = "年 月全国CPI同比上涨0.3% 食品价格下降2.7%_数据_宏观频道首页_财经网 - CAIJING.COM.CN"
    assert sum(r.text.strip() == header for r in extract.removed) == 10
    assert header not in extract.paragraphs


def test_digits_an_extractor_set_on_a_line_of_their_own_go_back(reader: Reader) -> None:
    # The digits of a Chromium-printed headline fall back to another font, on
    # another baseline: pdftotext -layout sets them under the line they left.
    path = shared("zh-web-vs-pdf/D04-caijing-cpi-2024-04/web.browser-print.pdftotext-layout.txt")
    lines = [line.text.strip() for line in depaginate(path.read_text(encoding="utf-8")).lines]
    assert "2024年4月份居民消费价格同比上涨0.3%" in lines
    assert "年 月份居民消费价格同比上涨0.3%" not in lines
