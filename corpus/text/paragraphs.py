"""Rejoin hard-wrapped lines into paragraphs, and find the title above them.

Between two lines of one block the question is always the same: did the
paragraph end, or did the line merely run out of room? It ended when the next
line opens with a paragraph indent or a section heading, or when this line
stopped clearly short of the right margin: short enough that the next word (or
CJK character) would have fitted. A line that ends a sentence may stop a
little short; a wrapped line may not. A one-space indent is not a paragraph
indent: some extractors leave one on the first line after a page break.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise

from corpus.text.layout import Layout, local_widths, measure
from corpus.text.lines import Line, ends_sentence, hyphenated, indent, join, printed_width, tidy
from corpus.text.scripts import CJK_CLASS, has_cjk, is_cjk

_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百]+[）)]|"
    r"第[一二三四五六七八九十百零\d]+[章节条部分篇编]|"
    r"(?:\d+\.)+\d*\s+\S|\d+\s+[A-Z])"
)
# The paragraph indent of a CJK document (two ideographic spaces) is lost by
# some extractors, so a paragraph's first line may stop that much short.
_LOST_INDENT = 4
_TITLE_MAX_WIDTH = 100


def is_heading(text: str) -> bool:
    """Is the line a numbered heading (``一、``, ``（二）``, ``第三章``, ``2.1 Scope``) short enough to be one?"""
    return bool(_HEADING.match(text.strip())) and printed_width(text.strip()) <= 80


def blocks(lines: Sequence[Line], layout: Layout) -> list[list[Line]]:
    """Runs of text lines between paragraph-separating blank lines."""
    out: list[list[Line]] = [[]]
    blank_run = 0
    for line in lines:
        if line.blank:
            blank_run += 1
            continue
        if layout.is_separator(blank_run) and out[-1]:
            out.append([])
        blank_run = 0
        out[-1].append(line)
    return [block for block in out if block]


_LEADING_WORD = re.compile(rf"[^\s{CJK_CLASS}]+")


def _room_needed(line: Line) -> int:
    """Columns the first word (or CJK character) of ``line`` needs on the line before.

    In CJK text a line may break between any two characters, and between a run
    of digits or Latin letters and the CJK character after it.
    """
    text = line.text.strip()
    if not text:
        return 0
    word = _LEADING_WORD.match(text)
    if word is None:
        return 2  # a CJK character
    return printed_width(word.group()) + (0 if word.end() < len(text) and text[word.end()] != " " else 1)


def _slack(previous: Line, width: int, layout: Layout, first_line: bool) -> int:
    """How far short of the margin a wrapped line may stop.

    CJK lines stop up to a character short (a closing mark may not start a
    line), and their digits and Latin letters are set wider than the half
    column counted for them; proportional Latin text is ragged by several
    characters.
    """
    text = previous.text.strip()
    if not _ends_cjk(text):
        return max(2, width // 10)
    narrow = sum(1 for ch in text if not is_cjk(ch) and printed_width(ch) == 1)
    slack = 2 + narrow // 3
    if first_line and not layout.indented_paragraphs:
        slack += _LOST_INDENT
    return slack


def _ends_cjk(text: str) -> bool:
    """Does the line end in CJK text (where lines break between any two characters)?"""
    return has_cjk(text[-3:])


def _lost_indent(line: Line, width: int) -> bool:
    """Does ``line`` stop about one paragraph indent short, as a first line does?"""
    room = width - line.width
    return _LOST_INDENT - 1 <= room <= _LOST_INDENT + 2 and not ends_sentence(line.text)


def _short(line: Line, width: int) -> bool:
    return width - line.width >= width // 4


def ends_paragraph(previous: Line, line: Line, layout: Layout, *, width: int, first_line: bool) -> bool:
    """Does the paragraph end between ``previous`` and ``line``?

    ``width`` is the full-line width where ``previous`` sits.
    """
    if layout.indented_paragraphs and indent(line.text) >= layout.base_indent + 2:
        return True
    if is_heading(line.text) and (ends_sentence(previous.text) or is_heading(previous.text)):
        return True
    if hyphenated(previous.text.rstrip()) and line.text.strip()[:1].islower():
        return False  # a word split across the lines
    room = width - previous.width
    if layout.indented_paragraphs:
        # The indent marks every paragraph start; only a line cut off in the
        # middle of the page (a list item, a signature) ends one without it.
        return room >= width // 2
    if room >= _room_needed(line) + _slack(previous, width, layout, first_line):
        return True  # the next word would have fitted: the line was not full
    if not ends_sentence(previous.text):
        return False
    if room >= _room_needed(line):
        return True  # a sentence that ends short of the margin, even by a little
    # A full line ends a sentence. Where the extractor dropped the paragraph
    # indent, the next line tells: a heading is short and no sentence, a
    # first line stops one indent short.
    return _ends_cjk(previous.text) and (
        (_short(line, width) and not ends_sentence(line.text)) or _lost_indent(line, width)
    )


def paragraphs(block: Sequence[Line], layout: Layout, *, own_margins: bool = True) -> list[list[Line]]:
    """Split one block into paragraphs, each a list of its physical lines.

    With ``own_margins``, lines that end together short of the page's margin
    are taken to be set in a narrower measure of their own (a lead, a quote);
    in a printed web page they are more often a list of headlines.
    """
    out: list[list[Line]] = [[block[0]]]
    widths = local_widths(block, layout) if own_margins else [layout.width] * len(block)
    for i, (previous, line) in enumerate(pairwise(block)):
        if ends_paragraph(previous, line, layout, width=widths[i], first_line=len(out[-1]) == 1):
            out.append([line])
        else:
            out[-1].append(line)
    return out


def text_of(lines: Sequence[Line]) -> str:
    """The paragraph the lines make: each tidied and rejoined (hyphenation undone)."""
    text = ""
    for line in lines:
        text = join(text, tidy(line.text), dehyphenate=True)
    return text


def is_title(lines: Sequence[Line], block_alone: bool, layout: Layout) -> bool:
    """Is this first paragraph the document's title?

    A title is short, is no sentence, and stands apart: a block of its own, or
    centred (indented well past the text's own indent).
    """
    text = text_of(lines)
    if not text or printed_width(text) > _TITLE_MAX_WIDTH or ends_sentence(text):
        return False
    if text[-1] in ",，、":
        return False
    centred = all(indent(line.text) >= layout.base_indent + 4 for line in lines)
    return block_alone or centred


def rejoin(lines: Sequence[Line], *, width: int | None = None, own_margins: bool = True) -> list[list[list[Line]]]:
    """The paragraphs of ``lines`` (page furniture already cut), block by block.

    ``width`` overrides the full-line width measured on the lines, for text in
    which most lines are short (the menus of a printed web page) and only the
    prose shows the page's measure.
    """
    layout = measure(lines)
    if width is not None:
        layout = replace(layout, width=width)
    return [paragraphs(block, layout, own_margins=own_margins) for block in blocks(lines, layout)]
