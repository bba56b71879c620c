"""Encoding names: the labels pages, headers and chardet use, read as Python codec names.

Labels arrive in WHATWG and IANA spellings (``x-sjis``, ``windows-31j``,
``GB2312``); the rest of the package speaks only Python's canonical codec names,
so that ``data.decode(name)`` always works and equal encodings compare equal.
The supersets say which codecs a label really means (GB2312 is read as GB18030,
as browsers do). This module has no knowledge of detection, so anything that
only needs to read a label needs nothing else.
"""

from __future__ import annotations

import codecs

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
