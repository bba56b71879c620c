"""Data files are not documents: CSV, TSV, JSON, JSON Lines, Parquet, and XML that is no document.

A folder of documents usually carries its data beside them: a ground-truth CSV, a
``clusters.json``, a ``provenance.jsonl``, an RSS feed. Read as documents they
would become documents of their own (a table of file names, a feed's headlines)
and match each other. A walk, and the listing of an archive, leaves them out and
says how many it left out; a data file named explicitly fails with the reason, its
bytes kept like any failed source.

Data files are known by their suffix; an ``.xml`` file by its root element too,
since XML is also a container for documents: XHTML is a web page, and TEI,
DocBook and JATS are document formats a reader plugin may read. Every other XML
(feeds, sitemaps, configuration, exports) is data.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

# Suffix → the kind of data a person would call it.
_DATA_SUFFIXES = {
    ".csv": "CSV",
    ".tsv": "TSV",
    ".json": "JSON",
    ".jsonl": "JSON Lines",
    ".ndjson": "JSON Lines",
    ".geojson": "JSON",
    ".parquet": "Parquet",
    ".arrow": "Arrow",
    ".feather": "Arrow",
    ".xml": "XML",
}

# Root elements of XML that is a document (XHTML, TEI, DocBook, JATS), not data.
_DOCUMENT_ROOTS = frozenset({"html", "tei", "tei.2", "teicorpus", "book", "article", "chapter", "part", "set"})

XML_HEAD = 4096
"""How much of an XML file is looked at for its root element."""
_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
_SKIPPED = re.compile(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>", re.S | re.I)


def data_kind(path: Path) -> str | None:
    """The kind of data the file at ``path`` holds ("CSV", "JSON", …), or None for what may be a document.

    Only an ``.xml`` file is opened (its first 4 KB); a file that cannot be opened
    is left to the stage, which says why it cannot be read.
    """
    kind = kind_by_name(path.name)
    if kind != "XML":
        return kind
    try:
        with open(path, "rb") as file:
            head = file.read(XML_HEAD)
    except OSError:
        return None
    return data_kind_of(path.name, head)


def kind_by_name(name: str) -> str | None:
    """The kind of data a file named ``name`` holds by its suffix alone, or None.

    ``"XML"`` is only a first guess: the file's head may show a document
    (:func:`data_kind_of`).
    """
    return _DATA_SUFFIXES.get(posixpath.splitext(name)[1].lower())


def data_kind_of(name: str, head: bytes) -> str | None:
    """The kind of data a file named ``name`` whose first bytes are ``head`` holds, or None for what may be a document.

    For a file that is not on disk (an archive member); ``head`` matters for ``.xml``
    only, and only its first :data:`XML_HEAD` bytes are looked at.
    """
    kind = kind_by_name(name)
    return None if kind == "XML" and xml_is_document(head[:XML_HEAD]) else kind


def xml_is_document(head: bytes) -> bool:
    """Is the XML whose first bytes are ``head`` a document (XHTML, TEI, DocBook, JATS)?

    UTF-16 XML is looked at as its ASCII bytes; a head with no element in it is
    given the benefit of the doubt (the readers decide).
    """
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[1:2] == b"\x00" or head[:1] == b"\x00":
        head = head.replace(b"\x00", b"")
    match = _ROOT.search(_SKIPPED.sub(b"", head))
    if match is None:
        return True
    return match.group(2).decode("ascii").lower() in _DOCUMENT_ROOTS


def refusal(location: str, kind: str) -> str:
    """Why a data file named explicitly is not added."""
    return (
        f"{location}: a data file ({kind}), not a document; corpus adds documents "
        "(web pages, PDFs, text). A folder walk skips such files"
    )
