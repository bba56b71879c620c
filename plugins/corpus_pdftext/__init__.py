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

The clean-up itself (furniture, layout, rejoining) is :mod:`corpus.text`'s,
public for any reader: the reader of PDF files and the reader of web page text
meet the same printed lines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise

from corpus import Extract, Reader, SourceFile, hookimpl
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
    measure,
    paragraphs,
    split_lines,
    strip_furniture,
    text_of,
)

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
_SNIFF_LINES = 400


class PdfTextReader:
    """Reads text extracted from a PDF; see the module docstring."""

    name: str = "pdftext"
    version: str = "1.0"
    media_types: tuple[str, ...] = ("text/plain",)

    def sniff(self, source: SourceFile) -> float | None:
        if source.text is None or source.media_type in ("text/html", "application/xhtml+xml"):
            return None
        if depaginate(source.text).url is not None:
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
        if layout.blank_separated and not any(signs):
            # Wrapped paragraphs between blank lines and nothing printed about
            # them: plain text, which the plain-text reader reads as well.
            return _PLAIN_CONFIDENCE
        return min(_MAX_CONFIDENCE, _WRAP_CONFIDENCE + _SIGN_CONFIDENCE * sum(signs))

    def read(self, source: SourceFile) -> Extract:
        printed = depaginate(source.text or "")
        layout = measure(printed.lines)
        title, body = _paragraphs(printed.lines, layout)
        return Extract(paragraphs=body, title=title, removed=printed.removed)


def _indents_open_paragraphs(lines: Sequence[Line], layout: Layout) -> bool:
    """Do the deeper-indented lines mostly follow a line that ended a sentence?"""
    filled = [line for line in lines if not line.blank]
    opened = [a for a, b in pairwise(filled) if indent(b.text) >= layout.base_indent + 2]
    after_sentence = sum(1 for line in opened if ends_sentence(line.text))
    return len(opened) >= 2 and after_sentence >= len(opened) / 2


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


@hookimpl
def corpus_register_readers(register: Callable[[Reader], None]) -> None:
    register(PdfTextReader())
