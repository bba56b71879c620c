"""Not text: telling binary data from text, and the error that says which it was.

The pipeline and the candidate ranking both need the same two judgements: whether
a decoding is too full of control characters to be text, and how to word the
``DecodeError`` for bytes that are not text (what was seen, and what the bytes
look like instead). They live here so that neither has to import the other.
"""

from __future__ import annotations

import re

from corpus.errors import DecodeError
from corpus.sniff import signature_media_type

_PROBE_BYTES = 4096
# Controls that plain text does not contain: C0 except tab, LF, VT, FF, CR, SUB
# (DOS end of file) and ESC (terminal colours), DEL, and the C1 range.
_BAD_CONTROLS = re.compile("[\x00-\x08\x0e-\x19\x1c-\x1f\x7f-\x9f]")
_MAX_CONTROL_SHARE = 0.01


def _not_text(why: str, data: bytes) -> DecodeError:
    """The error for bytes that are not text: what was seen, and what it looks like."""
    hints = []
    nuls = data[:_PROBE_BYTES].count(0)
    if nuls and "NUL" not in why:
        hints.append(f"{nuls} NUL bytes in the first {min(len(data), _PROBE_BYTES)} bytes")
    signed = signature_media_type(data)
    if signed is not None and signed not in why:
        hints.append(f"{signed} by its signature")
    looks = f" ({'; '.join(hints)})" if hints else " (looks like a binary file)"
    return DecodeError(f"not text: {why}{looks}")


def _control_count(text: str) -> int:
    return len(_BAD_CONTROLS.findall(text.strip("\x00")))


def _too_many_controls(text: str) -> bool:
    """Binary data decoded as a code page is full of controls; real text is not."""
    bad = _control_count(text)
    return bad > 1 and bad > _MAX_CONTROL_SHARE * len(text)


def _check_text(text: str, encoding: str, data: bytes) -> str:
    if _too_many_controls(text):
        bad = _control_count(text)
        raise _not_text(f"{bad} control characters in {len(text)} when decoded as {encoding}", data)
    return text
