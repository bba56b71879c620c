"""What kind of file a source is, judged from its first bytes.

The media type picks the reader, so it must not trust the file name alone: pages
are saved as ``.txt``, PDFs arrive without a suffix, a ``.html`` download can be
an image. Content decides first (magic numbers, then markup), the suffix only
breaks ties between kinds of text. Only the first few KB are read, so sniffing a
large file costs nothing.

``decode`` relies on three helpers here, :func:`bom_encoding` (the byte-order
mark), :func:`signature_media_type` (binary formats known by their magic numbers)
and :func:`wide_unicode` (UTF-16/32 without a BOM, told apart from binary by
where the NUL bytes fall), so that "is this text?" has one answer across the
pipeline.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

__all__ = ["HEAD_BYTES", "bom_encoding", "signature_media_type", "sniff_media_type", "wide_unicode"]

HEAD_BYTES = 8192
"""How much of a file sniffing looks at: enough for any magic number and for the
markup that opens an HTML or XML document, even behind a long comment."""

# Formats whose first bytes name them. Each of these is not text, even when its
# bytes happen to decode (a PDF can be pure ASCII): decode refuses them.
_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"%PDF-", "application/pdf"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
    (0, b"\x00\x00\x01\x00", "image/vnd.microsoft.icon"),
    (0, b"8BPS", "image/vnd.adobe.photoshop"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"PK\x05\x06", "application/zip"),
    (0, b"\x1f\x8b\x08", "application/gzip"),
    (0, b"\xfd7zXZ\x00", "application/x-xz"),
    (0, b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (0, b"Rar!\x1a\x07", "application/vnd.rar"),
    (0, b"\x28\xb5\x2f\xfd", "application/zstd"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
    (0, b"\x7fELF", "application/x-executable"),
    (0, b"SQLite format 3\x00", "application/vnd.sqlite3"),
    (0, b"\x00asm", "application/wasm"),
    (0, b"OggS\x00", "audio/ogg"),
    (0, b"fLaC", "audio/flac"),
    (0, b"wOFF", "font/woff"),
    (0, b"wOF2", "font/woff2"),
    (0, b"\x00\x01\x00\x00\x00", "font/ttf"),
    (4, b"ftyp", "video/mp4"),
)
_RIFF_KINDS = {b"WEBP": "image/webp", b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}
_OOXML_PARTS = (
    (b"word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (b"xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (b"ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
)
_ZIP_MIMETYPE = re.compile(rb"mimetype([a-z0-9.+-]+/[a-z0-9.+-]+)")

# Byte-order marks, each with the codec that reads it and strips it. UTF-32-LE's
# mark starts with UTF-16-LE's, so it is tried first.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

# Markup that opens an HTML document: at the start (after BOM, whitespace and
# comments), or anywhere in the first KB of a file that is not in a text markup
# language (junk or a server banner before <html> is common in saved pages).
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html|head|body)[\s>/]")
_XML_DECLARATION = re.compile(rb"<\?xml[\s?][^>]*>")
_XHTML_ROOT = re.compile(rb"<(?:!doctype\s+html|html)[\s>/]")
_SVG_ROOT = re.compile(rb"<(?:!doctype\s+svg|svg)[\s>/]")
# Whitespace, comments and processing instructions before the first element.
_LEADING_NOISE = re.compile(rb"(?:\s+|<!--.*?-->|<\?.*?\?>)+", re.DOTALL)
# Tags that only HTML uses; many of them in the first 2 KB make a page even when the
# file starts with a fragment (a saved <div>, a template, junk before <html>).
_HTML_TAG = re.compile(
    rb"</?(?:html|head|body|div|span|p|a|br|table|tr|td|ul|ol|li|meta|link|script|style"
    rb"|title|img|h[1-6]|form|input|iframe|section|article|nav|header|footer)[\s>/]"
)
_DENSE_TAGS = 8
_DENSE_WINDOW = 2048
_MARKER_WINDOW = 1024

_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mkdn"})
# Text markup languages that may embed raw HTML without being HTML pages.
_LIGHT_MARKUP_SUFFIXES = _MARKDOWN_SUFFIXES | {".rst", ".adoc", ".asciidoc", ".org", ".textile"}
_SUFFIX_HINTS = {
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "text/html",
    ".xml": "application/xml",
    ".csv": "text/csv",
    **dict.fromkeys(_MARKDOWN_SUFFIXES, "text/markdown"),
}

# Control bytes that plain text does not contain: everything below 0x20 except
# tab, line feed, vertical tab, form feed, carriage return, the shift-out/shift-in
# and ESC of ISO-2022 (and terminal colours), and SUB (the old DOS end-of-file mark).
_TEXT_CONTROLS = frozenset(b"\t\n\x0b\x0c\r\x0e\x0f\x1a\x1b")
_BINARY_CONTROLS = bytes(b for b in range(0x20) if b not in _TEXT_CONTROLS) + b"\x7f"
_MAX_CONTROL_SHARE = 0.01


def bom_encoding(data: bytes) -> str | None:
    """The codec a byte-order mark at the start names, or None.

    ``utf-8-sig``, ``utf-16`` or ``utf-32``: codecs that read the mark and leave
    it out of the text.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def signature_media_type(data: bytes) -> str | None:
    """The media type a binary format announces in its first bytes, or None.

    Only formats that are never text are listed: a file that matches one is not
    decoded at all, which is what keeps a PDF, an image or an xlsx workbook from
    being read as a page of mojibake.
    """
    for offset, magic, media_type in _SIGNATURES:
        if data.startswith(magic, offset):
            if media_type == "application/zip":
                return _zip_kind(data[:HEAD_BYTES])
            return media_type
    if data.startswith(b"RIFF") and data[8:12] in _RIFF_KINDS:
        return _RIFF_KINDS[data[8:12]]
    if data.startswith(b"BM") and data[6:10] == b"\x00\x00\x00\x00" and len(data) > 26:
        return "image/bmp"
    return None


