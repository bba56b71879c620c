"""The sample: the part of the data that candidate encodings are judged on.

Decoding and scoring a whole file under some fifty encodings would be slow and,
for a page of ASCII markup with a few accented words, would only dilute the
evidence: ASCII reads the same in every ASCII-compatible encoding. The sample
keeps the parts around the non-ASCII bytes, cut where every ASCII-compatible
encoding is at a character boundary, and is decoded chunk by chunk.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

_SAMPLE_BYTES = 8192
_Sample = tuple[bytes, ...]  # chunks, each starting and ending at a character boundary


def _sample(data: bytes) -> _Sample:
    """At most _SAMPLE_BYTES of the data, made of the parts that hold non-ASCII bytes.

    Pure-ASCII text reads the same in every ASCII-compatible encoding and would
    only dilute the evidence (a page's head of scripts and styles, a log with one
    accented name), so the sample keeps the lines with non-ASCII bytes and, of a
    long line (minified HTML, text without line breaks), the stretches around
    them. Lines start at a character boundary in every ASCII-compatible encoding
    (0x0A is never part of a multi-byte character), and stretches are cut next to
    a byte below 0x30 (controls, space, ASCII punctuation), which no multi-byte
    encoding uses inside a character either.
    """
    if len(data) <= _SAMPLE_BYTES:
        return (data,)
    chunks: list[bytes] = []
    size = 0
    for line in data.splitlines():
        if line.isascii():
            continue
        for chunk in _stretches(line) if len(line) > _LONG_LINE else (line,):
            chunks.append(chunk)
            size += len(chunk)
        if size >= _SAMPLE_BYTES:
            break
    return tuple(chunks) if chunks else (data[:_SAMPLE_BYTES],)


def _stretches(line: bytes) -> Iterator[bytes]:
    """The stretches of a long line around its runs of non-ASCII bytes."""
    end = 0
    for run in _NONASCII_RUN.finditer(line):
        if run.start() < end:
            continue
        lo = max(end, run.start() - _CONTEXT_BYTES)
        before = _LAST_SEPARATOR.search(line[lo : run.start()])
        start = lo + before.end() if before else run.start()
        after = _SEPARATOR.search(line, run.end(), run.end() + _CONTEXT_BYTES)
        end = after.start() if after else min(len(line), run.end() + _CONTEXT_BYTES)
        yield line[start:end]


_LONG_LINE = 1024
_CONTEXT_BYTES = 48
_NONASCII_RUN = re.compile(rb"[\x80-\xff]+")
_SEPARATOR = re.compile(rb"[\x00-\x2f]")
_LAST_SEPARATOR = re.compile(rb"[\x00-\x2f](?=[\x30-\xff]*\Z)")


def _head(data: bytes) -> _Sample:
    """The first bytes, for encodings whose text is not cut into lines by 0x0A."""
    return (data[: _SAMPLE_BYTES - _SAMPLE_BYTES % 4],)


def _shortened(sample: _Sample, size: int) -> _Sample:
    chunks: list[bytes] = []
    for chunk in sample:
        chunks.append(chunk[:size])
        size -= len(chunks[-1])
        if size <= 0:
            break
    return tuple(chunks)


def _decode_sample(sample: _Sample, encoding: str) -> str | None:
    """Strictly decode a sample whose chunks may end inside a character."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)
        return "\n".join(decoder(errors="strict").decode(chunk, final=False) for chunk in sample)
    except (UnicodeDecodeError, LookupError):
        return None
