"""Find the main text of a page with trafilatura.

trafilatura's precision setting is used: on the measured pages (see
``benchmarks/html_extraction.py``) its default setting lets through captions of
neighbouring stories, "more" links and site footers, and the extra paragraphs
it finds are rarely article text. Putting back all the default run's
paragraphs that fall between two precise ones was measured too, and cost more
precision than it won recall; only the subheadings among them come back (the
precision setting drops short blocks, and with them an article's structure).
Media players are taken out of the page first: their control labels read like
short paragraphs. Comments are never asked for: a comment section is not the
document. When the precise run finds nothing, the default run is used, then
trafilatura's baseline (an article body the page embeds as JSON, its
``<article>``, its paragraphs, or at worst all its text), so that a short page
still yields its text.

A page that is a document in numbered sections (a specification, a manual, an
RFC rendered by xml2rfc, a law) is no news article: trafilatura may find only
its paragraphs, and lose its headings, lists and references, for instance when
its sections are HTML5 ``<section>`` elements. On such a page the structure the
extractor left out between two paragraphs it kept comes back from the page
itself: headings, list items, definition terms and descriptions, preformatted
lines, addresses, as long as they are not lists of links and do not sit in an
element that names itself navigation, a sidebar, related stories and the like.
What the document opens with inside a header (its masthead: authors, dates,
status) is metadata, laid out differently by every renderer, and is cut.
``_document`` says which pages these are.
"""

from __future__ import annotations

import re
from collections import Counter
from copy import deepcopy
from dataclasses import dataclass

import lxml.html
from lxml import etree
from trafilatura import bare_extraction, baseline

from corpus_html._blocks import Block, blocks, is_heading, normal_key, tag_name
from corpus_html._document import HEADING_TAGS, is_sectioned
from corpus_html._removed import container_kind

__all__ = ["MainText", "main_text"]

_PLAYER = re.compile(r"video|audio|player|vjs|jwplayer", re.IGNORECASE)
# Title, duration and control labels; an article has more to say.
_MAX_PLAYER_TEXT = 600
# The blocks of a document's structure, and how far above a paragraph they may
# be (a list item holds its text in a <p>).
_STRUCTURE = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "pre", "address"})
_STRUCTURE_DEPTH = 3
# A block with this share of its words in links is a list of links, not text.
_MAX_LINK_SHARE = 0.5
_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class MainText:
    """The article's paragraphs as blocks of the extractor's output tree, and which pass found them."""

    blocks: tuple[Block, ...]
    method: str


def main_text(tree: lxml.html.HtmlElement, url: str | None) -> MainText:
    """The article; ``tree`` is left whole, for the report of what was cut."""
    page = _without_players(deepcopy(tree))
    precise = _run(page, url, favor_precision=True)
    default = _run(page, url, favor_precision=False)
    if precise:
        article, method = _headings_inside(precise, default), "trafilatura-precision"
    elif default:
        article, method = default, "trafilatura"
    else:
        body, _text, _length = baseline(deepcopy(tree))  # older trafilatura 2.x cleans its input in place
        return MainText(tuple(blocks(body)), "trafilatura-baseline")
    whole = page.find("body")
    if is_sectioned(page):
        page_blocks = blocks(whole if whole is not None else page)
        article = _without_masthead(_structure_inside(article, page_blocks), page_blocks)
    return MainText(tuple(article), method)


