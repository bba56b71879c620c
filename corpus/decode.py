"""Bytes to text: find the encoding a source was written in, or say why it is not text.

Every later stage (readers, normaliser, fingerprints, the canonical text) sees only
what this module returns, so a wrong guess here silently turns a document into
mojibake that matches nothing. The order of the evidence is fixed by DESIGN.md:

1. a byte-order mark (UTF-8, UTF-16/32): decisive, and stripped from the text;
2. binary formats known by their magic numbers, UTF-16/32 without a BOM known by
   the columns its NUL bytes fall in, and other NUL bytes (binary) are settled
   before any 8-bit guess; EBCDIC (0x40 for its spaces) is scored apart, 7-bit
   ISO-2022 and HZ are recognised by their escapes;
3. strict UTF-8: valid multi-byte UTF-8 is almost never an accident, so it wins
   over a declared charset (pages that declare gb2312 and are UTF-8 exist;
   UTF-8 Chinese also decodes without error as GB18030, into mojibake);
4. a declared charset (the ``declared`` argument, e.g. from an HTTP header, then
   ``<meta charset>`` or the XML declaration) if the bytes decode strictly with
   it and the result is not far less natural than the best alternative;
5. otherwise every plausible legacy encoding, plus chardet's candidates, decoded
   strictly and scored by how natural the text is (see "Naturalness" below).

Never ``errors="ignore"`` or ``"replace"``: a source either decodes exactly or is
reported as not text, with its bytes kept by the store.

Encoding names are Python's canonical codec names (``codecs.lookup(x).name``):
``utf-8``, ``utf-8-sig``, ``utf-16``, ``utf-16-le``, ``gb18030``, ``big5``,
``shift_jis``, ``cp932``, ``euc_jp``, ``euc_kr``, ``cp1252``, ``cp1251``,
``koi8-r``, ``iso8859-5``, ``mac-cyrillic``... so that for every result
``data.decode(result.encoding) == result.text`` holds (a BOM is reported as
``utf-8-sig``/``utf-16``/``utf-32``, codecs that strip it). Pure ASCII is
reported as ``utf-8``: every ASCII-compatible encoding reads it the same way.
Legacy labels are read as the superset browsers use when the bytes decode the
same or only the superset decodes them: GB2312/GBK as GB18030, ISO-8859-1 and
ASCII as Windows-1252, ISO-8859-9 as Windows-1254, TIS-620 as Windows-874,
Shift_JIS as CP932, EUC-KR as CP949, Big5 as CP950 or Big5-HKSCS.

Naturalness
-----------
Single-byte code pages decode almost any bytes, and CJK double-byte encodings
decode each other's bytes, so "decodes without error" decides little. Each
candidate decoding of a sample (the parts of the data around its non-ASCII bytes)
is given a cost in bits, roughly -log2 of its probability under a small model
of real text, and the cheapest wins; the cost gap to the others gives the
confidence. The model is general knowledge written down, not trained on any
test set:

- per language, its letters in frequency order (a letter's cost grows with its
  rank), the order of its ASCII letters (so the accented letters must suit the
  language of the words around them: ``zauwaæyli`` is Polish with a Danish
  letter), common letter pairs, one-letter words, final and initial forms (Greek
  ς, Hebrew ךםןףץ, no Russian word starts with ь);
- for Chinese, Japanese and Korean, the common-character levels of GB2312, Big5,
  JIS X 0208 and KS X 1001, read from Python's own codecs, plus short lists of
  the most frequent characters, so that rare ideographs where common ones were
  expected (one CJK encoding read as another) are expensive;
- what wrong decodings produce and real text rarely does: a capital inside a
  lower-case word (``BlanchardÕs``), two scripts inside one word (``Vielה``) or
  several alphabets in one text, a symbol between letters or stuck to a word's
  start, one ideograph alone among Latin letters, controls, private-use and
  unassigned characters;
- which encodings each language is written in (Japanese is rarely GB18030), and
  how common each encoding is (Mac Cyrillic is rarer than Windows-1251), as
  small priors that only break near-ties; chardet's confidence counts for a few
  bits too.

The language is chosen per candidate (the cheapest of those whose script the
text contains), so a decoding must be coherent, not merely made of letters.
"""

from __future__ import annotations

import codecs
import math
import operator
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

from corpus.errors import DecodeError
from corpus.sniff import bom_encoding, signature_media_type, wide_unicode

__all__ = ["Decoded", "declared_charset", "decode", "normalise_encoding"]


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


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

# Labels found in the wild (WHATWG encoding standard, IANA) that Python's codec
# registry does not know, mapped to the codec that reads them.
_ALIASES = {
    "x-sjis": "shift_jis",
    "windows-31j": "cp932",
    "x-euc-jp": "euc_jp",
    "windows-874": "cp874",
    "dos-874": "cp874",
    "x-mac-cyrillic": "mac-cyrillic",
    "x-mac-ukrainian": "mac-cyrillic",
    "x-mac-roman": "mac-roman",
    "x-mac-greek": "mac-greek",
    "x-mac-ce": "mac-latin2",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "csgb2312": "gb18030",
    "x-cp1250": "cp1250",
    "x-cp1251": "cp1251",
    "iso-8859-8-i": "iso8859-8",
    "csiso88598i": "iso8859-8",
    "unicode-1-1-utf-8": "utf-8",
    "x-unicode20utf8": "utf-8",
    "x-x-big5": "big5",
    "cn-big5": "big5",
    "koi8-ru": "koi8-u",
    "ucs-2": "utf-16",
    "iso-10646-ucs-2": "utf-16",
    "unicode": "utf-16",
}

# When a label names an encoding, the codecs tried for it, in order: the label's
# own codec first where its superset would read some bytes differently (so a
# Shift_JIS file stays Shift_JIS), the superset first where the base codec only
# differs by turning bytes 0x80-0x9F into C1 controls or by a worse mapping
# (GB2312's U+30FB for the Chinese middle dot; DESIGN: GB2312/GBK are GB18030).
_SUPERSETS: dict[str, tuple[str, ...]] = {
    "gb2312": ("gb18030",),
    "gbk": ("gb18030",),
    "big5": ("big5", "cp950", "big5hkscs"),
    "cp950": ("cp950", "big5hkscs"),
    "shift_jis": ("shift_jis", "cp932"),
    "euc_jp": ("euc_jp", "euc_jis_2004"),
    "euc_kr": ("euc_kr", "cp949"),
    "ascii": ("cp1252", "iso8859-1"),
    "iso8859-1": ("cp1252", "iso8859-1"),
    "iso8859-9": ("cp1254", "iso8859-9"),
    "tis-620": ("cp874", "tis-620"),
    "iso8859-11": ("cp874", "iso8859-11"),
}


