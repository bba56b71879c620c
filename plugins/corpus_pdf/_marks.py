"""Footnote marks: the small raised digits and daggers set above a line of text.

A superscript sits on its own baseline, so PDFium returns it as a line of
its own (``1`` between "…signed into law by" and "President Clinton…"), which
would cut the paragraph in two. A mark is short, set smaller than the line
it belongs to, and printed within that line's extent, raised by less than a
line; it is cut, and recorded, since the web page or the plain text of the
same document has no such mark to match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from corpus import Removed
from corpus_pdf._lines import TextLine

_MARK = re.compile(r"^[\d*†‡§¶∗a-z,]{1,4}$")
_SMALLER = 0.85


def _marks(mark: TextLine, line: TextLine) -> bool:
    """Is ``mark`` a superscript set on ``line``?"""
    return (
        mark.size < _SMALLER * line.size
        and line.x0 - 1 <= mark.x0
        and mark.x1 <= line.x1 + line.size
        and 0 <= line.baseline - mark.baseline < line.height
    )


def strip_marks(pages: Sequence[Sequence[TextLine]]) -> tuple[list[list[TextLine]], list[Removed]]:
    """The pages without their footnote marks, and the marks cut."""
    kept: list[list[TextLine]] = []
    removed: list[Removed] = []
    for page in pages:
        body: list[TextLine] = []
        for i, line in enumerate(page):
            neighbours = [page[j] for j in (i - 1, i + 1) if 0 <= j < len(page)]
            if _MARK.match(line.text.strip()) and any(_marks(line, other) for other in neighbours):
                removed.append(Removed(line.text, "footnote-mark"))
            else:
                body.append(line)
        kept.append(body)
    return kept, removed
