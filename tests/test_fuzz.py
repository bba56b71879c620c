"""Fuzzing: whatever the bytes, the decoder, the sniffer and every built-in reader answer or refuse.

A corpus is built from files nobody checked, so no input may crash the pipeline
with anything but a :class:`corpus.CorpusError`, the error a user is shown
without a traceback. The properties, checked with hypothesis on inputs made to
reach deep rather than only random bytes:

- ``decode``: any bytes give a ``Decoded`` (whose text is what its encoding
  reads, as its docstring promises) or a ``DecodeError``; valid UTF-8 without a
  byte-order mark comes back as the text it encodes, or is refused;
- ``sniff_media_type``: any bytes under any file name give a media type;
- each built-in reader, called as the core calls it (``load`` builds the
  ``SourceFile``, ``sniff`` sees its ``sniff_view``, ``read`` the whole source
  when the reader claims it): a float or ``None`` from ``sniff``, an ``Extract``
  or a ``CorpusError`` from ``read``, never another exception; and
  ``read_extract`` over all of them, the core's own call, likewise.

The inputs: random bytes, bytes behind a magic number or byte-order mark, text
of several scripts encoded in many encodings (with and without BOM), HTML built
from random tags, attributes, charset declarations, nesting, entities, comments
and CDATA, PDFs made by PDFium at test time and then mutated (truncated, bytes
flipped, streams corrupted, numbers changed), page dumps drawn with box borders,
paginated text with form feeds and page furniture, Markdown, and slices of the
real files in seeds/ and tests/fixtures/, mutated line by line.

The run is derandomised (the same examples on every run, so CI is repeatable)
and sized for CI: the ``corpus-fuzz`` profile. ``CORPUS_FUZZ_PROFILE=corpus-fuzz-deep``
runs 25 times as many examples, random ones, to look for new failures by hand. A
call that does not return within ``HANG_SECONDS`` fails its example as a hang.

A failure found here is fixed where it is and its input kept as an ``@example`` or
a test of its own (the HTML reader on a form feed, the PDF reader on a lone surrogate
in its metadata, at the end).
"""

from __future__ import annotations

import codecs
import ctypes
import io
import os
import re
import signal
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from types import FrameType

import pypdf
import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pypdfium2.raw as pdfium_raw  # type: ignore[import-untyped]
import pytest
from conftest import ROOT, SEEDS
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from corpus import CorpusError, DecodeError, Extract, SourceFile
from corpus.decode import Decoded, decode
from corpus.pluginhost import OWN_DISTRIBUTION, PluginHost
from corpus.prepare import load, read_extract
from corpus.readers import RegisteredReader, sniff_view
from corpus.sniff import sniff_media_type
from corpus.text import display_width

settings.register_profile(
    "corpus-fuzz",
    deadline=None,  # CI's cores are shared: time per example is no property
    max_examples=80,
    derandomize=True,
    database=None,  # nothing written into the work tree; derandomised runs need no replay
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    print_blob=True,
)
settings.register_profile("corpus-fuzz-deep", settings.get_profile("corpus-fuzz"), max_examples=2000, derandomize=False)
PROFILE = settings.get_profile(os.environ.get("CORPUS_FUZZ_PROFILE", "corpus-fuzz"))


def budget(share: float) -> settings:
    """The profile with ``share`` of its examples: the slow readers get fewer."""
    return settings(PROFILE, max_examples=max(10, round(PROFILE.max_examples * share)))


HANG_SECONDS = 60


class Hang(BaseException):
    """A call that did not return: a loop without end, or a blow-up no input should cause.

    Not an ``Exception``: the core's ``except Exception`` around a reader must not turn it into a refusal.
    """


@contextmanager
def hang_guard(what: str) -> Iterator[None]:
    """Fail with :class:`Hang` when the block runs past ``HANG_SECONDS`` (SIGALRM, main thread)."""

    def alarm(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"{what} did not return within {HANG_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(HANG_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# -- the readers, as the core loads them ----------------------------------------------

BUILT_IN = ("html", "pdf", "pdftext", "text", "webtext")


@cache
def readers() -> tuple[RegisteredReader, ...]:
    """The built-in readers, registered through their entry points as ``corpus add`` registers them."""
    host = PluginHost(disabled=frozenset())
    found = tuple(r for r in host.readers if r.plugin == OWN_DISTRIBUTION)
    assert sorted(r.name for r in found) == list(BUILT_IN), host.problems
    return found


def check_readers(name: str, data: bytes) -> None:
    """The property, for one input: every reader, then the core's choice, answer or refuse with a CorpusError."""
    path = Path(name)
    with hang_guard(f"load({name!r})"):
        source = load(path, data)
    assert isinstance(source, SourceFile)
    assert isinstance(source.media_type, str)
    view = sniff_view(source)
    for registered in readers():
        with hang_guard(f"reader {registered.name!r} sniffing {name!r}"):
            confidence = registered.reader.sniff(view)
        assert confidence is None or isinstance(confidence, int | float), (registered.name, confidence)
        if confidence is None or confidence <= 0:
            continue  # not this reader's: the core never hands it over
        with hang_guard(f"reader {registered.name!r} reading {name!r}"):
            try:
                extract = registered.reader.read(source)
            except CorpusError:
                continue
        assert isinstance(extract, Extract), (registered.name, extract)
    with hang_guard(f"read_extract({name!r})"):
        try:
            _, extract = read_extract(source, readers())
        except CorpusError:
            return
    assert isinstance(extract, Extract)


# -- text: words of several scripts, in many encodings ---------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


WORDS: dict[str, tuple[str, ...]] = {
    "en": _words("the of and board harbour engineer north pier channel repairs spring tenders quarter"),
    "fr": _words("le la les été très café élève façade garçon où déjà Noël conseil réunion"),
    "de": _words("der die das über Größe Straße schön müssen Bürger Prüfung Ausschuss"),
    "ru": _words("и в не на что это закон Российской Федерации статья граждан право"),
    "el": _words("και το της είναι νόμος άρθρο πολίτες δικαίωμα"),
    "he": _words("של את על זה חוק סעיף אזרחים"),
    "ar": _words("في من على هذا قانون مادة المواطنين"),
    "th": _words("การ ที่ ของ และ กฎหมาย มาตรา"),
    "zh": _words("中共中央 关于 加强 改进 党的 群团 工作 的 意见 各省 自治区 直辖市 党委 新华社 北京 電腦 網絡"),
    "ja": _words("これは 日本語 の 文章 です 東京 カタカナ 試験 ひらがな"),
    "ko": _words("대한민국 법률 제1조 국민 헌법 한국어 정부"),
}
UNSPACED = frozenset({"zh", "ja", "th"})
ENDINGS = (".", "。", "!", "?", "；", "…", ":", ",", "")


@st.composite
def sentences(draw: st.DrawFn, language: str | None = None) -> str:
    lang = language or draw(st.sampled_from(sorted(WORDS)))
    words = draw(st.lists(st.sampled_from(WORDS[lang]), min_size=1, max_size=18))
    glue = "" if lang in UNSPACED else " "
    return glue.join(words) + draw(st.sampled_from(ENDINGS))


ODD_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=60)  # any character a file can hold
PHRASE = st.one_of(sentences(), sentences(), sentences(), ODD_TEXT)


