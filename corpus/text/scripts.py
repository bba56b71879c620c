"""Which script a character belongs to, decided once for the whole pipeline.

Three questions are asked of characters, and each has one answer here:

- :func:`script_of`: the writing system of a character (``han``, ``kana``,
  ``hangul``, ``latin``, ``cyrillic``...), for guessing a text's language and for
  telling a right decoding from mojibake;
- :func:`is_unspaced`: is it written without spaces between words (Chinese,
  Japanese, Thai, Lao, Khmer, Myanmar, Tibetan)? Such text is matched and diffed
  one character at a time, since it has no word boundaries to split on;
- :func:`is_cjk`: is it East Asian wide text (ideographs, kana, CJK punctuation,
  full-width forms)? A line wrap between two such characters stood for nothing,
  not for a space, and such lines are measured in full-width columns.

Hangul is spaced (Korean marks word boundaries), so it is neither unspaced nor
joined tight; Thai is unspaced but not wide.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

__all__ = [
    "CJK_CLASS",
    "UNSPACED_CLASS",
    "has_cjk",
    "is_cjk",
    "is_unspaced",
    "script_of",
]

# The writing systems by code point, in order; each range is inclusive. Code
# points in no range are "other" (ASCII is "ascii").
_SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x00C0, 0x024F, "latin"),
    (0x0370, 0x03FF, "greek"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0590, 0x05FF, "hebrew"),
    (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"),
    (0x0E00, 0x0E7F, "thai"),
    (0x0E80, 0x0EFF, "lao"),
    (0x0F00, 0x0FFF, "tibetan"),
    (0x1000, 0x109F, "myanmar"),
    (0x1100, 0x11FF, "jamo"),
    (0x1780, 0x17FF, "khmer"),
    (0x1E00, 0x1EFF, "latin"),
    (0x1F00, 0x1FFF, "greek"),
    (0x2E80, 0x2FDF, "cjk-radical"),
    (0x3000, 0x303F, "cjk-punct"),
    (0x3041, 0x30FF, "kana"),
    (0x3100, 0x312F, "bopomofo"),
    (0x3130, 0x318F, "jamo"),
    (0x31F0, 0x31FF, "kana"),
    (0x3400, 0x4DBF, "han"),
    (0x4E00, 0x9FFF, "han"),
    (0xAC00, 0xD7A3, "hangul"),
    (0xF900, 0xFAFF, "han"),
    (0xFB1D, 0xFB4F, "hebrew"),
    (0xFB50, 0xFDFF, "arabic-forms"),
    (0xFE30, 0xFE6F, "cjk-punct"),
    (0xFE70, 0xFEFF, "arabic-forms"),
    (0xFF01, 0xFF65, "cjk-punct"),
    (0xFF66, 0xFF9F, "halfwidth-kana"),
    (0x20000, 0x3FFFF, "han"),
)
_STARTS = [lo for lo, _, _ in _SCRIPT_RANGES]

# Scripts written without spaces between words, as code point ranges. Han from
# the supplementary planes stops at the last block Python's Unicode data knows.
_UNSPACED_RANGES: tuple[tuple[int, int], ...] = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x0F00, 0x0FFF),  # Tibetan
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x3134F),  # CJK extensions B-G
)
# East Asian wide text: radicals, CJK punctuation, kana, bopomofo, ideographs,
# compatibility ideographs, full-width and half-width forms, the ideographic planes.
_CJK_RANGES: tuple[tuple[int, int], ...] = (
    (0x2E80, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFF00, 0xFFEF),
    (0x20000, 0x3FFFF),
)


def _char_class(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in ranges)


UNSPACED_CLASS = _char_class(_UNSPACED_RANGES)
"""The characters of :func:`is_unspaced` as the inside of a regex ``[...]`` class."""

CJK_CLASS = _char_class(_CJK_RANGES)
"""The characters of :func:`is_cjk` as the inside of a regex ``[...]`` class:
``re.compile(f"(?<=[{CJK_CLASS}])\\n(?=[{CJK_CLASS}])")`` finds a line break inside CJK text."""

_CJK_CHAR = re.compile(f"[{CJK_CLASS}]")


def script_of(ch: str) -> str:
    """The writing system of one character: ``ascii``, ``latin``, ``greek``, ``cyrillic``,
    ``hebrew``, ``arabic``, ``arabic-forms``, ``thai``, ``lao``, ``tibetan``, ``myanmar``,
    ``khmer``, ``jamo``, ``hangul``, ``kana``, ``halfwidth-kana``, ``bopomofo``, ``han``,
    ``cjk-radical``, ``cjk-punct`` (which includes the full-width forms of ASCII), or ``other``.

    >>> script_of("中"), script_of("か"), script_of("é"), script_of("a")
    ('han', 'kana', 'latin', 'ascii')
    """
    return _script_of_code(ord(ch))


@lru_cache(maxsize=8192)
def _script_of_code(cp: int) -> str:
    if cp < 0x80:
        return "ascii"
    i = bisect_right(_STARTS, cp) - 1
    if i >= 0:
        lo, hi, name = _SCRIPT_RANGES[i]
        if lo <= cp <= hi:
            return name
    return "other"


def is_unspaced(ch: str) -> bool:
    """Is ``ch`` a character of a script written without spaces between words?

    Han, kana, Thai, Lao, Khmer, Myanmar and Tibetan. Each such character is a word
    of its own for matching (:mod:`corpus.normalise`) and for diffs.
    """
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _UNSPACED_RANGES)


def is_cjk(ch: str) -> bool:
    """Is ``ch`` East Asian wide text: an ideograph, kana, CJK punctuation or a full-width form?

    A wrap between two such characters is rejoined without a space
    (:func:`corpus.text.join`).
    """
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _CJK_RANGES)


def has_cjk(text: str) -> bool:
    """Does ``text`` hold a character that :func:`is_cjk`? (One regex search, cheap on long lines.)"""
    return _CJK_CHAR.search(text) is not None
