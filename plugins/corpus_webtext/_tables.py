"""A page laid out in a table, dumped by a text browser with the table's borders drawn.

Many sites (a university's, a government office's) lay a page out in a table: a
menu column on the left, the article in a bordered cell beside it. ``w3m -dump``
(and other text browsers) draws the borders: ``┌──┐``, ``│``, ``━━━``, or in
ASCII ``+--+`` and ``|``. Read line by line, such a dump interleaves the menu
with the article and carries the borders into the text, and a reader of printed
text takes the whole page for one paragraph. Here each border is cut (and
recorded as removed, so an audit can show it), and each column of the table is
read top to bottom on its own: the article's cell becomes a run of lines, the
menu column another, and the reader judges them as it judges any dump.

Columns are found where vertical borders stand, line after line, at the same
terminal column (in ASCII, where a ``|`` stands under a rule's ``+`` corner: a
row of links ``a | b | c`` has no corners). Lines above or below the box (a
header, the menu going on) are split only at a gap of blanks that spans such a
border's column: a gap no sentence has.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corpus import Removed
from corpus.text import Line, display_width

__all__ = ["Untabled", "has_borders", "untable"]

# U+2500 to U+257F: the Box Drawing block.
_BOX = re.compile(r"[\u2500-\u257f]+")
_VERTICAL = frozenset("│┃║┆┇┊┋╎╏├┤┠┨┝┥╟╢╞╡┼╋╪╫╬")
# ASCII rules: with corners ("+-----+----+"), or bare ("------", "======") between blanks.
_ASCII_RULE = re.compile(r"\+[-=]{3,}(?:\+[-=]{3,})*\+|(?<!\S)(?:-{6,}|={6,})(?!\S)")
# A border stands at one column on this many lines before it makes a column of the table.
_MIN_BORDER_LINES = 3
# A text draws a table when this many lines carry vertical borders at a table's columns.
_MIN_TABLE_LINES = 5
# A cell of prose: this many of its lines are this wide (a menu item, a figure, a
# data table's cell never are).
_PROSE_WIDTH = 40
_MIN_PROSE_LINES = 5
# Beside a page's article, the other columns hold text on at most half as many lines.
_SIDE_SHARE = 2
_GAP = re.compile(r"[ \t\u3000]{2,}")

_Cut = tuple[list[tuple[int, Line]], frozenset[int], list[Removed]]


@dataclass(frozen=True)
class Untabled:
    """A text whose table borders were cut: its lines in reading order, the borders, what the table is."""

    lines: list[Line]
    removed: list[Removed]
    layout: bool  # the page is laid out in the table: a cell of prose beside a column of other text


@dataclass(frozen=True)
class _Piece:
    line: Line  # the piece's text, with its offsets into the source
    column: int  # the table column it sits in, counted from the left


def has_borders(lines: Sequence[Line]) -> bool:
    """Does the text draw a table: vertical borders standing at the same columns on enough lines?

    A rule alone (``━━━━`` between the items of a newsletter) or a box-drawing
    character used as a dash (``电脑─孟加拉``) draws no table.
    """
    if not any(_BOX.search(line.text) or "+" in line.text for line in lines):
        return False
    ascii_bars = _ascii_bars(lines)
    cuts = [_cut(line, ascii_bars) for line in lines]
    columns = set(_border_columns(bars for _, bars, _ in cuts))
    return sum(1 for _, bars, _ in cuts if bars & columns) >= _MIN_TABLE_LINES


def untable(lines: Sequence[Line]) -> Untabled:
    """The lines with the borders cut and each column of the table read on its own.

    The new lines are in reading order, with a blank line where a border line or
    a row's break was, so paragraphs stay apart; each is a piece of one source
    line, with its offsets. A row of a data table (no cell of prose in it) is
    read across, its cells on one line.
    """
    ascii_bars = _ascii_bars(lines)
    removed: list[Removed] = []
    split: list[tuple[list[tuple[int, Line]], frozenset[int]]] = []  # per line: its (column, piece)s, its bars
    for line in lines:
        pieces, bars, cut = _cut(line, ascii_bars)
        removed += cut
        split.append((pieces, bars))
    columns = _border_columns(bars for _, bars in split)
    out: list[Line] = []
    layout = False
    band: list[list[_Piece]] = []
    band_key: frozenset[int] = frozenset()

    def flush(at: int) -> None:
        nonlocal layout
        read, laid_out = _read_band(band, at, across=bool(band_key))
        out.extend(read)
        layout = layout or laid_out

    for line, (pieces, bars) in zip(lines, split, strict=True):
        key = frozenset(b for b in bars if b in columns)
        if not key:  # outside the box: split where a gap spans a column of it
            pieces = _split_at_columns(pieces, columns)
        placed = [_Piece(piece, _column(x, columns)) for x, piece in pieces]
        if placed and key != band_key:  # another row of the layout: its columns are read anew
            flush(line.start)
            band, band_key = [], key
        band.append(placed)
    flush(lines[-1].end if lines else 0)
    return Untabled(out, removed, layout)


def _ascii_bars(lines: Sequence[Line]) -> frozenset[int]:
    """The terminal columns of an ASCII table's vertical borders: where "|" stands under a rule's "+"."""
    corners: set[int] = set()
    pipes: Counter[int] = Counter()
    for line in lines:
        for rule in _ASCII_RULE.finditer(line.text):
            x = display_width(line.text[: rule.start()])
            corners.update(x + k for k, ch in enumerate(rule.group()) if ch == "+")
        if "|" in line.text:
            pipes.update(display_width(line.text[:k]) for k, ch in enumerate(line.text) if ch == "|")
    return frozenset(x for x in corners if pipes[x] >= _MIN_BORDER_LINES)


def _ascii_marks(text: str, bars: frozenset[int]) -> list[tuple[int, int]]:
    """Spans of ``text`` that are an ASCII table's borders: its rules, and "|" at a border's column."""
    if not bars:
        return []
    marks = [(m.start(), m.end()) for m in _ASCII_RULE.finditer(text)]
    marks += [(k, k + 1) for k, ch in enumerate(text) if ch == "|" and display_width(text[:k]) in bars]
    return marks


def _cut(line: Line, ascii_bars: frozenset[int]) -> _Cut:
    """The line's text pieces between borders (each with its terminal column), its vertical bars, the cuts."""
    text = line.text
    marks = sorted([(m.start(), m.end()) for m in _BOX.finditer(text)] + _ascii_marks(text, ascii_bars))
    if not marks:
        return ([] if line.blank else [_piece(line, 0, len(text))]), frozenset(), []
    removed: list[Removed] = []
    pieces: list[tuple[int, Line]] = []
    bars: set[int] = set()
    at = 0
    for start, end in [*marks, (len(text), len(text))]:
        start = max(start, at)
        if text[at:start].strip():
            pieces.append(_piece(line, at, start))
        if start < end:
            mark = text[start:end]
            removed.append(Removed(mark, "border", line.start + start, line.start + end))
            x = display_width(text[:start])
            for k, ch in enumerate(mark):
                where = x + display_width(mark[:k])
                if ch in _VERTICAL or (ch in "|+" and where in ascii_bars):
                    bars.add(where)
        at = max(at, end)
    if not pieces:  # a border line: recorded whole, once
        removed = [Removed(text, "border", line.start, line.end)]
    return pieces, frozenset(bars), removed


