"""The HTML reader: the article of a real page, its title and date, without the site around it."""

from __future__ import annotations

from pathlib import Path

import corpus_html
import pytest
from conftest import registered, shared

from corpus import Corpus, Extract, Reader, SourceFile

# zh-web-vs-pdf/D03: a people.com.cn article page; web.original.html is UTF-8 but
# declares charset=gb2312, web.as-served.gb18030.html is the same page re-encoded
# to match its declaration (see that folder's derived.csv).
D03 = "zh-web-vs-pdf/D03-people-guoxinban-henan"
# web-boilerplate/magic-html/htmls: pages from the magic-html test suite (Apache-2.0).
MAGIC = "web-boilerplate/magic-html/htmls"
# web-boilerplate/trafilatura/pages: pages from trafilatura's evaluation set (Apache-2.0).
TRAFILATURA = "web-boilerplate/trafilatura/pages"


def magic_page(prefix: str) -> Path:
    folder = shared(MAGIC)
    (path,) = folder.glob(f"{prefix}*.html")
    return path


def read(path: Path, encoding: str = "utf-8") -> tuple[Extract, SourceFile]:
    data = path.read_bytes()
    source = SourceFile(path, data, data.decode(encoding), "text/html", encoding)
    return registered(corpus_html).read(source), source


@pytest.fixture(scope="module")
def henan() -> tuple[Extract, SourceFile]:
    return read(shared(f"{D03}/web.original.html"))


def test_registers_one_reader_named_html() -> None:
    reader = registered(corpus_html)
    assert reader.name == "html"
    assert "text/html" in reader.media_types
    assert isinstance(reader, Reader)


def test_claims_what_the_core_sniffed_as_html_and_nothing_else() -> None:
    reader = registered(corpus_html)
    page = SourceFile(Path("page.txt"), b"<html>", "<html><body><p>x</p></body></html>", "text/html", "utf-8")
    text = SourceFile(Path("page.html"), b"plain", "plain words", "text/plain", "utf-8")
    pdf = SourceFile(Path("page.html"), b"%PDF-1.4", None, "application/pdf")
    assert reader.sniff(page) == pytest.approx(0.9)
    assert reader.sniff(text) is None
    assert reader.sniff(pdf) is None


def test_title_is_the_headline_without_the_site_name(henan: tuple[Extract, SourceFile]) -> None:
    extract, _ = henan
    # The <title> reads "…（推动高质量发展·权威发布）--经济·科技--人民网".
    assert extract.title == "在新时代中部地区崛起中争先出彩（推动高质量发展·权威发布）"
    assert extract.title not in extract.paragraphs


def test_metadata_has_the_date_site_and_language(henan: tuple[Extract, SourceFile]) -> None:
    extract, _ = henan
    assert extract.metadata["date"] == "2024-05-10"
    assert extract.metadata["site"] == "人民网"
    assert extract.metadata["language"] == "zh"


def test_article_paragraphs_are_kept_one_per_paragraph(henan: tuple[Extract, SourceFile]) -> None:
    extract, _ = henan
    paragraphs = list(extract.paragraphs)
    assert (
        paragraphs[0]
        == "5月9日，国务院新闻办举行“推动高质量发展”系列主题新闻发布会，河南省有关负责同志介绍了相关情况。"
    )
    # A subheading is a paragraph of its own, not glued to the text around it.
    assert "扛稳粮食安全重任，加快建设农业强省" in paragraphs
    assert any(p.startswith("孙守刚表示，河南将坚持生态优先、绿色发展") for p in paragraphs)
    assert all("\n" not in p for p in paragraphs)


def test_navigation_share_bar_related_list_and_scripts_stay_out(henan: tuple[Extract, SourceFile]) -> None:
    extract, _ = henan
    text = "\n".join(extract.paragraphs)
    for chrome in ("人民日报社概况", "推荐阅读", "热门排行", "分享让更多人看到", "返回顶部", "领导留言板"):
        assert chrome not in text
    for code in ("function", "var ", "document.", "{", "}"):
        assert code not in text


