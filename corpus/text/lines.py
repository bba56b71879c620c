"""Lines with their offsets, how wide they are, and how two wrapped pieces rejoin.

A reader of text that was laid out for a page or a screen (a PDF's extracted text,
a browser's text dump) works on physical lines and must keep where each one sits
in ``source.text``, so that what it cuts can be shown struck through in an audit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache

from corpus.text.scripts import has_cjk

__all__ = [
    "CLOSERS",
    "SENTENCE_END",
    "Line",
    "display_width",
    "ends_sentence",
    "hyphenated",
    "indent",
    "join",
    "printed_width",
    "split_lines",
    "tidy",
]

SENTENCE_END = "。！？；：.!?;:…"
"""Punctuation that ends a sentence (or a clause that ends a line of its own)."""

CLOSERS = "”’」』）)\"'》】"
"""Closing quotes and brackets, looked through when asking how a sentence ends."""

_QUOTES = "\"'“”‘’「」『』《》()（）[]【】"
# A line ending so may have split a word (``exam-`` + ``ple``).
_HYPHENATED = re.compile(r"[A-Za-z]-$")
_JUSTIFICATION = re.compile(r"[ \t\xa0]{2,}")


@dataclass(frozen=True)
class Line:
    """One physical line, without its line end, and where it sits in the source text.

    ``source_text[start:end] == text``, except that a line of :func:`split_lines`
    with ``page_breaks=True`` has its form feeds taken out: ``page_start`` is true
    for the first line after one.
    """

    text: str
    start: int
    end: int
    page_start: bool = False

    @property
    def stripped(self) -> str:
        """The text without leading and trailing blanks."""
        return self.text.strip()

    @property
    def blank(self) -> bool:
        """Is the line empty or blanks only?"""
        return not self.text.strip()

    @cached_property
    def width(self) -> int:
        """:func:`printed_width` of the text, trailing blanks not counted (asked of every line several times)."""
        return printed_width(self.text.rstrip())


def split_lines(text: str, *, page_breaks: bool = False) -> list[Line]:
    """The physical lines of ``text`` with their offsets, without their line ends.

    Only ``\\n`` ends a line (``\\r\\n`` too). With ``page_breaks``, form feeds
    (the page breaks of extracted PDF text) become :attr:`Line.page_start` flags:
    a line holding only a form feed is dropped, and a line's offsets then cover
    its text only, not the form feed before it.

    >>> [(line.text, line.start) for line in split_lines("a\\r\\nbc\\n")]
    [('a', 0), ('bc', 3)]
    """
    lines: list[Line] = []
    page_break = False
    # Split on "\n" alone: str.splitlines() would also split on \f, \v and U+2028,
    # which would shift every offset after them.
    pieces = text.split("\n")
    if not pieces[-1]:
        pieces.pop()  # the text ends with a line end (or is empty): no line after it
    at = 0  # where the piece starts in the text
    for piece in pieces:
        body = piece.rstrip("\r")
        here, at = at, at + len(piece) + 1
        if not page_breaks:
            lines.append(Line(body, here, here + len(body)))
            continue
        if not body.strip("\f") and "\f" in body:
            page_break = True  # a line holding only the page break: the flag carries it
            continue
        lead = len(body) - len(body.lstrip("\f"))
        content = body.strip("\f").replace("\f", " ")
        start = here + lead
        lines.append(Line(content, start, start + len(content), page_break or lead > 0))
        page_break = body.endswith("\f")
    return lines


def display_width(text: str, ambiguous: int = 1) -> int:
    """Columns in a terminal: a wide (CJK) character takes two, a combining mark none.

    Characters of ambiguous width (curly quotes, dashes) take ``ambiguous``
    columns; terminals set up for CJK text give them two.

    >>> display_width("中文 ok")
    7
    """
    if text.isascii():
        return len(text)
    if _ASTRAL.search(text):
        return _display_width_by_char(text, ambiguous)
    wide, combining, ambiguous_width = _width_classes()
    width = len(text) + len(wide.findall(text)) - len(combining.findall(text))
    if ambiguous != 1:
        width += (ambiguous - 1) * len(ambiguous_width.findall(text))
    return width


def _display_width_by_char(text: str, ambiguous: int) -> int:
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        kind = unicodedata.east_asian_width(ch)
        width += 2 if kind in "WF" else ambiguous if kind == "A" else 1
    return width


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@lru_cache(maxsize=1)
def _width_classes() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Regexes of the wide, the combining and the ambiguous characters of the Basic Multilingual Plane.

    Counting them with three searches in C is what makes measuring every line of
    a long text cheap; built once, from the same Unicode data as the character loop.
    """
    classes: dict[str, list[int]] = {"wide": [], "combining": [], "ambiguous": []}
    for cp in range(0x80, 0x10000):
        ch = chr(cp)
        if unicodedata.combining(ch):
            classes["combining"].append(cp)
            continue
        kind = unicodedata.east_asian_width(ch)
        if kind in "WF":
            classes["wide"].append(cp)
        elif kind == "A":
            classes["ambiguous"].append(cp)
    return _ranges(classes["wide"]), _ranges(classes["combining"]), _ranges(classes["ambiguous"])


def _ranges(points: list[int]) -> re.Pattern[str]:
    spans: list[tuple[int, int]] = []
    for cp in points:
        if spans and spans[-1][1] == cp - 1:
            spans[-1] = (spans[-1][0], cp)
        else:
            spans.append((cp, cp))
    body = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in spans)
    return re.compile(f"[{body}]")


def printed_width(text: str) -> int:
    """Width in half-width columns as the text sat on a printed page.

    As :func:`display_width`, except that curly quotes and dashes in a line of CJK
    text take two columns: CJK fonts set them full-width.
    """
    return display_width(text, ambiguous=2 if has_cjk(text) else 1)


def indent(text: str) -> int:
    """Leading blank columns; an ideographic space (U+3000) counts two, a tab four."""
    columns = 0
    for ch in text:
        if ch == "\u3000":
            columns += 2
        elif ch in " \t\xa0":
            columns += 4 if ch == "\t" else 1
        else:
            break
    return columns


def tidy(text: str) -> str:
    """One line's text without its indent and with justification spaces collapsed."""
    return _JUSTIFICATION.sub(" ", text.strip())


def hyphenated(text: str) -> bool:
    """Does the line end with a hyphen that may have split a word (``exam-``)?"""
    return _HYPHENATED.search(text) is not None


def ends_sentence(text: str) -> bool:
    """Does ``text`` end with a sentence's final punctuation (closing quotes looked through)?"""
    stripped = text.rstrip().rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_END


def join(left: str, right: str, *, dehyphenate: bool = False) -> str:
    """Rejoin two pieces of one paragraph that a line wrap separated.

    CJK text has no spaces, so a wrap between CJK characters leaves nothing; a
    wrap in a spaced script stood for a space. Quotes and brackets are looked
    through: ``“`` after a Chinese word joins tight. With ``dehyphenate`` a hyphen
    that split a word at the wrap goes (``exam-`` + ``ple``): right for typeset
    text, wrong for a text browser's dump, which never hyphenates.

    >>> join("中华人民", "共和国"), join("one", "two"), join("exam-", "ple", dehyphenate=True)
    ('中华人民共和国', 'one two', 'example')
    """
    if not left or not right:
        return left + right
    if dehyphenate and hyphenated(left) and right[:1].islower():
        return left[:-1] + right
    last = left.rstrip(_QUOTES)[-1:] or left[-1:]
    first = right.lstrip(_QUOTES)[:1] or right[:1]
    if has_cjk(last + first):
        return left + right
    return left + " " + right