def _piece(line: Line, start: int, end: int) -> tuple[int, Line]:
    """``line.text[start:end]`` without its blanks, as a line of its own, with the terminal column it starts at."""
    raw = line.text[start:end]
    lead = len(raw) - len(raw.lstrip())
    body = raw.strip()
    offset = line.start + start + lead
    return display_width(line.text[: start + lead]), Line(body, offset, offset + len(body))


def _border_columns(lines_bars: Iterable[frozenset[int]]) -> list[int]:
    """The terminal columns where vertical borders stand on enough lines, left to right."""
    seen: Counter[int] = Counter()
    for bars in lines_bars:
        seen.update(bars)
    return sorted(x for x, count in seen.items() if count >= _MIN_BORDER_LINES)


def _column(x: int, columns: Sequence[int]) -> int:
    """The table column of text that starts at terminal column ``x``: a border opens the column on its right."""
    return sum(1 for c in columns if c <= x)


def _split_at_columns(pieces: list[tuple[int, Line]], columns: Sequence[int]) -> list[tuple[int, Line]]:
    """Pieces split further at gaps of blanks that span a border's column (a line above or below the box)."""
    if not columns:
        return pieces
    out: list[tuple[int, Line]] = []
    for x, piece in pieces:
        at = 0
        for gap in _GAP.finditer(piece.text):
            left = x + display_width(piece.text[: gap.start()])
            right = x + display_width(piece.text[: gap.end()])
            if any(left <= c <= right for c in columns):
                out.append(_sub(x, piece, at, gap.start()))
                at = gap.end()
        out.append(_sub(x, piece, at, len(piece.text)))
    return out