def normalise_encoding(label: str) -> str | None:
    """The Python codec name for an encoding label as pages and headers write it.

    ``"GB2312"`` → ``"gb2312"``, ``"x-sjis"`` → ``"shift_jis"``, ``"latin1"`` →
    ``"iso8859-1"``; None for a label that names no text encoding (``"base64"``
    is a codec, but not one that turns bytes into text).
    """
    key = label.strip().strip("\"'").lower()
    key = _ALIASES.get(key, key)
    try:
        name = codecs.lookup(key).name
    except (LookupError, ValueError):
        return None
    try:
        b"a".decode(name)  # LookupError for bytes-to-bytes codecs (base64, zlib...)
    except UnicodeDecodeError:
        pass  # a text codec that a lone "a" is not enough for (UTF-16)
    except LookupError:
        return None
    return name


def _codecs_for(name: str) -> tuple[str, ...]:
    return _SUPERSETS.get(name, (name,))


# ---------------------------------------------------------------------------
# Declared charsets
# ---------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------
# Not text
# ---------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------
# The pipeline
# ---------------------------------------------------------------------------


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
    """Probability of the chosen candidate among all, from their costs in bits."""
    chosen = ranking[index].cost
    total = sum(math.pow(2.0, max(-60.0, chosen - c.cost)) for c in ranking)
    return round(min(0.99, max(0.01, 1.0 / total)), 3)


# ---------------------------------------------------------------------------
# Candidates
# ---------------------------------------------------------------------------

# (codecs tried in order, prior cost in bits: how much rarer the encoding is in
# the wild than the commonest one for its script). Priors only break near-ties.
_CANDIDATES: tuple[tuple[tuple[str, ...], float], ...] = (
    (("gb18030",), 0.0),
    (("big5", "cp950", "big5hkscs"), 0.0),
    (("shift_jis", "cp932"), 0.0),
    (("euc_jp", "euc_jis_2004"), 0.0),
    (("euc_kr", "cp949"), 0.0),
    (("johab",), 4.0),
    (("cp1252", "iso8859-1"), 0.0),
    (("iso8859-15",), 1.0),
    (("mac-roman",), 3.0),
    (("cp437",), 4.0),
    (("cp850",), 4.0),
    (("cp1250",), 0.0),
    (("iso8859-2",), 0.0),
    (("cp852",), 3.0),
    (("mac-latin2",), 4.0),
    (("cp1257",), 2.0),
    (("iso8859-13",), 2.0),
    (("iso8859-4",), 3.0),
    (("cp1254", "iso8859-9"), 0.0),
    (("cp1258",), 3.0),
    (("cp1251",), 0.0),
    (("koi8-r",), 1.0),
    (("koi8-u",), 2.0),
    (("iso8859-5",), 2.0),
    (("cp866",), 2.0),
    (("cp855",), 3.0),
    (("mac-cyrillic",), 3.0),
    (("kz1048",), 6.0),
    (("cp1253",), 0.0),
    (("iso8859-7",), 0.0),
    (("mac-greek",), 4.0),
    (("cp737",), 4.0),
    (("cp1255",), 0.0),
    (("iso8859-8",), 1.0),
    (("cp862",), 3.0),
    (("cp1256",), 0.0),
    (("iso8859-6",), 1.0),
    (("cp720",), 4.0),
    (("cp864",), 5.0),
    (("cp874", "tis-620"), 0.0),
)
_EBCDIC: tuple[tuple[tuple[str, ...], float], ...] = (
    (("cp500",), 2.0),
    (("cp037",), 2.0),
    (("cp1140",), 3.0),
    (("cp424",), 3.0),
    (("cp875",), 4.0),
    (("cp1026",), 4.0),
    (("cp273",), 4.0),
)
_WIDE: tuple[tuple[tuple[str, ...], float], ...] = (
    (("utf-16-le",), 6.0),
    (("utf-16-be",), 6.0),
)
_OTHER_PRIOR = 4.0  # an encoding only chardet proposed
_CHARDET_WEIGHT = 4.0  # bits of evidence chardet's confidence is worth
_CHARDET_TOP = 5  # chardet's proposals considered (its tail is noise)
_WIDE_MAX_PER_CHAR = 14.0  # UTF-16 with stray NULs must read as very natural text

_SAMPLE_BYTES = 8192


@dataclass(frozen=True)
class _Candidate:
    codecs: tuple[str, ...]
    text: str  # the sample, decoded
    cost: float  # bits; lower is more natural
    per_char: float
    group: list[tuple[str, ...]]  # every family that decoded the sample to this text


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


def _chardet_votes(sample: bytes) -> dict[str, float]:
    # Imported here: every CLI command imports this module, few decode a legacy encoding.
    import chardet

    votes: dict[str, float] = {}
    for result in chardet.detect_all(sample, ignore_threshold=True)[:_CHARDET_TOP]:
        label = result.get("encoding")
        name = normalise_encoding(label) if isinstance(label, str) else None
        if name is not None and name not in votes:
            votes[name] = float(result.get("confidence") or 0.0)
    return votes


def _ranked(data: bytes, *, ebcdic: bool = False, wide_only: bool = False) -> list[_Candidate]:
    """Every candidate that decodes the sample, cheapest (most natural) first.

    Candidates whose decodings of the sample are identical are one candidate (the
    commonest encoding's name is kept): ISO-8859-15 and Windows-1252 read most
    French the same, and telling them apart there is neither possible nor needed.
    A long sample is first scored on its head, and only the best few candidates
    on the whole of it.
    """
    families: list[tuple[tuple[str, ...], float]]
    sample = _head(data) if wide_only or ebcdic else _sample(data)
    if wide_only:
        families, votes = list(_WIDE), {}
    else:
        # EBCDIC-looking bytes may still be ASCII or UTF-8 text with many "@".
        families = [*(((("utf-8",), 0.0), *_EBCDIC) if ebcdic else ()), *_CANDIDATES]
        if len(data) % 2 == 0 and len(data) <= _SAMPLE_BYTES and not data.isascii():
            # Longer UTF-16 without a BOM has NULs (newlines, spaces) and is
            # handled by _decode_with_nuls.
            families.extend(_WIDE)
        votes = _chardet_votes(b"\n".join(sample))
        known = {name for family, _ in families for name in family}
        extra = [name for name in votes if name not in known and name not in _UNWANTED]
        families.extend(((name,), _OTHER_PRIOR) for name in extra)
    families.sort(key=lambda family: family[1])
    if sum(map(len, sample)) > 2 * _QUICK_BYTES:
        heats = _score(families, _shortened(sample, _QUICK_BYTES), votes)
        finalists = [family for candidate in heats[:_FINALISTS] for family in candidate.group]
        families = [family for family in families if family[0] in finalists]
    return _score(families, sample, votes)


_QUICK_BYTES = 1024
_FINALISTS = 5


