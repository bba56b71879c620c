"""Bytes to text: find the encoding a source was written in, or say why it is not text.

Every later stage (readers, normaliser, fingerprints, the canonical text) sees only
what this module returns, so a wrong guess here silently turns a document into
mojibake that matches nothing. The order of the evidence is fixed by DESIGN.md:

1. a byte-order mark (UTF-8, UTF-16/32): decisive, and stripped from the text;
2. binary formats known by their magic numbers, UTF-16/32 without a BOM known by
   the columns its NUL bytes fall in, and other NUL bytes (binary) are settled
   before any 8-bit guess; 7-bit ISO-2022 and HZ are recognised by their escapes;
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
candidate decoding is instead given a cost in bits, roughly -log2 of its
probability under a simple model of real text: a unigram model per language
(small frequency-ordered alphabets written below; for CJK, the common-character
levels of GB2312, Big5, JIS X 0208 and KS X 1001, read from Python's own codecs,
plus short lists of the most frequent characters), charged for what wrong
decodings produce and real text rarely does: a capital inside a lower-case word
(``BlanchardÕs``), two scripts inside one word (``Vielה``), a symbol between
letters, control and private-use characters, rare ideographs where common ones
were expected. The language is chosen per candidate (the cheapest of those whose
script appears), so a decoding must be coherent, not just made of letters. The
cheapest candidate wins; the cost gap to the runner-up gives the confidence.
"""

from __future__ import annotations

import codecs
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

import chardet

from corpus.errors import DecodeError
from corpus.sniff import signature_media_type, wide_unicode

__all__ = ["Decoded", "declared_charset", "decode", "normalise_encoding"]


