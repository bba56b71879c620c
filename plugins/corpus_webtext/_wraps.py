"""A text browser's hard wraps (w3m, lynx), found and undone.

A logical line that was rejoined from several wrapped physical lines spans from
the start of the first to the end of the last, so that whatever the reader cuts
can still be shown struck through in an audit. A text browser does not
hyphenate, so a hyphen at a wrap is the word's own and :func:`corpus.text.join`
keeps it; and a terminal, not a font, decides the width of ambiguous
characters (:func:`corpus.text.display_width`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from corpus.text import Line, display_width, join

__all__ = ["BULLET", "unwrap", "wrap_width"]

# A list item's bullet: the item opens a line (a menu's or a list's) of its own.
BULLET = re.compile(r"^\s*[•●○□■◆◇▪▫·*]\s+")


# A wrapped line may stop a few columns short of the ceiling: a wide character
# or a word did not fit, and quotes of ambiguous width were counted as two.
_WRAP_SLACK = 4


def wrap_width(lines: Sequence[Line]) -> int | None:
    """The column at which a text browser (w3m, lynx) hard-wrapped the dump, if it did.

    Such a dump has many lines that stop at the terminal width in mid-sentence,
    and almost none longer. A page copied from a browser has no such ceiling, so
    this returns ``None`` for it.
    """
    filled = [(text, display_width(text)) for text in (line.text.rstrip() for line in lines if not line.blank)]
    widths = [width for _, width in filled]
    long_widths = [w for w in widths if w >= 40]
    if len(long_widths) < 5:
        return None
    mode = Counter(long_widths).most_common(1)[0][0]
    ceiling = max(w for w in long_widths if w <= mode + 1)
    at_ceiling = [text for text, width in filled if ceiling - _WRAP_SLACK <= width <= ceiling]
    mid_sentence = sum(1 for text in at_ceiling if text[-1] not in "。！？.!?")
    beyond = sum(1 for w in widths if w > ceiling + _WRAP_SLACK)
    if len(at_ceiling) < 5 or mid_sentence < 0.6 * len(at_ceiling) or beyond > 0.02 * len(widths):
        return None
    return ceiling


def _continues(line: Line, after: Line, width: int) -> bool:
    """Was ``after`` pushed onto a line of its own only because ``line`` was full?"""
    if after.blank or BULLET.match(after.text):
        return False
    # Text browsers disagree on quotes of ambiguous width: give them the benefit.
    return display_width(line.text.rstrip(), ambiguous=2) >= width - _WRAP_SLACK


def unwrap(lines: Sequence[Line], width: int) -> list[Line]:
    """Rejoin lines that were cut because they reached ``width`` columns."""
    merged: list[Line] = []
    for i, line in enumerate(lines):
        if merged and _continues(lines[i - 1], line, width):
            merged[-1] = Line(join(merged[-1].text.rstrip(), line.text.strip()), merged[-1].start, line.end)
        else:
            merged.append(line)
    return merged
