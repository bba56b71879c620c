"""Pages that are one document in numbered sections: a specification, a manual, an RFC, a law.

Such a page is no news article with a site around it. It has no menus or
teasers between its paragraphs, but it has structure a news extractor drops
(headings, list items, definition lists, references) and in-page navigation a
news page rarely has (a table of contents, a permalink on every paragraph). Its
numbered section headings (``2.1 Scope``, ``第三章``) tell it, for only such a
page is read with the rules that follow from it (``_navigation``, ``_main``):
on a news page a language menu or a font-size switch between two paragraphs
looks no different from a document's short list items.
"""

from __future__ import annotations

import lxml.html

from corpus.text import is_heading
from corpus_html._blocks import clean_text

__all__ = ["HEADING_TAGS", "is_sectioned"]

HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_MIN_NUMBERED_SECTIONS = 3


def is_sectioned(page: lxml.html.HtmlElement) -> bool:
    """Does the page have headings numbered as sections (``1. Introduction``, ``第三章``), enough of them?"""
    numbered = 0
    for heading in page.iter(*HEADING_TAGS):
        numbered += is_heading(clean_text("".join(map(str, heading.itertext()))))
        if numbered >= _MIN_NUMBERED_SECTIONS:
            return True
    return False