@st.composite
def prose(draw: st.DrawFn) -> str:
    """Paragraphs of one language (sometimes two), with an odd piece of text now and then."""
    lang = draw(st.sampled_from(sorted(WORDS)))
    parts = draw(st.lists(st.one_of(sentences(lang), sentences(lang), PHRASE), min_size=1, max_size=12))
    sep = draw(st.sampled_from(["\n", "\n\n", " ", "\r\n", "\r\n\r\n", "\n\f"]))
    return sep.join(parts)


ENCODINGS = (
    "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be",
    "gb18030", "gbk", "gb2312", "hz", "big5", "big5hkscs", "cp950", "shift_jis", "cp932", "euc_jp",
    "iso2022_jp", "euc_kr", "cp949", "johab", "iso2022_kr", "cp1251", "koi8-r", "iso8859-5", "cp866",
    "mac-cyrillic", "latin-1", "cp1252", "cp1250", "iso8859-2", "cp1253", "iso8859-7", "cp1255",
    "cp1256", "cp874", "cp437", "cp500", "cp037", "utf-7",
)  # fmt: skip
BOMS = (b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")


@st.composite
def encoded(draw: st.DrawFn, text: st.SearchStrategy[str]) -> bytes:
    """``text`` in one of many encodings; what an encoding cannot write is left out, a BOM sometimes added."""
    encoding = draw(st.sampled_from(ENCODINGS))
    data = draw(text).encode(encoding, errors="ignore")
    if draw(st.integers(0, 5)) == 0:  # a BOM of its own, or one that lies
        data = draw(st.sampled_from(BOMS)) + data
    return data


# -- bytes: random, and random behind the marks sniffing and decoding look for ---------

MAGIC = (
    b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"PK\x03\x04", b"PK\x03\x04" + b"\x00" * 26 + b"mimetype",
    b"\x1f\x8b\x08", b"\x7fELF", b"SQLite format 3\x00", b"RIFF\x00\x00\x00\x00WEBP", b"BM", b"\x00\x00\x01\x00",
    b"\x00\x01\x00\x00\x00", b"\x00\x00\x00\x18ftyp", *BOMS[1:], b"<?xml version='1.0' encoding='", b"<!doctype html>",
    b"<html", b"<svg", b"\x1b$B", b"~{", b"\x00", b"\x00\x00",
)  # fmt: skip
RANDOM_BYTES = st.one_of(
    st.binary(max_size=2048),
    st.builds(lambda magic, rest: magic + rest, st.sampled_from(MAGIC), st.binary(max_size=2048)),
    # Few distinct bytes: NUL columns, runs of controls, EBCDIC spaces, lone UTF-8 lead bytes.
    st.lists(st.sampled_from(b"\x00\x20\x40\x0a\x0c\x1b\x80\xc3\xe4\xa9\xff~{}$(B"), max_size=2048).map(bytes),
)


# -- HTML: random tags, attributes, charset declarations, nesting, entities, comments --

TAGS = (
    "html", "head", "body", "div", "p", "span", "a", "b", "i", "em", "strong", "br", "hr", "table", "thead", "tbody",
    "tr", "td", "th", "ul", "ol", "li", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "code",
    "blockquote", "article", "section", "main", "nav", "header", "footer", "aside", "figure", "figcaption", "img",
    "form", "input", "select", "option", "button", "iframe", "noscript", "script", "style", "template", "svg", "math",
    "title", "meta", "link", "time", "sup", "sub", "font", "center", "frameset", "x-widget", "o:p",
)  # fmt: skip
ATTRIBUTES = (
    "class", "id", "href", "src", "lang", "charset", "http-equiv", "content", "name", "property", "style", "itemprop",
    "datetime", "rel", "type", "hidden", "role", "aria-hidden", "data-x", "onclick", "xmlns", "dir",
)  # fmt: skip
ATTRIBUTE_VALUES = (
    "", "content", "article", "main", "nav", "menu", "footer", "share", "comment", "breadcrumb", "post-body",
    "og:title", "article:published_time", "2024-05-11T09:36:00Z", "https://example.com/a/b.html", "/relative",
    "javascript:void(0)", "zh-CN", "en", "display:none", "text/html; charset=gb2312", "utf-8", "author", "date",
)  # fmt: skip
CHARSETS = (
    "utf-8", "UTF-8", "gb2312", "gbk", "GB18030", "big5", "shift_jis", "euc-jp", "euc-kr", "iso-8859-1",
    "windows-1251", "koi8-r", "utf-16", "utf-16le", "x-user-defined", "iso-2022-jp", "hz-gb-2312", "ebcdic-cp-us",
    "bogus", "", "utf8;", "'utf-8'", "unicode-1-1-utf-7", "replacement", "x-mac-cyrillic",
)  # fmt: skip
ENTITIES = (
    "&amp;", "&lt;", "&gt;", "&nbsp;", "&quot;", "&copy;", "&#160;", "&#x4e2d;", "&#20013;", "&#0;", "&#xD800;",
    "&#x110000;", "&#99999999999;", "&bogus;", "&", "&#;", "&#x;", "&amp", "&mdash;", "&hellip;", "&#8203;",
)  # fmt: skip


def _attribute(name: str, value: str, quote: str) -> str:
    return f" {name}" if quote == "bare" else f" {name}={quote}{value.replace(quote, '') if quote else value}{quote}"


ATTRIBUTE = st.builds(
    _attribute,
    st.sampled_from(ATTRIBUTES),
    st.one_of(st.sampled_from(ATTRIBUTE_VALUES), st.text(max_size=12)),
    st.sampled_from(['"', "'", "", "bare"]),
)
HTML_LEAF = st.one_of(
    sentences(),
    sentences(),
    st.lists(st.one_of(st.sampled_from(ENTITIES), sentences()), min_size=1, max_size=5).map("".join),
    st.builds(lambda t: f"<!--{t}-->", st.text(max_size=20)),
    st.builds(lambda t: f"<![CDATA[{t}]]>", st.text(max_size=20)),
    st.sampled_from(["<!--", "-->", "<br>", "<br/>", "</p>", "<p>", "]]>", "<", ">", "</", "<?php echo 1; ?>", "¶"]),
    ODD_TEXT,
)


def _element(tag: str, attributes: list[str], children: list[str], closing: str) -> str:
    inner = "".join(children)
    opened = f"<{tag}{''.join(attributes)}"
    if closing == "self":
        return f"{opened}/>{inner}"
    if closing == "none":
        return f"{opened}>{inner}"
    if closing == "upper":
        return f"{opened.upper()}>{inner}</{tag.upper()}>"
    return f"{opened}>{inner}</{tag}>"


HTML_TREE = st.recursive(
    HTML_LEAF,
    lambda children: st.builds(
        _element,
        st.sampled_from(TAGS),
        st.lists(ATTRIBUTE, max_size=3),
        st.lists(children, max_size=5),
        st.sampled_from(["close", "close", "close", "none", "self", "upper"]),
    ),
    max_leaves=40,
)


@st.composite
def html_pages(draw: st.DrawFn) -> bytes:
    """A page: a prologue (BOM, XML declaration, doctype), a head with charset and metadata, a random body."""
    charset = draw(st.sampled_from(CHARSETS))
    prologue = draw(
        st.lists(
            st.sampled_from(
                [
                    "<!DOCTYPE html>",
                    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "xhtml1-strict.dtd">',
                    f'<?xml version="1.0" encoding="{charset}"?>',
                    "<!-- saved from url=(0040)https://example.com/ -->",
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n",
                    "\ufeff",
                    "\n\n  ",
                ]
            ),
            max_size=3,
        )
    )
    head = draw(
        st.lists(
            st.sampled_from(
                [
                    f'<meta charset="{charset}">',
                    f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">',
                    f"<title>{draw(sentences())}</title>",
                    f'<meta property="og:title" content="{draw(sentences())}">',
                    '<meta property="article:published_time" content="2024-05-11T09:36:00+08:00">',
                    '<meta name="author" content="A. Writer">',
                    '<link rel="canonical" href="https://example.com/news/2024/05/11/article.html">',
                    "<style>p { color: red } /* </style> */</style>",
                    "<script>var s = '</div><p>not text</p>'; if (a < b && c > d) {}</script>",
                ]
            ),
            max_size=5,
        )
    )
    body = draw(st.lists(HTML_TREE, min_size=1, max_size=6))
    depth = draw(st.sampled_from([0, 0, 0, 0, 40, 254, 255, 256, 257, 300]))
    nested = "<div>" * depth + "".join(body) + "</div>" * depth
    shape = draw(st.sampled_from(["full", "full", "no-html", "fragment"]))
    if shape == "full":
        page = f"<html><head>{''.join(head)}</head><body>{nested}</body></html>"
    elif shape == "no-html":
        page = f"<head>{''.join(head)}</head>{nested}"
    else:
        page = "".join(head) + nested
    text = "\n".join(prologue) + page
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "declared", "gb18030", "cp1252", "utf-16", "shift_jis"]))
    if encoding == "declared":
        try:
            encoding = codecs.lookup(charset.strip("';")).name
        except LookupError:
            encoding = "utf-8"
    return text.encode(encoding, errors="ignore")


