"""A web page printed to paper or PDF, as text: the page's lines without the printer's.

A printed page carries two kinds of template: the site's (menus, teasers, the
footer), which the rest of this reader cuts, and the printer's: a running
header and footer on every page (a browser stamps the date, the page's title,
its address and ``n/m``), page breaks, and lines hard-wrapped at the column's
width. The printer's template is the same as in any printed document, so the
public clean-up of :mod:`corpus.text` cuts it (``depaginate``) and rejoins
the wraps (``rejoin``), as for a PDF's text. Two things differ from a document:

- most lines of a web page are short (menu items, headlines), so the width at
  which lines wrap is measured on the prose alone;
- a list of headlines whose lines happen to end together is not a narrower
  column of wrapped text, so lines are rejoined only at the page's measure.

A browser also prints what the screen keeps in place while the page
scrolls: a share bar lands on every page, wherever the page breaks, so a
short line on most pages is cut; and ``pdftotext -layout`` sets the glyphs of
a floating button (an accessibility switch, a column of letters) at the far
end of article lines, a wide gap away, where they are cut from the line.

The running header holds the page's title (the headline and the site's
name), which tells the article's headline among the lines of the page.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from corpus import Removed
from corpus.text import Line, cells, depaginate, printed_width, rejoin, text_of, without_print_stamp

_PROSE_MARKS = "，。；：、,.;:"
_MIN_PROSE_WIDTH = 30
_WIDTH_PERCENTILE = 0.9
# A scrap of a widget: a character or two, a wide gap from text of some length.
_SCRAP_CHARS = 2
_SCRAP_NEIGHBOUR_WIDTH = 20
# A pinned widget: a short line on at least half of the pages, and three of them.
_WIDGET_PAGES = 3
_WIDGET_SHARE = 0.5
_WIDGET_WIDTH = 40
_LETTERS = re.compile(r"[^\W\d_]")
_MIN_TITLE_LETTERS = 4
_URL_IN = re.compile(r"(?:https?|file|ftp)://|www\.", re.IGNORECASE)


@dataclass(frozen=True)
class Printed:
    """The text of a paginated page: its logical lines, what was cut, what the furniture told."""

    lines: list[Line]
    removed: list[Removed]
    url: str | None
    page_title: str | None  # the page's title, as a browser prints it in the running header


# The date-and-time stamp a browser prints on each page, at the start of a line.
_STAMP_LINE = re.compile(r"^[ \t]*\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4},?[ \t]+\d{1,2}:\d{2}", re.MULTILINE)


def is_paginated(text: str) -> bool:
    """Does the text show pages: page breaks, or a browser's stamp (some extractors drop the breaks)?"""
    return "\f" in text or bool(_STAMP_LINE.search(text))


def read_printed(text: str) -> Printed:
    """The page's lines with page furniture cut and hard wraps rejoined; blank lines between blocks."""
    printed = depaginate(text)
    removed = list(printed.removed)
    lines = [_without_scraps(line, removed) for line in _without_widgets(printed.lines, removed)]
    out: list[Line] = []
    for block in rejoin(lines, width=_column_width(lines), own_margins=False):
        if out:
            out.append(Line("", out[-1].end, out[-1].end))
        out.extend(
            Line(text_of(paragraph), paragraph[0].start, paragraph[-1].end, paragraph[0].page_start)
            for paragraph in block
        )
    removed.sort(key=lambda r: r.start or 0)
    return Printed(out, removed, printed.url, _page_title(printed.removed))


def _page_title(removed: Sequence[Removed]) -> str | None:
    """The running header that holds words: the page's title a browser stamps on every page."""
    found: Counter[str] = Counter(
        piece
        for r in removed
        if r.kind.startswith("running")
        for piece in map(without_print_stamp, cells(r.text))
        if len(_LETTERS.findall(piece)) >= _MIN_TITLE_LETTERS and not _URL_IN.search(piece)
    )
    if not found:
        return None
    return max(found, key=lambda piece: (found[piece], len(piece)))


def _column_width(lines: Sequence[Line]) -> int | None:
    """The width of a full line of prose: the article's measure, not a menu's."""
    widths = sorted(
        width
        for line in lines
        if (width := printed_width(line.text.rstrip())) >= _MIN_PROSE_WIDTH
        and any(ch in line.text for ch in _PROSE_MARKS)
    )
    return widths[int(_WIDTH_PERCENTILE * (len(widths) - 1))] if widths else None


def _without_widgets(lines: Sequence[Line], removed: list[Removed]) -> list[Line]:
    """The lines without a widget pinned to the screen, which a browser prints on every page.

    A share bar or a "back to top" button stays put while the page scrolls, so
    it lands on each printed page, wherever the page breaks: a short line that
    comes back on most pages, not only at their edges.
    """
    pages: list[set[str]] = [set()]
    for line in lines:
        if line.page_start and pages[-1]:
            pages.append(set())
        if not line.blank:
            pages[-1].add(line.stripped)
    if len(pages) < _WIDGET_PAGES:
        return list(lines)
    seen = Counter(text for page in pages for text in page)
    needed = max(_WIDGET_PAGES, _WIDGET_SHARE * len(pages))
    pinned = {text for text, count in seen.items() if count >= needed and printed_width(text) <= _WIDGET_WIDTH}
    out: list[Line] = []
    carry = False  # a cut line opened a page: the next line does
    for line in lines:
        if not line.blank and line.stripped in pinned:
            removed.append(Removed(line.text, "widget", line.start, line.end))
            carry = carry or line.page_start
            continue
        if carry:
            line = Line(line.text, line.start, line.end, True)
            carry = False
        out.append(line)
    return out


def _without_scraps(line: Line, removed: list[Removed]) -> Line:
    """The line with a widget's stray glyphs at either end blanked out (offsets kept)."""
    pieces = cells(line.text)
    if len(pieces) < 2 or max(printed_width(p) for p in pieces) < _SCRAP_NEIGHBOUR_WIDTH:
        return line
    text = line.text
    for first, piece in ((True, pieces[0]), (False, pieces[-1])):
        if len(piece) <= _SCRAP_CHARS and not piece.isdigit():
            at = text.find(piece) if first else text.rfind(piece)
            removed.append(Removed(piece, "widget", line.start + at, line.start + at + len(piece)))
            text = text[:at] + " " * len(piece) + text[at + len(piece) :]
    return Line(text, line.start, line.end, line.page_start)