def _score(families: list[tuple[tuple[str, ...], float]], sample: _Sample, votes: dict[str, float]) -> list[_Candidate]:
    """Rank the families' readings of the sample, cheapest first.

    Each distinct text is scored once. Texts are visited from the cheapest
    near-lower bound up, and the full (slower) scoring stops once a bound is
    _PRUNE_MARGIN bits worse than the best full cost: most of the fifty readings
    of a page are junk that the bound alone rules out. Pruned readings stay at
    the end of the ranking (by bound), in case the better ones fail to decode
    the whole data.
    """
    readings: dict[str, _Reading] = {}
    entries: list[tuple[float, tuple[str, ...], str, float, _Reading]] = []
    groups: dict[str, list[tuple[str, ...]]] = {}
    for family, prior in families:
        for encoding in family:
            text = _decode_sample(sample, encoding)
            if text is None:
                continue
            if text not in readings:
                if _too_many_controls(text):
                    break
                readings[text] = _Reading(text)
            reading = readings[text]
            vote = max((votes.get(name, 0.0) for name in family), default=0.0)
            adjust = prior - _CHARDET_WEIGHT * vote
            entries.append((reading.bound + adjust, family, encoding, adjust, reading))
            groups.setdefault(text, []).append(family)
            break
    entries.sort(key=lambda entry: entry[0])
    by_text: dict[str, _Candidate] = {}
    pruned: dict[str, _Candidate] = {}
    best = math.inf
    for bound, family, encoding, adjust, reading in entries:
        text = reading.text
        if bound > best + _PRUNE_MARGIN:
            if text not in by_text and text not in pruned:
                pruned[text] = _Candidate(family, text, bound, math.nan, groups[text])
            continue
        cost = reading.cost(encoding) + adjust
        best = min(best, cost)
        known = by_text.get(text)
        if known is None or cost < known.cost:
            by_text[text] = _Candidate(family, text, cost, cost / max(1, len(text)), groups[text])
    ranked = sorted(by_text.values(), key=lambda c: c.cost)
    return ranked + [c for text, c in pruned.items() if text not in by_text]


_PRUNE_MARGIN = 30.0


# Encodings chardet may name that are never a sensible reading of a source here.
_UNWANTED = frozenset({"ascii", "utf-8", "utf-16", "utf-32", "utf-7", "hz"})


def _cost_of(sample: _Sample, encoding: str) -> float:
    text = _decode_sample(sample, encoding)
    return math.inf if text is None else _Reading(text).cost(encoding)


# ---------------------------------------------------------------------------
# Naturalness: characters
# ---------------------------------------------------------------------------


def _script(cp: int) -> str:
    """The writing system of a code point, as far as telling encodings apart needs."""
    if cp < 0x80:
        return "ascii"
    if 0xC0 <= cp <= 0x24F or 0x1E00 <= cp <= 0x1EFF:
        return "latin"
    if 0x370 <= cp <= 0x3FF or 0x1F00 <= cp <= 0x1FFF:
        return "greek"
    if 0x400 <= cp <= 0x52F:
        return "cyrillic"
    if 0x590 <= cp <= 0x5FF or 0xFB1D <= cp <= 0xFB4F:
        return "hebrew"
    if 0x600 <= cp <= 0x6FF or 0x750 <= cp <= 0x77F:
        return "arabic"
    if 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFF:
        return "arabic-forms"
    if 0xE00 <= cp <= 0xE7F:
        return "thai"
    if 0xAC00 <= cp <= 0xD7A3:
        return "hangul"
    if 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F:
        return "jamo"
    if 0x3041 <= cp <= 0x30FF or 0x31F0 <= cp <= 0x31FF:
        return "kana"
    if 0xFF66 <= cp <= 0xFF9F:
        return "halfwidth-kana"
    if 0x3400 <= cp <= 0x4DBF or 0x4E00 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF:
        return "han"
    if 0x20000 <= cp <= 0x3FFFF:
        return "han"
    if 0x3000 <= cp <= 0x303F or 0xFF01 <= cp <= 0xFF65 or 0xFE30 <= cp <= 0xFE6F:
        return "cjk-punct"
    return "other"


