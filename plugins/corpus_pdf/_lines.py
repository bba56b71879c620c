"""The printed lines of a PDF page, with where they sit and how large they are set.

Text alone says little about a PDF's structure: whether a line ends a paragraph
shows in how far short of the right margin it stops, whether the next one is
indented, how large the vertical gap is, whether the font changed. PDFium
returns the page's text with a line break wherever the text moves to a new
line; this module asks it where the first and last character of each line
sit, and the line's font size. It asks only for those characters, not for
every one: that keeps a 176-page document well under a second.

PDFium keeps a word that a hyphen split across two lines on one output line
(marking the hyphen U+FFFE); such a line, and any other whose first and last
characters do not share a baseline, is split character by character.
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass, replace
from functools import cached_property

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]

from corpus.text import printed_width

# PDFium's mark for a hyphen at the end of a line (the word continues below).
SOFT_HYPHEN = "\ufffe"
# Two characters are on one line when their baselines are closer than this
# share of the font's height.
_SAME_BASELINE = 0.5
# Pieces of one line are closer than this share of the font size; columns are farther apart.
_ADJOINING = 0.6
_SPACE = 0.25


@dataclass(frozen=True)
class TextLine:
    """One printed line. Coordinates are points, from the page's top-left corner.

    ``size`` is the largest font size of the line's first, middle and last
    characters, in points on the page (the nominal size scaled by the
    character's matrix: writers set text at size 1 and scale it, or print
    16 px text at 0.75): a heading that runs into smaller text is a heading.
    ``height`` is the font's height on the page (its loose glyph box).
    """

    text: str
    page: int
    x0: float
    x1: float
    baseline: float
    height: float
    size: float
    page_width: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @cached_property
    def unit(self) -> float:
        """Width of one half-width column of this line's text (a CJK character takes two)."""
        return self.width / max(1, printed_width(self.text))

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


class _Page:
    """Character geometry of one page, asked of PDFium per character index."""

    def __init__(self, textpage: pdfium.PdfTextPage, number: int, width: float, height: float) -> None:
        self.textpage = textpage
        self.number = number
        self.width = width
        self.height = height
        self._x = ctypes.c_double()
        self._y = ctypes.c_double()
        self._matrix = pdfium_c.FS_MATRIX()

    def char_index(self, text_index: int) -> int:
        return int(pdfium_c.FPDFText_GetCharIndexFromTextIndex(self.textpage, text_index))

    def baseline(self, char: int) -> float:
        pdfium_c.FPDFText_GetCharOrigin(self.textpage, char, self._x, self._y)
        return self.height - self._y.value

    def size(self, char: int) -> float:
        """The character's font size on the page: the nominal size scaled by its matrix."""
        size = float(pdfium_c.FPDFText_GetFontSize(self.textpage, char))
        if pdfium_c.FPDFText_GetMatrix(self.textpage, char, ctypes.byref(self._matrix)):
            size *= math.hypot(self._matrix.c, self._matrix.d)
        return size

    def line(self, text: str, first: int, last: int, middle: int) -> TextLine | None:
        """The line ``text`` whose first, last and middle characters have these indices."""
        if min(first, last, middle) < 0:
            return None
        _, bottom, _, top = self.textpage.get_charbox(first, loose=True)
        x0 = self.textpage.get_charbox(first)[0]
        x1 = self.textpage.get_charbox(last)[2]
        size = max(self.size(char) for char in (first, middle, last))
        return TextLine(
            text=text,
            page=self.number,
            x0=x0,
            x1=max(x1, x0),
            baseline=self.baseline(first),
            height=max(0.1, top - bottom),
            size=round(size, 1),
            page_width=self.width,
        )


def page_lines(document: pdfium.PdfDocument, number: int) -> list[TextLine]:
    """The printed lines of page ``number`` (0-based) in PDFium's reading order."""
    page = document[number]
    textpage = page.get_textpage()
    try:
        width, height = page.get_size()
        geometry = _Page(textpage, number, width, height)
        text = textpage.get_text_range()
        lines: list[TextLine] = []
        offset = 0  # in UTF-16 code units: PDFium's text indices
        for raw in text.split("\n"):
            lines.extend(_lines_of(geometry, raw.rstrip("\r"), offset))
            offset += _utf16_length(raw) + 1
        return _rejoin(lines)
    finally:
        textpage.close()
        page.close()


