"""Lines of a page dump with their offsets, and w3m-style hard wraps undone.

Every line keeps its character offsets into ``source.text`` so that whatever the
reader cuts can be shown struck through in an audit. A logical line that was
rejoined from several wrapped physical lines spans from the start of the first
to the end of the last. Lines are the PDF-text reader's ``Line``, so that a
printed page's lines (see ``_printed``) and a dump's are one type.

Two helpers differ on purpose from the PDF-text reader's: a text browser does
not hyphenate, so a hyphen at a wrap is the word's own and :func:`join` keeps
it; and a terminal, not a font, decides the width of ambiguous characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from corpus_pdftext import Line, has_cjk

__all__ = ["BULLET", "Line", "display_width", "join", "split_lines", "unwrap", "wrap_width"]

# Only "\n" ends a line: str.splitlines() would also split on \f, \v and
# U+2028, which would shift every offset after them. Unlike the PDF-text
# reader's ``split_lines``, form feeds stay in the line's text.
_LINE = re.compile(r"[^\n]*\n?")
# A list item's bullet: the item opens a line (a menu's or a list's) of its own.
BULLET = re.compile(r"^\s*[•●○□■◆◇▪▫·*]\s+")


def split_lines(text: str) -> list[Line]:
    """Physical lines of ``text``, with offsets, without their line ends."""
    lines: list[Line] = []
    for match in _LINE.finditer(text):
        raw = match.group()
        if not raw:
            break
        body = raw.rstrip("\n").rstrip("\r")
        lines.append(Line(body, match.start(), match.start() + len(body)))
    return lines


def display_width(text: str, ambiguous: int = 1) -> int:
    """Terminal columns: a wide (CJK) character takes two, a combining mark none.

    Characters of ambiguous width (curly quotes, dashes) take ``ambiguous``
    columns; terminals set up for CJK text give them two.
    """
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        kind = unicodedata.east_asian_width(ch)
        width += 2 if kind in "WF" else ambiguous if kind == "A" else 1
    return width


_QUOTES = "\"'“”‘’「」『』《》()（）[]【】"


def join(left: str, right: str) -> str:
    """Two pieces of one wrapped sentence, rejoined.

    Chinese and Japanese are written without spaces, so a wrap between two CJK
    characters leaves nothing behind; a wrap in a spaced script stood for a space.
    Quotes and brackets are looked through: `“` after a Chinese word joins tight.
    """
    last = left.rstrip(_QUOTES)[-1:] or left[-1:]
    first = right.lstrip(_QUOTES)[:1] or right[:1]
    if has_cjk(last + first):
        return left + right
    return left + " " + right


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