# Non-letters: cost in bits wherever they appear. Typographic punctuation is
# cheap; Latin-1's odd symbols, box drawing and controls are what wrong code pages
# produce.
_SYMBOL_COSTS: dict[str, float] = {
    **dict.fromkeys("\xa0", 8.0),
    **dict.fromkeys("“”‘’", 7.0),
    **dict.fromkeys("«»–—", 8.0),
    **dict.fromkeys("…", 9.0),
    **dict.fromkeys("•·©®°€£№", 10.0),
    **dict.fromkeys("§¡¿™\xad", 11.0),
    **dict.fromkeys("×±†‡‰‹›„‚¢¥₪", 12.0),
}
_ASCII_COSTS: dict[str, float] = {
    **{chr(i): 25.0 for i in range(0x20)},
    **{c: 4.5 for c in "abcdefghijklmnopqrstuvwxyz"},
    **{c: 6.0 for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
    **{c: 5.5 for c in "0123456789"},
    **{c: 6.5 for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"},
    " ": 3.0,
    "\n": 5.0,
    "\t": 7.0,
    "\r": 7.0,
    "\x0c": 9.0,
    "\x7f": 25.0,
}
_UPPER = 2.5  # a capital costs this much more than its small letter


def _generic_cost(char: str) -> float:
    """Cost of a non-ASCII character that is not a letter of the profile's script."""
    if char in _SYMBOL_COSTS:
        return _SYMBOL_COSTS[char]
    cp = ord(char)
    category = unicodedata.category(char)
    if category in ("Cc", "Cs", "Cn"):
        return 25.0
    if category == "Co":
        return 22.0
    if 0x2500 <= cp <= 0x25FF:
        return 15.0
    if category[0] == "Z":
        return 10.0
    if category in ("Mn", "Mc", "Me", "Cf"):
        return 13.0
    if category[0] in ("P", "S", "N"):
        return 14.0
    return 17.0  # a letter of a script this profile does not expect


# ---------------------------------------------------------------------------
# Naturalness: languages
# ---------------------------------------------------------------------------


_ENGLISH = "etaoinshrdlcumwfgypbvkjxqz"


@dataclass(frozen=True)
class _Alphabet:
    """A language written in an alphabet, described by general knowledge of it.

    ``letters``: its non-ASCII letters (all letters for non-Latin scripts),
    commonest first, lower case; the letter at rank r costs ``base + step * r``
    bits (alphabet letter frequencies fall off about linearly in log space), so
    only the order is needed, not counts from any corpus.

    ``ascii_order``: the same for its ASCII letters (English's for languages in
    other scripts, whose Latin-letter words are mostly English). A reading is
    charged for how much worse its language fits the text's ASCII letters than
    the best-fitting order does, so accented letters must suit the language of
    the words around them: ``zauwaæyli`` is Polish with a Danish letter, and
    ``weíve`` (Windows-1252 ``we’ve`` read as Mac Roman) is English with Spanish.

    ``bigrams``: common letter pairs; in a word of the script a listed pair earns
    a bonus and any other pair a smaller charge, which nets to about zero on real
    text and to a charge on letter salad. ``singles``: its one-letter words of
    non-ASCII letters (None: not checked). ``finals``: letters written only at
    the end of a word, with their non-final forms (Greek ς/σ, Hebrew ךםןףץ/כמנפצ).
    ``never_initial``: letters no word starts with. ``codecs``: the encodings
    the language is written in; reading it through any other costs
    _FOREIGN_ENCODING (Polish is rarely Windows-1257).
    """

    name: str
    script: str
    letters: str
    base: float
    step: float
    codecs: frozenset[str]
    ascii_order: str = _ENGLISH
    bigrams: frozenset[str] = frozenset()
    singles: str | None = None
    finals: tuple[str, str] = ("", "")
    never_initial: str = ""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_WESTERN = frozenset({"cp1252", "iso8859-1", "iso8859-15", "mac-roman", "cp437", "cp850"})
_CENTRAL = frozenset({"cp1250", "iso8859-2", "cp852", "mac-latin2"})
_BALTIC = frozenset({"cp1257", "iso8859-13", "iso8859-4"})
_CYRILLIC = frozenset({"cp1251", "koi8-r", "koi8-u", "iso8859-5", "cp866", "cp855", "mac-cyrillic", "kz1048"})
# Latin languages list only their accented letters: the commonest costs about 6
# bits (French é, ~2 % of letters), the rarest about 13, whatever their number.
_LATIN_BASE, _LATIN_SPAN = 6.0, 7.0
_CYRILLIC_BASE, _CYRILLIC_STEP = 3.3, 0.17


def _latin(name: str, letters: str, ascii_order: str, codecs: frozenset[str], singles: str = "") -> _Alphabet:
    return _Alphabet(
        name,
        "latin",
        letters,
        _LATIN_BASE,
        _LATIN_SPAN / len(letters),
        codecs,
        ascii_order,
        singles=singles,
    )


def _cyrillic(name: str, letters: str, bigrams: str, singles: str, never_initial: str = "ьъы") -> _Alphabet:
    return _Alphabet(
        name,
        "cyrillic",
        letters,
        _CYRILLIC_BASE,
        _CYRILLIC_STEP,
        _CYRILLIC,
        bigrams=_words(bigrams),
        singles=singles,
        never_initial=never_initial,
    )


_ALPHABETS: tuple[_Alphabet, ...] = (
    _latin("en", "éï", _ENGLISH, _WESTERN),
    _latin("fr", "éèàêçùâîôûëïüœÿæ", "esaitnrulodcmpvqfbghjxyzwk", _WESTERN, "à"),
    _latin("de", "äüöéß", "enisratdhulcgmobwfkzvpjyxq", _WESTERN),
    _latin("es", "óíáéñúü", "eaosrnidlctumpbgvyqhfzjxwk", _WESTERN),
    _latin("pt", "ãçéáóíêõúâôàü", "aeosridmntculpvgqbfhzjxkwy", _WESTERN, "éà"),
    _latin("it", "àèéìòùóí", "eaionlrtscdupmvgzfbhqkwxyj", _WESTERN, "è"),
    _latin("ca", "àèéíòóúçï", "eastrilnocudmpvgbfqhjxyzkw", _WESTERN, "à"),
    _latin("nl", "ëéèïöüá", "enatirodslgvhkmubpwjczfxyq", _WESTERN),
    _latin("sv", "äåöé", "eanrtslidomkgvhfupbcjyxwzq", _WESTERN),
    _latin("fi", "äöåšž", "aintesloukmrvjhpydgbcfwzxq", _WESTERN | _BALTIC),
    _latin("da", "æøåé", "erntdslaigkmovfhubpjycwzxq", _WESTERN),
    _latin("is", "áðéíóúýþæö", "anrisetulgmkfdvhobjpyxcwqz", _WESTERN),
    _latin("cs", "íáéěřýčšžůúňťóď", "oeanitvslkrdpmuzjyhcbgfxwq", _CENTRAL),
    _latin("sk", "áíýéčžšúľťóôďňäĺŕ", "oaeinrtvslkdmpujzyhcbgfxwq", _CENTRAL),
    _latin("pl", "łęąóżśćńź", "aioeznrwcstykdpmujlbghfqvx", _CENTRAL),
    _latin("hu", "áéóöőíüúű", "eatlsnkozrimgdbvhjyufpcxwq", _CENTRAL),
    _latin("hr", "čšžćđ", "aioenjrstlkvdmpuzgbhcfyxwq", _CENTRAL),
    _latin("sl", "čšž", "eaionrlsjtvkdpmuzbgchfyxwq", _CENTRAL),
    _latin("ro", "ăîâşţșț", "eiarntulcosdpmfvbgzhjkxywq", _CENTRAL),
    _latin("tr", "ıçşğüöİâî", "aeinrlkdmuytsbozgcvhpfjwxq", frozenset({"cp1254", "iso8859-9"})),
    _latin("lt", "ąėįšųūčęž", "iasoterunkmlpvdjgybzcfhwxq", _BALTIC),
    _latin("lv", "āēīūšžčņļķģ", "asietrnuklmopdvzjgbcfhyxwq", _BALTIC),
    _latin("et", "äõüöšž", "aeistulnkomdrvgjhpbfzcwyxq", _BALTIC | _WESTERN),
    _Alphabet(
        "vi",
        "latin",
        "\u0301\u0300\u0323\u0309\u0303ươđâêôăáàéèíìóòúùýãõ",
        5.0,
        0.4,
        frozenset({"cp1258"}),
        "nhtcigaouemdlyvrbskpxqfwjz",
        singles="",
    ),
    _cyrillic(
        "ru",
        "оеаинтсрвлкмдпуяызьбгчйхжшюцщэфъё",
        "ст но то на ен ов ни ра во ко ал пр ро ли ер ре го ет от ос не по ан ел ат "
        "ол ка ор ва ес ль де ла ис ит ин ом те ле та ри ив им ве ск ти ак мо ме ны ми "
        "ой ый ог ая да тв ть вы ия ег",
        "виксоуаяжб",
    ),
    _cyrillic(
        "uk",
        "оанівтерискдлмупяьзбгчхйжшцюєїщфґ",
        "на ні по ра ро ан ст ти ен ко но ов пр ер ва ві ли ка ня ре та ос од ал ом ть "
        "ди ми ви ий їх ин ит ат ає ів ог ок ла ле ль не ні",
        "віуйзоаяє",
    ),
    _cyrillic(
        "bg",
        "аоеинтрсвлкдпмзяъгбчуйжшфхцщюь",
        "на то ст не ра ни та по ен те ре от за ко ва ат ро ла ли да пр во ит ия ес ка "
        "ан ел ер ов ъл ът де ен ак ал ор",
        "виксуая",
        "ьы",
    ),
    _cyrillic(
        "sr",
        "аиоенсртјвдклумпзгбшчцћжхњљђфџѓќѕ",
        "је на ст пр ко ни ра та да ти ње но од ов ре ва ма ли ла ан ен ом ог за по ед ин ки ос са не",
        "исуаоке",
        "ьъы",
    ),
    _cyrillic(
        "kk",
        "аеынрлтсқдіұмбкуйоғзшңәгпжүөяхчюцфэщһъёь",
        "ан ар ен ын ің ға да ер ал ла ды де ті ре ле ба қа на ат ма ық ол ты ет ст ін ғы ек ри ке ры ны лы ем",
        "е",
        "ьъ",
    ),
    _Alphabet(
        "el",
        "greek",
        "αοιετσνηυρπκμλςωάδγίχέόθήφβύώξζψϊΐϋΰ",
        3.1,
        0.2,
        frozenset({"cp1253", "iso8859-7", "mac-greek", "cp737", "cp869", "cp875"}),
        bigrams=_words(
            "το τα ου αι κα ει ης ια ον ην ος απ ερ αν ρο ντ στ πο τη με ικ νη επ ρα ση σε "
            "να λα ατ ας ετ ιο οι τι ορ πα ει ου ηκ κη"
        ),
        singles="οηκασ",
        finals=("ς", "σ"),
    ),
    _Alphabet(
        "he",
        "hebrew",
        "יוהלארמתבנשדעכםקחפסןגצזטףךץ",
        3.2,
        0.25,
        frozenset({"cp1255", "iso8859-8", "cp862", "cp424"}),
        bigrams=_words("ים ות של את וה הו יה תה לא ני רי מה בה לה ור יו אל ית נה דה ין כל מי הי או ול הם ון שה"),
        finals=("ךםןףץ", "כמנפצ"),
    ),
    _Alphabet(
        "ar",
        "arabic",
        "اليمونهرتبعدسفكقحجةىشطصأخضزإثءغذظآئؤ",
        3.3,
        0.2,
        frozenset({"cp1256", "iso8859-6", "cp720", "cp864"}),
        singles="وب",
    ),
    _Alphabet(
        "fa",
        "arabic",
        "اینمردهوتبسلکزیگشخفقحجپعچطصغذثضظژءآأ",
        3.3,
        0.2,
        frozenset({"cp1256"}),
        singles="وبه",
    ),
    _Alphabet(
        "th",
        "thai",
        "านรอกเมย่งวลัตทดิสี้ปบขคหพะจใไุูืชแโ็ผถซฟภศษฝญฉฐธณฒฎฏฑฌฆฬฮๆ์",
        4.0,
        0.12,
        frozenset({"cp874", "tis-620", "iso8859-11"}),
        singles="",  # Thai has no spaces between words, so no letter stands alone
    ),
)
_ASCII_ORDERS = frozenset(alphabet.ascii_order for alphabet in _ALPHABETS)
_BIGRAM_BONUS = 1.5  # a common letter pair
_BIGRAM_CHARGE = 0.6  # any other pair inside a word of the script
_ODD_SINGLE = 3.0  # a one-letter word the language does not have
_MISPLACED_FINAL = 6.0  # a word-final letter form inside a word
_FINAL_MISSING = 2.0  # a non-final form ending a word
_BAD_INITIAL = 4.0  # a word starting with a letter that never starts one (Russian ь, ъ, ы)
_ASCII_NEUTRAL = 4.5  # what an ASCII letter costs when no language is assumed
_ASCII_BASE, _ASCII_STEP = 3.0, 0.22
_SAME_SCRIPT_OTHER = 15.0  # a letter of the right script the language does not use
_BORROWED = 5.0
_FOREIGN_LATIN = 15.0
_FOREIGN_LETTER = 17.0
_FOREIGN_CJK = 20.0
_FOREIGN_ENCODING = 4.0


@cache
def _alphabet_costs(alphabet: _Alphabet) -> dict[str, float]:
    costs: dict[str, float] = {}
    for rank, letter in enumerate(dict.fromkeys(alphabet.letters)):
        cost = alphabet.base + alphabet.step * rank
        costs.setdefault(letter, cost)
        upper = letter.upper()
        if len(upper) == 1 and upper != letter:
            costs.setdefault(upper, cost + _UPPER)
    return costs


def _ascii_fit(order: str, letters: Counter[str]) -> float:
    """Bits the ASCII letters cost in a language with this letter order, over neutral."""
    adjust = _ascii_adjustments(order)
    return sum(adjust[letter] * count for letter, count in letters.items())


@cache
def _ascii_adjustments(order: str) -> dict[str, float]:
    """How much more (or less) than neutral each ASCII letter costs in a language
    whose letters, commonest first, are ``order``."""
    return {letter: _ASCII_BASE + _ASCII_STEP * rank - _ASCII_NEUTRAL for rank, letter in enumerate(order)}


@cache
def _anywhere_costs(script: str) -> dict[str, float]:
    """Each letter's cost in the language of its script that uses it most."""
    costs: dict[str, float] = {}
    for alphabet in _ALPHABETS:
        if alphabet.script == script:
            for char, cost in _alphabet_costs(alphabet).items():
                costs[char] = min(cost, costs.get(char, math.inf))
    return costs


def _alphabet_cost(alphabet: _Alphabet, char: str, script: str) -> float:
    if script == alphabet.script:
        # A letter borrowed from a sister language (a Czech name in Polish text,
        # Turkish ı in a text whose ASCII letters look Italian) is unexpected, but
        # less so when it is a common letter there.
        borrowed = _anywhere_costs(script).get(char, math.inf) + _BORROWED
        return min(_SAME_SCRIPT_OTHER, borrowed)
    if script == "latin":
        return _FOREIGN_LATIN
    if script in ("han", "kana", "hangul", "jamo", "halfwidth-kana", "cjk-punct"):
        return _FOREIGN_CJK
    if script == "arabic-forms":
        return _FOREIGN_LETTER
    if script == "other" or not unicodedata.category(char).startswith("L"):
        return _generic_cost(char)
    return _FOREIGN_LETTER


# CJK: frequency-ordered lists of the commonest characters (general knowledge of
# newspaper text), and the common/second levels of the national standards, read
# from Python's codecs so that no table of thousands of characters is written out.
_ZH_HANS_TOP = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年"
    "过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心"
    "她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间"
    "由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给"
    "世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变"
    "四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社"
    "便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北"
    "边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济"
    "车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团"
    "集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企"
)
_ZH_HANT_TOP = (
    "的一是不了在人有我他這個們中來上大為和國地到以說時要就出會可也你對生能而子那得於著下自之年"
    "過發後作裡用道行所然家種事成方多經麼去法學如都同現當沒動面起看定天分還進好小部其些主樣理心"
    "她本前開但因只從想實日軍者意無力它與長把機十民第公此已工使情明性知全三又關點正業外將兩高間"
    "由問很最重並物手應戰向頭文體政美相見被利什二等產或新己制身果加西斯月話合回特代內信表化老給"
    "世位次度門任常先海通教兒原東聲提立及比員解水名真論處走義各入幾口認條平系氣題活爾更別打女變"
    "四神總何電數安少報才結反受目太量再感建務做接必場件計管期市直德資命山金指克許統區保至隊形社"
    "便空決治展馬科司五基眼書非則聽白卻界達光放強即像難且權思王象完設式色路記南品住告類求據程北"
    "邊死張該交規萬取拉格望覺術領共確傳師觀清今切院讓識候帶導爭運笑飛風步改收根乾造言聯持組每濟"
    "車親極林服快辦議往元英士證近失轉夫令準布始怎呢存未遠叫台單影具羅字愛擊流備兵連調深商算質團"
    "集百需價花黨華城石級整府離況亞請技際約示復病息究線似官火斷精滿支視消越器容照須九增研寫稱企"
)
_JA_KANJI_TOP = (
    "日一国会人年大十二本中長出三同時政事自行社見月分議後前民生連五発間対上部東者党地合市業内相方"
    "四定今回新場金員九入選立開手米力学問高代明実円関決子動京全目表戦経通外最言氏現理調体化田当八"
    "六約主題下首意法不来作性的要用制治度務強気小七成期公持野協取都和統以機平総加山思家話世受区領"
    "多県続進正安設保改数記院女初北午指権心界支第産結百派点教報済書府活原先共得解名交資予川向際査"
    "勝面委告軍文反元重近千考判認画海参売利組知案道信策集在件団別物側任引使求所次水半品昨論計死官"
)
_JA_HIRAGANA = (
    "のにはをたがでてとしいかるなれらもっうこまさあくすりきんけよつおどせやだわみちじばほひろえふべご"
    "ずねぶむそぐびげぽぱぜゃゅょぁぃぅぇぉ"
)
_JA_KATAKANA = (
    "ンスルトリクイラッシタアーレマカコロフプドジテメデナオグミュサチセハキパブムバビョツモニヤボャエ"
    "ベゲゴホネウソゼヘヒザノピォヌポィェヴゾズヂヅ"
)
_KO_TOP = (
    "이다의는에하고을가지기서한로를사리자으들도대니어나아수인정시적것일있해만게라주상보부전요그장여제"
    "구국문원우성내소동면세유모화비결실회중개연관물방생학경식신무합발계명선미되처공위금통마강당간저말"
    "행재진작체반점각없용산거조단년현였분운교할토월군터민같치했"
)
_CJK_PUNCT_COMMON = frozenset("，。、：；？！（）「」『』《》【】〈〉・ー…—　“”‘’·")


# Rows of a double-byte national standard: (codec, first lead byte, last lead byte).
_Rows = tuple[str, int, int]


@dataclass(frozen=True)
class _Ideographic:
    """A CJK language: its characters in tiers of commonness.

    ``top`` is frequency-ordered (cost ``_TOP_BASE + log2(rank + 1)``);
    ``levels`` are rows of a national standard with the cost of their characters
    (first level common, second level rarer); any other ideograph is rare.
    ``kana`` and ``hangul`` say whether the language writes them (Japanese,
    Korean) or only meets them in foreign names.
    """

    name: str
    top: str
    levels: tuple[tuple[_Rows, float], ...]
    codecs: frozenset[str]
    kana: bool = False
    hangul: bool = False


_GB = frozenset({"gb18030", "gb2312", "gbk", "hz"})
_BIG5 = frozenset({"big5", "cp950", "big5hkscs"})
_JAPANESE = frozenset(
    {"shift_jis", "cp932", "euc_jp", "euc_jis_2004", "shift_jis_2004", "iso2022_jp", "iso2022_jp_2", "iso2022_jp_ext"}
)
_LEVEL1, _LEVEL2 = 15.0, 19.0
_GB2312_LEVEL1: _Rows = ("gb2312", 0xB0, 0xD7)
_IDEOGRAPHIC: tuple[_Ideographic, ...] = (
    _Ideographic("zh-hans", _ZH_HANS_TOP, ((_GB2312_LEVEL1, _LEVEL1), (("gb2312", 0xD8, 0xF7), _LEVEL2)), _GB),
    _Ideographic(
        "zh-hant", _ZH_HANT_TOP, ((("big5", 0xA4, 0xC6), _LEVEL1), (("big5", 0xC9, 0xF9), _LEVEL2)), _BIG5 | _GB
    ),
    _Ideographic(
        "ja",
        _JA_KANJI_TOP,
        ((("euc_jp", 0xB0, 0xCF), _LEVEL1), (("euc_jp", 0xD0, 0xF4), _LEVEL2)),
        _JAPANESE,
        kana=True,
    ),
    # Korean is written in Hangul; Hanja (KS X 1001's 4888) are rare in running text.
    _Ideographic(
        "ko", "", ((("euc_kr", 0xCA, 0xFD), 17.0),), frozenset({"euc_kr", "cp949", "johab", "iso2022_kr"}), hangul=True
    ),
)
_TOP_BASE = 4.6
_RARE_HAN = 22.0


@cache
def _standard_level(codec: str, first: int, last: int) -> frozenset[str]:
    """The characters of rows ``first..last`` of a double-byte national standard."""
    trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)] if codec == "big5" else range(0xA1, 0xFF)
    chars: set[str] = set()
    for lead in range(first, last + 1):
        for trail in trails:
            try:
                chars.add(bytes((lead, trail)).decode(codec))
            except UnicodeDecodeError:
                continue
    return frozenset(chars)