# -- lines of printed and dumped pages --------------------------------------------------

PAGE_NUMBER_STYLES = (
    "{n}",
    "- {n} -",
    "Page {n}",
    "Page {n} of {m}",
    "[Page {n}]",
    "{n}/{m}",
    "第{n}页",
    "— {n} —",
    "iii",
)
CHROME_LINES = (
    "当前位置: 首页 > 通知公告 > 正文", "上一条:", "下一条:", "版权所有:青岛大学工会妇委会", "宁夏路308号", "电话: 0532-85953372",
    "来源: | 发布时间: 2018-05-17 | 浏览次数: 2168", " *   首页", " *   机构职能", "Home | About | Contact | Login",
    "Share on Facebook", "Tweet", "Posted by John Smith on May 11, 2024", "© 2024 Example Inc. All rights reserved.",
    "Tel: +1 555 0100", "editor@example.com", "Related articles", "Previous: The harbour board", "Next: Tenders",
    "You are here: Home > News > 2024", "Print", "Back to top", "[index_08]", "embed(../images/flash/15.jpg)",
)  # fmt: skip
STAMPS = (
    "5/11/24, 9:36 AM", "11/05/2024, 09:36", "2024-05-11 09:36", "https://example.com/news/2024/05/11/a.html",
    "file:///C:/Users/a/page.html", "about:blank",
)  # fmt: skip
MARKDOWN_LINES = (
    "# A title", "## Section", "### 1.2 Sub", "Title", "=====", "-----", "- item", "* item", "1. first", "10) tenth",
    "```", "~~~", "    code", "> quoted", "| a | b |", "|---|:--:|", "[ref]: https://example.com", "***", "---",
    "**bold** and *it* and _it_ and `code`", "![img](x.png)", "[text](https://x.y)", "<!-- note -->", "<!--", "-->",
    "\\*not emphasis\\*", "***bold-italic***", "__", "**", "<div>raw html</div>",
)  # fmt: skip
TOC_LINES = ("Table of Contents", "1.  Introduction ....................... 3", "2.  Terms . . . . . . . . . 4",
             "   2.1.  Detail ......................... 12", "Appendix A.  Acknowledgements ......... 20")  # fmt: skip