def _zip_kind(head: bytes) -> str:
    """Office and EPUB files are ZIP archives; their first entries say which."""
    named = _ZIP_MIMETYPE.match(head, 30)
    if named:
        return named.group(1).decode("ascii")
    for marker, media_type in _OOXML_PARTS:
        if b"\x00" + marker in head or head.find(marker, 30, 30 + 64) != -1:
            return media_type
    return "application/zip"


def wide_unicode(data: bytes, *, complete: bool = True) -> str | None:
    """UTF-16 or UTF-32 without a BOM, recognised by where its NUL bytes fall.

    Text in these encodings is full of NUL bytes (the high bytes of Latin, digits,
    markup), which would otherwise make it look binary; but the NULs sit in fixed
    columns: every other byte (UTF-16) or three bytes in four (UTF-32). Binary
    files have NULs too, scattered. Returns the Python codec name
    (``utf-16-le``...) or None. CJK text in UTF-16 has almost no NULs and is not
    found here; ``decode`` scores it as a candidate instead. ``complete=False``
    when ``data`` is only the head of a file, which may end inside a character.
    """
    head = data[:HEAD_BYTES]
    if len(head) < 4 or b"\x00" not in head:
        return None
    if len(data) % 4 == 0:
        columns = [head[i::4] for i in range(4)]
        nuls = [column.count(0) / len(column) for column in columns]
        if nuls[3] == 1.0 and nuls[2] > 0.9 and nuls[0] < 0.5 and _decodes(data, "utf-32-le", complete):
            return "utf-32-le"
        if nuls[0] == 1.0 and nuls[1] > 0.9 and nuls[3] < 0.5 and _decodes(data, "utf-32-be", complete):
            return "utf-32-be"
    if len(data) % 2 == 0:
        even, odd = head[0::2], head[1::2]
        even_nuls, odd_nuls = even.count(0) / len(even), odd.count(0) / len(odd)
        if odd_nuls > 0.2 and even_nuls < 0.02 and _decodes(data, "utf-16-le", complete):
            return "utf-16-le"
        if even_nuls > 0.2 and odd_nuls < 0.02 and _decodes(data, "utf-16-be", complete):
            return "utf-16-be"
    return None