@cache
def _ideographic_costs(language: _Ideographic) -> dict[str, float]:
    costs: dict[str, float] = {}
    for rows, cost in sorted(language.levels, key=lambda level: -level[1]):  # common levels win
        costs.update(dict.fromkeys(_standard_level(*rows), cost))
    for rank, char in enumerate(dict.fromkeys(language.top)):
        costs[char] = _TOP_BASE + math.log2(rank + 1)
    if language.kana:
        for rank, char in enumerate(_JA_HIRAGANA):
            costs[char] = 5.0 + math.log2(rank + 1)
        for rank, char in enumerate(_JA_KATAKANA):
            costs[char] = 6.5 + math.log2(rank + 1)
    if language.hangul:
        for char in _standard_level("euc_kr", 0xB0, 0xC8):
            costs[char] = 13.0
        for rank, char in enumerate(dict.fromkeys(_KO_TOP)):
            costs[char] = 4.8 + 0.95 * math.log2(rank + 1)
    return costs


def _ideographic_cost(language: _Ideographic, char: str, script: str) -> float:
    if script == "han":
        return _RARE_HAN
    if script == "kana":
        return 13.0 if language.kana else 14.0
    if script == "halfwidth-kana":
        return 12.0 if language.kana else 18.0
    if script == "hangul":
        return 20.0 if language.hangul else 18.0
    if script == "jamo":
        return 11.0 if language.hangul else 16.0  # Korean chat writes bare jamo: ㅋㅋ, ㅠㅠ
    if script == "cjk-punct":
        return 6.0 if char in _CJK_PUNCT_COMMON else 10.0
    if script in ("latin", "greek", "cyrillic"):
        return 14.0
    if script == "other" and 0x2500 <= ord(char) <= 0x25FF:
        return 13.0
    if script == "other" or not unicodedata.category(char).startswith("L"):
        return _generic_cost(char)
    return _FOREIGN_LETTER


