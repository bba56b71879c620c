"""What the reader cut from a page, named and located, so an audit can show it.

Every visible block of the page that did not become a paragraph of the extract
is reported: menus, breadcrumbs, share bars, related-article lists, comment
sections, footers. Its kind comes from where it sits (``<nav>``, ``<footer>``,
an element whose class or id says ``comment``, ``share``, ``related``...), or
else from whether it comes before or after the article. Neighbouring blocks
of one kind are reported together, the way a person would describe them ("the
menu"), and each report carries the character span of ``source.text`` it
came from when the text can be found there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace

from lxml import etree

from corpus import Removed
from corpus_html._blocks import Block, blocks, normal_key, tag_name

__all__ = ["container_kind", "removed_blocks"]

# What an element's tag, class or id says it is, in the words of an audit.
_TAG_KINDS = {"nav": "navigation", "menu": "navigation", "header": "header", "footer": "footer", "aside": "sidebar"}
_HINTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("comments", r"comment|reply|replies|discuss|disqus|跟贴|评论"),
        ("share", r"share|social|sns|bshare|jiathis"),
        ("media", r"video|audio|player"),
        ("related", r"related|recommend|relevant|more-?news|read-?more|also-?read|tuijian|xiangguan"),
        ("breadcrumb", r"breadcrumb|crumb|location|position|daohang"),
        ("navigation", r"(?:^|[-_\s])(?:nav|navbar|menu|topbar|pagination|pager|page-?nav)(?:$|[-_\s\d])"),
        ("advertisement", r"(?:^|[-_\s])(?:ad|ads|advert|advertisement|banner|sponsor|promo|guanggao)(?:$|[-_\s\d])"),
        ("footer", r"footer|copyright|bottom"),
        ("header", r"header|masthead|topnav|logo"),
        ("sidebar", r"sidebar|side-?bar|aside|rightbar|leftbar"),
    )
)
_MAX_ANCESTORS = 12
# How far past a block's source line its text may start (attributes, entities).
_SEARCH_WINDOW = 5000
# Markup between the characters of one block stays within this factor.
_MARKUP_PER_CHAR = 40
# How much of a text is looked for: enough to be unique near its line.
_PROBE = 80
_MAX_CANDIDATES = 20
_BOUNDARY = 200
_RUNS = re.compile(r"\s+|\S+")


def removed_blocks(
    page: etree._Element, source_text: str, kept: Iterable[str], kinds: Mapping[str, str]
) -> list[Removed]:
    """The page's visible blocks that are not in ``kept``, grouped by kind, with source offsets.

    ``kinds`` names what the reader itself cut, by :func:`normal_key` of the text
    (``title``, ``copyright``, ``duplicate``...). Any other block takes the kind
    its place in the page names, else "header" before the first kept block,
    "footer" after the last and "boilerplate" between them.
    """
    body = page.find("body")
    root = body if body is not None else page
    page_blocks = blocks(root)
    keys = [normal_key(block.text) for block in page_blocks]
    kept_text = "\n".join(normal_key(text) for text in kept)
    is_kept = [not key or key in kept_text for key in keys]
    kept_indices = [i for i, k in enumerate(is_kept) if k]
    first, last = (kept_indices[0], kept_indices[-1]) if kept_indices else (len(page_blocks), len(page_blocks))
    locator = _Locator(source_text)
    cuts: list[Removed] = []
    for i, block in enumerate(page_blocks):
        if is_kept[i]:
            continue
        kind = (
            kinds.get(keys[i])
            or container_kind(block.element)
            or ("header" if i < first else "footer" if i > last else "boilerplate")
        )
        start, end = locator.find(block)
        if cuts and cuts[-1].kind == kind and _adjacent(cuts[-1], start):
            previous = cuts[-1]
            end = previous.end if end is None else end
            cuts[-1] = replace(previous, text=f"{previous.text}\n{block.text}", end=end)
        else:
            cuts.append(Removed(block.text, kind, start, end))
    return cuts


def _adjacent(previous: Removed, start: int | None) -> bool:
    """Whether a block found at ``start`` follows ``previous`` in the source (or either was not found)."""
    return previous.start is None or start is None or previous.end is None or start >= previous.end


def container_kind(element: etree._Element | None) -> str | None:
    """The kind of page furniture (``navigation``, ``related``...) the element or its nearest ancestor names."""
    node = element
    for _ in range(_MAX_ANCESTORS):
        if node is None:
            break
        tag = tag_name(node) or ""
        if tag in _TAG_KINDS:
            return _TAG_KINDS[tag]
        if tag in {"body", "html"}:
            break
        hint = " ".join(str(node.get(attr) or "") for attr in ("class", "id", "role"))
        if hint.strip():
            for kind, pattern in _HINTS:
                if pattern.search(hint):
                    return kind
        node = node.getparent()
    return None


class _Locator:
    """Finds a block's text in the decoded source, starting at its element's line."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def find(self, block: Block) -> tuple[int | None, int | None]:
        pieces = [p for p in block.pieces if p.text.strip()]
        if not pieces:
            return None, None
        first = self._find(pieces[0].text.strip()[:_PROBE], pieces[0].element, 0, at_start=True)
        if first is None:
            return None, None
        last = self._find(pieces[-1].text.strip()[-_PROBE:], pieces[-1].element, first[0], at_start=False)
        end = max(first[1], last[1] if last is not None else first[1])
        if end - first[0] > _MARKUP_PER_CHAR * len(block.text) + _SEARCH_WINDOW:
            return None, None  # the ends were found in different places: no honest span
        return first[0], end

    def _find(self, text: str, element: etree._Element, floor: int, *, at_start: bool) -> tuple[int, int] | None:
        """Where ``text``, the start (or end) of a text node, is written after ``element``'s line.

        A text node starts after a tag and ends before one; demanding that keeps the
        search from landing in an attribute (``title="..."``) that repeats the text.
        """
        line: int | None = getattr(element, "sourceline", None)  # the stubs type it loosely
        origin = self.line_starts[min(line, len(self.line_starts)) - 1] if line else 0
        origin = max(origin, floor)
        limit = origin + _SEARCH_WINDOW + 8 * len(text)
        spans: list[tuple[int, int]] = []
        found = self.text.find(text, origin, limit)
        while found >= 0 and len(spans) < _MAX_CANDIDATES:
            spans.append((found, found + len(text)))
            found = self.text.find(text, found + 1, limit)
        if not spans:  # written with entities or other whitespace: the slower, forgiving search
            matches = _source_pattern(text).finditer(self.text, origin, limit)
            spans = [m.span() for _, m in zip(range(_MAX_CANDIDATES), matches, strict=False)]
        for begin, finish in spans:
            if self._bounded(begin, finish, at_start):
                return begin, finish
        return None

    def _bounded(self, begin: int, finish: int, at_start: bool) -> bool:
        if at_start:
            before = self.text[max(0, begin - _BOUNDARY) : begin].rstrip()
            return not before or before.endswith(">")
        after = self.text[finish : finish + _BOUNDARY].lstrip()
        return not after or after.startswith("<")


def _source_pattern(text: str) -> re.Pattern[str]:
    """How a text node may be written in the source: any character as an entity, any space as other whitespace."""
    parts: list[str] = []
    for run in _RUNS.findall(text):
        if run.isspace():
            parts.append(r"(?:\s|&nbsp;|&#160;|&#xa0;)+")
        else:
            parts.append("".join(rf"(?:{re.escape(c)}|&#?\w{{1,8}};)" for c in run))
    return re.compile("".join(parts), re.IGNORECASE)
