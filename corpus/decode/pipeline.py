"""The pipeline: ``decode`` and its steps, in the order DESIGN.md fixes.

Each step either settles the encoding (returns a ``Decoded``), refuses the bytes
(raises ``DecodeError``) or hands them to the next: byte-order mark, binary
signatures and NUL bytes, EBCDIC, 7-bit escapes, strict UTF-8, a declared
charset, and last the statistical ranking of ``candidates``, against which a
declared charset is also weighed. The package docstring explains why this order.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from corpus.decode.candidates import _Candidate, _cost_of, _ranked
from corpus.decode.characters import _script
from corpus.decode.codec_names import _codecs_for, normalise_encoding
from corpus.decode.declared import declared_charset
from corpus.decode.ideographic import _GB2312_LEVEL1, _standard_level
from corpus.decode.not_text import _PROBE_BYTES, _check_text, _not_text, _too_many_controls
from corpus.decode.sampling import _sample
from corpus.errors import DecodeError
from corpus.sniff import bom_encoding, signature_media_type, wide_unicode


@dataclass(frozen=True)
class Decoded:
    """The text of a source and how it was read.

    ``encoding`` is a Python codec name such that ``data.decode(encoding) ==
    text``; ``confidence`` (0..1) is 1.0 for a BOM or pure ASCII, 0.99 for
    multi-byte UTF-8, 0.95 for UTF-16/32 known by its NUL columns and for
    ISO-2022, 0.9 for HZ and for a declared charset that checked out, and for a
    statistical guess the model's probability that no other candidate is right.
    """

    text: str
    encoding: str
    confidence: float


def decode(data: bytes, *, declared: str | None = None) -> Decoded:
    """Decode a source's bytes into its text, or raise DecodeError if they are not text.

    ``declared`` is a charset the bytes came with from outside (an HTTP
    ``Content-Type``, a caller who knows); it is checked like a ``<meta>``
    declaration, never trusted blindly. See the module docstring for the order.
    """
    if not data:
        return Decoded("", "utf-8", 1.0)
    bom = bom_encoding(data)
    if bom is not None:
        return _decode_with_bom(data, bom)
    signed = signature_media_type(data)
    if signed is not None:
        raise _not_text(f"{signed} by its signature", data)
    wide = wide_unicode(data)
    if wide is not None:
        text = _check_text(data.decode(wide), wide, data)
        return Decoded(text, wide, 0.95)
    if b"\x00" in data and b"\x00" in data.strip(b"\x00"):  # NUL padding at either end is tolerated
        return _decode_with_nuls(data)
    if _looks_ebcdic(data):
        return _best_of(data, _ranked(data, ebcdic=True))
    escaped = _decode_escapes(data)
    if escaped is not None:
        return escaped
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        _refuse_damaged_utf8(data, error)
    else:
        text = _check_text(text, "utf-8", data)
        return Decoded(text, "utf-8", 1.0 if data.isascii() else 0.99)
    ranking = _ranked(data)
    for label in (declared, declared_charset(data)):
        name = normalise_encoding(label) if label else None
        if name is not None:
            checked = _decode_declared(data, name, ranking)
            if checked is not None:
                return checked
    return _best_of(data, ranking)


def _decode_with_bom(data: bytes, encoding: str) -> Decoded:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise DecodeError(
            f"not text: starts with a {encoding} byte-order mark but byte {error.start} "
            f"is not {encoding} ({error.reason}); the file is damaged or mislabelled"
        ) from None
    return Decoded(_check_text(text, encoding, data), encoding, 1.0)


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH_BYTES = bytes(range(0x80, 0x100))
_MIN_UTF8_SEQUENCES = 20
_MAX_DAMAGE = 0.005


def _refuse_damaged_utf8(data: bytes, error: UnicodeDecodeError) -> None:
    """UTF-8 text with a few bad bytes (a truncated download, a stray byte) is damaged
    UTF-8, not a legacy encoding: read as one it would be mojibake throughout (UTF-8
    Chinese reads without error as GB18030), so refuse it with the place to look."""
    sequences = _UTF8_SEQUENCE.findall(data)
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    bad = high - sum(map(len, sequences))
    if len(sequences) >= _MIN_UTF8_SEQUENCES and bad <= max(3, _MAX_DAMAGE * len(sequences)):
        truncated = error.start >= len(data) - 3
        where = "in its last bytes: the file looks truncated" if truncated else f"first at byte {error.start}"
        raise DecodeError(
            f"not text: damaged UTF-8: {bad} byte(s) are not UTF-8 ({error.reason}, {where}) in text that is "
            f"otherwise UTF-8 ({len(sequences)} multi-byte characters); repair the file or fetch it again"
        )


_WIDE_MAX_PER_CHAR = 14.0  # UTF-16 with stray NULs must read as very natural text


def _decode_with_nuls(data: bytes) -> Decoded:
    """NUL bytes inside the data: UTF-16 text with few NULs (CJK), or binary."""
    if len(data) % 2 == 0:
        ranking = [c for c in _ranked(data, wide_only=True) if c.per_char < _WIDE_MAX_PER_CHAR]
        if ranking:
            return _best_of(data, ranking)
    nuls = data[:_PROBE_BYTES].count(0)
    raise _not_text(
        f"{nuls} NUL bytes in the first {min(len(data), _PROBE_BYTES)} bytes, not in the columns of UTF-16 or UTF-32",
        data,
    )


def _looks_ebcdic(data: bytes) -> bool:
    """EBCDIC text: 0x40 is its space, and it has (almost) no ASCII spaces."""
    head = data[:_PROBE_BYTES]
    return head.count(0x40) > 0.08 * len(head) and head.count(0x20) <= 0.01 * len(head)


_ESCAPE_CODECS = ("iso2022_jp", "iso2022_jp_2", "iso2022_jp_ext", "iso2022_kr")  # canonical codec names


def _decode_escapes(data: bytes) -> Decoded | None:
    """7-bit CJK encodings: pure ASCII bytes whose escapes switch character sets."""
    if b"\x1b$" in data or b"\x1b(" in data:
        for encoding in _ESCAPE_CODECS:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if "\x1b" not in text and not text.isascii() and not _too_many_controls(text):
                return Decoded(text, encoding, 0.95)
    if data.isascii() and b"~{" in data and b"~}" in data:
        try:
            text = data.decode("hz")
        except UnicodeDecodeError:
            return None
        # "~{" also occurs in code and TeX; HZ's ideographs are common Chinese ones.
        han = [c for c in text if _script(ord(c)) == "han"]
        common = _standard_level(*_GB2312_LEVEL1)
        if len(han) >= 4 and sum(c in common for c in han) >= 0.8 * len(han):
            return Decoded(text, "hz", 0.9)
    return None


def _decode_declared(data: bytes, name: str, ranking: list[_Candidate]) -> Decoded | None:
    """The declared charset, if the bytes decode with it and the text is not absurd.

    A declaration loses only to overwhelming evidence: the best candidate must be
    cheaper by more than _DECLARED_MARGIN_PER_CHAR bits for every non-ASCII
    character. That catches a page declaring ISO-8859-1 over Windows-1251 bytes
    (every letter becomes Latin-1 junk) without second-guessing honest pages.
    """
    if name in ("utf-8", "utf-16", "utf-32", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        return None  # UTF-8 was tried already; a UTF-16 <meta> in ASCII-readable bytes is false
    for encoding in _codecs_for(name):
        try:
            text = data.decode(encoding)  # name is a text codec: normalise_encoding checked it
        except UnicodeDecodeError:
            continue
        if _too_many_controls(text):
            continue
        if ranking:
            best = ranking[0]
            mine = next((c for c in ranking if any(encoding in f for f in c.group)), None)
            cost = mine.cost if mine is not None else _cost_of(_sample(data), encoding)
            nonascii = sum(1 for c in best.text if ord(c) > 0x7F)
            if cost - best.cost > _DECLARED_MARGIN + _DECLARED_MARGIN_PER_CHAR * nonascii:
                return None
        return Decoded(text, encoding, 0.9)
    return None


_DECLARED_MARGIN = 20.0
_DECLARED_MARGIN_PER_CHAR = 1.5


def _best_of(data: bytes, ranking: list[_Candidate]) -> Decoded:
    """The cheapest candidate whose codec decodes the whole data, not only the sample."""
    for index, candidate in enumerate(ranking):
        for encoding in candidate.codecs:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _too_many_controls(text):
                break
            return Decoded(text, encoding, _confidence(ranking, index))
    raise _not_text(f"none of {len(ranking)} candidate encodings reads it as plausible text", data)


def _confidence(ranking: list[_Candidate], index: int) -> float:
    """Probability of the chosen candidate among all, from their costs in bits.

    The chosen one is not always the cheapest: a cheaper candidate may read the
    sample but not the whole data, and be thousands of bits cheaper, so the
    differences are bounded both ways (2**1024 overflows a float).
    """
    chosen = ranking[index].cost
    total = sum(math.pow(2.0, min(60.0, max(-60.0, chosen - c.cost))) for c in ranking)
    return round(min(0.99, max(0.01, 1.0 / total)), 3)