_Language = _Alphabet | _Ideographic
_CJK_SCRIPTS = ("han", "kana", "hangul", "halfwidth-kana", "cjk-punct", "jamo")


def _languages_by_script() -> dict[str, tuple[_Language, ...]]:
    table: dict[str, list[_Language]] = {}
    for alphabet in _ALPHABETS:
        table.setdefault(alphabet.script, []).append(alphabet)
    for ideographic in _IDEOGRAPHIC:
        for script in _CJK_SCRIPTS:
            table.setdefault(script, []).append(ideographic)
    return {script: tuple(languages) for script, languages in table.items()}


_SCRIPT_LANGUAGES = _languages_by_script()


class _CostTable(dict[str, float]):
    """Per-language character costs, computed on first sight of each character."""

    def __init__(self, language: _Language | None) -> None:
        super().__init__()
        self.language = language
        if isinstance(language, _Alphabet):
            self.update(_alphabet_costs(language))
        elif isinstance(language, _Ideographic):
            self.update(_ideographic_costs(language))
        self.update(_ASCII_COSTS)

    def __missing__(self, char: str) -> float:
        script = _script(ord(char))
        if isinstance(self.language, _Alphabet):
            cost = _alphabet_cost(self.language, char, script)
        elif isinstance(self.language, _Ideographic):
            cost = _ideographic_cost(self.language, char, script)
        else:
            cost = _generic_cost(char) if script == "other" else _generic_letter_cost(char, script)
        self[char] = cost
        return cost


