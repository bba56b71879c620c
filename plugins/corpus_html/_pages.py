"""A printed document shown as one ``<pre>`` per page: its page furniture goes.

An RFC marked up for the web (rfcmarkup, the old tools.ietf.org pages) keeps the
printed text, page by page: each page a ``<pre>`` with the running header on
top and the page number in its footer (``Fielding, et al.  Standards Track
[Page 35]``), a rule between pages. Read as HTML, every header and footer would
be a paragraph of the document, where the same RFC as text or PDF loses them.
The pages' text goes through the same clean-up as printed text
(:func:`corpus.text.depaginate`, a page break between two ``<pre>``), and each
``<pre>`` is left with its text without the furniture (links inside it go too:
inside preformatted text they are the document's words, not navigation).

Only pages that say they are pages are read so: on most of the ``<pre>``
blocks the furniture cut holds a page number. Code listings that happen to
open alike are not pages.
"""

from __future__ import annotations

import lxml.html
from lxml import etree

from corpus.text import cells, depaginate, is_page_number
from corpus_html._blocks import normal_key

__all__ = ["strip_page_furniture"]

_MIN_PAGES = 3
# A page break on a line of its own: a page may open with a space (an anchor's).
_PAGE_BREAK = "\n\f\n"
_NUMBERED_SHARE = 0.5


def strip_page_furniture(tree: lxml.html.HtmlElement) -> dict[str, str]:
    """Cut running headers, footers and page numbers from a document set one ``<pre>`` per page.

    Returns the kind of each cut line by its text, for the report of what was
    cut; nothing when the ``<pre>`` blocks are no pages.
    """
    pres = list(tree.iter("pre"))
    if len(pres) < _MIN_PAGES:
        return {}
    texts = ["".join(map(str, pre.itertext())) for pre in pres]
    starts: list[int] = []
    position = 0
    for text in texts:
        starts.append(position)
        position += len(text) + len(_PAGE_BREAK)
    printed = depaginate(_PAGE_BREAK.join(texts))
    furniture = [r for r in printed.removed if r.kind != "page-break" and r.start is not None and r.end is not None]
    numbered = {_page_of(starts, r.start or 0) for r in furniture if any(map(is_page_number, cells(r.text)))}
    if len(numbered) < _NUMBERED_SHARE * len(pres):
        return {}
    cuts: dict[int, list[tuple[int, int]]] = {}
    for r in furniture:
        page = _page_of(starts, r.start or 0)
        cuts.setdefault(page, []).append(((r.start or 0) - starts[page], (r.end or 0) - starts[page]))
    for page, spans in cuts.items():
        _replace_text(pres[page], _without(texts[page], spans))
    return {normal_key(r.text): r.kind for r in furniture}


def _page_of(starts: list[int], offset: int) -> int:
    page = 0
    while page + 1 < len(starts) and starts[page + 1] <= offset:
        page += 1
    return page


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` without the ``spans`` (whole lines: their line ends go with them)."""
    out: list[str] = []
    position = 0
    for start, end in sorted(spans):
        out.append(text[position:start])
        position = end + 1 if text[end : end + 1] == "\n" else end
    out.append(text[position:])
    return "".join(out)


def _replace_text(pre: etree._Element, text: str) -> None:
    for child in list(pre):
        pre.remove(child)
    pre.text = text