TABLE_LINES = ("+------+-------+", "| a    | b     |", "+======+=======+", "|      | c     |", "+---", "|", "+")


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for char in text:
        if display_width(line + char) > width:
            lines.append(line)
            line = ""
        line += char
    return [*lines, line] if line else lines


@st.composite
def printed_lines(draw: st.DrawFn) -> list[str]:
    """A page's body: prose wrapped at a width (some hyphenated), headings, a table or ToC, odd lines."""
    width = draw(st.integers(8, 90))
    indent = " " * draw(st.sampled_from([0, 0, 3, 4, 8]))
    out: list[str] = []
    for kind in draw(st.lists(st.sampled_from(["prose", "prose", "heading", "blank", "toc", "table", "odd", "md"]))):
        if kind == "prose":
            for line in _wrap(draw(prose()).replace("\n", " "), width):
                hyphen = "-" if draw(st.integers(0, 6)) == 0 else ""
                out.append(indent + line + hyphen)
        elif kind == "heading":
            out.append(
                draw(st.sampled_from(["1.  Introduction", "2.3.  Terms", "CHAPTER II", "第一章 总则", "Abstract"]))
            )
        elif kind == "blank":
            out.append(draw(st.sampled_from(["", " ", "\t"])))
        elif kind == "toc":
            out.extend(draw(st.lists(st.sampled_from(TOC_LINES), max_size=5)))
        elif kind == "table":
            out.extend(draw(st.lists(st.sampled_from(TABLE_LINES), max_size=6)))
        elif kind == "md":
            out.extend(draw(st.lists(st.sampled_from(MARKDOWN_LINES), max_size=6)))
        else:
            out.append(draw(ODD_TEXT).replace("\n", " "))
    return out


@st.composite
def paginated(draw: st.DrawFn) -> bytes:
    """Pages parted by form feeds, each with the running header, page number and print stamps of the document."""
    pages = draw(st.integers(1, 6))
    header = draw(st.one_of(sentences(), st.sampled_from(["RFC 2616  HTTP/1.1  June 1999", "", "Fielding, et al."])))
    number = draw(st.sampled_from(PAGE_NUMBER_STYLES))
    stamps = draw(st.lists(st.sampled_from(STAMPS), max_size=2))
    where = draw(st.sampled_from(["top", "bottom", "both", "none"]))
    text_pages = []
    for n in range(1, pages + 1):
        body = draw(printed_lines())
        mark = number.format(n=n, m=pages)
        top = [header, *([mark] if where in ("top", "both") else []), *stamps[:1]]
        bottom = [*stamps[1:], *([mark] if where in ("bottom", "both") else [])]
        if draw(st.booleans()):
            bottom = [f"{stamps[-1] if stamps else header}{' ' * draw(st.integers(1, 40))}{mark}"]
        text_pages.append("\n".join([*top, "", *body, "", *bottom]))
    page_break = draw(st.sampled_from(["\f", "\n\f", "\f\n", "\n\f\n", "\n\n\n"]))
    text = page_break.join(text_pages)
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8", "gb18030", "utf-16", "cp1252"])), errors="ignore")


BOXES = (
    ("┌", "─", "┬", "┐", "│", "├", "┼", "┤", "└", "┴", "┘"),
    ("+", "-", "+", "+", "|", "+", "+", "+", "+", "+", "+"),
    ("╔", "═", "╦", "╗", "║", "╠", "╬", "╣", "╚", "╩", "╝"),
    ("┏", "━", "┳", "┓", "┃", "┣", "╋", "┫", "┗", "┻", "┛"),
)


