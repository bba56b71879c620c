"""Find the article in a classified page dump: its lines, its title, its date.

The article is the stretch of lines with the most prose that no wall of chrome
(byline, "next article", footer, menu) crosses: a maximum-sum segment where prose
counts for its length and a wall costs more than any article gains by crossing
it. It then takes in the neutral lines next to it (a heading, a dateline) until
chrome or a menu-like scrap stops it. The title is the line (or the wrapped
lines) that the page's own title names, when the source tells it (a printed
page's running header); else the line above the byline, or a title-like line
just above the article.

A page printed to paper breaks the article where the page breaks, and the
printer may fill the rest of a page with a sidebar's menu or headlines before
the article goes on. So more prose on the far side of a menu or a list of
headlines is more of the article, with the sidebar cut out of it; on the far
side of a byline, a footer, a "related articles" header, share buttons or a
"next article" link it is another page's, or a teaser's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.text import display_width
from corpus_webtext._chrome import (
    WALL,
    WEAK,
    Classified,
    Role,
    find_date,
    is_dateline,
    is_editor_credit,
    is_heading,
)

_WALL_COST = 1000
_WEAK_COST = 30
# How many neutral lines the article may take in on each side, and how short a
# neutral line may be before it looks like a scrap of template ("小字号", "图集").
_MAX_EXTENSION = 6
_MIN_NEUTRAL_CHARS = 6
_TITLE_MAX_CHARS = 100


# Chrome that ends an article: what lies beyond it is never more of it.
_ENDS_ARTICLE = frozenset({"byline", "footer", "navigation", "related", "share", "breadcrumb"})
# How much prose a piece beyond a sidebar must hold to be taken for more of the article,
# and how long a sidebar may be when no page break shows that the printer put it there.
_MIN_PIECE = 100
_SHORT_SIDEBAR = 8
# A headline found in the page's title: letters enough, and a fair share of it.
_MIN_HINTED = 6
_HINT_SHARE = 0.3
_NOT_LETTERS = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Article:
    start: int  # index of the first line of the article
    end: int  # index one past the last line
    date: str | None
    title_lines: tuple[int, ...] = ()  # the headline's line, and the lines it wrapped onto
    holes: frozenset[int] = frozenset()  # lines inside [start, end) that are a sidebar, not the article
    credit: int | None = None  # the editor's credit that closes the article, kept with it

    def __contains__(self, index: int) -> bool:
        return self.start <= index < self.end and index not in self.holes


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
    for item in sorted(items[:start], key=lambda item: item.kind != "byline"):
        date = find_date(item.line.stripped)
        if date is not None:
            return date
    return None


def _ends_article(item: Classified) -> bool:
    return item.role is Role.CHROME and item.kind in _ENDS_ARTICLE


def _prose(items: Sequence[Classified]) -> int:
    return sum(len(item.line.stripped) for item in items if item.role is Role.GOOD)


def _sidebar(items: Sequence[Classified], start: int, end: int) -> set[int]:
    """The lines between two pieces of the article that are not part of it: chrome and scraps."""
    return {
        i
        for i in range(start, end)
        if items[i].role is Role.CHROME or (items[i].role is Role.NEUTRAL and not _extends(items[i]))
    }


def _worth_joining(items: Sequence[Classified], piece: tuple[int, int], gap: tuple[int, int]) -> bool:
    """Is ``piece`` more of the article, beyond the lines of ``gap``?

    It is when it holds prose enough, and the gap is short (scraps of a sidebar
    set between the article's lines) or holds a page break: a printer fills the
    rest of a page with what the page shows beside the article.
    """
    if _prose(items[piece[0] : piece[1]]) < _MIN_PIECE:
        return False
    crossed = sum(1 for i in range(*gap) if items[i].role is not Role.BLANK)
    lo, hi = min(gap[0], piece[0]), max(gap[1], piece[1])
    return crossed <= _SHORT_SIDEBAR or any(items[i].line.page_start for i in range(lo, min(hi + 1, len(items))))


def _join_pieces(items: Sequence[Classified], start: int, end: int) -> tuple[int, int, set[int]]:
    """Take in the pieces of prose that only a sidebar separates from ``[start, end)``."""
    holes: set[int] = set()
    while True:
        stop = next((i for i in range(end, len(items)) if _ends_article(items[i])), len(items))
        piece = best_segment(items[end:stop])
        if piece is None or not _worth_joining(items, (end + piece[0], end + piece[1]), (end, end + piece[0])):
            break
        holes |= _sidebar(items, end, end + piece[0])
        end += piece[1]
    while True:
        stop = next((i + 1 for i in range(start - 1, -1, -1) if _ends_article(items[i])), 0)
        piece = best_segment(items[stop:start])
        if piece is None or not _worth_joining(items, (stop + piece[0], stop + piece[1]), (stop + piece[1], start)):
            break
        holes |= _sidebar(items, stop + piece[1], start)
        start = stop + piece[0]
    return start, end, holes


def _letters(text: str) -> str:
    return _NOT_LETTERS.sub("", unicodedata.normalize("NFKC", text)).casefold()


def _hinted_title(items: Sequence[Classified], start: int, end: int, hint: str) -> tuple[int, ...]:
    """The lines of the headline that the page's own title (``hint``, e.g. a browser's header) holds.

    A page's title is the article's headline with the site's name after it:
    the line it opens with wins over one it only holds, a longer over a shorter,
    and the nearest above the article over one further away or inside it. A
    headline set large wraps: the lines after it go with it while the page's
    title still holds them all.
    """
    wanted = _letters(hint)
    best: tuple[bool, int, int, int] | None = None  # (prefix, length, -distance, index)
    for i in range(end):
        item = items[i]
        if item.role is Role.BLANK or _ends_article(item):
            continue
        found = _letters(item.line.stripped)
        if len(found) < _MIN_HINTED or len(found) < _HINT_SHARE * len(wanted) or found not in wanted:
            continue
        key = (wanted.startswith(found), len(found), -abs(start - 1 - i) - (end if i >= start else 0), i)
        if best is None or key > best:
            best = key
    if best is None:
        return ()
    lines = [best[3]]
    found = _letters(items[best[3]].line.stripped)
    while lines[-1] + 1 < len(items) and items[lines[-1] + 1].role is not Role.BLANK:
        more = found + _letters(items[lines[-1] + 1].line.stripped)
        if more == found or more not in wanted:
            break
        found = more
        lines.append(lines[-1] + 1)
    return tuple(lines)


def find_article(items: Sequence[Classified], title_hint: str | None = None) -> Article:
    """The article in ``items``; ``title_hint`` is the page's own title, when the source tells it."""
    segment = best_segment(items)
    if segment is None:
        # No prose at all (a list, a notice of short lines): keep whatever is
        # not chrome rather than nothing.
        return Article(0, len(items), _find_date(items, len(items)))
    start, end, holes = _join_pieces(items, *segment)
    start, end = _extend(items, start, end)
    credit = _closing_credit(items, end)
    if credit is not None:
        end = credit + 1
    title_lines = _hinted_title(items, start, end, title_hint) if title_hint else ()
    if not title_lines:
        title = _find_title(items, start)
        title_lines = () if title is None else (title,)
    return Article(start, end, _find_date(items, start), title_lines, frozenset(holes), credit)


def _closing_credit(items: Sequence[Classified], end: int) -> int | None:
    """The editor's credit right below the article: part of a news article as published."""
    i = end
    while i < len(items) and items[i].role is Role.BLANK and i < end + 2:
        i += 1
    return i if i < len(items) and is_editor_credit(items[i].line.stripped) else None
