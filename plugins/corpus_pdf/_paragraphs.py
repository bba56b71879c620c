"""Rejoin a PDF's printed lines into paragraphs, from where the lines sit.

Between two lines the question is always whether the paragraph ended or the
line merely ran out of room, and the page answers it:

- a vertical gap larger than the usual line pitch, or a change of font size,
  ends a paragraph;
- a line that stops short of the column's right margin by more than the next
  line's first word (or CJK character) needs, ended its paragraph: had the
  paragraph gone on, that word would have been set there;
- a line indented past the one before, after a sentence ended, opens one;
- a section heading (``一、``, ``第三条``, ``2.1 Scope``) opens one.

Documents that separate their paragraphs by vertical space (a web page, an RFC)
say it often; in them a short line ends a paragraph only when it is very short,
since hand-wrapped text (an RFC's 72 columns) stops short all the time. Across
a page break (or a jump to the next column) the paragraph goes on when the
last line was full and the next one is neither indented nor a heading.

Rejoined lines get no space between CJK characters and one between words; a
hyphen that ends a line goes when it split a word (``thou-`` ``sand``) and
stays when the document prints that compound with its hyphen elsewhere.
"""

from __future__ import annotations

import re
import statistics
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, pairwise

from corpus.text import CJK_CLASS, ends_sentence, has_cjk, hyphenated, is_heading, join, printed_width, tidy
from corpus_pdf._lines import TextLine

# A gap this much larger than the usual pitch of its font size separates paragraphs.
_GAP = 1.35
# A font this much larger or smaller is another element (a heading, a caption).
_SIZE_CHANGE = 0.12
# Documents where at least this share of line pairs have a paragraph gap separate paragraphs that way.
_GAP_LAYOUT_SHARE = 0.04
# In such documents a line ends its paragraph by its shortness alone only when
# this share of the column is left empty.
_GAP_LAYOUT_ROOM = 0.3
_INDENT_UNITS = 1.5
_LEADING_WORD = re.compile(f"[^\\s{CJK_CLASS}]+")
_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_LAST_WORD = re.compile(r"[A-Za-z]+$")
_FIRST_WORD = re.compile(r"[A-Za-z]+")
_CJK_PAIR = re.compile(f"(?=([{CJK_CLASS}][ \u3000]?[{CJK_CLASS}]))")
_CJK_SPACE = re.compile(f"(?<=[{CJK_CLASS}])[ \u3000](?=[{CJK_CLASS}])")
_LETTER_SPACED = 0.6


@dataclass(frozen=True)
class Paragraph:
    """One paragraph and the printed lines it was rejoined from."""

    lines: tuple[TextLine, ...]
    text: str

    @property
    def page(self) -> int:
        return self.lines[0].page

    @property
    def size(self) -> float:
        return max(line.size for line in self.lines)

    @property
    def centred(self) -> bool:
        """Is every line set in the middle of the page, clear of the left margin?"""
        return all(
            abs(line.centre - line.page_width / 2) < 0.05 * line.page_width and line.x0 > 0.2 * line.page_width
            for line in self.lines
        )


class _Margins:
    """The left and right margin of the column a line sits in, among a set of lines.

    A line's column is the lines that overlap it horizontally: its right margin
    is the largest right edge among the lines that start left of its end. In a
    document they must also be set in its size, since a title or a full-width
    abstract spans the columns below it, and they come from its own page. A
    printed web page is one flow of blocks in one main column on every page,
    so there all lines of all sizes count: a list of headlines then stops short
    of the margin that the article reaches, even on a page with no article.
    """

    def __init__(self, lines: Sequence[TextLine], *, any_size: bool) -> None:
        self.any_size = any_size
        groups: dict[float, list[TextLine]] = defaultdict(list)
        for line in lines:
            groups[self._key(line)].append(line)
        self._by_x0: dict[float, tuple[list[float], list[float]]] = {}
        self._by_x1: dict[float, tuple[list[float], list[float]]] = {}
        for key, group in groups.items():
            starts = sorted(group, key=lambda line: line.x0)
            self._by_x0[key] = ([line.x0 for line in starts], list(accumulate((line.x1 for line in starts), max)))
            ends = sorted(group, key=lambda line: line.x1)
            suffix = list(accumulate((line.x0 for line in reversed(ends)), min))[::-1]
            self._by_x1[key] = ([line.x1 for line in ends], suffix)

    def _key(self, line: TextLine) -> float:
        return 0.0 if self.any_size else line.size

    def left(self, line: TextLine) -> float:
        ends, min_start = self._by_x1[self._key(line)]
        i = bisect_right(ends, line.x0)
        return min(min_start[i], line.x0) if i < len(ends) else line.x0

    def right(self, line: TextLine) -> float:
        starts, max_end = self._by_x0[self._key(line)]
        i = bisect_left(starts, line.x1)
        return max(max_end[i - 1], line.x1) if i > 0 else line.x1


