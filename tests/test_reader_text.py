"""The plain-text and Markdown reader: the fallback every text source can go to."""

from __future__ import annotations

from pathlib import Path

import corpus_pdftext
import corpus_text
import corpus_webtext
import pytest
from conftest import PDF_SEED, WEB_SEED, registered, shared

from corpus import Reader, SourceFile

PROSE_EN = (
    "The committee met on Tuesday to discuss next year's budget.\n"
    "Several members asked for more time to read the report before the vote.\n"
    "The chair agreed, and the meeting was adjourned until Friday.\n"
)
PROSE_ZH = (
    "委员会周二开会讨论了明年的预算安排。\n"
    "几位委员要求给出更多时间阅读报告，并在下次会议前提交书面意见。\n"
    "主席表示同意，会议延至周五继续。\n"
)


def source_of(path: Path, media_type: str = "text/plain") -> SourceFile:
    data = path.read_bytes()
    return SourceFile(path, data, data.decode("utf-8-sig"), media_type, "utf-8")


def chosen(source: SourceFile) -> str:
    """The reader the core would choose: the highest sniff, ties to the later one."""
    readers = [registered(p) for p in (corpus_text, corpus_webtext, corpus_pdftext)]
    scored = [(r.sniff(source) or 0.0, i, r.name) for i, r in enumerate(readers)]
    return max(scored)[2]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reader() -> Reader:
    return registered(corpus_text)


def test_registers_one_reader_named_text(reader: Reader) -> None:
    assert reader.name == "text"
    assert isinstance(reader, Reader)


@pytest.mark.parametrize("prose", [PROSE_EN, PROSE_ZH])
def test_one_paragraph_per_line_prose_goes_here_line_by_line(reader: Reader, tmp_path: Path, prose: str) -> None:
    source = source_of(write(tmp_path, "prose.txt", prose))
    assert chosen(source) == "text"
    extract = reader.read(source)
    assert list(extract.paragraphs) == prose.splitlines()
    assert extract.title is None


def test_short_first_line_above_the_text_is_the_title(reader: Reader, tmp_path: Path) -> None:
    source = source_of(write(tmp_path, "notice.txt", "会议通知\n\n" + PROSE_ZH))
    extract = reader.read(source)
    assert extract.title == "会议通知"
    assert list(extract.paragraphs) == PROSE_ZH.splitlines()


def test_wrapped_cjk_lines_rejoin_without_spaces(reader: Reader, tmp_path: Path) -> None:
    wrapped = (
        "群团事业是党的事业的重要组成部分，党的群团工作是党治\n"
        "国理政的一项经常性、基础性工作，是党组织动员广大\n"
        "人民群众的重要法宝。\n"
    )
    extract = reader.read(source_of(write(tmp_path, "wrapped.txt", "标题\n\n" + wrapped)))
    assert extract.paragraphs == (
        "群团事业是党的事业的重要组成部分，党的群团工作是党治国理政的一项经常性、"
        "基础性工作，是党组织动员广大人民群众的重要法宝。",
    )


# Alice's Adventures in Wonderland from Project Gutenberg (gutenberg/alice-11):
# paragraphs wrapped at 70 columns between blank lines.
def test_wrapped_english_paragraphs_are_rejoined(reader: Reader) -> None:
    source = source_of(shared("gutenberg/alice-11/11-0.txt"))
    assert chosen(source) == "text"
    extract = reader.read(source)
    opening = [p for p in extract.paragraphs if p.startswith("Alice was beginning to get very tired")]
    assert len(opening) == 1
    assert "of having nothing to do: once or twice she had peeped into the book" in opening[0]
    assert opening[0].endswith("‘without pictures or conversations?’")


# A law from the national law database as Markdown (zh-laws): "# title", the
# database's "<!-- INFO END -->" marker, "## 第一章 总则" chapter headings.
LAW = "zh-laws/same-law-same-date/宪法相关法__居民身份证法(2011-10-29).md"


def test_markdown_law_goes_here_and_loses_its_markup(reader: Reader) -> None:
    source = source_of(shared(LAW), media_type="text/markdown")
    assert chosen(source) == "text"
    extract = reader.read(source)
    assert extract.title == "中华人民共和国居民身份证法"
    assert "第一章 总则" in extract.paragraphs
    assert not [p for p in extract.paragraphs if p.startswith("#") or "<!--" in p]
    assert [r for r in extract.removed if r.kind == "comment" and "INFO END" in r.text]
    first_article = [p for p in extract.paragraphs if p.startswith("第一条")]
    assert first_article == [
        "第一条 为了证明居住在中华人民共和国境内的公民的身份，保障公民的合法权益，"
        "便利公民进行社会活动，维护社会秩序，制定本法。"
    ]


MARKDOWN = """\
# Release notes

Version **2.0** brings a [new parser](https://example.org/parser) and
*faster* indexing.

## Changes

- The `add` command reads folders.
- Duplicates are found with
  MinHash signatures.

| Option | Meaning |
|--------|---------|
| --db   | the store |
"""


def test_markdown_is_recognised_by_its_syntax_and_read_as_text(reader: Reader, tmp_path: Path) -> None:
    source = source_of(write(tmp_path, "notes.txt", MARKDOWN))
    assert chosen(source) == "text"
    plain = source_of(write(tmp_path, "plain.txt", PROSE_EN))
    assert (reader.sniff(source) or 0.0) > (reader.sniff(plain) or 0.0)
    extract = reader.read(source)
    assert extract.title == "Release notes"
    assert list(extract.paragraphs) == [
        "Version 2.0 brings a new parser and faster indexing.",
        "Changes",
        "The add command reads folders.",
        "Duplicates are found with MinHash signatures.",
        "Option Meaning",
        "--db the store",
    ]


def test_seeds_are_left_to_the_readers_that_know_them(reader: Reader) -> None:
    for path in (WEB_SEED, PDF_SEED):
        source = source_of(path)
        assert chosen(source) != "text"
        assert reader.sniff(source) == pytest.approx(0.1)


def test_binary_and_html_sources_are_not_claimed(reader: Reader) -> None:
    pdf = SourceFile(Path("x.pdf"), b"%PDF-1.4", None, "application/pdf")
    html = SourceFile(Path("x.html"), b"<html></html>", "<html></html>", "text/html")
    assert reader.sniff(pdf) is None
    assert reader.sniff(html) is None
