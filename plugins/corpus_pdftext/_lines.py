"""Lines of extracted PDF text, their offsets, widths and indents, and how to rejoin them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

# Only "\n" ends a line: str.splitlines() would also split on the form feeds
# that mark page breaks, and shift every offset after them.
_LINE = re.compile(r"[^\n]*\n?")


@dataclass(frozen=True)
class Line:
    """One physical line, without its line end or form feeds, and where it sits in the source.

    ``page_start`` is true for the first line after a form feed.
    """

    text: str
    start: int
    end: int
    page_start: bool = False

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @cached_property
    def width(self) -> int:
        """Display width of the text, trailing blanks not counted (asked of every line several times)."""
        return display_width(self.text.rstrip())


def split_lines(text: str) -> list[Line]:
    """Physical lines of ``text`` with offsets; form feeds become ``page_start`` flags.

    A line's offsets cover its text only, not the form feed before it, so that
    ``source.text[start:end]`` is what the line shows.
    """
    lines: list[Line] = []
    page_break = False
    for match in _LINE.finditer(text):
        raw = match.group()
        if not raw:
            break
        body = raw.rstrip("\n").rstrip("\r")
        if not body.strip("\f") and "\f" in body:
            page_break = True  # a line holding only the page break: the flag carries it
            continue
        lead = len(body) - len(body.lstrip("\f"))
        content = body.strip("\f").replace("\f", " ")
        start = match.start() + lead
        lines.append(Line(content, start, start + len(content), page_break or lead > 0))
        page_break = body.endswith("\f")
    return lines


def is_cjk(ch: str) -> bool:
    """Characters of scripts written without spaces between words (and their punctuation)."""
    code = ord(ch)
    return (
        0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF or 0x20000 <= code <= 0x3FFFF
    )


# The ranges of is_cjk, to search a whole line in one call: display_width asks it of every line.
_CJK_CHAR = re.compile("[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]")


def has_cjk(text: str) -> bool:
    """Does ``text`` hold a character that :func:`is_cjk`?"""
    return _CJK_CHAR.search(text) is not None


def display_width(text: str) -> int:
    """Width in half-width columns, as the text sat on the page.

    A CJK character takes two; so do curly quotes and dashes in a line of CJK
    text, where the fonts set them full-width.
    """
    wide = "WFA" if has_cjk(text) else "WF"
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in wide else 1
    return width


def indent(text: str) -> int:
    """Leading blank columns; an ideographic space (U+3000) counts two."""
    columns = 0
    for ch in text:
        if ch == "\u3000":
            columns += 2
        elif ch in " \t\xa0":
            columns += 4 if ch == "\t" else 1
        else:
            break
    return columns


_QUOTES = "\"'“”‘’「」『』《》()（）[]【】"
# A line ending so may have split a word (``exam-`` + ``ple``).
HYPHENATED = re.compile(r"[A-Za-z]-$")
_JUSTIFICATION = re.compile(r"[ \t\xa0]{2,}")


def join(left: str, right: str) -> str:
    """Rejoin two pieces of one paragraph that a line wrap separated.

    CJK text has no spaces, so a wrap between CJK characters leaves nothing; a
    wrap in a spaced script stood for a space, except after a hyphen that split
    a word (``exam-`` + ``ple``).
    """
    if not left:
        return right
    if HYPHENATED.search(left) and right[:1].islower():
        return left[:-1] + right
    last = left.rstrip(_QUOTES)[-1:] or left[-1:]
    first = right.lstrip(_QUOTES)[:1] or right[:1]
    if is_cjk(last) or is_cjk(first):
        return left + right
    return left + " " + right


def tidy(text: str) -> str:
    """One line's text without its indent and with justification spaces collapsed."""
    return _JUSTIFICATION.sub(" ", text.strip())


# Digits set in another font than the CJK text around them (a browser falls back
# to a Latin font for them) may sit on another baseline, and an extractor then
# gives them a line of their own under the line they belong to:
# "年 月份居民消费价格" over "2024 4". They belong in the holes they left, each
# in front of the unit it counts (年, 月, 日, 万, 元...).
_DIGIT_LINE = re.compile(r"^[ \t\xa0]*\d+(?:[ \t\xa0]+\d+)*[ \t\xa0]*$")
_UNITS = "年月日号时点分秒万亿元岁天周届次个名位条章节页多"
_HOLE = re.compile(rf"(?<=[\u4e00-\u9fff\uff00-\uffef]) (?=[{_UNITS}])")


def _filled(text: str, groups: list[str]) -> str | None:
    """``text`` with ``groups`` put into its holes, or ``None`` when they do not fit one to one."""
    body = text.lstrip()
    holes = [m.start() for m in _HOLE.finditer(body)]
    leading = body[:1] in _UNITS
    if leading and len(holes) + 1 == len(groups):
        body = groups[0] + body
        holes = [h + len(groups[0]) for h in holes]
        groups = groups[1:]
    elif len(holes) != len(groups) or not holes:
        return None
    for hole, group in reversed(list(zip(holes, groups, strict=True))):
        body = body[:hole] + group + body[hole + 1 :]
    return text[: len(text) - len(text.lstrip())] + body


def restore_digits(lines: list[Line]) -> list[Line]:
    """Put digits that an extractor set on a line of their own back into the line above."""
    out: list[Line] = []
    for line in lines:
        above = out[-1] if out else None
        if above is not None and not above.blank and _DIGIT_LINE.match(line.text):
            repaired = _filled(above.text, line.text.split())
            if repaired is not None:
                out[-1] = Line(repaired, above.start, line.end, above.page_start)
                continue
        out.append(line)
    return out