class _Page:
    """One page's lines: where its columns start and end."""

    def __init__(self, lines: Sequence[TextLine], margins: _Margins) -> None:
        self.lines = lines
        self.margins = margins

    def left(self, line: TextLine) -> float:
        return self.margins.left(line)

    def right(self, line: TextLine) -> float:
        return self.margins.right(line)

    def _column(self, line: TextLine) -> list[TextLine]:
        return [other for other in self.lines if other.x0 < line.x1 and other.x1 > line.x0]

    def tops_column(self, line: TextLine) -> bool:
        """Is no line of the column above ``line``? (Where a paragraph from the page before goes on.)"""
        return not any(other.baseline < line.baseline - 0.5 * line.height for other in self._column(line))

    def ends_column(self, line: TextLine) -> bool:
        return not any(other.baseline > line.baseline + 0.5 * line.height for other in self._column(line))


@dataclass(frozen=True)
class _Layout:
    pitch: dict[float, float]  # usual baseline-to-baseline distance per font size
    gap_separated: bool

    def pitch_of(self, line: TextLine) -> float:
        return self.pitch.get(line.size, 1.2 * line.height)


def _measure(pages: Sequence[Sequence[TextLine]]) -> _Layout:
    steps: dict[float, list[float]] = defaultdict(list)
    for page in pages:
        for a, b in pairwise(page):
            dy = b.baseline - a.baseline
            if a.size == b.size and 0.5 * a.height < dy < 4 * a.height:
                steps[a.size].append(dy)
    pitch = {size: statistics.median(values) for size, values in steps.items()}
    pairs = sum(len(values) for values in steps.values())
    gaps = sum(1 for size, values in steps.items() for dy in values if dy > _GAP * pitch[size] + 1)
    return _Layout(pitch, gap_separated=pairs > 0 and gaps >= 3 and gaps >= _GAP_LAYOUT_SHARE * pairs)


def paragraphs(pages: Sequence[Sequence[TextLine]], *, web_page: bool = False) -> list[Paragraph]:
    """The paragraphs of the pages' lines (furniture already cut), in reading order."""
    layout = _measure(pages)
    shared = _Margins([line for page in pages for line in page], any_size=True) if web_page else None
    geometry: dict[int, _Page] = {}
    for page in pages:
        columns = _Page(page, shared or _Margins(page, any_size=False))
        geometry.update((id(line), columns) for line in page)
    out: list[list[TextLine]] = []
    previous: TextLine | None = None
    for page in pages:
        for line in page:
            if previous is None or _ends_paragraph(previous, line, layout, geometry):
                out.append([line])
            else:
                out[-1].append(line)
            previous = line
    words = _Vocabulary(line.text for page in pages for line in page)
    return [Paragraph(tuple(lines), words.text_of(lines)) for lines in out]