def _generic_letter_cost(char: str, script: str) -> float:
    """No language fits: any letter of a known script is merely unexpected."""
    if script == "han":
        return 18.0
    if script in ("hangul", "kana"):
        return 16.0
    if unicodedata.category(char).startswith("L"):
        return 12.0 + (_UPPER if char.isupper() else 0.0)
    return _generic_cost(char)


@cache
def _cost_table(language: _Language | None) -> _CostTable:
    return _CostTable(language)


# ---------------------------------------------------------------------------
# Naturalness: context
# ---------------------------------------------------------------------------


class _ClassTable(dict[int, str]):
    """Maps each character to one letter naming its class, for str.translate.

    a/A ASCII letters, l/L other Latin, c/C Cyrillic, g/G Greek (lower/upper),
    h Hebrew, r Arabic, t Thai, k Hangul, j kana, z Han, o other letters,
    q non-ASCII punctuation or symbols, w opening brackets and quotes, y
    apostrophes, dashes and soft hyphens (at home inside words), s space, d digit,
    n other numerals, p ASCII punctuation, x controls and unassigned, m combining
    marks.
    """

    def __missing__(self, cp: int) -> str:
        self[cp] = kind = _char_class(cp)
        return kind


def _char_class(cp: int) -> str:
    char = chr(cp)
    if cp < 0x80:
        if char.isalpha():
            return "a" if char.islower() else "A"
        if char.isdigit():
            return "d"
        if char.isspace():
            return "s"
        return "p" if char.isprintable() else "x"
    category = unicodedata.category(char)
    script = _script(cp)
    if category[0] == "L":
        cased = {"latin": "l", "cyrillic": "c", "greek": "g"}.get(script)
        if cased is not None:
            return cased.upper() if char.isupper() else cased
        return {
            "hebrew": "h",
            "arabic": "r",
            "arabic-forms": "r",
            "thai": "t",
            "hangul": "k",
            "jamo": "k",
            "kana": "j",
            "halfwidth-kana": "j",
            "han": "z",
        }.get(script, "o")
    if script == "thai":
        return "t"
    if category in ("Mn", "Mc", "Me"):
        return "m"
    if char in "’ʼ´`\xad‐‑–—":
        return "y"
    if category in ("Ps", "Pi") or char in "„‚¡¿":
        return "w"
    if category[0] == "Z":
        return "s"
    if category[0] == "N":
        return "n"
    if category[0] == "C":
        return "x"
    return "q"


_CLASSES = _ClassTable()
_SCRIPT_OF_CLASS = str.maketrans("aAlLcCgGhrtk", "LLLLCCGGHRTK", "zjoqysdpxmnw")
_CASE_SWITCH = re.compile(r"(?=[alcg][LCG]|[lcg]A)")
_CAPITALS_RUN = re.compile(r"(?=[LCG][LCG])")
_SCRIPT_SWITCH = re.compile(r"(?=L[CGHRTK]|C[LGHRTK]|G[LCHRTK]|H[LCGRTK]|R[LCGHTK]|T[LCGHRK]|K[LCGHRT])")
_SYMBOL_IN_WORD = re.compile(r"(?=[alcgALCGhrtk][qn][alcgALCGhrtk])")
_LONE_IDEOGRAPH = re.compile(r"(?<=[aA])[zjk](?![zjk])|(?<![zjk])[zjk](?=[aA])")
_GLUED_SYMBOL = re.compile(r"(?:^|(?<=[sp]))q(?=[lLcCgGhrt])")
_CASE_SWITCH_COST = 6.0
_CAPITALS_RUN_REFUND = 2.0  # after a capital, another is likely (acronyms, headings)
_SCRIPT_SWITCH_COST = 8.0
_SYMBOL_IN_WORD_COST = 6.0
_UNPAIRED_COST = 3.0  # a guillemet without its partner: often a letter misread
_LONE_IDEOGRAPH_COST = 6.0  # one CJK character alone among Latin letters
_GLUED_SYMBOL_COST = 4.0  # a closing quote or symbol stuck to the start of a word
_SCRIPT_MIX_COST = 5.0  # each alphabet beyond the first in one text


def _context_cost(text: str) -> float:
    """What wrong decodings do to words and texts: capitals inside words, scripts
    mixed in a word or a text, symbols between letters or stuck to a word's start
    (Mac Cyrillic capitals read as Windows-1251 become quotes and dashes),
    guillemets that close nothing, a lone ideograph wedged into Latin text (two
    Latin-1 letters read as one GBK character)."""
    classes = text.translate(_CLASSES)
    # Deleting non-letters joins words for the script check; put spaces back.
    scripts = re.sub(r"[^aAlLcCgGhrtk]", " ", classes).translate(_SCRIPT_OF_CLASS)
    unpaired = abs(text.count("«") - text.count("»"))
    alphabets = len(set(scripts) & set("LCGHRT"))
    return (
        _UNPAIRED_COST * unpaired
        + _SCRIPT_MIX_COST * max(0, alphabets - 1)
        + _GLUED_SYMBOL_COST * len(_GLUED_SYMBOL.findall(classes))
        + _LONE_IDEOGRAPH_COST * len(_LONE_IDEOGRAPH.findall(classes))
        + _CASE_SWITCH_COST * len(_CASE_SWITCH.findall(classes))
        - _CAPITALS_RUN_REFUND * len(_CAPITALS_RUN.findall(classes))
        + _SCRIPT_SWITCH_COST * len(_SCRIPT_SWITCH.findall(scripts))
        + _SYMBOL_IN_WORD_COST * len(_SYMBOL_IN_WORD.findall(classes))
    )


# Letters and the combining marks written inside words (Latin accents, Hebrew
# points, Arabic harakat, Thai vowels and tones).
_WORD = re.compile(
    "(?:[^\\W\\d_]|[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a"
    "\u064b-\u065f\u0670\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])+"
)


