"""Page furniture: page numbers and running headers and footers, found and cut.

A PDF repeats things on every page that are not part of the text: the page
number (``— 3 —``, ``- 3 -``, ``Page 3 of 10``, ``[Page 3]``, ``3/10``), a running
header (the document or chapter title, ``RFC 2616  HTTP/1.1  June 1999``) and a
running footer (an author line, the URL a browser printed). A page number is
recognisable alone. A running header or footer is recognisable by repetition:
a line that, with its digits masked, comes back at the edge of page after page.

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

from corpus import Removed
from corpus_pdftext._lines import Line, restore_digits, split_lines

_PAGE_NUMBER = re.compile(
    r"^(?:"
    r"[-—–−~～]+\s*\d{1,4}\s*[-—–−~～]+"  # - 3 -, — 3 —
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?"  # Page 3, Page 3 of 10
    r"|\[\s*page\s+\d{1,4}\s*\]"  # [Page 3]
    r"|\d{1,4}\s*/\s*\d{1,4}"  # 3/10
    r"|第\s*\d{1,4}\s*页(?:\s*[,，]?\s*共\s*\d{1,4}\s*页)?"  # 第3页 共10页
    r")$",
    re.IGNORECASE,
)
# A bare number is a page number only where one sits: at the edge of a page, or
# alone between blank lines; elsewhere it may be a cell of a table.
_BARE_NUMBER = re.compile(r"^\d{1,4}$")
# How many lines at the top and the bottom of a page can hold furniture, not
# counting the furniture itself.
_EDGE = 3
# How many lines from a page's edge a line may sit and still count as coming
# back there, page after page.
_ZONE = 6
_RUNNING_SHARE = 0.3
# What a browser prints: Chrome, Edge and Safari stamp "11/21/26, 11:59 PM",
# Firefox "21/11/2026, 23:59"; the footer holds the page's address.
_PRINT_STAMP = re.compile(
    r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4},?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s|$)"
)
# "2024-05-11 09:36" is as likely a byline as a stamp; the English formats,
# with the comma, are a browser's. Any other is a stamp only where it comes
# back on page after page.
_BROWSER_STAMP = re.compile(r"^\d{1,2}/\d{1,2}/\d{2,4},\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s|$)")
_URL = re.compile(r"(?:https?|file|ftp)://\S+|www\.[\w-]+\.\S+", re.IGNORECASE)
# Cells of a line set in columns (``pdftotext -layout``): text apart by a wide gap.
_CELL_GAP = re.compile(r"[ \t\xa0\u3000]{3,}")


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


def is_print_stamp(text: str) -> bool:
    """Does the line open with the date-and-time stamp a browser prints on each page?"""
    return bool(_PRINT_STAMP.match(text.strip()))


def without_print_stamp(text: str) -> str:
    """The line without the browser's date-and-time stamp it opens with (Chrome sets the title after it)."""
    return _PRINT_STAMP.sub("", text.strip(), count=1).strip()


def is_url(text: str) -> bool:
    """Is the text an address and nothing else?"""
    return bool(_URL.fullmatch(text.strip()))


def cells(text: str) -> list[str]:
    """The pieces of a line that a wide gap separates (one piece for ordinary lines)."""
    return [cell for cell in _CELL_GAP.split(text.strip()) if cell]


def _numbered(line: Line) -> bool:
    return is_page_number(line.text) or bool(_BARE_NUMBER.match(line.stripped))


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


_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")


def _mask(text: str) -> str:
    """A running header with its page number or date masked, spaces collapsed."""
    return _SPACES.sub(" ", _DIGITS.sub("#", text.strip())).lower()


def _running_candidates(lines: Sequence[Line], page: list[int]) -> list[int]:
    """The lines of a page that can be a running header or footer: not blank, not a page number."""
    return [i for i in page if not lines[i].blank and not _numbered(lines[i])]


def _slots(candidates: list[int]) -> dict[int, str]:
    """The lines that can hold furniture, by slot: ``top-0``, ``top-1``... ``bottom-0``...

    Furniture sits in the same slot on every page; a line of body text that
    happens to repeat (a refrain, a boilerplate sentence) does not.
    """
    slots: dict[int, str] = {}
    for rank, i in enumerate(candidates[:_EDGE]):
        slots[i] = f"top-{rank}"
    for rank, i in enumerate(reversed(candidates[_EDGE:][-_EDGE:])):
        slots[i] = f"bottom-{rank}"
    return slots


def _zone(candidates: list[int]) -> set[int]:
    """The lines near the top or the bottom of a page (extractors disagree on which)."""
    return set(candidates[:_ZONE] + candidates[-_ZONE:])


