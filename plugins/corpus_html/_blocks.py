"""Cut an HTML or trafilatura-XML tree into paragraphs, one per block as a browser lays it out.

A corpus paragraph is one logical paragraph on one line, so the unit is what a
reader sees as a block: a ``<p>``, a heading, a list item, a table row, a line
of a poem set with ``<br>``. The same walk serves two trees: trafilatura's output
(``p``, ``head``, ``item``, ``row``/``cell``, ``lb``...) and, when trafilatura
fell back to another algorithm or when the reader lists what it cut, plain HTML.
Each paragraph remembers the element it started in, so the reader can say what
kind of page furniture a cut paragraph was, and where it sits in the source.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

from lxml import etree

from corpus.text import CJK_CLASS

__all__ = ["Block", "TextPiece", "blocks", "clean_text", "is_heading", "normal_key", "tag_name"]

# Elements a browser (or trafilatura's XML) lays out as blocks: text on either
# side of them belongs to different paragraphs.
_BLOCK_TAGS = frozenset(
    {
        # HTML
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
        "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main",
        "menu", "nav", "ol", "option", "p", "pre", "section", "summary", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "ul",
        # trafilatura's XML
        "doc", "head", "item", "list", "quote", "row", "cell", "comments", "graphic",
    }
)  # fmt: skip
# Table cells sit side by side: a row is one paragraph, its cells separated by a space.
_CELL_TAGS = frozenset({"td", "th", "cell"})
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "head"})
_LINE_BREAKS = frozenset({"br", "lb"})
# Never text a reader sees as part of a page: code, templates, form controls.
_INVISIBLE = frozenset(
    {"script", "style", "noscript", "template", "svg", "math", "iframe", "object", "button", "select", "textarea"}
)
_PREFORMATTED = frozenset({"pre", "code", "quote"})
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_CODE_SYMBOLS = frozenset("{}[];=<>$#\\|&*/")
_CODE_SYMBOL_SHARE = 0.03

_SPACE = re.compile(r"\s+")
# A line break in the source between two CJK characters is layout, not a space.
_CJK_BREAK = re.compile(rf"(?<=[{CJK_CLASS}])[ \t]*[\r\n]\s*(?=[{CJK_CLASS}])")


@dataclass(frozen=True)
class TextPiece:
    """A run of text as lxml holds it: the ``text`` or ``tail`` of ``element``, or part of it."""

    text: str
    element: etree._Element


@dataclass(frozen=True)
class Block:
    """One paragraph of a tree: the block element it belongs to and its text pieces.

    ``code`` marks a line of ``<pre>`` or code, whose repetitions are not noise.
    """

    element: etree._Element
    pieces: tuple[TextPiece, ...]
    code: bool = False

    @cached_property
    def text(self) -> str:
        return clean_text("".join(piece.text for piece in self.pieces))


def clean_text(raw: str) -> str:
    """Collapse whitespace as a browser renders it; a wrap between CJK characters vanishes."""
    raw = _CJK_BREAK.sub("", raw)
    return _SPACE.sub(" ", raw).strip()


def normal_key(text: str) -> str:
    """The form in which two renderings of one paragraph compare equal: NFKC, no whitespace, folded case."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def is_heading(block: Block) -> bool:
    """A heading in HTML (``h1``..``h6``) or in trafilatura's XML (``head``)."""
    return tag_name(block.element) in _HEADING_TAGS


def blocks(root: etree._Element) -> list[Block]:
    """The non-empty paragraphs of ``root`` in document order."""
    walker = _Walker()
    walker.walk(root)
    walker.flush()
    return [block for block in walker.done if block.text]


class _Walker:
    """Depth-first walk that starts a new paragraph at every block boundary and line break."""

    def __init__(self) -> None:
        self.done: list[Block] = []
        # The open paragraph: its pieces so far, the block element and code flag of its first piece.
        self.pieces: list[TextPiece] = []
        self.element: etree._Element | None = None
        self.code = False

    def flush(self) -> None:
        if self.pieces and self.element is not None:
            self.done.append(Block(self.element, tuple(self.pieces), self.code))
        self.pieces = []

    def add(self, piece: TextPiece | None, block: etree._Element, code: bool, prose: bool = False) -> None:
        """Append text to the open paragraph.

        In code every source line is a paragraph of its own; in preformatted prose
        (a plain-text e-book or RFC in ``<pre>``) a blank line ends a paragraph and
        the hard-wrapped lines between are joined.
        """
        if piece is None:
            return
        lines = (_BLANK_LINE.split(piece.text) if prose else piece.text.split("\n")) if code else [piece.text]
        for i, line in enumerate(lines):
            if i:
                self.flush()
            if line:
                if not self.pieces:
                    self.element, self.code = block, code and not prose
                self.pieces.append(TextPiece(line, piece.element))

    def walk(
        self, element: etree._Element, code: bool = False, block: etree._Element | None = None, prose: bool = False
    ) -> None:
        tag = tag_name(element)
        if tag is None or tag in _INVISIBLE:
            return
        if tag in _LINE_BREAKS:
            self.flush()
            return
        is_block = tag in _BLOCK_TAGS or (tag == "code" and _is_code_block(element))
        if is_block or block is None:
            self.flush()
            block = element
        elif tag in _CELL_TAGS and self.pieces:
            self.add(TextPiece(" ", element), block, code)
        if not code and tag in _PREFORMATTED and (tag != "code" or is_block):
            # trafilatura turns <pre> into <quote> or <code>; a quote is prose either way.
            code, prose = True, tag == "quote" or _is_prose("".join(map(str, element.itertext())))
        self.add(_piece(element.text, element), block, code, prose)
        for child in element:
            self.walk(child, code, block, prose)
            self.add(_piece(child.tail, child), block, code, prose)
        if is_block:
            self.flush()


def _is_prose(text: str) -> bool:
    """Preformatted text that is prose, not code: few of the symbols code is made of."""
    letters = sum(c.isalpha() for c in text)
    symbols = sum(c in _CODE_SYMBOLS for c in text)
    return letters > 0 and symbols <= _CODE_SYMBOL_SHARE * letters


def _piece(text: str | None, element: etree._Element) -> TextPiece | None:
    return TextPiece(text, element) if text else None


def tag_name(element: etree._Element) -> str | None:
    """The lower-case local name, or ``None`` for comments and processing instructions."""
    tag = element.tag
    if not isinstance(tag, str):
        return None
    return tag.rsplit("}", 1)[-1].lower()


def _is_code_block(element: etree._Element) -> bool:
    """trafilatura writes code blocks as ``<code>`` straight under the body; inline code sits in a paragraph."""
    parent = element.getparent()
    return parent is None or tag_name(parent) in {"body", "div", "doc", "main", "quote", "section", "article"}
