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

__all__ = ["parse_page"]

_XML_DECLARATION = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>")
# The parser trafilatura uses on its own: its heuristics assume a tree without
# comment and processing-instruction nodes.
_PARSER = lxml.html.HTMLParser(  # type: ignore[call-arg]  # lxml-stubs lag behind: default_doctype exists
    collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True
)


def parse_page(text: str) -> lxml.html.HtmlElement | None:
    """The page's element tree, or ``None`` when there is no markup to speak of."""
    text = _XML_DECLARATION.sub(lambda m: " " * len(m.group(0)), text, count=1)
    if not text.strip():
        return None
    try:
        root = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None
    return root