@dataclass(frozen=True)
class Decoded:
    """The text of a source and how it was read.

    ``encoding`` is a Python codec name such that ``data.decode(encoding) ==
    text``; ``confidence`` (0..1) is 1.0 for a BOM or pure ASCII, about 0.99 for
    multi-byte UTF-8, 0.9 for a declared charset that checked out, and for a
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
        b"".decode(name)  # LookupError for bytes-to-bytes codecs (base64, zlib...)
    except (LookupError, ValueError):
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
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_CSS_CHARSET = re.compile(rb"""\A(?:\xef\xbb\xbf)?@charset\s+["']([A-Za-z0-9._:-]+)["']""")


def declared_charset(data: bytes) -> str | None:
    """The charset a document declares about itself in its first KB, as a codec name.

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


def _not_text(reason: str, data: bytes) -> DecodeError:
    nuls = data[:_PROBE_BYTES].count(0)
    hints = []
    if nuls:
        hints.append(f"{nuls} NUL bytes in the first {min(len(data), _PROBE_BYTES)} bytes")
    signed = signature_media_type(data)
    if signed is not None:
        hints.append(f"{signed} by its signature")
    detail = f" ({'; '.join(hints)})" if hints else ""
    return DecodeError(
        f"not text: {reason}{detail}; the bytes are kept, a reader of binary formats "
        "can still read them"
    )


def _control_count(text: str) -> int:
    return len(_BAD_CONTROLS.findall(text.strip("\x00")))


def _too_many_controls(text: str) -> bool:
    """Binary data decoded as a code page is full of controls; real text is not."""
    bad = _control_count(text)
    return bad > 1 and bad > _MAX_CONTROL_SHARE * len(text)


def _check_text(text: str, encoding: str, data: bytes) -> str:
    if _too_many_controls(text):
        raise _not_text(
            f"decoded as {encoding} it has {_control_count(text)} control characters "
            f"in {len(text)}",
            data,
        )
    return text


# ---------------------------------------------------------------------------
# The pipeline
# ---------------------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def decode(data: bytes, *, declared: str | None = None) -> Decoded:
    """Decode a source's bytes into its text, or raise DecodeError if they are not text.

    ``declared`` is a charset the bytes came with from outside (an HTTP
    ``Content-Type``, a caller who knows); it is checked like a ``<meta>``
    declaration, never trusted blindly. See the module docstring for the order.
    """
    if not data:
        return Decoded("", "utf-8", 1.0)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_with_bom(data, encoding)
    signed = signature_media_type(data)
    if signed is not None:
        raise _not_text(f"a {signed} file", data)
    wide = wide_unicode(data)
    if wide is not None:
        text = _check_text(data.decode(wide), wide, data)
        return Decoded(text, wide, 0.95)
    if b"\x00" in data.strip(b"\x00"):
        return _decode_with_nuls(data)
    if _looks_ebcdic(data):
        return _best_of(data, _ranked(data, ebcdic=True))
    escaped = _decode_escapes(data)
    if escaped is not None:
        return escaped
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
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


def _decode_with_nuls(data: bytes) -> Decoded:
    """NUL bytes inside the data: UTF-16 text with few NULs (CJK), or binary."""
    if len(data) % 2 == 0:
        ranking = [c for c in _ranked(data, wide_only=True) if c.per_char < _WIDE_MAX_PER_CHAR]
        if ranking:
            return _best_of(data, ranking)
    raise _not_text("NUL bytes where text has none", data)


def _looks_ebcdic(data: bytes) -> bool:
    """EBCDIC text: 0x40 is its space, and it has no ASCII spaces or line feeds."""
    head = data[:_PROBE_BYTES]
    return head.count(0x40) > 0.08 * len(head) and head.count(0x20) + head.count(0x0A) == 0


_ESCAPE_CODECS = ("iso2022_jp", "iso2022_jp_2", "iso2022_jp_ext", "iso2022_kr")


def _decode_escapes(data: bytes) -> Decoded | None:
    """7-bit CJK encodings: pure ASCII bytes whose escapes switch character sets."""
    if b"\x1b$" in data or b"\x1b(" in data:
        for encoding in _ESCAPE_CODECS:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if "\x1b" not in text and not text.isascii() and not _too_many_controls(text):
                return Decoded(text, codecs.lookup(encoding).name, 0.95)
    if data.isascii() and b"~{" in data and b"~}" in data:
        try:
            text = data.decode("hz")
        except UnicodeDecodeError:
            return None
        if sum(1 for c in text if _script(ord(c)) == "han") >= 2:
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
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _too_many_controls(text):
            continue
        if ranking:
            best = ranking[0]
            mine = next((c for c in ranking if encoding in c.codecs), None)
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
    raise _not_text("no encoding decodes it into plausible text", data)


def _confidence(ranking: list[_Candidate], index: int) -> float:
    """Probability of the chosen candidate among all, from their costs in bits."""
    chosen = ranking[index].cost
    total = sum(2.0 ** max(-60.0, chosen - c.cost) for c in ranking)
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
    (("kz1048",), 4.0),
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
_WIDE_MAX_PER_CHAR = 14.0  # UTF-16 with stray NULs must read as very natural text

_SAMPLE_BYTES = 32768


@dataclass(frozen=True)
class _Candidate:
    codecs: tuple[str, ...]
    text: str  # the sample, decoded
    cost: float  # bits; lower is more natural
    per_char: float


def _sample(data: bytes) -> bytes:
    """At most _SAMPLE_BYTES of the data, preferring lines with non-ASCII bytes.

    Lines start at a character boundary in every ASCII-compatible encoding (0x0A
    is never a trail byte), so the sample decodes like the whole; a long page is
    judged on its text, not on its ASCII head of scripts and styles.
    """
    if len(data) <= _SAMPLE_BYTES:
        return data
    picked: list[bytes] = []
    size = 0
    for match in re.finditer(rb"[^\n]*[\x80-\xff][^\n]*\n?", data):
        picked.append(match.group())
        size += len(match.group())
        if size >= _SAMPLE_BYTES:
            break
    if size < _SAMPLE_BYTES // 8:
        return data[:_SAMPLE_BYTES]
    return b"".join(picked)[:_SAMPLE_BYTES]


def _decode_sample(sample: bytes, encoding: str) -> str | None:
    """Strictly decode a sample that may end inside a character."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        return decoder.decode(sample, final=False)
    except (UnicodeDecodeError, LookupError):
        return None


def _chardet_votes(sample: bytes) -> dict[str, float]:
    votes: dict[str, float] = {}
    for result in chardet.detect_all(sample, ignore_threshold=True):
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
    """
    sample = _sample(data)
    if wide_only:
        families: Iterable[tuple[tuple[str, ...], float]] = _WIDE
        votes: dict[str, float] = {}
    else:
        families = [*(_EBCDIC if ebcdic else ()), *_CANDIDATES]
        if len(data) % 2 == 0 and not sample.isascii():
            families = [*families, *_WIDE]
        votes = _chardet_votes(sample)
        known = {name for family, _ in families for name in family}
        extra = [name for name in votes if name not in known and name not in _UNWANTED]
        families = [*families, *(((name,), _OTHER_PRIOR) for name in extra)]
    seen: dict[str, _Candidate] = {}
    for family, prior in sorted(families, key=lambda f: f[1]):
        for encoding in family:
            text = _decode_sample(sample, encoding)
            if text is None:
                continue
            if text in seen or _too_many_controls(text):
                break
            vote = max((votes.get(name, 0.0) for name in family), default=0.0)
            cost = _naturalness(text) + prior - _CHARDET_WEIGHT * vote
            seen[text] = _Candidate(family, text, cost, cost / max(1, len(text)))
            break
    return sorted(seen.values(), key=lambda c: c.cost)


# Encodings chardet may name that are never a sensible reading of a source here.
_UNWANTED = frozenset({"ascii", "utf-8", "utf-16", "utf-32", "utf-7", "hz"})


def _cost_of(sample: bytes, encoding: str) -> float:
    text = _decode_sample(sample, encoding)
    return math.inf if text is None else _naturalness(text)


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


@dataclass(frozen=True)
class _Alphabet:
    """A language written in an alphabet, by its letters' frequency order.

    ``letters`` lists the language's non-ASCII letters (all letters for non-Latin
    scripts), commonest first, lower case; a letter at rank r costs
    ``base + slope * log2(r + 1)`` bits, a Zipf-like fall-off that only needs
    the order, which is general knowledge, not counts from any corpus.
    ``bigrams`` are frequent letter pairs, each occurrence worth a bonus.
    """

    name: str
    script: str
    letters: str
    base: float
    slope: float
    bigrams: frozenset[str] = frozenset()


def _bigrams(words: str) -> frozenset[str]:
    return frozenset(words.split())


_LATIN_BASE, _LATIN_SLOPE = 6.0, 1.75
_ALPHABETS: tuple[_Alphabet, ...] = (
    _Alphabet("fr", "latin", "éèàêçùâîôûëïüœÿæ", _LATIN_BASE, _LATIN_SLOPE),
    _Alphabet("de", "latin", "äüöéß", _LATIN_BASE, _LATIN_SLOPE),
    _Alphabet("es", "latin", "óíáéñúü", _LATIN_BASE, _LATIN_SLOPE),
    _Alphabet("pt", "latin", "ãçéáóíêõúâôàü", _LATIN_BASE, _LATIN_SLOPE),
    _Alphabet("it", "latin", "àèéìòùóí", _LATIN_BASE, _LATIN_SLOPE),
    _Alphabet("ca", "latin", "àèéíòóúçï", _LATIN_BASE, _LATIN_SLOPE),
    _Alphabet("nl", "latin", "ëéèïöüá", _LATIN_BASE, _LATIN_SLOPE),
    _Alphabet("sv", "latin", "äåöé", _LATIN_BASE, _LATIN_SLOPE),
    _Alphabet("fi", "latin", "äöåšž", _LATIN_BASE, _LATIN_SLOPE),
    _Alphabet("da", "latin", "æøåé", _LATIN_BASE, _LATIN_SLOPE),
    _Alphabet("is", "latin", "áðéíóúýþæö", _LATIN_BASE, _LATIN_SLOPE),
    _Alphabet("cs", "latin", "íáéěřýčšžůúňťóď", _LATIN_BASE, _LATIN_SLOPE),
    _Alphabet("sk", "latin", "áíéýčšžľôúäňťóďĺŕ", _LATIN_BASE, _LATIN_SLOPE),
    _Alphabet("pl", "latin", "łęąóżśćńź", _LATIN_BASE, _LATIN_SLOPE),
    _Alphabet("hu", "latin", "áéóöőíüúű", _LATIN_BASE, _LATIN_SLOPE),
    _Alphabet("hr", "latin", "čšžćđ", _LATIN_BASE, _LATIN_SLOPE),
    _Alphabet("sl", "latin", "čšž", _LATIN_BASE, _LATIN_SLOPE),
    _Alphabet("ro", "latin", "ăîâșțşţ", _LATIN_BASE, _LATIN_SLOPE),
    _Alphabet("tr", "latin", "ıçşğüöiâî", _LATIN_BASE, _LATIN_SLOPE),
    _Alphabet("lt", "latin", "ąėįšųūčęž", _LATIN_BASE, _LATIN_SLOPE),
    _Alphabet("lv", "latin", "āēīūšžčņļķģ", _LATIN_BASE, _LATIN_SLOPE),
    _Alphabet("et", "latin", "äõüöšž", _LATIN_BASE, _LATIN_SLOPE),
    _Alphabet("vi", "latin", "\u0301\u0300\u0323\u0309\u0303ươđâêôăáàéèíìóòúùýãõ", 5.0, 1.5),
    _Alphabet(
        "ru",
        "cyrillic",
        "оеаинтсрвлкмдпуяызьбгчйхжшюцщэфъё",
        3.5,
        1.5,
        _bigrams(
            "ст но то на ен ов ни ра во ко ал пр ро ли ер ре го ет от ос не по ан ел ат "
            "ол ка ор ва ес ль де ла ис ит ин ом те ле та ри ив им ве ск ти ак мо ме ны ми "
            "ой ый ог ая да тв ть вы на ия ег"
        ),
    ),
    _Alphabet(
        "uk",
        "cyrillic",
        "оанівтерискдлмупяьзбгчхйжшцюєїщфґ",
        3.5,
        1.5,
        _bigrams(
            "на ні по ра ро ан ст ти ен ко но ов пр ер ва ві ли ка ня ре та ос од ал ом ть "
            "ди ми ви ий їх ин ит ат ає ів ий ог"
        ),
    ),
    _Alphabet(
        "bg",
        "cyrillic",
        "аоеинтрсвлкдпмзяъгбчуйжшфхцщюь",
        3.5,
        1.5,
        _bigrams(
            "на то ст не ра ни та по ен те ре от за ко ва ат ро ла ли да пр во ит ия ес ка "
            "ан ел ер ов ъл ва ия ът де"
        ),
    ),
    _Alphabet("sr", "cyrillic", "аиоенсртјвдклумпзгбшчцћжхњљђфџѓќѕ", 3.5, 1.5),
    _Alphabet("kk", "cyrillic", "аеынрлтсқдіұмбкуйоғзшңәгпжүөяхчюцфэщһъёь", 3.5, 1.5),
    _Alphabet(
        "el",
        "greek",
        "αοιετσνηυρπκμλςωάδγίχέόθήφβύώξζψϊΐϋΰ",
        3.5,
        1.4,
        _bigrams(
            "το τα ου αι κα ει ης ια ον ην ος απ ερ αν ρο ντ στ πο τη με ικ νη επ ρα ση σε "
            "να λα ατ ας ετ ιο οι ει τι ορ πα"
        ),
    ),
    _Alphabet("he", "hebrew", "יוהלארמתבנשדעכםקחפסןגצזטףךץ", 3.8, 1.5),
    _Alphabet("ar", "arabic", "اليمونهرتبعدسفكقحجةىشطصأخضزإثءغذظآئؤ", 3.5, 1.5),
    _Alphabet("fa", "arabic", "اینمردهوتبسلکزیگشخفقحجپعچطصغذثضظژءآأ", 3.5, 1.5),
    _Alphabet(
        "th", "thai", "านรอกเมย่งวลัตทดิสี้ปบขคหพะจใไุูืชแโ็ผถซฟภศษฝญฉฐธณฒฎฏฑฌฆฬฮๆ์", 4.0, 1.3
    ),
)
_BIGRAM_BONUS = 1.5
_SAME_SCRIPT_OTHER = 15.0  # a letter of the right script the language does not use
_FOREIGN_LATIN = 15.0
_FOREIGN_LETTER = 17.0
_FOREIGN_CJK = 20.0


@cache
def _alphabet_costs(alphabet: _Alphabet) -> dict[str, float]:
    costs: dict[str, float] = {}
    for rank, letter in enumerate(dict.fromkeys(alphabet.letters)):
        cost = alphabet.base + alphabet.slope * math.log2(rank + 1)
        costs.setdefault(letter, cost)
        upper = letter.upper()
        if len(upper) == 1 and upper != letter:
            costs.setdefault(upper, cost + _UPPER)
    return costs


def _alphabet_cost(alphabet: _Alphabet, char: str, script: str) -> float:
    if script == alphabet.script or (alphabet.script == "latin" and script == "latin"):
        return _SAME_SCRIPT_OTHER
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


@dataclass(frozen=True)
class _Ideographic:
    """A CJK language: its characters in tiers of commonness.

    ``top`` is frequency-ordered (cost ``top_base + log2(rank + 1)``), ``level1``
    and ``level2`` come from a national standard's first and second levels, and
    any other ideograph is rare. ``kana`` and ``hangul`` say whether the language
    writes them (Japanese, Korean) or only meets them in foreign names.
    """

    name: str
    top: str
    level1: tuple[str, int, int]  # codec, first lead byte, last lead byte
    level2: tuple[str, int, int]
    kana: bool = False
    hangul: bool = False


_IDEOGRAPHIC: tuple[_Ideographic, ...] = (
    _Ideographic("zh-hans", _ZH_HANS_TOP, ("gb2312", 0xB0, 0xD7), ("gb2312", 0xD8, 0xF7)),
    _Ideographic("zh-hant", _ZH_HANT_TOP, ("big5", 0xA4, 0xC6), ("big5", 0xC9, 0xF9)),
    _Ideographic("ja", _JA_KANJI_TOP, ("euc_jp", 0xB0, 0xCF), ("euc_jp", 0xD0, 0xF4), kana=True),
    _Ideographic("ko", "", ("euc_kr", 0xCA, 0xFD), ("euc_kr", 0xCA, 0xCA), hangul=True),
)
_TOP_BASE = 4.6
_LEVEL1 = 15.0
_LEVEL2 = 19.0
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
    level2 = _standard_level(*language.level2)
    for char in level2:
        costs[char] = _LEVEL2
    for char in _standard_level(*language.level1):
        costs[char] = _LEVEL1
    for rank, char in enumerate(dict.fromkeys(language.top)):
        costs[char] = _TOP_BASE + math.log2(rank + 1)
    if language.kana:
        for rank, char in enumerate(_JA_HIRAGANA):
            costs[char] = 5.0 + math.log2(rank + 1)
        for rank, char in enumerate(_JA_KATAKANA):
            costs[char] = 6.5 + math.log2(rank + 1)
    if language.hangul:
        for char in _standard_level("euc_kr", 0xB0, 0xC8):
            costs[char] = 14.5
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
        return 16.0
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
_SCRIPT_LANGUAGES: dict[str, tuple[_Language, ...]] = {}
for _language in (*_ALPHABETS, *_IDEOGRAPHIC):
    _scripts = (
        ("han", "kana", "hangul", "halfwidth-kana", "cjk-punct", "jamo")
        if isinstance(_language, _Ideographic)
        else (_language.script,)
    )
    for _name in _scripts:
        _SCRIPT_LANGUAGES[_name] = (*_SCRIPT_LANGUAGES.get(_name, ()), _language)


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
    q non-ASCII punctuation or symbols, y apostrophe-like, s space, d digit,
    p ASCII punctuation, x controls and unassigned, m combining marks.
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
    if char in "’‘ʼ´`\xad":
        return "y"
    if category[0] == "Z":
        return "s"
    if category[0] == "N":
        return "d"
    if category[0] in ("C",):
        return "x"
    return "q"


_CLASSES = _ClassTable()
_SCRIPT_OF_CLASS = str.maketrans("aAlLcCgGhrtk", "LLLLCCGGHRTK", "zjoqysdpxm")
_CASE_SWITCH = re.compile(r"(?=[alcg][LCG]|[lcg]A)")
_SCRIPT_SWITCH = re.compile(
    r"(?=L[CGHRTK]|C[LGHRTK]|G[LCHRTK]|H[LCGRTK]|R[LCGHTK]|T[LCGHRK]|K[LCGHRT])"
)
_SYMBOL_IN_WORD = re.compile(r"(?=[alcgALCGhrtk]q[alcgALCGhrtk])")
_CASE_SWITCH_COST = 6.0
_SCRIPT_SWITCH_COST = 8.0
_SYMBOL_IN_WORD_COST = 6.0


def _context_cost(text: str) -> float:
    """What wrong decodings do to words: capitals inside them, scripts mixed in them."""
    classes = text.translate(_CLASSES)
    # Deleting non-letters joins words for the script check; put spaces back.
    scripts = re.sub(r"[^aAlLcCgGhrtk]", " ", classes).translate(_SCRIPT_OF_CLASS)
    return (
        _CASE_SWITCH_COST * len(_CASE_SWITCH.findall(classes))
        + _SCRIPT_SWITCH_COST * len(_SCRIPT_SWITCH.findall(scripts))
        + _SYMBOL_IN_WORD_COST * len(_SYMBOL_IN_WORD.findall(classes))
    )


_WORDS = {
    "cyrillic": re.compile("[\u0400-\u04ff]{2,}"),
    "greek": re.compile("[\u0370-\u03ff]{2,}"),
}


def _bigram_bonus(text: str, alphabet: _Alphabet) -> float:
    pattern = _WORDS.get(alphabet.script)
    if not alphabet.bigrams or pattern is None:
        return 0.0
    hits = 0
    for word in pattern.findall(text):
        lowered = word.lower()
        hits += sum(1 for i in range(len(lowered) - 1) if lowered[i : i + 2] in alphabet.bigrams)
    return _BIGRAM_BONUS * hits


def _languages_for(chars: Iterable[str]) -> Iterator[_Language | None]:
    """The languages worth trying for a text: those whose scripts it contains."""
    yield None
    seen: set[str] = set()
    for char in chars:
        script = _script(ord(char))
        if script in seen:
            continue
        seen.add(script)
        if script == "latin" and "latin" in _SCRIPT_LANGUAGES:
            pass
    tried: set[str] = set()
    for script in seen:
        for language in _SCRIPT_LANGUAGES.get(script, ()):
            if language.name not in tried:
                tried.add(language.name)
                yield language


def _naturalness(text: str) -> float:
    """Cost in bits of a candidate decoding: lower is more like real text."""
    counts = Counter(text)
    nonascii = [char for char in counts if ord(char) > 0x7F]
    best = math.inf
    for language in _languages_for(nonascii):
        table = _cost_table(language)
        cost = sum(table[char] * count for char, count in counts.items())
        if isinstance(language, _Alphabet):
            cost -= _bigram_bonus(text, language)
        best = min(best, cost)
    return best + _context_cost(text)