class _Vocabulary:
    """The words of a document, to tell a hyphen that split a word from a compound's own.

    A line that ends in ``cherry-`` before ``tart`` may be hyphenating
    ``cherrytart`` or breaking ``cherry-tart`` at its hyphen; the document
    itself usually settles it, by printing the word whole on some other line.
    Without that evidence the hyphen is taken for a line-break hyphen, which
    is what it mostly is (``thou-sand``, ``GUTEN-BERG``).
    """

    def __init__(self, texts: Iterable[str]) -> None:
        self.hyphenated: set[str] = set()
        self.whole: set[str] = set()
        for text in texts:
            for word in _WORD.findall(text.rstrip("-")):
                (self.hyphenated if "-" in word else self.whole).add(word.casefold())

    def text_of(self, lines: Sequence[TextLine]) -> str:
        text = ""
        for line in lines:
            piece = _unspaced(tidy(line.text))
            if text.endswith("-") and self._drops_hyphen(text, piece):
                text = text[:-1] + piece
            elif hyphenated(text) and piece[:1].isalpha():
                text += piece  # a compound broken at its own hyphen: keep it, add no space
            else:
                text = join(text, piece, dehyphenate=True)
        return text

    def _drops_hyphen(self, left: str, right: str) -> bool:
        head = _LAST_WORD.search(left[:-1])
        tail = _FIRST_WORD.match(right)
        if head is None or tail is None:
            return False
        first, second = head.group(), tail.group()
        if not (second[0].islower() or (first.isupper() and second.isupper())):
            return False
        whole, compound = (first + second).casefold(), f"{first}-{second}".casefold()
        return not (compound in self.hyphenated and whole not in self.whole)


def _unspaced(text: str) -> str:
    """A letter-spaced CJK line (``关 于 红 军``) without the spaces PDFium put between its characters.

    Only when most CJK characters of the line stand apart: a space a writer put
    between two phrases (``新华社上海11月30日电 中共中央``) stays.
    """
    pairs = _CJK_PAIR.findall(text)
    if not pairs:
        return text
    spaced = sum(1 for pair in pairs if pair[1] == " ")
    return _CJK_SPACE.sub("", text) if spaced >= _LETTER_SPACED * len(pairs) else text


def _ends_paragraph(a: TextLine, b: TextLine, layout: _Layout, geometry: dict[int, _Page]) -> bool:
    """Does the paragraph end between line ``a`` and the next line ``b``?"""
    if abs(a.size - b.size) > _SIZE_CHANGE * max(a.size, b.size):
        return True
    if is_heading(b.text) and (ends_sentence(a.text) or is_heading(a.text)):
        return True
    dy = b.baseline - a.baseline
    same_flow = b.page == a.page and dy > 0.3 * a.height
    page_a, page_b = geometry[id(a)], geometry[id(b)]
    if same_flow and dy > _GAP * layout.pitch_of(a) + 1:
        return True
    # Across a page or a column the margins move: compare each line with its own column's.
    indent = b.x0 - a.x0 if same_flow else (b.x0 - page_b.left(b)) - (a.x0 - page_a.left(a))
    if indent >= _INDENT_UNITS * b.unit and (ends_sentence(a.text) or not same_flow):
        return True
    if not same_flow and not (page_a.ends_column(a) and page_b.tops_column(b)):
        return True  # a jump elsewhere, not from the foot of a column to the head of the next
    if not same_flow and b.page == a.page and b.x0 <= a.x0:
        return True
    if hyphenated(a.text) and b.text[:1].isalpha():
        return False  # a word split across the lines
    right = page_a.right(a)
    room = right - a.x1
    if layout.gap_separated:
        return room >= _GAP_LAYOUT_ROOM * (right - page_a.left(a)) and room >= _room_needed(b) * b.unit
    slack = 0.0 if ends_sentence(a.text) else _slack(a)
    return room >= (_room_needed(b) + slack) * max(a.unit, b.unit)


def _room_needed(line: TextLine) -> float:
    """Columns the first word (or CJK character) of ``line`` would have taken on the line before.

    In CJK text a line may break between any two characters, and between a run
    of digits or Latin letters and the CJK character after it; in spaced
    scripts the word also needs its space.
    """
    text = line.text.strip()
    word = _LEADING_WORD.match(text)
    if word is None:
        return 2.0
    cjk_before = text[word.end() : word.end() + 1]
    return printed_width(word.group()) + (0.0 if cjk_before and not cjk_before.isspace() else 1.0)


def _slack(line: TextLine) -> float:
    """Columns a wrapped line may stop short by without ending its paragraph.

    A CJK line stops up to a character short (a closing mark may not open the
    next line) and its digits are set wider than the half column counted for
    them; justified Latin text is flush, ragged Latin text is covered by the
    next word's width.
    """
    if has_cjk(line.text[-3:]):
        return 2.5
    return 1.0
