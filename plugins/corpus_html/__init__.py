"""Reader for HTML pages: the article, its title and date, without the site around it.

A saved web page is mostly not the document: menus, breadcrumbs, share bars,
related-article lists, comment sections, footers, scripts and styles surround
the article. The reader finds the main text with trafilatura (see ``_main``:
its precise setting decides where the article is, its default setting fills
in paragraphs the precise one skipped inside the article), cuts the copyright
and "share" lines extractors leave at the article's edges (``_cleanup``), and
keeps one paragraph per block a browser would lay out: a ``<p>``, a heading, a
list item, a table row, a line set off with ``<br>`` (``_blocks``). Permalinks
(a pilcrow after every paragraph) go first, and so do the running headers and
page numbers of a printed document shown one ``<pre>`` per page (``_pages``);
on a page that is a document in numbered sections (``_document``) its in-page
navigation goes too, a table of contents and print running heads
(``_navigation``), and the document's structure trafilatura dropped comes back.
Everything visible that did not make it into the text is reported as removed,
with its kind and its place in the source (``_removed``).

The page arrives decoded by the core, which trusts valid UTF-8 over a lying
``<meta charset>``; the reader never decodes bytes itself. The article text is
kept as the page writes it: normalising punctuation is the core's job.

It registers through the ``corpus`` entry-point group like any third-party
plugin, and uses only the public API of :mod:`corpus`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from copy import deepcopy
from itertools import takewhile

from corpus import Extract, Reader, ReaderError, SourceFile, hookimpl
from corpus_html._blocks import is_heading, normal_key
from corpus_html._cleanup import edge_boilerplate, repeated
from corpus_html._document import is_sectioned
from corpus_html._main import main_text
from corpus_html._metadata import choose_title, page_metadata, script_language
from corpus_html._navigation import strip_navigation, strip_permalinks
from corpus_html._pages import strip_page_furniture
from corpus_html._parse import parse_page
from corpus_html._removed import removed_blocks

__all__ = ["HtmlReader", "corpus_register_readers"]

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CONFIDENCE = 0.9


# The characters XML does not allow (tab, line feed and carriage return aside).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")

class HtmlReader:
    """Reads HTML and XHTML pages; see the module docstring."""

    name: str = "html"
    version: str = "1.0"
    media_types: tuple[str, ...] = _HTML_TYPES

    def sniff(self, source: SourceFile) -> float | None:
        """Claims what the core's content sniff calls HTML; the file name is not asked."""
        if source.text is None or source.media_type not in _HTML_TYPES:
            return None
        return _CONFIDENCE

    def read(self, source: SourceFile) -> Extract:
        if source.text is None:
            raise ReaderError(f"{source.location}: not text, so not an HTML page")
        try:
            return self._read(source, source.text)
        except ValueError as exc:
            if "XML compatible" not in str(exc):
                raise
        # lxml refuses to give an element a text holding a control character (a form feed, which
        # trafilatura's clean-up keeps): such a page is read again with them as line breaks.
        return self._read(source, _CONTROL.sub("\n", source.text))

    def _read(self, source: SourceFile, text: str) -> Extract:
        tree = parse_page(text, source.location)
        if tree is None:
            raise ReaderError(f"{source.location}: no HTML markup could be parsed from the page")
        strip_permalinks(tree)  # marks, not text: gone from the report of what was cut too
        meta = page_metadata(tree)
        page = deepcopy(tree)
        navigation = strip_page_furniture(page)
        if is_sectioned(page):
            navigation.update(strip_navigation(page))
        found = main_text(page, meta.url)
        article = list(found.blocks)

        # The headings the article opens with, before its first paragraph of text.
        leading = [block.text for block in takewhile(is_heading, article)]
        title, title_blocks = choose_title(meta, leading)
        titles = article[:title_blocks]
        article = article[title_blocks:]
        if title and article and normal_key(article[0].text) == normal_key(title):
            titles.append(article.pop(0))

        texts = [block.text for block in article]
        drops = {
            c.index: c.kind for c in [*edge_boilerplate(texts), *repeated(texts, [block.code for block in article])]
        }
        paragraphs = [text for i, text in enumerate(texts) if i not in drops]

        kept = [*paragraphs, *([title] if title else [])]
        kinds = {**navigation, **{normal_key(block.text): "title" for block in titles}}
        kinds.update((normal_key(texts[i]), kind) for i, kind in drops.items())
        removed = removed_blocks(tree, text, kept, kinds)

        metadata = {
            "date": meta.date,
            "site": meta.site,
            "url": meta.url,
            "language": script_language("".join(paragraphs) or (title or ""), meta.declared_language),
            "extractor": found.method,
        }
        return Extract(
            paragraphs=paragraphs,
            title=title,
            metadata={key: value for key, value in metadata.items() if value},
            removed=removed,
        )


@hookimpl
def corpus_register_readers(register: Callable[[Reader], None]) -> None:
    register(HtmlReader())
