"""Page furniture, line by line: page numbers, running headers and footers, a browser's stamps.

A paginated document repeats things on every page that are not its text: the page
number (``— 3 —``, ``- 3 -``, ``Page 3 of 10``, ``[Page 3]``, ``3/10``,
``第3页``), a running header (the document or chapter title, ``RFC 2616  HTTP/1.1
June 1999``) and a running footer. A page number is recognisable alone; a running
line by repetition: with its numbers masked (:func:`mask_numbers`) it comes back at
the same edge of page after page (:func:`recurring`).

A browser printing a web page stamps every page: the date and time and the page's
title on top, its address and ``n/m`` at the bottom.

These are the recognisers; where the edges of a page are depends on the format (a
PDF has coordinates, extracted text has form feeds): :func:`corpus.text.depaginate`
applies them to extracted text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable
from typing import TypeVar

__all__ = [
    "EDGE_LINES",
    "cells",
    "find_url",
    "is_bare_number",
    "is_page_number",
    "is_print_stamp",
    "is_roman_numeral",
    "is_url",
    "mask_numbers",
    "page_counter",
    "recurring",
    "without_print_stamp",
]

EDGE_LINES = 3
"""How many lines at the top and at the bottom of a page can be furniture."""

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
_BARE_NUMBER = re.compile(r"^\d{1,5}$")
_ROMAN = re.compile(r"^(?=[ivxlc]+$)c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})$", re.IGNORECASE)
_COUNTER = re.compile(r"(?:^|\s)(\d{1,4})\s*(?:/|of)\s*(\d{1,4})$", re.IGNORECASE)
# What a browser prints: Chrome, Edge and Safari stamp "11/21/26, 11:59 PM",
# Firefox "21/11/2026, 23:59"; the footer holds the page's address.
_PRINT_STAMP = re.compile(
    r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4},?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s|$)"
)
_URL = re.compile(r"\b(?:https?|file|ftp)://\S+|\bwww\.[\w-]+\.\S+", re.IGNORECASE)
# Cells of a line set in columns (``pdftotext -layout``): text apart by a wide gap.
_CELL_GAP = re.compile(r"[ \t\xa0\u3000]{3,}")
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
# A running line is on most pages; a chapter's heading (``Chapter 7``) recurs at
# the top of a page too, but on a page in ten.
_RUNNING_SHARE = 0.3

K = TypeVar("K", bound=Hashable)


def is_page_number(text: str) -> bool:
    """Is the line a page number in one of the forms that say so (``— 3 —``, ``Page 3 of 10``, ``3/10``)?

    A bare number is not one of them: it is a page number only where one sits
    (:func:`is_bare_number`, at the edge of a page).
    """
    return bool(_PAGE_NUMBER.match(text.strip()))


def is_bare_number(text: str) -> bool:
    """Is the line a number of up to five digits and nothing else (the Federal Register is at page 47698)?"""
    return bool(_BARE_NUMBER.match(text.strip()))


def is_roman_numeral(text: str) -> bool:
    """Is the line a lower- or upper-case Roman numeral up to 399 (front matter's page numbers)?"""
    return bool(_ROMAN.match(text.strip()))


def page_counter(text: str) -> tuple[int, int] | None:
    """The ``n/m`` or ``n of m`` page counter that ends the line, as ``(n, m)``, or ``None``."""
    match = _COUNTER.search(text.strip())
    return (int(match[1]), int(match[2])) if match else None


def is_print_stamp(text: str) -> bool:
    """Does the line open with the date-and-time stamp a browser prints on each page?"""
    return bool(_PRINT_STAMP.match(text.strip()))


def print_stamp(text: str) -> str | None:
    """The date-and-time stamp the line opens with, or ``None``."""
    match = _PRINT_STAMP.match(text.strip())
    return match.group() if match else None


def without_print_stamp(text: str) -> str:
    """The line without the browser's date-and-time stamp it opens with (Chrome sets the title after it)."""
    return _PRINT_STAMP.sub("", text.strip(), count=1).strip()


def find_url(text: str) -> str | None:
    """The first web address in the line, or ``None``."""
    match = _URL.search(text)
    return match.group() if match else None


def may_hold_url(text: str) -> bool:
    """Could :func:`find_url` find an address anywhere in ``text``? (Each starts with ``://`` or ``www.``.)

    A cheap test that is never wrong when it says no.
    """
    return "://" in text or "www." in text.lower()


def is_url(text: str) -> bool:
    """Is the text an address and nothing else?"""
    return bool(_URL.fullmatch(text.strip()))


def cells(text: str) -> list[str]:
    """The pieces of a line that a wide gap separates (one piece for ordinary lines)."""
    return [cell for cell in _CELL_GAP.split(text.strip()) if cell]


def mask_numbers(text: str) -> str:
    """The line with its numbers masked and spaces collapsed: the same on every page for a running line.

    Case is kept: a title in capitals on the first page is not the running header
    in small letters on the others.

    >>> mask_numbers("RFC 2616   HTTP/1.1   June 1999") == mask_numbers("RFC 2617 HTTP/1.1 June 1999")
    True
    """
    return _SPACES.sub(" ", _DIGITS.sub("#", text.strip()))


def recurring(seen: Counter[K], pages: int) -> set[K]:
    """The keys of ``seen`` (each counted once per page it is on) that are on enough of ``pages`` pages.

    Two pages of two, at least three of more, and at least 30% of a long document's.
    """
    if pages < 2:
        return set()
    needed = 2 if pages == 2 else max(3, round(_RUNNING_SHARE * pages))
    return {key for key, count in seen.items() if count >= needed}