@st.composite
def page_dumps(draw: st.DrawFn) -> bytes:
    """A text browser's dump of a page laid out in a table: bordered cells side by side, chrome around."""
    tl, h, tj, tr, v, lj, x, rj, bl, bj, br = draw(st.sampled_from(BOXES))
    widths = draw(st.lists(st.integers(1, 50), min_size=1, max_size=4))
    rows: list[list[list[str]]] = []
    for _ in range(draw(st.integers(1, 4))):
        cells = []
        for width in widths:
            kind = draw(st.sampled_from(["prose", "menu", "empty", "chrome"]))
            if kind == "prose":
                cells.append(_wrap(draw(prose()).replace("\n", " ").replace("\r", ""), width))
            elif kind == "menu":
                cells.append(draw(st.lists(st.sampled_from(WORDS["zh"] + WORDS["en"]), max_size=8)))
            elif kind == "chrome":
                cells.append(draw(st.lists(st.sampled_from(CHROME_LINES), max_size=4)))
            else:
                cells.append([])
        rows.append(cells)

    def pad(text: str, width: int) -> str:
        return text + " " * max(0, width - display_width(text))

    def rule(left: str, join: str, right: str) -> str:
        return left + join.join(h * w for w in widths) + right

    lines = [rule(tl, tj, tr)]
    for n, cells in enumerate(rows):
        if n:
            lines.append(rule(lj, x, rj))
        for i in range(max((len(c) for c in cells), default=0)):
            lines.append(v + v.join(pad(c[i] if i < len(c) else "", w) for c, w in zip(cells, widths, strict=True)) + v)
    lines.append(rule(bl, bj, br))
    margin = " " * draw(st.integers(0, 20))
    above = draw(st.lists(st.sampled_from(CHROME_LINES), max_size=6))
    below = draw(st.lists(st.sampled_from(CHROME_LINES), max_size=6))
    # A misdrawn border: a cell too wide, a column cut short.
    if draw(st.integers(0, 3)) == 0 and len(lines) > 2:
        i = draw(st.integers(1, len(lines) - 2))
        lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
    text = "\n".join([*above, "", *(margin + line for line in lines), "", *below])
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8", "gb18030", "utf-16-le"])), errors="ignore")


@st.composite
def line_soup(draw: st.DrawFn) -> bytes:
    """Lines of every kind the text readers look for, in any order, with any line ends."""
    kinds = st.one_of(
        st.sampled_from(CHROME_LINES),
        st.sampled_from(MARKDOWN_LINES),
        st.sampled_from(TOC_LINES),
        st.sampled_from(TABLE_LINES),
        st.sampled_from(STAMPS),
        st.sampled_from(PAGE_NUMBER_STYLES).map(lambda s: s.format(n=3, m=9)),
        sentences(),
        ODD_TEXT,
        st.just(""),
        st.just("\f"),
    )
    lines = draw(st.lists(st.tuples(st.sampled_from(["", "", "  ", "        ", "\t"]), kinds), max_size=60))
    end = draw(st.sampled_from(["\n", "\r\n", "\r", "\n\n"]))
    text = end.join(indent + line for indent, line in lines)
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8", "gb18030", "utf-16"])), errors="ignore")


# -- slices of the real files, mutated -------------------------------------------------

FIXTURES = ROOT / "tests" / "fixtures"


@cache
def real_texts() -> tuple[tuple[str, str], ...]:
    """(name, text) of the project's own text and HTML files: seeds, page dumps, IETF drafts."""
    paths = [
        *sorted(SEEDS.glob("*.txt")),
        *sorted((FIXTURES / "page-dumps").glob("*.txt")),
        *sorted((FIXTURES / "ietf").glob("*/*.txt")),
        *sorted((FIXTURES / "ietf").glob("*/*.html")),
        *sorted((FIXTURES / "script-variants").glob("*.*")),
    ]
    assert paths
    return tuple((p.name, p.read_text(encoding="utf-8")) for p in paths if p.name != "README.md")


@st.composite
def real_slices(draw: st.DrawFn) -> tuple[str, bytes]:
    """A stretch of lines of a real file (at most 300), with lines dropped, repeated, broken, form feeds put in."""
    name, text = draw(st.sampled_from(real_texts()))
    lines = text.splitlines(keepends=True)
    start = draw(st.integers(0, max(0, len(lines) - 1)))
    end = draw(st.integers(start, min(len(lines), start + 300)))
    chosen = lines[start:end]
    for _ in range(draw(st.integers(0, 6))):
        if not chosen:
            break
        i = draw(st.integers(0, len(chosen) - 1))
        op = draw(st.sampled_from(["drop", "repeat", "cut", "feed", "insert"]))
        if op == "drop":
            del chosen[i]
        elif op == "repeat":
            chosen.insert(i, chosen[i])
        elif op == "cut":
            chosen[i] = chosen[i][: draw(st.integers(0, len(chosen[i])))]
        elif op == "feed":
            chosen.insert(i, "\f")
        else:
            chosen.insert(i, draw(PHRASE) + "\n")
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "gb18030", "utf-16", "big5"]))
    return name, "".join(chosen).encode(encoding, errors="ignore")


# -- PDFs made by PDFium, then damaged -------------------------------------------------

