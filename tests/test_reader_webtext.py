"""The web-page text reader: the article of a page dump, without the site around it."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import corpus_pdftext
import corpus_text
import corpus_webtext
import pytest
from conftest import PDF_SEED, TITLE, WEB_SEED, registered, shared

from corpus import Extract, Reader, SourceFile

SECTION_NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一"]


def source_of(path: Path, media_type: str = "text/plain") -> SourceFile:
    data = path.read_bytes()
    return SourceFile(path, data, data.decode("utf-8"), media_type, "utf-8")


@pytest.fixture(scope="module")
def reader() -> Reader:
    return registered(corpus_webtext)


@pytest.fixture(scope="module")
def seed(reader: Reader) -> Extract:
    return reader.read(source_of(WEB_SEED))


def test_registers_one_reader_named_webtext(reader: Reader) -> None:
    assert reader.name == "webtext"
    assert isinstance(reader, Reader)


def test_seed_title_and_date_come_from_the_page_header(seed: Extract) -> None:
    assert seed.title == TITLE
    assert seed.metadata["date"] == "2015-07-23"


def test_seed_keeps_the_whole_article_and_nothing_else(seed: Extract) -> None:
    assert len(seed.paragraphs) == 62
    assert seed.paragraphs[0].startswith("群团事业是党的事业的重要组成部分")
    assert seed.paragraphs[-2].startswith("各省、自治区、直辖市党委")
    assert seed.paragraphs[-1] == "(新华社北京7月9日电)"
    assert seed.title not in seed.paragraphs


def test_seed_section_headings_are_paragraphs_of_their_own(seed: Extract) -> None:
    headings = [p for p in seed.paragraphs if re.match(r"^[一二三四五六七八九十]+、", p)]
    assert [h.split("、")[0] for h in headings] == SECTION_NUMERALS
    assert headings[0] == "一、新形势下加强和改进党的群团工作的重要性和紧迫性"
    assert all("。" not in h for h in headings)


SEED_CHROME = "通知公告 当前位置 发布时间 点击 上一条 下一条 工会微信公众号 版权所有 地址 邮编 电话"


@pytest.mark.parametrize("chrome", [*SEED_CHROME.split(), "econ@qdu.edu.cn"])
def test_seed_site_chrome_is_cut_and_shown_as_removed(seed: Extract, chrome: str) -> None:
    assert not [p for p in seed.paragraphs if chrome in p]
    assert [r for r in seed.removed if chrome in r.text]


def test_seed_removed_pieces_say_what_they_were_and_point_into_the_text(seed: Extract) -> None:
    text = WEB_SEED.read_text(encoding="utf-8")
    kinds = {r.text.split(":")[0][:4]: r.kind for r in seed.removed}
    assert kinds["当前位置"] == "breadcrumb"
    assert kinds["发布时间"] == "byline"
    assert kinds["上一条"] == "navigation"
    assert kinds["版权所有"] == "footer"
    for removed in seed.removed:
        assert removed.start is not None and removed.end is not None
        assert text[removed.start : removed.end] == removed.text


def test_seed_paragraphs_are_single_lines_kept_as_written(seed: Extract) -> None:
    assert all("\n" not in p and p == p.strip() for p in seed.paragraphs)
    # The page's ASCII punctuation stays: normalising it is the core's job.
    assert "群团事业是党的事业的重要组成部分,党的群团工作" in seed.paragraphs[0]


def test_web_seed_goes_to_this_reader() -> None:
    source = source_of(WEB_SEED)
    mine = registered(corpus_webtext).sniff(source) or 0.0
    others = [registered(p).sniff(source) or 0.0 for p in (corpus_text, corpus_pdftext)]
    assert mine > max(others)


def test_pdf_text_and_plain_prose_are_not_claimed(reader: Reader, tmp_path: Path) -> None:
    assert (reader.sniff(source_of(PDF_SEED)) or 0.0) == 0.0
    prose = tmp_path / "prose.txt"
    prose.write_text(
        "The committee met on Tuesday to discuss the budget.\n"
        "Several members asked for more time to read the report.\n"
        "委员会周二开会讨论了预算。\n",
        encoding="utf-8",
    )
    assert (reader.sniff(source_of(prose)) or 0.0) == 0.0


def test_binary_and_html_sources_are_not_claimed(reader: Reader) -> None:
    pdf = SourceFile(Path("x.pdf"), b"%PDF-1.4", None, "application/pdf")
    html = SourceFile(Path("x.html"), b"<html></html>", "<html></html>", "text/html")
    assert reader.sniff(pdf) is None
    assert reader.sniff(html) is None


# w3m dumps of real pages (zh-web-vs-pdf, see its provenance.jsonl): menus of
# bullets, wrapped at the terminal width, with related-article lists and footers.
W3M_PAGES = [
    # (folder, title, date, a paragraph of the human-annotated main text)
    (
        "D03-people-guoxinban-henan",
        "在新时代中部地区崛起中争先出彩（推动高质量发展·权威发布）",
        "2024-05-10",
        "扛稳粮食安全重任，加快建设农业强省",
    ),
    (
        "D04-caijing-cpi-2024-04",
        "2024年4月全国CPI同比上涨0.3% 食品价格下降2.7%",
        "2024-05-11",
        "一、各类商品及服务价格同比变动情况",
    ),
    (
        "D05-chinacomcn-huhehaote-childcare",
        "呼和浩特：对生育二孩、三孩的呼市户籍家庭发放一次性育儿津贴5000元",
        "2024-05-13",
        "三、降低托育机构运营成本。托育机构用水、用电、用气、用热执行居民生活类价格。",
    ),
]


@pytest.mark.parametrize(("folder", "title", "date", "heading"), W3M_PAGES)
def test_w3m_dump_gives_the_article(reader: Reader, folder: str, title: str, date: str, heading: str) -> None:
    path = shared(f"zh-web-vs-pdf/{folder}/web.w3m-dump.txt")
    extract = reader.read(source_of(path))
    assert extract.title == title
    assert extract.metadata["date"] == date
    assert heading in extract.paragraphs
    joined = "\n".join(extract.paragraphs)
    for chrome in ("ICP", "版权所有", "首页", "分享到", "Copyright"):
        assert chrome not in joined


def test_w3m_wrapped_lines_are_rejoined_into_paragraphs(reader: Reader) -> None:
    path = shared("zh-web-vs-pdf/D03-people-guoxinban-henan/web.w3m-dump.txt")
    truth = (path.parent / "groundtruth.main-text.txt").read_text(encoding="utf-8").splitlines()
    extract = reader.read(source_of(path))
    # Every paragraph of the annotated main text comes out whole, wrapped lines
    # and all (the two lists differ only in the source line and editor's note).
    found = [p for p in truth if p.strip() and p.replace(" ", "") in extract.paragraphs]
    assert len(found) >= len([p for p in truth if p.strip()]) - 2
    assert reader.sniff(source_of(path)) == pytest.approx(0.8)


# Web pages printed to PDF by a browser, and the PDF's text extracted by three
# extractors (zh-web-vs-pdf, see its derived.csv): the whole page, menus and
# teasers and footer, with the date, the page's title, its address and "n/m"
# stamped on every page, page breaks and lines hard-wrapped at the column.
PRINTED = [
    # (folder, the article's headline as the page shows it, the byline's date)
    ("D02-kepu-xinhua-changsanjiao", "习近平主持召开深入推进长三角一体化发展座谈会", "2023-12-01"),
    ("D03-people-guoxinban-henan", "在新时代中部地区崛起中争先出彩（推动高质量发展·权威发布）", "2024-05-10"),
    ("D04-caijing-cpi-2024-04", "2024年4月全国CPI同比上涨0.3% 食品价格下降2.7%", "2024-05-11"),
    (
        "D05-chinacomcn-huhehaote-childcare",
        "呼和浩特：对生育二孩、三孩的呼市户籍家庭发放一次性育儿津贴5000元",
        "2024-05-13",
    ),
]
EXTRACTORS = ["pdftotext", "pdftotext-layout", "pymupdf"]
PRINTED_CHROME = ("ICP", "版权所有", "Copyright", "分享到", "file://", "11/21/26", "CAIJING.COM.CN", "当前位置")


def trigram_f1(text: str, truth: str) -> float:
    """F1 of the multisets of character 3-grams after NFKC and removing all whitespace."""

    def grams(value: str) -> Counter[str]:
        flat = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))
        return Counter(flat[i : i + 3] for i in range(len(flat) - 2))

    got, want = grams(text), grams(truth)
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


@pytest.mark.parametrize("extractor", EXTRACTORS)
@pytest.mark.parametrize("folder", [folder for folder, _, _ in PRINTED])
def test_printed_page_is_claimed_by_this_reader(folder: str, extractor: str) -> None:
    source = source_of(shared(f"zh-web-vs-pdf/{folder}/web.browser-print.{extractor}.txt"))
    mine = registered(corpus_webtext).sniff(source) or 0.0
    others = [registered(p).sniff(source) or 0.0 for p in (corpus_text, corpus_pdftext)]
    assert mine > max(others)


@pytest.mark.parametrize("extractor", EXTRACTORS)
@pytest.mark.parametrize(("folder", "date"), [(folder, date) for folder, _, date in PRINTED])
def test_printed_page_gives_the_article_and_nothing_else(
    reader: Reader, folder: str, date: str, extractor: str
) -> None:
    path = shared(f"zh-web-vs-pdf/{folder}/web.browser-print.{extractor}.txt")
    truth = (path.parent / "groundtruth.main-text.txt").read_text(encoding="utf-8")
    extract = reader.read(source_of(path))
    joined = "\n".join(extract.paragraphs)
    assert [chrome for chrome in PRINTED_CHROME if chrome in joined] == []
    # pdftotext garbles one page (a drop-down menu printed over the article),
    # so the bar is a little lower than what clean extractions reach (≥ 0.96).
    assert trigram_f1(joined, truth) >= 0.9
    assert extract.metadata["date"] == date
    assert extract.metadata["url"].startswith("file:///") and extract.metadata["url"].endswith(".html")


@pytest.mark.parametrize(("folder", "title"), [(folder, title) for folder, title, _ in PRINTED])
def test_printed_page_title_is_the_headline_the_running_header_names(reader: Reader, folder: str, title: str) -> None:
    # PyMuPDF keeps the digits pdftotext loses from the header's mixed fonts;
    # the headline set large wraps over two lines (D05) and is rejoined.
    extract = reader.read(source_of(shared(f"zh-web-vs-pdf/{folder}/web.browser-print.pymupdf.txt")))
    assert extract.title == title
    assert title not in extract.paragraphs


def test_printed_page_furniture_is_cut_and_shown(reader: Reader) -> None:
    path = shared("zh-web-vs-pdf/D04-caijing-cpi-2024-04/web.browser-print.pdftotext.txt")
    text = path.read_text(encoding="utf-8")
    extract = reader.read(source_of(path))
    kinds = {r.kind for r in extract.removed}
    assert {"page-number", "running-header", "running-footer", "page-break"} <= kinds
    # The page's title heads every one of the ten pages, wherever pdftotext put it.
    header = "年 月全国CPI同比上涨0.3% 食品价格下降2.7%_数据_宏观频道首页_财经网 - CAIJING.COM.CN"
    assert sum(r.text.strip() == header for r in extract.removed) == 10
    for removed in extract.removed:
        assert removed.start is not None
        assert text[removed.start : removed.end] == removed.text


def test_printed_page_lists_of_headlines_are_cut(reader: Reader) -> None:
    path = shared("zh-web-vs-pdf/D04-caijing-cpi-2024-04/web.browser-print.pymupdf.txt")
    extract = reader.read(source_of(path))
    joined = "\n".join(extract.paragraphs)
    # "相关阅读", "热门文章", "要闻", "编辑推荐": lists of other articles' headlines.
    for headline in (
        "国家统计局：2月全国CPI同比上涨0.7% 环比上涨1.0%",
        "习近平同俄罗斯总统普京会谈",
        "7中国一季度GDP增长超预期",
    ):
        assert headline not in joined
    assert [r for r in extract.removed if r.kind == "teasers"]
    # The editor's credit closes the article and stays with it.
    assert extract.paragraphs[-1] == "(编辑：文静)"


def test_printed_page_article_continues_past_a_sidebar_at_a_page_break(reader: Reader) -> None:
    # PyMuPDF reads page 2 of the people.com.cn print as the sidebar's rest
    # (province links, partner sites) and then the article's rest.
    path = shared("zh-web-vs-pdf/D03-people-guoxinban-henan/web.browser-print.pymupdf.txt")
    extract = reader.read(source_of(path))
    assert extract.paragraphs[0].startswith("5月9日，国务院新闻办举行")
    assert extract.paragraphs[-3].startswith("孙守刚表示")
    assert extract.paragraphs[-1] == "(责编：胡永秋、杨光宇)"
    for sidebar in ("中共中央党史和文献研究院", "中组部12380举报网", "浙", "皖"):
        assert sidebar not in extract.paragraphs


def test_printed_page_digits_set_apart_by_the_extractor_go_back(reader: Reader) -> None:
    # pdftotext -layout sets "2024" and "4" of the subtitle on a line of their own.
    path = shared("zh-web-vs-pdf/D04-caijing-cpi-2024-04/web.browser-print.pdftotext-layout.txt")
    extract = reader.read(source_of(path))
    assert extract.paragraphs[0] == "2024年4月份居民消费价格同比上涨0.3%"
    assert "2024 4" not in extract.paragraphs


def test_paginated_text_without_a_browser_stamp_is_left_to_the_pdf_text_reader() -> None:
    source = source_of(shared("ietf-rfc/rfc2616/rfc2616.paginated.txt"))
    assert (registered(corpus_webtext).sniff(source) or 0.0) < (registered(corpus_pdftext).sniff(source) or 0.0)


def test_printed_page_without_form_feeds_reads_the_same(reader: Reader, tmp_path: Path) -> None:
    # Some extractors write no page breaks: the browser's "n/m" counters tell where pages end.
    path = shared("zh-web-vs-pdf/D05-chinacomcn-huhehaote-childcare/web.browser-print.pymupdf.txt")
    flat = tmp_path / "no-form-feeds.txt"
    flat.write_text(path.read_text(encoding="utf-8").replace("\f", ""), encoding="utf-8")
    paged, unpaged = reader.read(source_of(path)), reader.read(source_of(flat))
    assert unpaged.paragraphs == paged.paragraphs
    assert unpaged.title == paged.title == "呼和浩特：对生育二孩、三孩的呼市户籍家庭发放一次性育儿津贴5000元"
    assert (reader.sniff(source_of(flat)) or 0.0) > (registered(corpus_pdftext).sniff(source_of(flat)) or 0.0)
