"""Parse the decoded page into an lxml tree whose line numbers match ``source.text``.

The core has already decoded the bytes (valid UTF-8 wins over a lying
``<meta charset>``), so the page is parsed from ``str``: the parser must not get
a second chance to pick an encoding. lxml refuses a ``str`` that carries an XML
declaration naming an encoding; the declaration is blanked with spaces rather
than cut, so that character offsets and line numbers still point into the text
the core stored, and what the reader removed can be shown in place.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from corpus import ReaderError

__all__ = ["parse_page"]

# libxml2's nesting limit without XML_PARSE_HUGE.
_MAX_DEPTH = 256
_XML_DECLARATION = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>")
# The parser trafilatura uses on its own: its heuristics assume a tree without
# comment and processing-instruction nodes.
_PARSER = lxml.html.HTMLParser(  # type: ignore[call-arg]  # lxml-stubs lag behind: default_doctype exists
    collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True
)


def parse_page(text: str, where: str) -> lxml.html.HtmlElement | None:
    """The page's element tree, or ``None`` when there is no markup to speak of.

    Raises :class:`corpus.ReaderError` for a page nested deeper than libxml2 goes
    (``_MAX_DEPTH``): the parser stops there, and the rest of the page would be lost
    without a word. The limit stays: lifting it (``huge_tree``) would let a page
    nested 200,000 deep overflow the stack of every step that walks the tree.
    """
    text = _XML_DECLARATION.sub(lambda m: " " * len(m.group(0)), text, count=1)
    if not text.strip():
        return None
    try:
        root = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None
    for error in _PARSER.error_log:
        if error.type_name != "ERR_RESOURCE_LIMIT":
            continue
        if "depth" in error.message.lower():
            raise ReaderError(
                f"{where}: the page nests its elements more than {_MAX_DEPTH} levels deep (at line {error.line}), "
                "deeper than the HTML parser goes, so its text cannot be read whole"
            )
        reason = error.message.split(",", 1)[0].strip()  # libxml2 adds advice about its own options
        at = f", line {error.line}" if error.line else ""
        raise ReaderError(
            f"{where}: the page is beyond what the HTML parser reads ({reason}{at}), so its text cannot be read whole"
        )
    return root