PDF_LINES = (
    "Minutes of the harbour board, third meeting of the year.",
    "The board heard the engineer on the state of the north pier and the dredging of the channel.",
    "It was agreed that the repairs begin in the spring and that tenders be invited at once.",
    "The treasurer reported that the dues collected this quarter exceed those of the last.",
    "1. Introduction",
    "https://example.com/news/2024/05/11/a.html",
    "5/11/24, 9:36 AM",
    "Posted by John Smith on 2024-05-11",
    "© 2024 Example Inc. All rights reserved.",
)


def make_pdf(pages: Sequence[Sequence[tuple[str, float]]]) -> bytes:
    """A PDF written by PDFium: each page's lines (text, font size) in Helvetica, one below the other."""
    document = pdfium.PdfDocument.new()
    for lines in pages:
        page = document.new_page(612, 792)
        y = 740.0
        for text, size in lines:
            obj = pdfium_raw.FPDFPageObj_NewTextObj(document.raw, b"Helvetica", size)
            buffer = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
            pdfium_raw.FPDFText_SetText(obj, ctypes.cast(buffer, ctypes.POINTER(pdfium_raw.FPDF_WCHAR)))
            pdfium_raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 72, y)
            pdfium_raw.FPDFPage_InsertObject(page.raw, obj)
            y -= size * 1.4
        pdfium_raw.FPDFPage_GenerateContent(page.raw)
        page.close()
    out = io.BytesIO()
    document.save(out)
    document.close()
    return _same_every_time(out.getvalue())


_CLOCK = re.compile(rb"(?<=/CreationDate\(D:)\d{14}|(?<=/ID\[<)[0-9A-F]+(?=>)|(?<=><)[0-9A-F]+(?=>\])")


def _same_every_time(data: bytes) -> bytes:
    """The PDF without what PDFium takes from the clock (its date, its /ID): the same bytes on every run.

    Hypothesis replays and shrinks examples: an input must not change between two draws.
    Each is overwritten in place, so that the cross-reference offsets still hold.
    """
    return _CLOCK.sub(lambda m: b"20240511093600" if len(m.group()) == 14 else b"0" * len(m.group()), data)


@cache
def base_pdfs() -> tuple[bytes, ...]:
    """Small real PDFs: one page, a few pages with running headers and page numbers, no text, a title."""
    body = [(line, 11.0) for line in PDF_LINES[:4]]
    words = WORDS["en"]

    def page_body(n: int) -> list[tuple[str, float]]:  # text of its own on each page
        return [(" ".join(words[(n * 7 + i * 3 + j) % len(words)] for j in range(12)) + ".", 11.0) for i in range(6)]

    made = [
        make_pdf([body]),
        make_pdf([[("Harbour Board Minutes", 9.0), *page_body(n), *body[n:], (f"Page {n}", 9.0)] for n in (1, 2, 3)]),
        make_pdf([[("A Title Set Large", 24.0), *[(line, 11.0) for line in PDF_LINES]]]),
        make_pdf([[]]),
        make_pdf(
            [[("5/11/24, 9:36 AM", 8.0), *page_body(n), *body[n:], (f"{PDF_LINES[5]}  {n}/2", 8.0)] for n in (1, 2)]
        ),
    ]
    # The same, rewritten by pypdf with declared metadata and uncompressed streams.
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(made[2]))
    writer.add_metadata(
        {"/Title": "A Title Set Large", "/Author": "A. Writer", "/CreationDate": "D:20111220110054-05'00'"}
    )
    out = io.BytesIO()
    writer.write(out)
    made.append(out.getvalue())
    return tuple(made)


@st.composite
def fresh_pdfs(draw: st.DrawFn) -> bytes:
    """A PDF made for this example: drawn lines and sizes, and metadata that pypdf writes in."""
    lines = st.tuples(
        st.one_of(st.sampled_from(PDF_LINES), sentences(), ODD_TEXT), st.sampled_from([0.5, 8.0, 11.0, 30.0])
    )
    data = make_pdf(draw(st.lists(st.lists(lines, max_size=8), min_size=1, max_size=3)))
    metadata = draw(
        st.dictionaries(
            st.sampled_from(
                ["/Title", "/Author", "/Subject", "/Producer", "/Creator", "/CreationDate", "/ModDate", "/Lang"]
            ),
            st.one_of(
                st.sampled_from(["D:20111220110054-05'00'", "D:0000", "D:2024", "D:99999999", "", "D:"]), ODD_TEXT
            ),
            max_size=4,
        )
    )
    if not metadata:
        return data
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(data))
    writer.add_metadata(metadata)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
# Which stream or number to damage, drawn the same way whatever the PDF holds (their count varies).
INDEX = st.integers(0, 2**16)
_NUMBER = re.compile(rb"\d+")