def _sub(x: int, piece: Line, start: int, end: int) -> tuple[int, Line]:
    return x + display_width(piece.text[:start]), Line(piece.text[start:end], piece.start + start, piece.start + end)


def _read_band(band: list[list[_Piece]], at: int, *, across: bool) -> tuple[list[Line], bool]:
    """A run of lines with the same borders (``across``: inside them), in reading order.

    Inside borders, a band with a cell of prose is the page's layout: read one
    column after another, top to bottom, a blank line where a column is empty
    (its paragraph ends there). Without a cell of prose it is a data table,
    read row by row, a row's cells on one line. Outside borders, lines are read
    in order, the pieces a gap set apart as lines of their own. Also returns
    whether the band lays a cell of prose beside other text.
    """
    if not band:
        return [], False
    used = sorted({p.column for pieces in band for p in pieces})
    wide = [c for c in used if _prose_lines(band, c) >= _MIN_PROSE_LINES]
    if not across:
        return _read_lines(band) or [Line("", at, at)], False
    if not wide:
        return _read_rows(band), False
    out: list[Line] = []
    for column in used:
        for pieces in band:
            mine = [p.line for p in pieces if p.column == column]
            if not mine and out and not out[-1].blank:
                out.append(Line("", out[-1].end, out[-1].end))
            out += mine
        if out and not out[-1].blank:
            out.append(Line("", out[-1].end, out[-1].end))
    return out or [Line("", at, at)], _lays_out(band, used, wide)


def _lays_out(band: list[list[_Piece]], used: list[int], wide: list[int]) -> bool:
    """Is the band a page's layout: one cell of prose, and beside it a column of something else?

    The column beside the article (a menu, icons) holds text on a few of its
    lines; a two-column data table (a key and its description) on every one.
    """
    if len(wide) != 1 or len(used) < 2:
        return False
    lines = Counter(p.column for pieces in band for p in {q.column: q for q in pieces}.values())
    beside = sum(n for column, n in lines.items() if column != wide[0])
    return 0 < beside * _SIDE_SHARE <= lines[wide[0]]


def _read_lines(band: list[list[_Piece]]) -> list[Line]:
    out: list[Line] = []
    for pieces in band:
        if not pieces:
            out.append(Line("", out[-1].end if out else 0, out[-1].end if out else 0))
        out += [p.line for p in pieces]
    return out


def _prose_lines(band: list[list[_Piece]], column: int) -> int:
    return sum(
        1 for pieces in band for p in pieces if p.column == column and display_width(p.line.text) >= _PROSE_WIDTH
    )


def _read_rows(band: list[list[_Piece]]) -> list[Line]:
    """A data table's rows: each row's cells on one line, a gap between them, a blank line between rows."""
    out: list[Line] = []
    for pieces in band:
        if not pieces:
            if out and not out[-1].blank:
                out.append(Line("", out[-1].end, out[-1].end))
            continue
        cells = [p.line for p in pieces]
        # The row spans its cells in the source; its text is theirs, without the borders between them.
        out.append(Line("  ".join(c.text for c in cells), cells[0].start, cells[-1].end))
    if out and not out[-1].blank:
        out.append(Line("", out[-1].end, out[-1].end))
    return out
