"""In-page navigation, which is not text of the document: permalinks, tables of contents, print running heads.

A document rendered to HTML from its source (xml2rfc, Sphinx, pandoc, a wiki)
dresses its text with navigation: a pilcrow or section sign after each
paragraph and heading linking to itself, a "▲" back to the top, a table of
contents made of links to the page's own sections, and a table of running
heads that a print stylesheet sets at the top and bottom of every page. None
of it is the document's text, and the same document as plain text or PDF has it
in another form (a table of contents with page numbers, the running head on
every page) or not at all, so it goes before the article is looked for, and the
cut is reported.

A link to a place in the same page (a heading's link to itself, a citation's
link to the reference list) leads nowhere else: its words are the document's,
and they are read as plain text, so that link-density heuristics do not take a
linked heading or a citation for a menu.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from corpus_html._blocks import normal_key, tag_name

__all__ = ["strip_navigation", "strip_permalinks"]

_WORD = re.compile(r"\w")
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_LISTS = frozenset({"nav", "ul", "ol"})
# A table of contents lists several sections, and its words are nearly all link text.
_MIN_ENTRIES = 3
_LINK_SHARE = 0.7
# What a table of contents' container may hold besides it: its title ("Contents", "目次").
_MAX_TITLE_LETTERS = 30


def _fragment(element: etree._Element) -> str | None:
    """The id an in-page link points to (``""`` for the top of the page), or ``None`` for any other link."""
    href = str(element.get("href") or "").strip()
    return href[1:] if href.startswith("#") else None


def _letters(text: str) -> int:
    return len(_WORD.findall(text))


def _text(element: etree._Element) -> str:
    return "".join(str(t) for t in element.itertext())


def strip_permalinks(tree: lxml.html.HtmlElement) -> None:
    """Drop in-page links without a word in them (``¶``, ``§``, ``#``, ``▲``): marks, not text."""
    for link in list(tree.iter("a")):
        if _fragment(link) is not None and not _letters(_text(link)):
            _drop(link)


def strip_navigation(tree: lxml.html.HtmlElement) -> dict[str, str]:
    """Cut tables of contents and print running heads from ``tree``; unwrap the other in-page links.

    Returns the kind of each cut block, by :func:`normal_key` of its text, for the
    report of what the reader removed.
    """
    cut: dict[str, str] = {}
    for contents in map(_with_container, _tables_of_contents(tree)):
        heading = _title_of(contents)
        for element, kind in ((heading, "table-of-contents"), (contents, "table-of-contents")):
            if element is not None and element.getparent() is not None:
                cut.update(_kinds(element, kind))
                _drop(element)
    for table in _running_heads(tree):
        cut.update(_kinds(table, "running-header"))
        _drop(table)
    ids = {str(i) for i in tree.xpath("//@id | //@name")}
    for link in list(tree.iter("a")):
        target = _fragment(link)
        if target and target in ids and isinstance(link, lxml.html.HtmlElement):
            link.drop_tag()  # its words stay, in the text around it
    return cut


def _drop(element: etree._Element) -> None:
    """Take the element out of the tree; the text after it stays."""
    if isinstance(element, lxml.html.HtmlElement):
        element.drop_tree()


def _kinds(element: etree._Element, kind: str) -> dict[str, str]:
    """``kind`` for the element's text and for each of its lines (a list reports item by item)."""
    texts = [_text(element), *(_text(child) for child in element.iter("li", "p", "tr", "td", "a"))]
    return {key: kind for key in map(normal_key, texts) if key}


def _tables_of_contents(tree: lxml.html.HtmlElement) -> list[etree._Element]:
    """The outermost lists or ``<nav>`` of links to the page's own sections, and nearly nothing else."""
    found: list[etree._Element] = []
    for element in tree.iter(*_LISTS):
        if any(element is f or _inside(element, f) for f in found):
            continue
        links = [a for a in element.iter("a") if _letters(_text(a))]
        if len(links) < _MIN_ENTRIES or any(_fragment(a) is None for a in links):
            continue
        linked = sum(_letters(_text(a)) for a in links)
        if linked >= _LINK_SHARE * _letters(_text(element)):
            found.append(element)
    return found


def _with_container(contents: etree._Element) -> etree._Element:
    """The table of contents with the containers around it that hold nothing else but its title."""
    own = _letters(_text(contents))
    node = contents
    parent = node.getparent()
    while parent is not None and tag_name(parent) not in {"body", "html"}:
        if _letters(_text(parent)) - own > _MAX_TITLE_LETTERS:
            break
        node, parent = parent, parent.getparent()
    return node


def _inside(element: etree._Element, ancestor: etree._Element) -> bool:
    return any(parent is ancestor for parent in element.iterancestors())


def _title_of(contents: etree._Element) -> etree._Element | None:
    """The heading right before a table of contents (its "Contents"), if nothing else stands between."""
    node: etree._Element | None = contents
    while node is not None and tag_name(node) not in {"body", "html"}:
        previous = node.getprevious()
        while previous is not None and tag_name(previous) in _HEADINGS | {None, "hr", "a"}:
            if tag_name(previous) in _HEADINGS:
                return previous
            previous = previous.getprevious()
        parent = node.getparent()
        if previous is not None or parent is None or (parent.text or "").strip():
            return None
        node = parent  # the list opens its container: the heading may stand before that
    return None


def _running_heads(tree: lxml.html.HtmlElement) -> list[etree._Element]:
    """Tables of only a head and a foot: no body shows between them, only a print stylesheet's page heads."""
    heads: list[etree._Element] = []
    for table in tree.iter("table"):
        rows = list(table.iter("tr"))
        in_edges = [row for row in rows if any(tag_name(p) in {"thead", "tfoot"} for p in row.iterancestors())]
        if rows and len(in_edges) == len(rows):
            heads.append(table)
    return heads
