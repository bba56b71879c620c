"""Page furniture: page numbers and running headers and footers, found and cut.

A PDF repeats things on every page that are not part of the text: the page
number (``— 3 —``, ``- 3 -``, ``Page 3 of 10``, ``[Page 3]``, ``3/10``), a running
header (the document or chapter title, ``RFC 2616  HTTP/1.1  June 1999``) and a
running footer (an author line, the URL a browser printed). A page number is
recognisable alone. A running header or footer is recognisable by repetition:
a line that, with its digits masked, comes back at the edge of page after page.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from corpus import Removed
from corpus_pdftext._lines import Line

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
# How many lines at the top and the bottom of a page can hold furniture.
_EDGE = 3


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


def _numbered(line: Line) -> bool:
    return is_page_number(line.text) or bool(_BARE_NUMBER.match(line.stripped))


def _edge_lines(lines: Sequence[Line], page: list[int]) -> set[int]:
    filled = [i for i in page if not lines[i].blank]
    return set(filled[:_EDGE] + filled[-_EDGE:])


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


def _mask(text: str) -> str:
    """A running header with its page number or date masked, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", text.strip())).lower()


def _slots(lines: Sequence[Line], page: list[int]) -> dict[int, str]:
    """The lines that can hold furniture, by slot: ``top-0``, ``top-1``... ``bottom-0``...

    Furniture sits in the same slot on every page; a line of body text that
    happens to repeat (a refrain, a boilerplate sentence) does not.
    """
    filled = [i for i in page if not lines[i].blank and not _numbered(lines[i])]
    slots: dict[int, str] = {}
    for rank, i in enumerate(filled[:_EDGE]):
        slots[i] = f"top-{rank}"
    for rank, i in enumerate(reversed(filled[_EDGE:][-_EDGE:])):
        slots[i] = f"bottom-{rank}"
    return slots


def _running_lines(lines: Sequence[Line], pages: list[list[int]]) -> set[tuple[str, str]]:
    """(slot, masked text) pairs that come back on enough pages to be furniture."""
    if len(pages) < 2:
        return set()
    seen: Counter[tuple[str, str]] = Counter()
    for page in pages:
        seen.update({(slot, _mask(lines[i].text)) for i, slot in _slots(lines, page).items()})
    needed = 2 if len(pages) == 2 else max(3, round(0.3 * len(pages)))
    return {key for key, count in seen.items() if count >= needed}


def strip_furniture(lines: Sequence[Line]) -> tuple[list[Line], list[Removed]]:
    """The lines without page furniture, and what was cut.

    The blank lines around a cut page break go too: they were layout, not a
    paragraph break, and the text flows on across the page.
    """
    pages = _pages(lines)
    running = _running_lines(lines, pages)
    kept: list[Line] = []
    removed: list[Removed] = []
    for page in pages:
        slots = _slots(lines, page)
        edges = _edge_lines(lines, page)
        body: list[Line] = []
        for i in page:
            line = lines[i]
            if line.blank:
                body.append(line)
            elif is_page_number(line.text) or (
                _BARE_NUMBER.match(line.stripped) and (i in edges if len(pages) > 1 else _alone(lines, i))
            ):
                removed.append(Removed(line.text, "page-number", line.start, line.end))
            elif i in slots and (slots[i], _mask(line.text)) in running:
                kind = "running-header" if slots[i].startswith("top") else "running-footer"
                removed.append(Removed(line.text, kind, line.start, line.end))
            else:
                body.append(line)
        kept.extend(_trim_page(body, first=not kept, last=page is pages[-1]))
    return kept, removed


def _trim_page(body: list[Line], *, first: bool, last: bool) -> list[Line]:
    start, end = 0, len(body)
    if not first:
        while start < end and body[start].blank:
            start += 1
    if not last:
        while end > start and body[end - 1].blank:
            end -= 1
    return body[start:end]