class _ScriptWords:
    """Counts over the words of one script that the language checks need."""

    def __init__(self) -> None:
        self.pairs = Counter[str]()  # letter pairs inside words
        self.singles = Counter[str]()  # one-letter words
        self.initials = Counter[str]()  # first letters
        self.lasts = Counter[str]()  # last letters
        self.inner = Counter[str]()  # letters before the last


def _script_words(text: str) -> dict[str, _ScriptWords]:
    """The words of a candidate text that hold non-ASCII letters, counted by script."""
    by_script: dict[str, _ScriptWords] = {}
    for word, count in Counter(_WORD.findall(text.lower())).items():
        if word.isascii():
            continue
        script = _script(ord(max(word)))
        stats = by_script.get(script)
        if stats is None:
            stats = by_script[script] = _ScriptWords()
        if len(word) == 1:
            stats.singles[word] += count
        if script == "latin":
            continue  # Latin languages only check their one-letter words
        stats.initials[word[0]] += count
        stats.lasts[word[-1]] += count
        for i in range(len(word) - 1):
            stats.inner[word[i]] += count
            stats.pairs[word[i : i + 2]] += count
    return by_script


def _word_cost(alphabet: _Alphabet, words: dict[str, _ScriptWords]) -> float:
    """Language checks that look at whole words: pairs, one-letter words, final and
    initial letters."""
    stats = words.get(alphabet.script)
    if stats is None:
        return 0.0
    cost = 0.0
    if alphabet.bigrams:
        hits = sum(stats.pairs[pair] for pair in alphabet.bigrams)
        cost += _BIGRAM_CHARGE * (stats.pairs.total() - hits) - _BIGRAM_BONUS * hits
    if alphabet.singles is not None:
        odd = sum(n for letter, n in stats.singles.items() if letter not in alphabet.singles)
        cost += _ODD_SINGLE * odd
    final, medial = alphabet.finals
    if final:
        cost += _MISPLACED_FINAL * sum(stats.inner[letter] for letter in final)
        cost += _FINAL_MISSING * sum(stats.lasts[letter] for letter in medial)
    if alphabet.never_initial:
        cost += _BAD_INITIAL * sum(stats.initials[letter] for letter in alphabet.never_initial)
    return cost


def _languages_for(chars: Iterable[str]) -> Iterator[_Language | None]:
    """The languages worth trying for a text: those whose scripts it contains."""
    yield None
    seen = {_script(ord(char)) for char in chars}
    tried: set[str] = set()
    for script in seen:
        for language in _SCRIPT_LANGUAGES.get(script, ()):
            if language.name not in tried:
                tried.add(language.name)
                yield language


def _weighted_sum(costs: dict[str, float], chars: list[str], weights: list[int]) -> float:
    """Sum of cost × count over the characters, at C speed (the hot loop)."""
    return float(sum(map(operator.mul, map(costs.__getitem__, chars), weights)))


def _visit_order(language: _Language | None, fits: dict[str, float]) -> tuple[int, float]:
    if isinstance(language, _Alphabet) and language.script == "latin":
        return (1, fits[language.ascii_order])
    return (0, 0.0)


@lru_cache(maxsize=256)
def _ascii_fits(letters: tuple[tuple[str, int], ...]) -> dict[str, float]:
    """Per ASCII letter order, how much worse it fits the text's ASCII letters than
    the best-fitting order: the evidence ASCII letters give about the language."""
    counts = Counter(dict(letters))
    fits = {order: _ascii_fit(order, counts) for order in _ASCII_ORDERS}
    best = min(fits.values())
    return {order: fit - best for order, fit in fits.items()}


class _FloorTable(dict[str, float]):
    """Each character's cheapest cost in any language: a lower bound for pruning."""

    def __missing__(self, char: str) -> float:
        tables = [_cost_table(language) for language in (None, *_ALPHABETS, *_IDEOGRAPHIC)]
        self[char] = floor = min(table[char] for table in tables)
        return floor


_FLOOR = _FloorTable()


class _SlackTable(dict[str, float]):
    """The most a character can earn back: a capital in a run of capitals, a letter
    in common letter pairs."""

    def __missing__(self, char: str) -> float:
        kind = _CLASSES[ord(char)]
        slack = (_CAPITALS_RUN_REFUND if kind in "LCG" else 0.0) + (_BIGRAM_BONUS if kind in "cCgGh" else 0.0)
        self[char] = slack
        return slack


_SLACK = _SlackTable()


class _Reading:
    """One decoding of the sample, with its cost under each language that could fit.

    Several encodings often give the same text (ISO-8859-15 and Windows-1252 on
    most French); the languages are scored once and each encoding only adds
    whether the language is usually written in it.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        ascii_cost = 0.0
        self.letters = Counter[str]()
        self.chars: list[str] = []
        self.weights: list[int] = []
        for char, count in Counter(text).items():
            if char < "\x80":
                ascii_cost += _ASCII_COSTS[char] * count
                if char.isalpha():
                    self.letters[char.lower()] += count
            else:
                self.chars.append(char)
                self.weights.append(count)
        self.ascii_cost = ascii_cost
        self.floor = _weighted_sum(_FLOOR, self.chars, self.weights)
        self.slack = _weighted_sum(_SLACK, self.chars, self.weights)

    @property
    def bound(self) -> float:
        """A lower bound of the cost, cheap to compute: every character at its
        cheapest, no context charges, every refund and bonus earned."""
        return self.ascii_cost + self.floor - self.slack

    @cached_property
    def context(self) -> float:
        return _context_cost(self.text)

    @cached_property
    def languages(self) -> list[tuple[_Language | None, float]]:
        """The cost of the non-ASCII part under each language worth trying."""
        chars, weights = self.chars, self.weights
        fits = _ascii_fits(tuple(sorted(self.letters.items())))
        alphabetic = any(_CLASSES[ord(char)] in "lLcCgGhrt" for char in chars)
        words = _script_words(self.text) if alphabetic else None
        languages = sorted(_languages_for(chars), key=lambda lang: _visit_order(lang, fits))
        best = math.inf
        scored: list[tuple[_Language | None, float]] = []
        for language in languages:
            fit = fits[language.ascii_order if isinstance(language, _Alphabet) else _ENGLISH]
            # Latin languages differ mostly in how their ASCII letters fit; skip those
            # that cannot come within an encoding's charge of the best.
            latin = isinstance(language, _Alphabet) and language.script == "latin"
            if latin and self.floor + fit >= best + _FOREIGN_ENCODING:
                continue
            cost = _weighted_sum(_cost_table(language), chars, weights)
            if language is not None:
                cost += fit
            if isinstance(language, _Alphabet) and words is not None:
                cost += _word_cost(language, words)
            best = min(best, cost)
            scored.append((language, cost))
        return scored

    def cost(self, encoding: str) -> float:
        """Bits to read the sample as ``encoding``: lower is more like real text."""
        return (
            self.ascii_cost
            + self.context
            + min(
                cost + (0.0 if language is None or encoding in language.codecs else _FOREIGN_ENCODING)
                for language, cost in self.languages
            )
        )
