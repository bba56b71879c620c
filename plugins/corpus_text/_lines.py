"""Lines with their offsets, their display width, and how two wrapped lines rejoin."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Only "\n" ends a line: str.splitlines() would also split on \f, \v and
# U+2028, which would shift every offset after them.
_LINE = re.compile(r"[^\n]*\n?")


@dataclass(frozen=True)
class Line:
    """One physical line (no line end) and where it sits in the source text."""

    text: str
    start: int
    end: int

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def split_lines(text: str) -> list[Line]:
    lines: list[Line] = []
    for match in _LINE.finditer(text):
        raw = match.group()
        if not raw:
            break
        body = raw.rstrip("\n").rstrip("\r")
        lines.append(Line(body, match.start(), match.start() + len(body)))
    return lines


def is_cjk(ch: str) -> bool:
    """Characters of scripts written without spaces between words (and their punctuation)."""
    code = ord(ch)
    return (
        0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF or 0x20000 <= code <= 0x3FFFF
    )


def display_width(text: str) -> int:
    """Columns in a terminal: a wide (CJK) character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_QUOTES = "\"'“”‘’「」『』《》()（）[]【】"


def join(left: str, right: str) -> str:
    """Rejoin two pieces of one paragraph: no space inside CJK text, one elsewhere."""
    if not left or not right:
        return left + right
    last = left.rstrip(_QUOTES)[-1:] or left[-1:]
    first = right.lstrip(_QUOTES)[:1] or right[:1]
    if is_cjk(last) or is_cjk(first):
        return left + right
    return left + " " + right