def _rejoin(lines: list[TextLine]) -> list[TextLine]:
    """Lines PDFium broke after a raised character (``Gal∗`` ``, Mike Shaver∗``) made whole again.

    The next piece goes on at the same baseline right where the last one
    stopped; a column beside it starts a gutter away.
    """
    out: list[TextLine] = []
    for line in lines:
        last = out[-1] if out else None
        if (
            last is not None
            and abs(line.baseline - last.baseline) < _SAME_BASELINE * min(line.height, last.height)
            and -1.0 <= line.x0 - last.x1 < _ADJOINING * max(line.size, last.size)
        ):
            space = "" if line.x0 - last.x1 < _SPACE * line.size else " "
            out[-1] = replace(last, text=last.text + space + line.text, x1=line.x1, size=max(last.size, line.size))
        else:
            out.append(line)
    return out


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _lines_of(page: _Page, raw: str, offset: int) -> list[TextLine]:
    """The printed lines of one line of PDFium's text, starting at text index ``offset``."""
    start = len(raw) - len(raw.lstrip())
    end = len(raw.rstrip())
    if start >= end:
        return []
    first = page.char_index(offset + _utf16_length(raw[:start]))
    last = page.char_index(offset + _utf16_length(raw[: end - 1]))
    if SOFT_HYPHEN not in raw and first >= 0 and last >= 0:
        middle = page.char_index(offset + _utf16_length(raw[: _middle(raw, start, end)]))
        line = page.line(_clean(raw[start:end]), first, last, middle)
        if line is not None and abs(page.baseline(last) - line.baseline) < _SAME_BASELINE * line.height:
            return [line]
    return _split(page, raw, offset)


def _split(page: _Page, raw: str, offset: int) -> list[TextLine]:
    """Split one line of PDFium's text wherever the baseline moves or a soft hyphen ends a line."""
    pieces: list[tuple[int, int]] = []  # [start, end) string indices of each printed line
    start: int | None = None
    previous: float | None = None
    previous_height = 0.0
    units = offset
    for i, ch in enumerate(raw):
        index = units
        units += _utf16_length(ch)
        if ch.isspace():
            continue
        char = page.char_index(index)
        if char < 0:
            continue
        baseline = page.baseline(char)
        if start is None:
            start = i
        elif previous is not None and abs(baseline - previous) >= _SAME_BASELINE * max(previous_height, 1.0):
            pieces.append((start, i))
            start = i
        previous = baseline
        _, bottom, _, top = page.textpage.get_charbox(char, loose=True)
        previous_height = top - bottom
        if ch == SOFT_HYPHEN:
            pieces.append((start, i + 1))
            start, previous = None, None
    if start is not None:
        pieces.append((start, len(raw)))
    lines: list[TextLine] = []
    for a, b in pieces:
        text = raw[a:b].rstrip()
        if not text.strip():
            continue
        first = page.char_index(offset + _utf16_length(raw[:a]))
        last = page.char_index(offset + _utf16_length(raw[: a + len(text) - 1]))
        middle = page.char_index(offset + _utf16_length(raw[: _middle(raw, a, a + len(text))]))
        line = page.line(_clean(text), first, last, middle)
        if line is not None:
            lines.append(line)
    return lines


def _middle(raw: str, start: int, end: int) -> int:
    """The string index of a printed (not blank) character in the middle of ``raw[start:end]``."""
    middle = (start + end) // 2
    for distance in range(end - start):
        for i in (middle - distance, middle + distance):  # the left one first, on a tie
            if start <= i < end and not raw[i].isspace() and raw[i] != SOFT_HYPHEN:
                return i
    return start


def _clean(text: str) -> str:
    """The line's text, its soft hyphen a plain hyphen again (the paragraph joiner undoes it)."""
    return text.strip().replace(SOFT_HYPHEN, "-")
