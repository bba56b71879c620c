"""Extracted text without its pages: furniture cut, page breaks undone, digits put back.

Text extracted from a PDF (pdftotext, PyMuPDF, a copy from a viewer) keeps the
pages: a form feed at each break, the page number, a running header and footer
on every page. :func:`depaginate` finds the pages (form feeds, or the ``n/m``
counters a browser prints when there are none), cuts what
:mod:`corpus.text.furniture` recognises at their edges, and leaves the text lines
with their offsets, so that everything cut can be shown in an audit.

A browser printing a web page stamps every page the same way: the date and
time and the page's title on top, its address and ``n/m`` at the bottom. Those
stamps are furniture wherever the extractor put them among the first and last
lines of a page (extractors disagree on the order of a page's edge lines), and
``pdftotext -layout`` may set two of them on one line, in cells apart.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.extract import Removed
from corpus.text.furniture import (
    EDGE_LINES,
    cells,
    find_url,
    is_bare_number,
    is_page_number,
    is_print_stamp,
    is_url,
    mask_numbers,
    page_counter,
    print_stamp,
    recurring,
    without_print_stamp,
)
from corpus.text.lines import Line, split_lines

# How many lines from a page's edge a line may sit and still count as coming
# back there, page after page.
_ZONE = 6
# "2024-05-11 09:36" is as likely a byline as a stamp; the English formats,
# with the comma, are a browser's. Any other is a stamp only where it comes
# back on page after page.
_FORM_FEED = re.compile("\f")
_BROWSER_STAMP = re.compile(r"^\d{1,2}/\d{1,2}/\d{2,4},\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s|$)")


def _numbered(line: Line) -> bool:
    return is_page_number(line.text) or bool(is_bare_number(line.stripped))


def _alone(lines: Sequence[Line], i: int) -> bool:
    before = i == 0 or lines[i - 1].blank or lines[i].page_start
    after = i + 1 == len(lines) or lines[i + 1].blank or lines[i + 1].page_start
    return before and after


def _pages(lines: Sequence[Line]) -> list[list[int]]:
    """Indices of the lines of each page (one page when there are no form feeds)."""
    pages: list[list[int]] = [[]]
    for i, line in enumerate(lines):
        if line.page_start and pages[-1]:
            pages.append([])
        pages[-1].append(i)
    return pages


def _running_candidates(lines: Sequence[Line], page: list[int]) -> list[int]:
    """The lines of a page that can be a running header or footer: not blank, not a page number."""
    return [i for i in page if not lines[i].blank and not _numbered(lines[i])]


def _slots(candidates: list[int]) -> dict[int, str]:
    """The lines that can hold furniture, by slot: ``top-0``, ``top-1``... ``bottom-0``...

    Furniture sits in the same slot on every page; a line of body text that
    happens to repeat (a refrain, a boilerplate sentence) does not.
    """
    slots: dict[int, str] = {}
    for rank, i in enumerate(candidates[:EDGE_LINES]):
        slots[i] = f"top-{rank}"
    for rank, i in enumerate(reversed(candidates[EDGE_LINES:][-EDGE_LINES:])):
        slots[i] = f"bottom-{rank}"
    return slots


def _zone(candidates: list[int]) -> set[int]:
    """The lines near the top or the bottom of a page (extractors disagree on which)."""
    return set(candidates[:_ZONE] + candidates[-_ZONE:])


def _keys(text: str) -> set[str]:
    """What of a line can come back on other pages: the line, and each of its cells."""
    pieces = cells(text)
    return {mask_numbers(text)} | ({mask_numbers(cell) for cell in pieces} if len(pieces) > 1 else set())


@dataclass(frozen=True)
class _Running:
    """What comes back at the edges of the pages."""

    slotted: set[tuple[str, str]]  # (slot, masked text) on the pages of a short document
    anywhere: set[str]  # masked text or cell near an edge (either: extractors reorder) of many pages
    browser: bool  # the pages carry a browser's print stamps

    # A text without pages has no running lines: its lines are not masked to look for one.
    def in_slot(self, slot: str, text: str) -> bool:
        return bool(self.slotted) and (slot, mask_numbers(text)) in self.slotted

    def near_edges(self, text: str) -> bool:
        return bool(self.anywhere) and mask_numbers(text) in self.anywhere


def _running(
    lines: Sequence[Line], pages: list[list[int]], slots: list[dict[int, str]], zones: list[set[int]]
) -> _Running:
    """What comes back on the pages, given each page's ``_slots`` and ``_zone``."""
    if len(pages) < 2:
        return _Running(set(), set(), _browser(lines, pages, zones))
    seen: Counter[tuple[str, str]] = Counter()
    near: Counter[str] = Counter()
    for page_slots, zone in zip(slots, zones, strict=True):
        seen.update({(slot, mask_numbers(lines[i].text)) for i, slot in page_slots.items()})
        near.update({key for i in zone for key in _keys(lines[i].text)})
    slotted = recurring(seen, len(pages))
    # Anywhere near the edge only counts on enough pages: two pages of a short
    # document may share a line by chance.
    anywhere = recurring(near, len(pages)) if len(pages) >= 3 else set()
    return _Running(slotted, anywhere, _browser(lines, pages, zones))