def _decodes(data: bytes, encoding: str, complete: bool) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)(errors="strict").decode(data, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def sniff_media_type(data: bytes, path: Path) -> str:
    """The media type of a source: by its content first, its file name as a hint.

    Binary formats are known by their magic numbers; HTML by the markup it opens
    with (``<!doctype html``, ``<html``, ``<head``, ``<body``) or, for a fragment,
    by many HTML tags in its first 2 KB; XML by its declaration (XHTML counts as
    HTML). Text with none of these takes its suffix's type when the suffix names
    a kind of text (``.md`` is Markdown), else ``text/plain``. Bytes that are not
    text and have no known signature are ``application/octet-stream``.
    """
    signed = signature_media_type(data)
    if signed is not None:
        return signed
    view = _ascii_view(data[:HEAD_BYTES])
    if view is None:
        return "application/octet-stream"
    suffix = path.suffix.lower()
    markup = _markup_media_type(view, html_anywhere=suffix not in _LIGHT_MARKUP_SUFFIXES)
    if markup is not None:
        return markup
    return _SUFFIX_HINTS.get(suffix, "text/plain")


def _ascii_view(head: bytes) -> bytes | None:
    """The head as ASCII-compatible bytes for markup matching, or None if not text.

    UTF-16/32 heads are transcoded (strictly, up to the last whole character) so
    that ``<html`` in UTF-16 is found like any other; other heads are used as
    they are, since every ASCII-compatible encoding spells markup the same way.
    Leading NUL padding (a pre-allocated file that was never filled) is skipped,
    as ``decode`` does.
    """
    bom = bom_encoding(head)
    if bom is not None:
        return _transcode(head, bom)
    head = head.lstrip(b"\x00")
    wide = wide_unicode(head[: len(head) - len(head) % 4], complete=False)
    if wide is not None:
        return _transcode(head, wide)
    body = head.rstrip(b"\x00")
    if not body:
        return None
    if b"\x00" in body:
        return _few_nuls_wide_view(body)
    controls = len(body) - len(body.translate(None, _BINARY_CONTROLS))
    return None if controls > _MAX_CONTROL_SHARE * len(body) + 1 else body


def _few_nuls_wide_view(head: bytes) -> bytes | None:
    """UTF-16 whose NULs are too few for :func:`wide_unicode` (CJK has almost none).

    Binary data read as UTF-16 breaks on unpaired surrogates or turns into control
    characters within a few dozen bytes; text reads as letters.
    """
    for encoding in ("utf-16-le", "utf-16-be"):
        view = _transcode(head[: len(head) - len(head) % 2], encoding)
        if view is None:
            continue
        text = view.decode("utf-8")
        letters = sum(1 for char in text if char.isalpha())
        if all(char.isprintable() or char.isspace() for char in text) and letters >= 0.5 * len(text):
            return view
    return None


def _transcode(head: bytes, encoding: str) -> bytes | None:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        text = decoder.decode(head, final=False)
    except UnicodeDecodeError:
        return None
    return text.encode("utf-8")


def _markup_media_type(view: bytes, *, html_anywhere: bool) -> str | None:
    """HTML or XML by the markup the text opens with, None for other text.

    An XML document is XHTML (HTML for the readers) or SVG when its root element
    says so, whatever its declaration; its content (an RSS item quoting HTML)
    does not count.
    """
    start = view[3:] if view.startswith(b"\xef\xbb\xbf") else view
    start = start[:_DENSE_WINDOW].lower()
    declaration = _XML_DECLARATION.match(start.lstrip())
    root = _after_noise(start)
    if declaration is not None:
        if _XHTML_ROOT.match(root):
            return "text/html"
        return "image/svg+xml" if _SVG_ROOT.match(root) else "application/xml"
    if _HTML_START.match(root):
        return "text/html"
    if html_anywhere and (_HTML_START.search(start, 0, _MARKER_WINDOW) or len(_HTML_TAG.findall(start)) >= _DENSE_TAGS):
        return "text/html"
    return None


def _after_noise(text: bytes) -> bytes:
    noise = _LEADING_NOISE.match(text)
    return text[noise.end() :] if noise else text
