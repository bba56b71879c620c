"""Find the article in a classified page dump: its lines, its title, its date.

The article is the stretch of lines with the most prose that no wall of chrome
(byline, "next article", footer, menu) crosses: a maximum-sum segment where prose
counts for its length and a wall costs more than any article gains by crossing
it. It then takes in the neutral lines next to it (a heading, a dateline) until
chrome or a menu-like scrap stops it. The title is the line above the byline,
or a title-like line just above the article.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from corpus_webtext._chrome import (
    WALL,
    WEAK,
    Classified,
    Role,
    find_date,
    is_dateline,
    is_heading,
)
from corpus_webtext._lines import display_width

_WALL_COST = 1000
_WEAK_COST = 30
# How many neutral lines the article may take in on each side, and how short a
# neutral line may be before it looks like a scrap of template ("小字号", "图集").
_MAX_EXTENSION = 6
_MIN_NEUTRAL_CHARS = 6
_TITLE_MAX_CHARS = 100


@dataclass(frozen=True)
class Article:
    start: int  # index of the first line of the article
    end: int  # index one past the last line
    title_index: int | None
    date: str | None


def _score(item: Classified) -> int:
    if item.role is Role.GOOD:
        return len(item.line.stripped)
    if item.role is Role.CHROME and item.strength == WALL:
        return -_WALL_COST
    if item.role is Role.CHROME and item.strength == WEAK:
        return -_WEAK_COST
    return 0


def best_segment(items: Sequence[Classified]) -> tuple[int, int] | None:
    """Indices [start, end) of the maximum-sum run of lines; ``None`` without prose."""
    best: tuple[int, int, int] | None = None  # (sum, start, end)
    running, start = 0, 0
    for i, item in enumerate(items):
        score = _score(item)
        if running <= 0 and score > 0:
            running, start = 0, i
        running += score
        if score > 0 and (best is None or running > best[0]):
            best = (running, start, i + 1)
        if running < 0:
            running = 0
    return None if best is None else (best[1], best[2])


def _extends(item: Classified) -> bool:
    """May the article take in this line next to it?"""
    if item.role is Role.BLANK or item.role is Role.GOOD:
        return True
    if item.role is not Role.NEUTRAL:
        return False
    text = item.line.stripped
    return len(text) >= _MIN_NEUTRAL_CHARS or is_heading(text) or is_dateline(text)


def _extend(items: Sequence[Classified], start: int, end: int) -> tuple[int, int]:
    taken = 0
    while start > 0 and taken < _MAX_EXTENSION and _extends(items[start - 1]):
        start -= 1
        taken += items[start].role is not Role.BLANK
    taken = 0
    while end < len(items) and taken < _MAX_EXTENSION and _extends(items[end]):
        end += 1
        taken += items[end - 1].role is not Role.BLANK
    while start < end and items[start].role is Role.BLANK:
        start += 1
    while end > start and items[end - 1].role is Role.BLANK:
        end -= 1
    return start, end


def _title_like(item: Classified) -> bool:
    text = item.line.stripped
    if item.role is not Role.NEUTRAL and item.role is not Role.GOOD:
        return False
    if not 4 <= len(text) <= _TITLE_MAX_CHARS or display_width(text) < 8:
        return False
    return text[-1] not in "。.,，;；:："


def _skippable_above_title(item: Classified) -> bool:
    """Lines between a title and its byline: more byline, icons, a lone menu bullet."""
    return item.role is Role.BLANK or (item.role is Role.CHROME and item.kind in ("byline", "image", "menu", "share"))


def _find_title(items: Sequence[Classified], start: int) -> int | None:
    bylines = [i for i in range(start) if items[i].kind == "byline"]
    if bylines:
        i = bylines[-1] - 1
        while i >= 0 and _skippable_above_title(items[i]):
            i -= 1
        if i >= 0 and _title_like(items[i]):
            return i
    # No byline: a title-like line just above the article.
    i, seen = start - 1, 0
    while i >= 0 and seen < 3:
        if items[i].role is Role.BLANK:
            i -= 1
            continue
        if _title_like(items[i]):
            return i
        if items[i].role is Role.CHROME and items[i].strength == WALL and items[i].kind != "image":
            break
        seen += 1
        i -= 1
    return None


def _find_date(items: Sequence[Classified], start: int) -> str | None:
    """The publication date: from a byline above the article, else any header line."""
    header = items[:start]
    for item in [i for i in header if i.kind == "byline"] + list(header):
        date = find_date(item.line.stripped)
        if date is not None:
            return date
    return None


def find_article(items: Sequence[Classified]) -> Article:
    segment = best_segment(items)
    if segment is None:
        # No prose at all (a list, a notice of short lines): keep whatever is
        # not chrome rather than nothing.
        return Article(0, len(items), None, _find_date(items, len(items)))
    start, end = _extend(items, *segment)
    title = _find_title(items, start)
    return Article(start, end, title, _find_date(items, start))