def _browser(lines: Sequence[Line], pages: list[list[int]], zones: list[set[int]]) -> bool:
    """Do most pages show a browser's stamps: the print date, or the page's address with ``n/m``?"""
    stamped = 0
    for page, zone in zip(pages, zones, strict=True):
        near = [cell for i in zone for cell in cells(lines[i].text)]
        near += [lines[i].stripped for i in page if is_page_number(lines[i].text)]
        has_url = any(is_url(cell) for cell in near)
        has_counter = any(is_page_number(cell) and "/" in cell for cell in near)
        stamped += any(is_print_stamp(cell) for cell in near) or (has_url and has_counter)
    return stamped >= max(1, len(pages) / 2)


def _furniture_cell(cell: str, running: _Running) -> bool:
    return (
        is_page_number(cell)
        or is_bare_number(cell)
        or (running.browser and (_stamp(cell, running) or is_url(cell)))
        or running.near_edges(cell)
    )


def _kind(
    lines: Sequence[Line], i: int, top: bool, slots: dict[int, str], running: _Running, *, single: bool
) -> str | None:
    """What furniture line ``i`` is, near the top (``top``) or the bottom of its page; ``None``: text."""
    line = lines[i]
    if is_page_number(line.text) or (is_bare_number(line.stripped) and (not single or _alone(lines, i))):
        return "page-number"
    where = "running-header" if top else "running-footer"
    slot = slots.get(i)
    if slot is not None and running.in_slot(slot, line.text):
        return "running-header" if slot.startswith("top") else "running-footer"
    if running.near_edges(line.text) or (running.browser and _stamp(line.text, running)):
        return where
    pieces = cells(line.text)
    if all(_furniture_cell(cell, running) for cell in pieces) and (
        len(pieces) > 1 or (running.browser and is_url(line.text))
    ):
        return where
    return None


