"""Paragraphs and title of plain text.

Plain text marks paragraphs in one of two ways: blank lines between them (the
lines inside may be wrapped at a fixed width), or one paragraph per line. A
block of lines is taken as wrapped when its lines run to a common width and
mostly stop in mid-sentence; otherwise each line is a paragraph of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from corpus.text import Line, display_width, ends_sentence, join

_TITLE_MAX_WIDTH = 80


def blocks(lines: Sequence[Line]) -> list[list[Line]]:
    """Runs of non-blank lines."""
    out: list[list[Line]] = [[]]
    for line in lines:
        if line.blank:
            if out[-1]:
                out.append([])
        else:
            out[-1].append(line)
    return [block for block in out if block]


def is_wrapped(block: Sequence[Line]) -> bool:
    """Were these lines cut at a fixed width, rather than one paragraph each?"""
    body = block[:-1]  # the last line of a wrapped paragraph is as long as it happens to be
    if not body:
        return False
    widths = [display_width(line.stripped) for line in body]
    widest = max(widths)
    common_width = sum(1 for w in widths if w >= 0.85 * widest) >= 0.6 * len(widths)
    mid_sentence = sum(1 for line in body if not ends_sentence(line.text))
    return common_width and widest <= 120 and mid_sentence >= 0.5 * len(body)


def paragraphs_of(block: Sequence[Line]) -> list[str]:
    if not is_wrapped(block):
        return [line.stripped for line in block]
    text = ""
    for line in block:
        text = join(text, line.stripped)
    return [text]


def is_title_line(text: str) -> bool:
    """Short, and no sentence: a heading rather than a paragraph."""
    return 0 < display_width(text) <= _TITLE_MAX_WIDTH and not ends_sentence(text) and text[-1] not in ",，、"


def read_plain(lines: Sequence[Line]) -> tuple[str | None, list[str]]:
    """The title (a short first line standing above the text) and the paragraphs."""
    found = blocks(lines)
    title: str | None = None
    paragraphs: list[str] = []
    for n, block in enumerate(found):
        texts = paragraphs_of(block)
        more_text = len(texts) > 1 or n + 1 < len(found)
        if n == 0 and more_text and texts[0] == block[0].stripped and is_title_line(texts[0]):
            title, texts = texts[0], texts[1:]
        paragraphs.extend(texts)
    return title, paragraphs
