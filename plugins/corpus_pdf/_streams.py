"""What a PDF's streams inflate to, measured before PDFium inflates them.

A FlateDecode stream compresses up to about 1000:1: a 600 KB file can hold a
page stream of 600 MB, which PDFium inflates whole into memory (twice over, as
its buffer grows) before it gives a character. The streams text extraction
decodes (page contents, forms, fonts, object and cross-reference streams) are
inflated here first, a chunk at a time without keeping the output, and counting
stops as soon as the total passes the limit, so measuring a bomb costs the limit,
not the bomb. Images are skipped: extracting text never decodes them. Streams
are found by their ``stream`` keyword after a dictionary, as a damaged file's
reader would find them, so a broken cross-reference table hides none.
Other filters are not measured: LZW, the only other one that packs tightly, is
rare in PDFs written after 1996.
"""

from __future__ import annotations

import re
import zlib

__all__ = ["inflated_size"]

_STREAM = re.compile(rb"stream\r?\n")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_FLATE = re.compile(rb"/(?:FlateDecode|Fl)\b")
# How far back from ``stream`` its dictionary may start: far more than any real one needs.
_LOOKBACK = 8192
_CHUNK = 64 * 1024
_WHITESPACE = frozenset(b" \t\r\n\x00\x0c")
# Deflate's best ratio (runs of one byte) is 1032:1.
_MAX_RATIO = 1032
_OUT = 1024 * 1024


def inflated_size(data: bytes, limit: int) -> int:
    """Bytes the Flate streams of ``data`` (images aside) inflate to; counting stops once past ``limit``."""
    if len(data) * _MAX_RATIO <= limit:
        return 0  # too small to inflate past the limit, whatever it holds
    total = 0
    for match in _STREAM.finditer(data):
        end = match.start()
        if data[max(0, end - 3) : end] == b"end":
            continue
        while end > 0 and data[end - 1] in _WHITESPACE:
            end -= 1
        if data[end - 2 : end] != b">>":
            continue  # the word in a text, not a stream's keyword
        obj = data.rfind(b"obj", max(0, end - _LOOKBACK), end)
        dictionary = data[obj if obj >= 0 else max(0, end - _LOOKBACK) : end]
        if _FLATE.search(dictionary) is None or _IMAGE.search(dictionary) is not None:
            continue
        total += _inflated(data, match.end(), limit + 1 - total)
        if total > limit:
            break
    return total


def _inflated(data: bytes, offset: int, budget: int) -> int:
    """Bytes the zlib stream at ``offset`` inflates to, up to ``budget``; a damaged stream counts what it gave."""
    inflater = zlib.decompressobj()
    view = memoryview(data)
    size = 0
    position = offset
    try:
        while position < len(data) and not inflater.eof and size < budget:
            pending: bytes | memoryview = view[position : position + _CHUNK]
            position += _CHUNK
            while pending and not inflater.eof and size < budget:
                size += len(inflater.decompress(pending, min(_OUT, budget - size)))
                pending = inflater.unconsumed_tail
    except zlib.error:
        pass
    return size
