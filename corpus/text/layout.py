"""The layout of extracted PDF text: line width, indents, what a blank line means.

A PDF has no paragraphs, only positioned lines; an extractor writes one text line
per printed line. Whether a paragraph ends after a line can only be judged
against the page: the usual full width of a line, the usual indent, and how the
extractor used blank lines (between paragraphs, after every line, or never).
This module measures those once per document.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.text.lines import Line, ends_sentence, indent
from corpus.text.scripts import has_cjk

# A line is "full" when it reaches this share of the typical width: the right
# margin of proportional fonts is ragged by a few characters.
_FULL_SHARE = 0.85
_WIDTH_PERCENTILE = 0.8


@dataclass(frozen=True)
class Layout:
    width: int  # display width of a full line
    base_indent: int  # indent of an ordinary (continuation) line
    double_spaced: bool  # the extractor put a blank line after every line
    blank_separated: bool  # blank lines separate paragraphs
    indented_paragraphs: bool  # a deeper indent opens a paragraph

    def is_separator(self, blank_run: int) -> bool:
        """Do ``blank_run`` blank lines in a row end a paragraph?"""
        return blank_run >= (2 if self.double_spaced else 1)


def _percentile(values: Sequence[int], share: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0


def _double_spaced(lines: Sequence[Line]) -> bool:
    """Is nearly every text line followed by exactly one blank line?"""
    filled = [i for i, line in enumerate(lines) if not line.blank]
    if len(filled) < 4:
        return False
    followed = sum(
        1
        for i in filled
        if i + 1 < len(lines) and lines[i + 1].blank and (i + 2 >= len(lines) or not lines[i + 2].blank)
    )
    return followed >= 0.6 * len(filled)


def measure(lines: Sequence[Line]) -> Layout:
    """The page as the lines show it (page furniture already cut)."""
    filled = [line for line in lines if not line.blank]
    widths = [line.width for line in filled]
    indents = Counter(indent(line.text) for line in filled)
    base = indents.most_common(1)[0][0] if indents else 0
    double = _double_spaced(lines)
    blanks = sum(1 for line in lines if line.blank)
    blank_separated = not double and blanks >= 0.1 * max(1, len(filled))
    deeper = sum(count for level, count in indents.items() if level >= base + 2)
    indented = not blank_separated and 0 < deeper < 0.5 * max(1, len(filled))
    return Layout(_percentile(widths, _WIDTH_PERCENTILE), base, double, blank_separated, indented)


# A stretch set in another measure (a lead paragraph in a larger font, a block
# quote, a narrower column) has its own right margin: the lines around it end
# there too. CJK lines fill their measure to the character, so two lines ending
# together show it; Latin text is ragged, so it takes three lines ending near
# each other well short of the page's margin.
_BEFORE = 2
_AFTER_CJK = 1
_AFTER_LATIN = 2


def _own_margin(window: Sequence[int], cjk: bool, page_width: int) -> int | None:
    """The right margin the lines of ``window`` share, if it is not the page's."""
    margin = max(window)
    if cjk:
        together = sum(1 for w in window if w >= margin - 2) >= 2
        return margin if together and page_width * 0.4 <= margin < page_width else None
    together = sum(1 for w in window if w >= 0.88 * margin) >= 3
    return margin if together and page_width * 0.3 <= margin <= page_width * 0.8 else None


def local_widths(block: Sequence[Line], layout: Layout) -> list[int]:
    """The full-line width where each line of ``block`` sits."""
    widths = [line.width for line in block]
    out: list[int] = []
    for i, line in enumerate(block):
        cjk = has_cjk(line.text)
        after = _AFTER_CJK if cjk else _AFTER_LATIN
        margin = _own_margin(widths[max(0, i - _BEFORE) : i + after + 1], cjk, layout.width)
        out.append(layout.width if margin is None else margin)
    return out


def is_full(line: Line, layout: Layout) -> bool:
    """Does the line reach (nearly) the full width of the page?"""
    return line.width >= _FULL_SHARE * layout.width


def hard_wrapped(lines: Sequence[Line], layout: Layout) -> float:
    """Share of text lines that fill the width yet stop in mid-sentence: wrap evidence."""
    filled = [line for line in lines if not line.blank]
    if len(filled) < 5 or layout.width > 200:
        return 0.0
    cut = sum(1 for line in filled if is_full(line, layout) and not ends_sentence(line.text))
    return cut / len(filled)
