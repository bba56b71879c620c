"""Tables drawn with ``+``, ``-``, ``=`` and ``|``, read row by row.

A text set for a fixed page (an RFC, a standard) draws its tables::

    +=============================+===========+
    |                             | Permanent |
    +=============================+===========+
    | Allows changing the request | 301       |
    | method from POST to GET     |           |
    +-----------------------------+-----------+

A cell's text wraps inside its column, so read line by line the cells of a row
interleave ("Allows changing the request 301 method from POST to GET"), where
the same table as HTML reads "Allows changing the request method from POST to
GET 301". Each row is read cell by cell, each cell's lines joined, and the rules
go (reported as cut). A row ends at a rule, or, in a table drawn without rules
between its rows, where a line has text in as many cells as the row's first
line: a line with text in fewer cells carries on the cells of the row above.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import pairwise

from corpus import Removed
from corpus.text import Line

__all__ = ["read_tables"]

_RULE = re.compile(r"^\s*\+[-=+]*\+\s*$")
_ROW = re.compile(r"^\s*\|.*\|\s*$")
_MIN_RULES = 2


def read_tables(lines: Sequence[Line], join: Callable[[str, str], str]) -> tuple[list[Line], list[Removed]]:
    """The lines with each ruled table's rows as lines of their own, blank lines between, and the rules cut.

    ``join`` rejoins two wrapped pieces of a cell's text. A row's line spans the
    row's source lines; its text is the row's cells, read one after the other.
    """
    out: list[Line] = []
    removed: list[Removed] = []
    i = 0
    while i < len(lines):
        end = _table_end(lines, i)
        if end == i:
            out.append(lines[i])
            i += 1
            continue
        table = lines[i:end]
        removed += [Removed(line.text, "table-rule", line.start, line.end) for line in table if _RULE.match(line.text)]
        for row in _rows(table):
            out.append(Line("", row[0].start, row[0].start))
            out.append(_read_row(row, _columns(table[0].text), join))
        out.append(Line("", table[-1].end, table[-1].end))
        i = end
    return out, removed


def _table_end(lines: Sequence[Line], start: int) -> int:
    """Where the ruled table opening at line ``start`` ends (``start`` itself when none opens there)."""
    if not _RULE.match(lines[start].text):
        return start
    end, rules, last_rule = start, 0, start
    while end < len(lines) and (_RULE.match(lines[end].text) or _ROW.match(lines[end].text)):
        if _RULE.match(lines[end].text):
            rules, last_rule = rules + 1, end
        end += 1
    return last_rule + 1 if rules >= _MIN_RULES and last_rule > start + 1 else start


def _columns(rule: str) -> list[int]:
    """The columns of the ``+`` of a rule: the borders of the cells."""
    return [i for i, ch in enumerate(rule) if ch == "+"]


def _cells(text: str, borders: list[int]) -> list[str]:
    """The cells of a row line, cut at the rule's borders (at its bars when the line does not fit them)."""
    if all(b < len(text) and text[b] == "|" for b in borders):
        return [text[a + 1 : b].strip() for a, b in pairwise(borders)]
    return [cell.strip() for cell in text.strip().strip("|").split("|")]


def _rows(table: Sequence[Line]) -> list[list[Line]]:
    """The table's rows, each as its source lines (the rules left out)."""
    borders = _columns(table[0].text)
    rows: list[list[Line]] = []
    opened = 0  # the number of filled cells of the current row's first line; 0: no row open
    for line in table:
        if _RULE.match(line.text):
            opened = 0
            continue
        filled = sum(1 for cell in _cells(line.text, borders) if cell)
        if not opened or filled >= opened:
            rows.append([line])
            opened = max(1, filled)
        else:
            rows[-1].append(line)
    return rows


def _read_row(row: Sequence[Line], borders: list[int], join: Callable[[str, str], str]) -> Line:
    """The row as one line: each cell's lines joined, the cells one after the other."""
    cells: list[str] = []
    for line in row:
        for n, cell in enumerate(_cells(line.text, borders)):
            if n == len(cells):
                cells.append("")
            cells[n] = join(cells[n], cell) if cell else cells[n]
    indent = row[0].text[: len(row[0].text) - len(row[0].text.lstrip())]
    return Line(indent + " ".join(cell for cell in cells if cell), row[0].start, row[-1].end)
