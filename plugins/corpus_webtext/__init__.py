"""Reader for the text of a whole web page: the article without the site around it.

A page saved as text (copied from a browser, dumped by w3m or lynx, exported by a
crawler) carries the site's template with it: menus and a breadcrumb on top, a
byline with the publication date, links to the previous and next article, share
widgets and a footer with the copyright holder, address and phone numbers. A
corpus wants the article, its title and its date, and an audit wants to see
everything that was cut. The reader judges each line by features any template
shares (see ``_chrome``), then takes the stretch of prose no chrome crosses
(see ``_article``). The paragraph text is kept as it is: normalising punctuation
is the core's job, and the canonical text prefers the best-formed copy.

A page printed to paper or PDF and extracted as text is a whole-page dump too,
with a printer's template on top of the site's: page breaks, a running header
and footer (a browser stamps the date, the page's title, its address and
``n/m`` on every page) and lines hard-wrapped at the column's width. The
printer's template is cut first, by the clean-up the PDF-text reader exports
(see ``_printed``); the page's title in the running header then points at the
article's headline, and the footer's address is kept as ``url``.

A page laid out in a table comes out of a text browser with the table's
borders drawn (``┌──┐``, ``│``, or ASCII ``+--+``), the menu column and the
article's cell side by side on the same lines. The borders are cut and listed
as removed, and each column is read on its own (see ``_tables``) before the
lines are judged; such a dump is claimed above the PDF-text reader, which would
read the bordered cell as one giant paragraph.

It registers through the ``corpus`` entry-point group like any third-party
plugin, and uses only the public API of :mod:`corpus`, plus the page-furniture
clean-up the PDF-text reader (``corpus_pdftext``) exports.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import reduce

from corpus import Extract, Reader, Removed, SourceFile, hookimpl
from corpus.text import Line, depaginate, display_width, join, split_lines
from corpus_webtext._article import Article, find_article
from corpus_webtext._chrome import MENU_ITEM_WIDTH, WEAK, Classified, Role, classify, classify_chrome
from corpus_webtext._printed import is_paginated, read_printed
from corpus_webtext._tables import has_borders, untable
from corpus_webtext._wraps import unwrap, wrap_width

__all__ = ["WebTextReader", "corpus_register_readers"]

# Chrome is looked for where templates put it: the top and the bottom of the page.
_EDGE_LINES = 40
_PER_KIND = 0.2
# Chrome only a web page has: bylines and copyright lines open e-books and
# reports too, and runs of short lines are also tables of contents and poems.
_WEB_ONLY = frozenset({"breadcrumb", "navigation", "share", "related"})
_MAX_CONFIDENCE = 0.8
# A browser's stamps on every page (the page's address, ``n/m``, the print
# date) prove a printed web page better than any chrome: above the PDF-text reader.
_PRINTED_CONFIDENCE = 0.85
# A dump of a page laid out in a table, its borders drawn, a byline or footer around
# it: above the PDF-text reader, which would take the bordered cell for one paragraph.
_TABLE_DUMP_CONFIDENCE = 0.85
# What frames a page whatever its layout: a byline above the article, a footer below it.
_PAGE_FRAME = frozenset({"byline", "footer"})
_SCRAP = re.compile(r"[^\W\d_]{1,2}|[\d\s.,:/%-]+")


class WebTextReader:
    """Reads the text dump of a web page; see the module docstring."""

    name: str = "webtext"
    version: str = "1.0"
    media_types: tuple[str, ...] = ("text/plain",)

    def sniff(self, source: SourceFile) -> float | None:
        """Confidence from the kinds of site chrome found at the top and bottom of the text.

        One kind of chrome proves little (an essay may end with an e-mail address,
        an e-book opens with "Author:" and a copyright line); a breadcrumb, a
        byline, prev/next links and a footer together are a page. A page printed
        by a browser says so on every page (its address, ``n/m``, the print
        date): the PDF-text reader finds those stamps, and this reader claims
        the text above it. A page laid out in a table (a cell of prose beside a
        column of menu items, borders drawn) with a byline or a footer around
        it is claimed above the PDF-text reader too.
        """
        if source.text is None or source.media_type in ("text/html", "application/xhtml+xml"):
            return None
        if is_paginated(source.text) and depaginate(source.text).url is not None:
            return _PRINTED_CONFIDENCE
        lines = split_lines(source.text)
        if "\f" not in source.text and has_borders(lines):
            table = untable(lines)
            if table.layout and _chrome_kinds(table.lines) & _PAGE_FRAME:
                return _TABLE_DUMP_CONFIDENCE  # a page laid out in a table, with its template around it
        kinds = _chrome_kinds(lines)
        if len(kinds) < 2 or not kinds & _WEB_ONLY:
            return 0.0
        confidence = min(_MAX_CONFIDENCE, _PER_KIND * len(kinds))
        if "\f" in source.text and len(kinds & _WEB_ONLY) < 2:
            # Pagination belongs to a printed document, unless the chrome only a
            # web page has is there several times over: a page printed without
            # the browser's stamps.
            confidence /= 2
        return confidence

    def read(self, source: SourceFile) -> Extract:
        text = source.text or ""
        furniture: list[Removed] = []
        page_title: str | None = None
        url: str | None = None
        if is_paginated(text):
            printed = read_printed(text)
            lines, furniture, page_title, url = printed.lines, printed.removed, printed.page_title, printed.url
        else:
            lines = split_lines(text)
            table = untable(lines) if has_borders(lines) else None
            if table is not None and table.layout:  # a page laid out in a table: its columns, no borders
                lines, furniture = table.lines, table.removed
            width = wrap_width(lines)
            if width is not None:
                lines = unwrap(lines, width)
        items = classify(lines)
        extract = _extract(text, items, find_article(items, page_title))
        if not furniture:
            return extract
        removed = sorted([*furniture, *extract.removed], key=lambda r: r.start or 0)
        metadata = {**extract.metadata, **({"url": url} if url else {})}
        return Extract(extract.paragraphs, extract.title, metadata, removed)


def _chrome_kinds(lines: Sequence[Line]) -> set[str]:
    """The kinds of site chrome at the top and the bottom of the text (not icons nor lists of headlines)."""
    filled = [line for line in lines if not line.blank]
    edges = filled[:_EDGE_LINES] + filled[_EDGE_LINES:][-_EDGE_LINES:]
    # Runs of headlines are not looked for (classify_chrome): they would only be "teasers",
    # left out here since a table of contents is a run of headlines too.
    kinds = {item.kind for item in classify_chrome(edges) if item.role is Role.CHROME}
    return kinds - {"image", "teasers"}


def _extract(text: str, items: Sequence[Classified], article: Article) -> Extract:
    title_lines = [items[i].line.stripped for i in article.title_lines]
    title = reduce(join, title_lines) if title_lines else None
    paragraphs: list[str] = []
    removed: list[Removed] = []
    for i, item in enumerate(items):
        if item.role is Role.BLANK or i in article.title_lines:
            continue
        inside = i in article
        if inside and (_keep_inside(item) or i == article.credit):
            paragraphs.append(item.line.stripped)
        else:
            removed.append(_removed(text, item, "header" if i < article.start else "footer"))
    if title is not None and paragraphs and paragraphs[0] == title:
        paragraphs.pop(0)  # the article repeats its own title as its first line
    metadata = {"date": article.date} if article.date else {}
    return Extract(paragraphs=paragraphs, title=title, metadata=metadata, removed=removed)


def _keep_inside(item: Classified) -> bool:
    """Inside the article, chrome is cut except what may be content: contact lines, lists.

    A word or two of letters on a line of its own is a scrap of a sidebar the
    printer set between the article's lines, not a paragraph; so are numbers
    alone (a rank, a counter, digits an extractor set apart from their line).
    """
    if item.role is Role.NEUTRAL:
        return not _SCRAP.fullmatch(item.line.stripped)
    if item.role is not Role.CHROME:
        return True
    return item.strength == WEAK or item.kind == "menu"


def _removed(text: str, item: Classified, where: str) -> Removed:
    line = item.line
    kind = item.kind
    if item.role is not Role.CHROME:
        kind = "menu" if display_width(line.stripped) <= MENU_ITEM_WIDTH else where
    return Removed(text[line.start : line.end], kind, line.start, line.end)


@hookimpl
def corpus_register_readers(register: Callable[[Reader], None]) -> None:
    register(WebTextReader())