def test_what_was_cut_is_named_and_located_in_the_source(henan: tuple[Extract, SourceFile]) -> None:
    extract, source = henan
    kinds = {r.kind for r in extract.removed}
    assert {"navigation", "related", "share", "footer"} <= kinds
    menu = next(r for r in extract.removed if r.kind == "navigation")
    assert menu.text.startswith("首页\n党政")
    assert menu.start is not None and menu.end is not None
    assert source.text is not None
    assert source.text[menu.start : menu.end].startswith("首页</a>")


def test_utf8_page_declaring_gb2312_and_gb18030_page_give_one_text(tmp_path: Path) -> None:
    utf8 = shared(f"{D03}/web.original.html")
    gb18030 = shared(f"{D03}/web.as-served.gb18030.html")
    with Corpus.open(tmp_path / "c.db") as corpus:
        added = {Path(r.path).name: r for r in corpus.add([utf8, gb18030])}
        first, second = added[utf8.name], added[gb18030.name]
        assert (first.reader, first.encoding) == ("html", "utf-8")
        assert second.reader == "html" and {first.status, second.status} == {"new", "copy"}
        assert second.encoding is not None and second.encoding.replace("-", "").lower() == "gb18030"
        assert first.document_id == second.document_id
        assert first.document_id is not None
        document = corpus.document(first.document_id)
        by_source = {s.source_id: s for s in document.sources}
        assert set(by_source) == {first.source_id, second.source_id}
        assert "河南省委副书记、省长王凯说" in document.text
        assert "锟" not in document.text and "浜" not in document.text  # no mojibake
        assert all(len(p.sources) == 2 for p in document.paragraphs)


def test_comment_section_and_platform_disclaimer_are_cut() -> None:
    # magic-html bb5f5ce0: a 163.com article with reader comments ("跟贴") under it.
    extract, _ = read(magic_page("bb5f5ce0"))
    text = "\n".join(extract.paragraphs)
    assert "出乎意料的是，标准化物业的管理效果并不如设想那般美好。" in extract.paragraphs
    assert "网易跟贴" not in text and "网友评论仅供其表达个人看法" not in text
    assert "特别声明" not in text
    assert "comments" in {r.kind for r in extract.removed}


def test_media_player_controls_are_not_text() -> None:
    # magic-html 3e863fa9: a 1905.com news item with an embedded video player.
    extract, _ = read(magic_page("3e863fa9"))
    text = "\n".join(extract.paragraphs)
    assert text.startswith("1905电影网讯")
    for control in ("倍速", "1.75X", "错误代码", "建议WIFI下打开"):
        assert control not in text


def test_lines_set_off_with_br_are_paragraphs() -> None:
    # magic-html 777ddd63: a poem on zgshige.com, one <div> with a <br> after each line.
    extract, _ = read(magic_page("777ddd63"))
    assert extract.title == "静夜思•夜"
    assert list(extract.paragraphs[:4]) == [
        "深夜看书须尽欢，",
        "明月照亮浊酒案。",
        "一杯美酒空对月，",
        "酌酒吟诗五千年。",
    ]


def test_subheadings_inside_an_article_are_kept() -> None:
    # trafilatura's evaluation page github.blog.spiceland: an interview whose questions are headings.
    extract, _ = read(shared(f"{TRAFILATURA}/github.blog.spiceland.html"))
    assert extract.title == "Leader spotlight: Erin Spiceland"
    assert "What are you looking forward to next?" in extract.paragraphs
    assert extract.metadata["language"] == "en"
    text = "\n".join(extract.paragraphs)
    assert "Related posts" not in text and "Share on Twitter" not in text


def test_a_page_without_text_reads_as_empty_not_as_a_crash() -> None:
    html = '<?xml version="1.0" encoding="utf-8"?>\n<html><head><title>Nothing yet</title></head><body></body></html>'
    source = SourceFile(Path("empty.html"), html.encode(), html, "text/html", "utf-8")
    extract = registered(corpus_html).read(source)
    assert extract.paragraphs == ()
    assert extract.title == "Nothing yet"
