"""Reader for PDF files: the text layer as paragraphs, without the page furniture.

A PDF holds positioned glyphs, not paragraphs. PDFium (through pypdfium2,
Apache-2.0/BSD-3) gives each page's text in reading order, and where every
line sits and how large it is set (``_lines``); it reads this project's test
PDFs about ten times faster than pdfminer.six and pypdf, and reads Chinese fonts
they return nothing for (see ``benchmarks/pdf_extraction.py``). From the
geometry the reader cuts the page furniture (``_furniture``: page numbers,
running headers and footers, a browser's print stamps) and footnote marks
(``_marks``), rejoins the lines into paragraphs (``_paragraphs``), and, when
the PDF is a printed web page, keeps the article and cuts the site around it
(``_article``). The title is the heading the first page shows, checked against
the declared ``/Title`` (``_title``).

Metadata, as strings: ``pages``, what the PDF declares (``producer``,
``creator``, ``author``, ``subject``), ``date`` (the PDF's creation date; for a
printed web page the date of its byline, the print date being ``printed``),
``url`` (the address a browser printed in the footer) and ``language`` (from
the script when the text is Chinese, Japanese or Korean, else ``/Lang``).

A PDF it cannot read is refused with a :class:`corpus.ReaderError` that says
why: encrypted, broken (truncated or damaged), or image-only (a scan without a
text layer); so is one over the limits it is read under (``source.limits``):
more pages than ``max_pages``, or streams that inflate to more than
``max_decompressed_size``, measured before PDFium inflates them
(``_streams``). It registers through the ``corpus`` entry-point group like any
third-party plugin and uses only the public API of :mod:`corpus`, plus the
line-level clean-up the PDF-text reader (``corpus_pdftext``) exports.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from corpus import Extract, Reader, Removed, SourceFile, hookimpl
from corpus.text import printed_width, script_of
from corpus_pdf._article import Article, body_size, find_article, is_prose
from corpus_pdf._document import declared_title, metadata, opened, refuse_without_text
from corpus_pdf._furniture import strip_furniture
from corpus_pdf._lines import TextLine, page_lines
from corpus_pdf._marks import strip_marks
from corpus_pdf._paragraphs import Paragraph, paragraphs
from corpus_pdf._streams import inflated_size
from corpus_pdf._title import find_title, plausible

__all__ = ["PdfReader", "corpus_register_readers"]

_CONFIDENCE = 0.9
_MAGIC = b"%PDF-"
# A document's title is on its first pages, above the first prose.
_TITLE_PAGES = 2
_DATE = re.compile(r"((?:19|20)\d\d)\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})")
_BYLINE_LOOKBACK = 6
_MIN_REPEATED = 20


class PdfReader:
    """Reads PDF files; see the module docstring."""

    name: str = "pdf"
    version: str = "1.0"
    media_types: tuple[str, ...] = ("application/pdf",)

    def sniff(self, source: SourceFile) -> float | None:
        if source.media_type == "application/pdf" or source.data[:1024].lstrip()[:5] == _MAGIC:
            return _CONFIDENCE
        return None

    def read(self, source: SourceFile) -> Extract:
        where = source.location
        limits = source.limits
        if limits.max_decompressed_size is not None:
            limits.check_decompressed(inflated_size(source.data, limits.max_decompressed_size), where)
        with opened(source.data, where) as document:
            limits.check_pages(len(document), where)
            pages = [page_lines(document, number) for number in range(len(document))]
            refuse_without_text(document, where, sum(len(line.text) for page in pages for line in page))
            info = metadata(document)
            declared = declared_title(document)
        return _extract(pages, info, declared)


def _extract(pages: Sequence[Sequence[TextLine]], info: dict[str, str], declared: str | None) -> Extract:
    furniture = strip_furniture(pages)
    text_pages, marks = strip_marks(furniture.pages)
    found = paragraphs(text_pages, web_page=furniture.printed_web_page)
    metadata = dict(info)
    if furniture.printed_web_page:
        title, body, chrome = _printed_page(found, declared, metadata)
        if furniture.url:
            metadata["url"] = furniture.url
    else:
        title, body, chrome = _document(found, declared)
    language = _script_language(body) or metadata.get("language")
    if language:
        metadata["language"] = language
    removed = [*furniture.removed, *marks, *(Removed(text, "site-chrome") for text in chrome)]
    return Extract(paragraphs=body, title=title, metadata=metadata, removed=removed)


def _document(found: Sequence[Paragraph], declared: str | None) -> tuple[str | None, list[str], list[str]]:
    """Title, paragraphs and nothing cut: a document is all content once its furniture is gone."""
    start = next((i for i, p in enumerate(found) if is_prose(p) and p.page < _TITLE_PAGES), 0)
    title_index = find_title(found, start, declared, body_size(found))
    title = found[title_index].text if title_index is not None else plausible(declared)
    return title, [p.text for i, p in enumerate(found) if i != title_index and p.text], []


def _printed_page(
    found: Sequence[Paragraph], declared: str | None, metadata: dict[str, str]
) -> tuple[str | None, list[str], list[str]]:
    """Title, the article's paragraphs and the site chrome cut around them.

    The page's date is the one its byline shows; the PDF's own date is the day
    it was printed, kept as ``printed``.
    """
    article = find_article(found) or Article(0, len(found), frozenset())
    title_index = find_title(found, article.start, declared, body_size(found[article.start : article.end]))
    title = found[title_index].text if title_index is not None else plausible(declared)
    if "date" in metadata:
        metadata["printed"] = metadata.pop("date")
    date = _byline_date(found, title_index, article.start)
    if date:
        metadata["date"] = date
    body: list[str] = []
    chrome: list[str] = []
    for i, paragraph in enumerate(found):
        if i == title_index:
            continue
        # A paragraph the page prints twice is a widget's (a slideshow's caption).
        repeated = paragraph.text in body and printed_width(paragraph.text) >= _MIN_REPEATED
        (body if i in article and not repeated else chrome).append(paragraph.text)
    return title, [text for text in body if text], chrome


def _byline_date(found: Sequence[Paragraph], title_index: int | None, start: int) -> str | None:
    """The first date from below the title (or a few paragraphs above the article) to the article's first paragraph."""
    first = title_index + 1 if title_index is not None else max(0, start - _BYLINE_LOOKBACK)
    for paragraph in found[first : start + 1]:
        match = _DATE.search(paragraph.text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            if 1 <= month <= 12 and 1 <= day <= 31:
                return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def _script_language(texts: Sequence[str]) -> str | None:
    """``zh``, ``ja`` or ``ko`` when the text is mostly in that script.

    Browsers write the page's ``lang`` attribute as the PDF's ``/Lang``, and
    pages declare ``en-US`` over Chinese text; the script does not lie.
    """
    han = kana = hangul = letters = 0
    for text in texts:
        for ch in text:
            if not ch.isalpha():
                continue
            letters += 1
            script = script_of(ch)
            if script == "han":
                han += 1
            elif script == "kana":
                kana += 1
            elif script == "hangul":
                hangul += 1
    if not letters:
        return None
    if kana >= 0.05 * letters and han + kana >= 0.3 * letters:
        return "ja"
    if hangul >= 0.3 * letters:
        return "ko"
    if han >= 0.3 * letters:
        return "zh"
    return None


@hookimpl
def corpus_register_readers(register: Callable[[Reader], None]) -> None:
    register(PdfReader())
