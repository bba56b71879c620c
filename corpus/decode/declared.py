"""Declared charsets: what a document says about its own encoding.

An XML declaration, a ``<meta charset>`` (or ``http-equiv`` Content-Type) and a
CSS ``@charset`` are found with regular expressions over the first bytes, not a
parser, because they must be read before the text can be decoded. A declaration
is a claim, not a fact: the pipeline checks it against the bytes and against the
best statistical reading before it is believed.
"""

from __future__ import annotations

import re

from corpus.decode.codec_names import normalise_encoding

_DECLARATION_BYTES = 8192
_XML_ENCODING = re.compile(
    rb"""\A(?:\xef\xbb\xbf)?\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']\s*([A-Za-z0-9._:-]+)""",
    re.IGNORECASE,
)
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_CSS_CHARSET = re.compile(rb"""\A(?:\xef\xbb\xbf)?@charset\s+["']([A-Za-z0-9._:-]+)["']""")


def declared_charset(data: bytes) -> str | None:
    """The charset a document declares about itself in its first 8 KB, as a codec name.

    Looks for an XML declaration's ``encoding="..."``, ``<meta charset=...>``,
    ``<meta http-equiv="Content-Type" content="...; charset=...">`` and a CSS
    ``@charset``. None when there is none or it names no known encoding. A
    declaration is a claim, not a fact: ``decode`` checks it against the bytes.
    """
    head = data[:_DECLARATION_BYTES]
    for pattern in (_XML_ENCODING, _META_CHARSET, _CSS_CHARSET):
        match = pattern.search(head)
        if match:
            return normalise_encoding(match.group(1).decode("ascii"))
    return None