def _page_furniture(
    lines: Sequence[Line], page: list[int], slots: dict[int, str], running: _Running, *, single: bool
) -> dict[int, str]:
    """The furniture of one page: walking in from each edge, until ``EDGE_LINES`` lines of text.

    Furniture does not count, so a header of three stamps and a stray page
    number is cut whole, while the walk stops before it reaches the body.
    """
    filled = [i for i in page if not lines[i].blank]
    cut: dict[int, str] = {}
    for top, order in ((True, filled), (False, filled[::-1])):
        text_lines = 0
        for i in order:
            if i in cut:
                continue
            kind = _kind(lines, i, top, slots, running, single=single)
            if kind is not None:
                cut[i] = kind
                continue
            text_lines += 1
            if text_lines >= EDGE_LINES:
                break
    # A page number such as "— 3 —" is furniture anywhere on the page; a bare
    # number only alone, where no page breaks say where the edges are. So are
    # a browser's stamps: an extractor may read them in the middle of a page.
    for i in filled:
        bare_alone = single and is_bare_number(lines[i].stripped) and _alone(lines, i)
        if i not in cut and (is_page_number(lines[i].text) or bare_alone):
            cut[i] = "page-number"
        elif i not in cut and running.browser and _stamps_only(lines[i].text, running):
            cut[i] = "running-header" if i < filled[len(filled) // 2] else "running-footer"
    return cut


def _stamp(text: str, running: _Running) -> bool:
    """Does the line open with the print date of a browser: in its own format, or coming back page after page?"""
    text = text.strip()
    stamp = print_stamp(text)
    return stamp is not None and (bool(_BROWSER_STAMP.match(text)) or running.near_edges(stamp))


def _stamps_only(text: str, running: _Running) -> bool:
    """Is the line nothing but a browser's stamps: the print date, the address, ``n/m``?"""
    return all(
        (_stamp(piece, running) and not without_print_stamp(piece))
        or is_url(piece)
        or (is_page_number(piece) and "/" in piece)
        for piece in cells(text)
    )


def strip_furniture(lines: Sequence[Line]) -> tuple[list[Line], list[Removed]]:
    """The lines without page furniture, and what was cut.

    The blank lines around a cut page break go too: they were layout, not a
    paragraph break, and the text flows on across the page.
    """
    pages = _pages(lines)
    candidates = [_running_candidates(lines, page) for page in pages]
    slots = [_slots(page) for page in candidates]
    running = _running(lines, pages, slots, [_zone(page) for page in candidates])
    kept: list[Line] = []
    removed: list[Removed] = []
    for page, page_slots in zip(pages, slots, strict=True):
        cut = _page_furniture(lines, page, page_slots, running, single=len(pages) == 1)
        body: list[Line] = []
        for i in page:
            line = lines[i]
            if i in cut:
                removed.append(Removed(line.text, cut[i], line.start, line.end))
            else:
                body.append(line)
        kept.extend(_trim_page(body, first=not kept, last=page is pages[-1]))
    return kept, removed


@dataclass(frozen=True)
class Depaginated:
    """Paginated text without its page furniture."""

    lines: list[Line]  # the text lines, page breaks flagged on them
    removed: list[Removed]  # the furniture and the page breaks, with offsets into the text
    url: str | None  # the address in a browser's footer: the text is a printed web page


def depaginate(text: str) -> Depaginated:
    """Cut page numbers, running headers and footers and page breaks from ``text``.

    Digits an extractor set apart from their line go back into it (``restore_digits``).
    """
    kept, removed = strip_furniture(_paged_by_counters(split_lines(text, page_breaks=True)))
    kept = restore_digits(kept)
    removed += [Removed("\f", "page-break", m.start(), m.end()) for m in _FORM_FEED.finditer(text)]
    removed.sort(key=lambda r: r.start or 0)
    return Depaginated(kept, removed, printed_web_page(removed))


def _paged_by_counters(lines: list[Line]) -> list[Line]:
    """Lines with page breaks where an ``n/m`` counter ends each page, when the extractor wrote no form feeds.

    A browser closes every page with ``1/6``, ``2/6``...: counters that count up
    to the same total, one a page, are where the pages end.
    """
    if any(line.page_start for line in lines):
        return lines
    ends: list[int] = []
    total: int | None = None
    for i, line in enumerate(lines):
        counter = page_counter(line.stripped)
        if counter is None or counter[0] != len(ends) + 1 or (total is not None and counter[1] != total):
            continue
        total = counter[1]
        ends.append(i)
    if len(ends) < 2:
        return lines
    starts = {i + 1 for i in ends}
    return [Line(line.text, line.start, line.end, True) if i in starts else line for i, line in enumerate(lines)]


def printed_web_page(removed: Sequence[Removed]) -> str | None:
    """The address of the web page a browser printed, if the furniture cut shows one.

    A browser stamps each page with the page's address and ``n/m``, or with the
    print date: an address in the furniture next to either is a printed page.
    """
    texts = [piece for r in removed for piece in cells(r.text)]
    urls = [url for text in texts if (url := find_url(text))]
    if not urls or not any(is_print_stamp(t) or (is_page_number(t) and "/" in t) for t in texts):
        return None
    return Counter(urls).most_common(1)[0][0]


def _trim_page(body: list[Line], *, first: bool, last: bool) -> list[Line]:
    start, end = 0, len(body)
    if not first:
        while start < end and body[start].blank:
            start += 1
    if not last:
        while end > start and body[end - 1].blank:
            end -= 1
    return body[start:end]


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
