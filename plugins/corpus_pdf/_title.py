"""The title of a PDF: the heading its first page shows, checked against what it declares.

The ``/Title`` a PDF declares is often wrong or useless: a file name
(``rfc2616.txt``, ``10811.exe``), a whole first paragraph, a browser's page
title with the site's name appended. The title a reader sees is a heading
above the text, set larger than the body. So the title is the heading above
the first prose that the declared title contains (the page title minus the
site's name), else the largest such heading, else the declared title when it
looks like a title at all.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from corpus.text import ends_sentence, printed_width
from corpus_pdf._paragraphs import Paragraph

_MAX_WIDTH = 120
# What a heading never ends with (a headline may end in ! or ?).
_NOT_LAST = ("。", ".", "；", ";", ",", "，", "、", ":", "：")
_LOOKBACK = 12
_LARGER = 1.15
_FILE_NAME = re.compile(r"\.(?:pdf|docx?|rtf|txt|wpd|exe|html?|indd|tex|dvi|ps|odt|pages|xlsx?|pptx?)$", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"^(?:untitled|title|document\d*|microsoft word - .*|slide \d+)$", re.IGNORECASE)


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text)).casefold()


def _heading_like(paragraph: Paragraph) -> bool:
    """Short, with letters, and not a sentence or a clause."""
    text = paragraph.text.rstrip("”’」』）)\"'")
    letters = sum(1 for ch in text if ch.isalpha())
    return letters >= 2 and printed_width(text) <= _MAX_WIDTH and text[-1:] not in _NOT_LAST


def find_title(paragraphs: Sequence[Paragraph], start: int, declared: str | None, body: float) -> int | None:
    """Index of the paragraph above ``start`` (the first prose) that is the title, if any."""
    window = range(max(0, start - _LOOKBACK), start)
    candidates = [i for i in window if _heading_like(paragraphs[i])]
    wanted = _key(declared) if declared else ""
    if wanted:
        matching = [i for i in candidates if _matches(_key(paragraphs[i].text), wanted)]
        if matching:
            return max(matching, key=lambda i: (len(paragraphs[i].text), i))
    larger = [i for i in candidates if paragraphs[i].size >= _LARGER * body]
    if larger:
        return max(larger, key=lambda i: (paragraphs[i].size, i))
    return None


def _matches(key: str, wanted: str) -> bool:
    """Is the heading the declared title, or the declared title the heading plus a site name?"""
    return len(key) >= 4 and (key == wanted or (key in wanted and len(key) >= 0.4 * len(wanted)))


def plausible(declared: str | None) -> str | None:
    """The declared title, when it reads like one rather than a file name or a paragraph."""
    if not declared:
        return None
    text = " ".join(declared.split())
    if _FILE_NAME.search(text) or _PLACEHOLDER.match(text):
        return None
    if printed_width(text) > _MAX_WIDTH or ends_sentence(text) or not _key(text):
        return None
    return text