@st.composite
def damaged_pdfs(draw: st.DrawFn) -> bytes:
    """A real PDF, then truncated, bytes flipped or inserted or cut, a stream's content replaced, a number changed."""
    data = bytearray(draw(st.one_of(st.sampled_from(base_pdfs()), fresh_pdfs())))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["truncate", "flip", "insert", "cut", "stream", "number", "number"]))
        if op == "truncate":
            del data[draw(st.integers(0, len(data))) :]
        elif op == "flip" and data:
            i = draw(st.integers(0, len(data) - 1))
            data[i] ^= draw(st.integers(1, 255))
        elif op == "insert":
            i = draw(st.integers(0, len(data)))
            data[i:i] = draw(st.binary(min_size=1, max_size=32))
        elif op == "cut" and data:
            i = draw(st.integers(0, len(data) - 1))
            del data[i : i + draw(st.integers(1, 64))]
        elif op == "stream":
            streams = list(_STREAM.finditer(data))
            if streams:
                stream = streams[draw(INDEX) % len(streams)]
                content = stream.group(1)
                kind = draw(st.sampled_from(["random", "deflate-random", "truncated", "operators", "empty"]))
                if kind == "random":
                    content = draw(st.binary(max_size=256))
                elif kind == "deflate-random":
                    content = zlib.compress(draw(st.binary(max_size=256)))
                elif kind == "truncated":
                    content = content[: draw(st.integers(0, len(content)))]
                elif kind == "operators":
                    ops = [
                        "BT",
                        "ET",
                        "Tf",
                        "Td",
                        "TJ",
                        "Tj",
                        "'",
                        '"',
                        "Tm",
                        "q",
                        "Q",
                        "cm",
                        "Do",
                        "(x)",
                        "<4e2d>",
                        "[(a) 120 (b)]",
                        "/F1",
                        "-1e309",
                        "99999999999",
                        "0",
                    ]
                    content = zlib.compress(" ".join(draw(st.lists(st.sampled_from(ops), max_size=40))).encode())
                else:
                    content = b""
                data[stream.start(1) : stream.end(1)] = content
        elif op == "number":
            numbers = list(_NUMBER.finditer(data))
            if numbers:
                number = numbers[draw(INDEX) % len(numbers)]
                data[number.start() : number.end()] = str(
                    draw(st.sampled_from([0, 1, 2, 7, 65535, 2**31, 2**63, 10**30]))
                ).encode()
    return bytes(data)


# -- file names ------------------------------------------------------------------------

SUFFIXES = (
    "",
    ".txt",
    ".html",
    ".htm",
    ".xhtml",
    ".md",
    ".markdown",
    ".rst",
    ".pdf",
    ".xml",
    ".csv",
    ".bin",
    ".TXT",
    ".HTML",
)
NAMES = st.builds(
    lambda stem, suffix: stem + suffix,
    st.one_of(st.sampled_from(["source", "page", "doc", ".hidden", "a.b.c", "", " "]), st.text(max_size=12)),
    st.sampled_from(SUFFIXES),
)


def file_name(name: str) -> str:
    """A name a file could have: no NUL nor slash, never empty."""
    cleaned = name.replace("\x00", "").replace("/", "_")
    return cleaned if cleaned.strip(". ") else f"source{cleaned}"


@st.composite
def long_texts(draw: st.DrawFn) -> bytes:
    """Text past the decoder's 8 KB sample: many lines, or one line without end (minified HTML, a log)."""
    piece = draw(st.one_of(encoded(prose()), html_pages(), line_soup()))
    times = 1 + 12_000 // max(1, len(piece))
    filler = draw(st.sampled_from([b"", b"\n", b" ", b"<br>", b"a" * 2000 + b"\n"]))
    data = (piece + filler) * min(times, 400)
    if draw(st.booleans()):
        data = data.replace(b"\n", b" ")
    return data


ANY_DOCUMENT = st.one_of(
    RANDOM_BYTES,
    encoded(prose()),
    html_pages(),
    paginated(),
    page_dumps(),
    line_soup(),
    damaged_pdfs(),
    real_slices().map(lambda pair: pair[1]),
)


# -- the decoder -----------------------------------------------------------------------


def decoded_or_refused(data: bytes, declared: str | None = None) -> Decoded | None:
    with hang_guard(f"decode of {len(data)} bytes"):
        try:
            result = decode(data, declared=declared)
        except DecodeError:
            return None
    assert isinstance(result, Decoded)
    assert isinstance(result.text, str)
    assert 0.0 <= result.confidence <= 1.0
    # The promise of the docstring: the encoding reported is one that reads the bytes as the text.
    assert data.decode(result.encoding) == result.text
    return result


@given(data=ANY_DOCUMENT)
@budget(2.0)
def test_decode_gives_text_or_decode_error(data: bytes) -> None:
    decoded_or_refused(data)


@given(data=long_texts())
# Found by this test: a candidate that reads the sample (lines cut inside a character) but not
# the whole data is thousands of bits cheaper than the one chosen, and the confidence overflowed.
@example(data=b"\xd93\n" * 2731)
@budget(0.3)
def test_decode_long_text(data: bytes) -> None:
    decoded_or_refused(data)


@given(
    data=st.one_of(encoded(prose()), html_pages(), RANDOM_BYTES),
    declared=st.one_of(st.none(), st.sampled_from(CHARSETS), st.sampled_from(ENCODINGS), st.text(max_size=16)),
)
@budget(1.0)
def test_decode_with_any_declared_charset(data: bytes, declared: str | None) -> None:
    decoded_or_refused(data, declared)


@given(text=st.one_of(prose(), st.text(max_size=500), st.text(alphabet=st.characters(codec="utf-8"), max_size=500)))
@budget(2.0)
def test_valid_utf8_without_bom_comes_back_as_its_text(text: str) -> None:
    data = text.encode("utf-8", errors="surrogatepass")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        text = text[1:]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:  # surrogates: not valid UTF-8
        return
    result = decoded_or_refused(data)
    if result is not None:
        assert result.text == text


# -- the sniffer ---------------------------------------------------------------------------


@given(data=st.one_of(ANY_DOCUMENT, st.binary(max_size=20000)), name=NAMES)
@budget(2.0)
def test_sniff_gives_a_media_type(data: bytes, name: str) -> None:
    with hang_guard("sniff_media_type"):
        media_type = sniff_media_type(data, Path(name))
    assert isinstance(media_type, str)
    assert re.fullmatch(r"[a-z0-9.+-]+/[a-z0-9.+-]+", media_type), media_type


