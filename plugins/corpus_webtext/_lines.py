"""Lines of a page dump with their offsets, and w3m-style hard wraps undone.

Every line keeps its character offsets into ``source.text`` so that whatever the
reader cuts can be shown struck through in an audit. A logical line that was
rejoined from several wrapped physical lines spans from the start of the first
to the end of the last.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

# Only "\n" ends a line: str.splitlines() would also split on \f, \v and
# U+2028, which would shift every offset after them.
_LINE = re.compile(r"[^\n]*\n?")


@dataclass(frozen=True)
class Line:
    """One logical line: its text (no line end) and where it sits in the source."""

    text: str
    start: int
    end: int
    page_start: bool = False  # the first line of a printed page

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def blank(self) -> bool:
        return not self.text.strip()


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


def is_cjk(ch: str) -> bool:
    """Characters of scripts written without spaces between words (and their punctuation)."""
    code = ord(ch)
    return (
        0x2E80 <= code <= 0x9FFF  # radicals, CJK punctuation, kana, CJK ideographs
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x20000 <= code <= 0x3FFFF
    )


_QUOTES = "\"'“”‘’「」『』《》()（）[]【】"


def joiner(left: str, right: str) -> str:
    """The separator between two pieces of one wrapped sentence.

    Chinese and Japanese are written without spaces, so a wrap between two CJK
    characters leaves nothing behind; a wrap in a spaced script stood for a space.
    Quotes and brackets are looked through: `“` after a Chinese word joins tight.
    """
    last = left.rstrip(_QUOTES)[-1:] or left[-1:]
    first = right.lstrip(_QUOTES)[:1] or right[:1]
    if (last and is_cjk(last)) or (first and is_cjk(first)):
        return ""
    return " "


# A wrapped line may stop a few columns short of the ceiling: a wide character
# or a word did not fit, and quotes of ambiguous width were counted as two.
_WRAP_SLACK = 4
_BULLET_START = re.compile(r"^\s*[•●○□■◆◇▪▫·*]\s")


def _width(line: Line) -> int:
    return display_width(line.text.rstrip())


def wrap_width(lines: Sequence[Line]) -> int | None:
    """The column at which a text browser (w3m, lynx) hard-wrapped the dump, if it did.

    Such a dump has many lines that stop at the terminal width in mid-sentence,
    and almost none longer. A page copied from a browser has no such ceiling, so
    this returns ``None`` for it.
    """
    widths = [_width(line) for line in lines if not line.blank]
    long_widths = [w for w in widths if w >= 40]
    if len(long_widths) < 5:
        return None
    mode = Counter(long_widths).most_common(1)[0][0]
    ceiling = max(w for w in long_widths if w <= mode + 1)
    at_ceiling = [
        line.text.rstrip() for line in lines if not line.blank and ceiling - _WRAP_SLACK <= _width(line) <= ceiling
    ]
    mid_sentence = sum(1 for text in at_ceiling if text[-1] not in "。！？.!?")
    beyond = sum(1 for w in widths if w > ceiling + _WRAP_SLACK)
    if len(at_ceiling) < 5 or mid_sentence < 0.6 * len(at_ceiling) or beyond > 0.02 * len(widths):
        return None
    return ceiling


def _continues(line: Line, after: Line, width: int) -> bool:
    """Was ``after`` pushed onto a line of its own only because ``line`` was full?"""
    if after.blank or _BULLET_START.match(after.text):
        return False
    # Text browsers disagree on quotes of ambiguous width: give them the benefit.
    return display_width(line.text.rstrip(), ambiguous=2) >= width - _WRAP_SLACK


def unwrap(lines: Sequence[Line], width: int) -> list[Line]:
    """Rejoin lines that were cut because they reached ``width`` columns."""
    merged: list[Line] = []
    for i, line in enumerate(lines):
        if merged and _continues(lines[i - 1], line, width):
            text = merged[-1].text.rstrip()
            piece = line.text.strip()
            merged[-1] = Line(text + joiner(text, piece) + piece, merged[-1].start, line.end)
        else:
            merged.append(line)
    return merged