def _without_players(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The page without its media players, whose controls read like short paragraphs.

    A player is the outermost element around a ``<video>`` or ``<audio>`` whose
    class or id says video, audio or player, as long as it holds little text of
    its own: an article that merely sits in a "video-article" container stays.
    """
    for media in tree.xpath("//video | //audio"):
        player = None
        node = media.getparent()
        while node is not None and node.tag not in ("body", "html"):
            if _visible_length(node) > _MAX_PLAYER_TEXT:
                break
            if _PLAYER.search(" ".join(str(node.get(a) or "") for a in ("class", "id"))):
                player = node
            node = node.getparent()
        if player is not None and player.getparent() is not None:
            player.drop_tree()
    return tree


def _visible_length(element: lxml.html.HtmlElement) -> int:
    texts = element.xpath(".//text()[not(ancestor::script) and not(ancestor::style)]")
    return sum(len(str(t).strip()) for t in texts)


def _run(tree: lxml.html.HtmlElement, url: str | None, *, favor_precision: bool) -> list[Block]:
    # bare_extraction works on a copy of an element, so one page serves both runs.
    document = bare_extraction(
        tree,
        url=url,
        favor_precision=favor_precision,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
    )
    # as_dict is off, so this is trafilatura's Document; its body is None when nothing was found.
    body: etree._Element | None = getattr(document, "body", None)
    return blocks(body) if body is not None else []


def _headings_inside(precise: list[Block], default: list[Block]) -> list[Block]:
    """The precise blocks, with the default run's headings that fall between two of them put back.

    The precision setting drops short blocks, and so the subheadings (an
    interview's questions, a report's section titles) that structure an
    article; a heading between two article paragraphs belongs to the article.
    """
    keys = [normal_key(block.text) for block in precise]
    merged: list[Block] = []
    position = 0  # how many precise blocks are placed
    pending: list[Block] = []
    for block in default:
        key = normal_key(block.text)
        if position < len(keys) and key == keys[position]:
            merged.extend(pending)  # pending headings only gather once a precise block is placed
            pending = []
            merged.append(precise[position])
            position += 1
        elif key in keys[position:]:
            target = keys.index(key, position)
            merged.extend(precise[position : target + 1])
            position, pending = target + 1, []
        elif merged and is_heading(block):
            pending.append(block)
    merged.extend(precise[position:])
    return merged


def _structure_inside(article: list[Block], page: list[Block]) -> list[Block]:
    """The article, with the page's structural blocks that fall between two of its blocks put back.

    The article's blocks come from the extractor's tree and the page's from the
    page; a page block whose text one of the two article blocks around it already
    holds (the extractor may join lines, of a ``<pre>`` for one) is not put back twice.
    """
    keys = [normal_key(block.text) for block in article]
    # A text the article holds twice (a running header) is no landmark to jump to.
    unique = {key for key, count in Counter(keys).items() if count == 1}
    merged: list[Block] = []
    position = 0  # how many article blocks are placed
    pending: list[Block] = []
    for block in page:
        key = normal_key(block.text)
        if position < len(keys) and key == keys[position]:
            merged.extend(pending)  # pending blocks only count once an article block follows them
            pending = []
            merged.append(article[position])
            position += 1
        elif key in unique and key in keys[position:]:
            target = keys.index(key, position)
            merged.extend(article[position : target + 1])
            position, pending = target + 1, []
        elif merged and position < len(keys) and _missing(key, keys, position) and _structural(block):
            pending.append(block)
    merged.extend(article[position:])
    return merged


def _without_masthead(article: list[Block], page: list[Block]) -> list[Block]:
    """The article without the blocks it opens with that the page sets in a header (a document's masthead).

    A document's first page carries its masthead: series, authors, dates,
    status, each renderer laying it out its own way (two columns of text, a
    table, a list of fields). It is the document's metadata rather than its
    text, reported as cut with the rest of the page's header.
    """
    where: dict[str, Block] = {}
    for block in page:
        where.setdefault(normal_key(block.text), block)
    start = 0
    for block in article:
        counterpart = where.get(normal_key(block.text))
        if counterpart is None or container_kind(counterpart.element) != "header":
            break
        start += 1
    return article[start:] if start < len(article) else article


def _missing(key: str, keys: list[str], position: int) -> bool:
    """Is a page block's text missing from the article blocks on either side of the gap it falls in?"""
    return bool(key) and key not in keys[position - 1] and key not in keys[position]


def _structural(block: Block) -> bool:
    """A heading, list item, definition, preformatted line or address that is not a list of links."""
    node: etree._Element | None = block.element
    for _ in range(_STRUCTURE_DEPTH):
        if node is None or tag_name(node) in _STRUCTURE:
            break
        node = node.getparent()
    if node is None or tag_name(node) not in _STRUCTURE:
        return False
    # A heading between two paragraphs of the document heads the next one, whatever
    # its id or container say (xml2rfc sets the copyright notice in id="copyright").
    if tag_name(node) not in HEADING_TAGS and container_kind(node) is not None:
        return False
    words = len(_WORD.findall("".join(map(str, node.itertext()))))
    linked = sum(len(_WORD.findall("".join(map(str, a.itertext())))) for a in node.iter("a") if a.get("href"))
    return words > 0 and linked < _MAX_LINK_SHARE * words
