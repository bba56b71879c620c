"""The masthead a memo-style document opens with: series, authors, dates and status, in two columns.

An RFC or an Internet-Draft opens so::

    HTTP                                                       J. F. Reschke
    Internet-Draft                                                greenbytes
    Obsoletes: 7238 (if approved)                            1 December 2015
    Intended status: Standards Track
    Expires: 3 June 2016

Read line by line, its two columns interleave, and the same document as HTML
sets them as a table or a list of labelled fields, in another order and with
other labels. It is the document's metadata rather than its text: it is cut,
and reported. It is recognised by its shape: the first block of the text,
short pieces set apart by a wide gap or pushed to the right margin.
"""

from __future__ import annotations

from collections.abc import Sequence

from corpus import Removed
from corpus.text import Line, cells, display_width, indent

__all__ = ["without_masthead"]

_MAX_CELL_WIDTH = 40
# A piece alone on its line, this far in: the right column.
_RIGHT_COLUMN = 30
_MIN_TWO_COLUMN_LINES = 2


def without_masthead(lines: Sequence[Line]) -> tuple[list[Line], list[Removed]]:
    """The lines without the masthead opening the text, and the masthead's lines (none when there is none)."""
    start = next((i for i, line in enumerate(lines) if not line.blank), len(lines))
    end = next((i for i in range(start, len(lines)) if lines[i].blank), len(lines))
    head = lines[start:end]
    if end == len(lines) or not _is_masthead(head):
        return list(lines), []
    removed = [Removed(line.text, "masthead", line.start, line.end) for line in head]
    return [*lines[:start], *lines[end:]], removed


def _is_masthead(block: Sequence[Line]) -> bool:
    """Short pieces only, in two columns on enough of the lines."""
    two_columns = 0
    for line in block:
        pieces = cells(line.text)
        if len(pieces) > 2 or any(display_width(piece) > _MAX_CELL_WIDTH for piece in pieces):
            return False
        two_columns += len(pieces) == 2 or indent(line.text) >= _RIGHT_COLUMN
    return two_columns >= _MIN_TWO_COLUMN_LINES
