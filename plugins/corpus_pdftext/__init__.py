"""Reader for text extracted from a PDF: paragraphs rejoined, page furniture cut.

pdftotext, PyMuPDF, pdfminer and a copy from a PDF viewer all give the printed
lines, not the paragraphs: a hard break every line, sometimes a blank line after
each, a page number and a running header on every page, a form feed or a stray
indent at each page break. A corpus wants the paragraphs, so that the PDF of a
document matches its web page, and an audit wants to see what was cut. The
reader cuts the furniture, measures the page and rejoins the lines. Headings
stay paragraphs of their own.

It reads the text, not the PDF bytes: a source whose bytes are a PDF is for a
reader of binary PDFs. It registers through the ``corpus`` entry-point group
like any third-party plugin, and uses only the public API of :mod:`corpus`.

A web page printed to PDF is text too, but of another kind: the whole page,
menus and teasers and footer, with a browser's stamps on every page. Its
furniture says so (the page's address beside ``n/m`` or a print date), and this
reader then leaves it to the reader of web page text (``corpus_webtext``),
claiming it only weakly in case that reader is disabled.

Text set for a fixed page in a monospaced font is printed text too, whether
the file kept its pages or not: an RFC or Internet-Draft as published (form
feeds, a running header, ``[Page N]``) and as rendered without pages, a
standard, a manual page. Its layout says so (an indented body with its section
headings out at the margin), and this reader claims all of it, so that every
text rendering of one document is read one way. Its table of contents is
navigation, with page numbers that differ from one printing to the next: it is
cut (``_contents``); so is the masthead the first page opens with, two columns
of metadata (``_masthead``). Its tables, drawn with ``+``, ``-`` and ``|``, are
read row by row (``_tables``).

The clean-up itself (furniture, layout, rejoining) is :mod:`corpus.text`'s,
public for any reader: the reader of PDF files and the reader of web page text
meet the same printed lines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise

from corpus import Extract, Reader, Removed, SourceFile, hookimpl
from corpus.text import (
    Layout,
    Line,
    blocks,
    depaginate,
    ends_sentence,
    hard_wrapped,
    indent,
    is_page_number,
    is_title,
    join,
    may_hold_url,
    measure,
    paragraphs,
    split_lines,
    strip_furniture,
    text_of,
)
from corpus_pdftext._contents import without_contents
from corpus_pdftext._masthead import without_masthead
from corpus_pdftext._tables import read_tables

__all__ = ["PdfTextReader", "corpus_register_readers"]

# Hard wraps alone say "wrapped text", which the plain-text reader also reads;
# the signs of a printed page (form feeds, page numbers, a blank line after
# every line, indented paragraph starts) say "PDF".
_WRAP_CONFIDENCE = 0.3
_SIGN_CONFIDENCE = 0.15
_MAX_CONFIDENCE = 0.8
_PLAIN_CONFIDENCE = 0.05
# Above the plain-text reader, below the reader of web page text.
_WEB_PAGE_CONFIDENCE = 0.25
# A text set for a fixed page (an RFC, a standard, a manual page), paginated or
# not, is this reader's whatever else it shows: above the reader of web page
# text, which takes a text drawing a table's borders for a page laid out in a
# table, where a standard draws its own tables so.
_FIXED_PAGE_CONFIDENCE = 0.9
_SNIFF_LINES = 400
# Section headings out at the margin of an indented body: enough of them, short enough.
_MIN_HEADINGS = 3
_HEADING_WIDTH = 60


class PdfTextReader:
    """Reads text extracted from a PDF; see the module docstring."""

    name: str = "pdftext"
    version: str = "1.0"
    media_types: tuple[str, ...] = ("text/plain",)

    def sniff(self, source: SourceFile) -> float | None:
        if source.text is None or source.media_type in ("text/html", "application/xhtml+xml"):
            return None
        # A printed web page carries its address: a text without any is not de-paginated to learn so.
        if may_hold_url(source.text) and depaginate(source.text).url is not None:
            return _WEB_PAGE_CONFIDENCE  # a printed web page: see the module docstring
        lines = split_lines(source.text, page_breaks=True)[:_SNIFF_LINES]
        kept, removed = strip_furniture(lines)
        layout = measure(kept)
        if hard_wrapped(kept, layout) < 0.3:
            return 0.0
        signs = [
            "\f" in source.text,
            any(r.kind == "page-number" for r in removed) or any(is_page_number(line.text) for line in lines),
            any(r.kind.startswith("running") for r in removed),
            layout.double_spaced,
            layout.indented_paragraphs and _indents_open_paragraphs(kept, layout),
        ]
        if _outdented_headings(kept, layout):
            return _FIXED_PAGE_CONFIDENCE
        if layout.blank_separated and not any(signs):
            # Wrapped paragraphs between blank lines and nothing printed about
            # them: plain text, which the plain-text reader reads as well.
            return _PLAIN_CONFIDENCE
        return min(_MAX_CONFIDENCE, _WRAP_CONFIDENCE + _SIGN_CONFIDENCE * sum(signs))

    def read(self, source: SourceFile) -> Extract:
        printed = depaginate(source.text or "")
        lines, contents = without_contents(printed.lines)
        masthead: list[Removed] = []
        layout = measure(lines)
        if _outdented_headings(lines, layout):  # a memo's masthead is looked for on a fixed page only
            lines, masthead = without_masthead(lines)
        lines, rules = read_tables(lines, _dehyphenated)
        if masthead or rules:  # the lines changed: measure the page they now make
            layout = measure(lines)
        title, body = _paragraphs(lines, layout)
        removed = sorted([*printed.removed, *contents, *masthead, *rules], key=lambda r: r.start or 0)
        return Extract(paragraphs=body, title=title, removed=removed)


def _indents_open_paragraphs(lines: Sequence[Line], layout: Layout) -> bool:
    """Do the deeper-indented lines mostly follow a line that ended a sentence?"""
    filled = [line for line in lines if not line.blank]
    opened = [a for a, b in pairwise(filled) if indent(b.text) >= layout.base_indent + 2]
    after_sentence = sum(1 for line in opened if ends_sentence(line.text))
    return len(opened) >= 2 and after_sentence >= len(opened) / 2


def _outdented_headings(lines: Sequence[Line], layout: Layout) -> bool:
    """Is the body indented, with headings standing alone at the margin (a standard, an RFC, a manual page)?

    A text set for a fixed page in a monospaced font indents its paragraphs and
    puts its section headings out at the margin: this layout is the page's, not
    the plain text of a file that happens to be wrapped.
    """
    if layout.base_indent < 2:
        return False
    outdented = 0
    for i, line in enumerate(lines):
        alone = (i == 0 or lines[i - 1].blank) and (i + 1 == len(lines) or lines[i + 1].blank)
        if alone and not line.blank and indent(line.text) < layout.base_indent and not ends_sentence(line.text):
            outdented += line.width <= _HEADING_WIDTH
    return outdented >= _MIN_HEADINGS


def _paragraphs(lines: Sequence[Line], layout: Layout) -> tuple[str | None, list[str]]:
    """The title (if the first paragraph is one) and the paragraphs' texts."""
    title: str | None = None
    body: list[str] = []
    for n, block in enumerate(blocks(lines, layout)):
        parts = paragraphs(block, layout)
        if n == 0 and is_title(parts[0], block_alone=len(parts) == 1, layout=layout):
            title = text_of(parts[0])
            parts = parts[1:]
        body.extend(text_of(part) for part in parts)
    return title, [p for p in body if p]


def _dehyphenated(left: str, right: str) -> str:
    """Two wrapped pieces of a table cell, rejoined as :func:`corpus.text.text_of` rejoins lines."""
    return join(left, right, dehyphenate=True)


@hookimpl
def corpus_register_readers(register: Callable[[Reader], None]) -> None:
    register(PdfTextReader())
