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
"""

from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import dataclass

import lxml.html
from lxml import etree
from trafilatura import bare_extraction, baseline

from corpus_html._blocks import Block, blocks, is_heading, normal_key

__all__ = ["MainText", "main_text"]

_PLAYER = re.compile(r"video|audio|player|vjs|jwplayer", re.IGNORECASE)
# Title, duration and control labels; an article has more to say.
_MAX_PLAYER_TEXT = 600


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
        return MainText(tuple(_headings_inside(precise, default)), "trafilatura-precision")
    if default:
        return MainText(tuple(default), "trafilatura")
    body, _text, _length = baseline(deepcopy(tree))  # older trafilatura 2.x cleans its input in place
    return MainText(tuple(blocks(body)), "trafilatura-baseline")


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
