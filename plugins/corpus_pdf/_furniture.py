"""Page furniture of a PDF: page numbers, running headers and footers, a browser's print stamps.

Furniture sits at the edges of the page, and a PDF says where the edges are:
the lines nearest the top and the bottom of each page are the only candidates.
Among them a line is furniture when

- it is a page number (``— 3 —``, ``Page 3 of 10``, ``[Page 3]``, ``3/10``, a bare
  ``3`` or ``iv``), or it opens or closes with the page's number, which counts
  up with the pages (``14 CHAPTER 1. DOWN THE RABBIT-HOLE``);
- with its digits masked it comes back among the edge lines of the same edge
  (top or bottom) on page after page (the document's title, ``Copyright
  Office Summary December 1998 Page 7``);
- it is what a browser prints on every page of a web page: a date-and-time
  stamp with the page's title on top, the URL with ``n/m`` at the bottom.

A URL in the furniture together with a page counter means the PDF is a
printed web page, whose site chrome the reader then also has to cut.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from corpus import Removed
from corpus.text import (
    EDGE_LINES,
    find_url,
    is_bare_number,
    is_page_number,
    is_print_stamp,
    is_roman_numeral,
    mask_numbers,
    page_counter,
    recurring,
)
from corpus_pdf._lines import TextLine

# Enough page numbers that count up with the pages to trust them.
_NUMBERED_PAGES = 4
_EDGE_NUMBER = re.compile(r"^(\d{1,4})\s+\S|\S\s+(\d{1,4})$")


@dataclass(frozen=True)
class Furniture:
    """The pages without their furniture, what was cut, and what the furniture tells."""

    pages: list[list[TextLine]]
    removed: list[Removed]
    url: str | None  # the URL a browser printed in the footer
    printed_web_page: bool


def strip_furniture(pages: Sequence[Sequence[TextLine]]) -> Furniture:
    edges = [_edge_lines(page) for page in pages]
    running = _running(pages, edges)
    offset = _page_number_offset(pages, edges)
    kept: list[list[TextLine]] = []
    removed: list[Removed] = []
    furniture: list[str] = []
    for number, page in enumerate(pages):
        body: list[TextLine] = []
        for line in page:
            kind = _kind(line, number, edges[number], running, offset, single=len(pages) == 1)
            if kind is None:
                body.append(line)
            else:
                removed.append(Removed(line.text, kind))
                furniture.append(line.text)
        kept.append(body)
    urls = [url for text in furniture if (url := find_url(text))]
    counted = any(page_counter(text) or is_print_stamp(text) for text in furniture)
    url = Counter(urls).most_common(1)[0][0] if urls else None
    return Furniture(kept, removed, url, printed_web_page=url is not None and counted)


def _edge_lines(page: Sequence[TextLine]) -> dict[int, str]:
    """Slots of the lines nearest the top and the bottom: ``id(line)`` → ``top-0``, ``bottom-1``..."""
    ordered = sorted(page, key=lambda line: line.baseline)
    slots: dict[int, str] = {}
    for rank, line in enumerate(ordered[:EDGE_LINES]):
        slots[id(line)] = f"top-{rank}"
    for rank, line in enumerate(reversed(ordered[EDGE_LINES:][-EDGE_LINES:])):
        slots[id(line)] = f"bottom-{rank}"
    return slots


def _running(pages: Sequence[Sequence[TextLine]], edges: list[dict[int, str]]) -> set[tuple[bool, str]]:
    """(at the top?, masked text) of the edge lines that recur on enough pages.

    Only the edge slots are looked at, so the height need not match: headers
    shift by a few points between a document's first pages and the rest.
    """
    seen: Counter[tuple[bool, str]] = Counter()
    for page, slots in zip(pages, edges, strict=True):
        seen.update(
            {(slots[id(line)].startswith("top"), mask_numbers(line.text)) for line in page if id(line) in slots}
        )
    return recurring(seen, len(pages))


def _is_running(top: bool, masked: str, running: set[tuple[bool, str]]) -> bool:
    """Is the line a running line, or two of them that PDFium read as one (a footer over a footer)?"""
    if (top, masked) in running:
        return True
    return any(
        masked.startswith(key) and (top, masked[len(key) :].strip()) in running
        for side, key in running
        if side == top and len(key) < len(masked)
    )


def _page_number_offset(pages: Sequence[Sequence[TextLine]], edges: list[dict[int, str]]) -> int | None:
    """How the numbers that open or close edge lines relate to the page index, if they count up with it."""
    if len(pages) < 3:
        return None
    offsets: Counter[int] = Counter()
    for number, (page, slots) in enumerate(zip(pages, edges, strict=True)):
        values = {_edge_number(line.text.strip()) for line in page if id(line) in slots}
        offsets.update({value - number for value in values if value is not None})
    if not offsets:
        return None
    offset, count = offsets.most_common(1)[0]
    # Numbered section headings can count up with a short document's pages too.
    return offset if count >= max(_NUMBERED_PAGES, len(pages) / 3) else None


def _kind(
    line: TextLine,
    number: int,
    slots: dict[int, str],
    running: set[tuple[bool, str]],
    offset: int | None,
    *,
    single: bool,
) -> str | None:
    """What furniture ``line`` is (``page-number``, ``running-header``, ``running-footer``), or ``None``."""
    slot = slots.get(id(line))
    if slot is None:
        return None
    text = line.text.strip()
    top = slot.startswith("top")
    numbered = is_page_number(text) or is_bare_number(text) or is_roman_numeral(text)
    if numbered and (not single or slot in ("top-0", "bottom-0")):
        return "page-number"
    if (
        is_print_stamp(text)  # a browser's stamps
        or (find_url(text) and page_counter(text))
        or _is_running(top, mask_numbers(text), running)
        or (offset is not None and _edge_number(text) == number + offset)
    ):
        return "running-header" if top else "running-footer"
    return None


def _edge_number(text: str) -> int | None:
    """The number a line opens or closes with (``14 CHAPTER 1…``, ``…Summary Page 7``), or a bare number."""
    if is_bare_number(text):
        return int(text)
    match = _EDGE_NUMBER.search(text)
    if not match:
        return None
    return int(match.group(1) or match.group(2))