def _keys(text: str) -> set[str]:
    """What of a line can come back on other pages: the line, and each of its cells."""
    pieces = cells(text)
    return {_mask(text)} | ({_mask(cell) for cell in pieces} if len(pieces) > 1 else set())


@dataclass(frozen=True)
class _Running:
    """What comes back at the edges of the pages."""

    slotted: set[tuple[str, str]]  # (slot, masked text) on the pages of a short document
    anywhere: set[str]  # masked text or cell near an edge (either: extractors reorder) of many pages
    browser: bool  # the pages carry a browser's print stamps


def _running(
    lines: Sequence[Line], pages: list[list[int]], slots: list[dict[int, str]], zones: list[set[int]]
) -> _Running:
    """What comes back on the pages, given each page's ``_slots`` and ``_zone``."""
    if len(pages) < 2:
        return _Running(set(), set(), _browser(lines, pages, zones))
    seen: Counter[tuple[str, str]] = Counter()
    near: Counter[str] = Counter()
    for page_slots, zone in zip(slots, zones, strict=True):
        seen.update({(slot, _mask(lines[i].text)) for i, slot in page_slots.items()})
        near.update({key for i in zone for key in _keys(lines[i].text)})
    needed = 2 if len(pages) == 2 else max(3, round(_RUNNING_SHARE * len(pages)))
    slotted = {key for key, count in seen.items() if count >= needed}
    # Anywhere near the edge only counts on enough pages: two pages of a short
    # document may share a line by chance.
    anywhere = {key for key, count in near.items() if count >= needed} if len(pages) >= 3 else set()
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
        or bool(_BARE_NUMBER.match(cell))
        or (running.browser and (_stamp(cell, running) or is_url(cell)))
        or _mask(cell) in running.anywhere
    )


def _kind(
    lines: Sequence[Line], i: int, top: bool, slots: dict[int, str], running: _Running, *, single: bool
) -> str | None:
    """What furniture line ``i`` is, near the top (``top``) or the bottom of its page; ``None``: text."""
    line = lines[i]
    if is_page_number(line.text) or (_BARE_NUMBER.match(line.stripped) and (not single or _alone(lines, i))):
        return "page-number"
    where = "running-header" if top else "running-footer"
    slot = slots.get(i)
    if slot is not None and (slot, _mask(line.text)) in running.slotted:
        return "running-header" if slot.startswith("top") else "running-footer"
    if _mask(line.text) in running.anywhere or (running.browser and _stamp(line.text, running)):
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
    """The furniture of one page: walking in from each edge, until ``_EDGE`` lines of text.

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
            if text_lines >= _EDGE:
                break
    # A page number such as "— 3 —" is furniture anywhere on the page; a bare
    # number only alone, where no page breaks say where the edges are. So are
    # a browser's stamps: an extractor may read them in the middle of a page.
    for i in filled:
        bare_alone = single and _BARE_NUMBER.match(lines[i].stripped) and _alone(lines, i)
        if i not in cut and (is_page_number(lines[i].text) or bare_alone):
            cut[i] = "page-number"
        elif i not in cut and running.browser and _stamps_only(lines[i].text, running):
            cut[i] = "running-header" if i < filled[len(filled) // 2] else "running-footer"
    return cut


def _stamp(text: str, running: _Running) -> bool:
    """Does the line open with the print date of a browser: in its own format, or coming back page after page?"""
    text = text.strip()
    match = _PRINT_STAMP.match(text)
    return match is not None and (bool(_BROWSER_STAMP.match(text)) or _mask(match.group()) in running.anywhere)


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
    kept, removed = strip_furniture(_paged_by_counters(split_lines(text)))
    kept = restore_digits(kept)
    removed += [Removed("\f", "page-break", i, i + 1) for i, ch in enumerate(text) if ch == "\f"]
    removed.sort(key=lambda r: r.start or 0)
    return Depaginated(kept, removed, printed_web_page(removed))


_COUNTER = re.compile(r"(?:^|\s)(\d{1,4})\s*/\s*(\d{1,4})$")


def _paged_by_counters(lines: list[Line]) -> list[Line]:
    """Lines with page breaks where an ``n/m`` counter ends each page, when the extractor wrote no form feeds.

    A browser closes every page with ``1/6``, ``2/6``...: counters that count up
    to the same total, one a page, are where the pages end.
    """
    if any(line.page_start for line in lines):
        return lines
    ends: list[int] = []
    total: str | None = None
    for i, line in enumerate(lines):
        match = _COUNTER.search(line.stripped)
        if match is None or int(match[1]) != len(ends) + 1 or (total is not None and match[2] != total):
            continue
        total = match[2]
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
    urls = [m.group() for text in texts for m in [_URL.search(text)] if m]
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