# -- the readers ---------------------------------------------------------------------------


@given(data=RANDOM_BYTES, name=NAMES)
@budget(1.0)
def test_readers_on_random_bytes(data: bytes, name: str) -> None:
    check_readers(file_name(name), data)


@given(data=encoded(prose()), name=NAMES)
@budget(1.0)
def test_readers_on_text_in_many_encodings(data: bytes, name: str) -> None:
    check_readers(file_name(name), data)


@given(data=html_pages(), name=st.sampled_from(["page.html", "page.htm", "page.txt", "page"]))
@budget(0.6)
def test_readers_on_html(data: bytes, name: str) -> None:
    check_readers(name, data)


@given(data=damaged_pdfs(), name=st.sampled_from(["doc.pdf", "doc", "doc.txt"]))
@budget(1.0)
def test_readers_on_damaged_pdfs(data: bytes, name: str) -> None:
    check_readers(name, data)


@given(data=fresh_pdfs())
@budget(0.3)
def test_readers_on_pdfs(data: bytes) -> None:
    check_readers("doc.pdf", data)


@given(data=page_dumps(), name=st.sampled_from(["dump.txt", "dump", "dump.md"]))
@budget(1.0)
def test_readers_on_page_dumps(data: bytes, name: str) -> None:
    check_readers(name, data)


@given(data=paginated(), name=st.sampled_from(["printed.txt", "printed", "printed.md"]))
@budget(1.0)
def test_readers_on_paginated_text(data: bytes, name: str) -> None:
    check_readers(name, data)


@given(data=line_soup(), name=st.sampled_from(["soup.txt", "soup.md", "soup.html", "soup"]))
@budget(1.0)
def test_readers_on_lines_of_every_kind(data: bytes, name: str) -> None:
    check_readers(name, data)


@given(data=long_texts(), name=st.sampled_from(["long.txt", "long.html", "long"]))
@budget(0.1)
def test_readers_on_long_text(data: bytes, name: str) -> None:
    check_readers(name, data)


@given(pair=real_slices())
@budget(0.6)
def test_readers_on_slices_of_real_files(pair: tuple[str, bytes]) -> None:
    check_readers(*pair)


def test_pdf_strategy_starts_from_pdfs_the_pdf_reader_reads() -> None:
    """The PDFs the damage starts from are real: undamaged, the PDF reader reads their text, or says there is none."""
    pdf = next(r for r in readers() if r.name == "pdf")
    extracts: list[Extract | str] = []
    for data in base_pdfs():
        source = load(Path("doc.pdf"), data)
        assert source.media_type == "application/pdf"
        try:
            extracts.append(pdf.reader.read(source))
        except CorpusError as exc:
            extracts.append(str(exc))
    one, paged, titled, empty, printed, declared = extracts
    assert isinstance(one, Extract) and "third meeting of the year" in one.paragraphs[0]
    assert isinstance(paged, Extract) and {"Page 1", "Page 2", "Page 3"} <= {r.text for r in paged.removed}
    assert isinstance(titled, Extract) and titled.title == "A Title Set Large"
    assert isinstance(empty, str) and "no text" in empty
    assert isinstance(printed, Extract) and printed.metadata.get("url") == PDF_LINES[5]
    assert isinstance(declared, Extract) and declared.metadata.get("author") == "A. Writer"


# -- the bugs fuzzing found in code this test may not change ---------------------------------

RFC_HTML = FIXTURES / "ietf" / "draft-ietf-httpbis-rfc7238bis" / "v2.html"


def _page_break_before_first_section() -> bytes:
    data = RFC_HTML.read_bytes()
    at = data.index(b'<h1 id="rfc.section.1">')
    return data[:at] + b"\f\n" + data[at:]


@pytest.mark.parametrize(
    "data",
    [
        # trafilatura's title extraction (corpus_html._metadata.page_metadata) sets the text of a copy of the <h1>.
        pytest.param(b"<html><body><h1>\x0c</h1></body></html>", id="form-feed-in-h1"),
        # corpus_html._navigation drops the table of contents and moves its tail, the page break, onto the element before.
        pytest.param(_page_break_before_first_section(), id="rfc-page-break-after-toc"),
    ],
)
def test_html_reader_reads_a_page_holding_a_form_feed(data: bytes) -> None:
    """Bug 1, fixed: lxml refused the form feed when trafilatura or _navigation set an element's text."""
    html = next(r for r in readers() if r.name == "html")
    source = load(Path("page.html"), data)
    assert source.media_type == "text/html" and source.text is not None
    try:
        extract = html.reader.read(source)
    except CorpusError:
        return
    assert isinstance(extract, Extract)


def _lone_surrogate_in_metadata() -> bytes:
    """A PDF written by PDFium whose /Creator is a UTF-16 string of one unpaired surrogate."""
    data = base_pdfs()[0]
    assert b"/Creator(PDFium)" in data
    return data.replace(b"/Creator(PDFium)", b"/Creator<FEFFD800>")


def test_pdf_reader_reads_a_pdf_whose_metadata_holds_a_lone_surrogate() -> None:
    """Bug 2, fixed: pypdfium2's get_metadata_dict raised UnicodeDecodeError on such a string."""
    pdf = next(r for r in readers() if r.name == "pdf")
    source = load(Path("doc.pdf"), _lone_surrogate_in_metadata())
    assert source.media_type == "application/pdf"
    extract = pdf.reader.read(source)
    assert isinstance(extract, Extract) and any(p.strip() for p in extract.paragraphs)
