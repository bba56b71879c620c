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

Chinese is written in two scripts, Traditional and Simplified, and one text can be
converted into the other. Both questions about that are answered with OpenCC, a
maintained converter whose dictionaries ship with its wheel:

- :func:`han_variant`: is a text written in Traditional or Simplified characters?
- :func:`fold_han_script`: one form of a text whichever script it is in, in
  which copies of one text in either script are compared.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from opencc import OpenCC

__all__ = [
    "CJK_CLASS",
    "UNSPACED_CLASS",
    "HanVariant",
    "fold_han_script",
    "han_variant",
    "has_cjk",
    "has_han",
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


# -- Traditional and Simplified Chinese -------------------------------------------

HanVariant = Literal["traditional", "simplified"]
"""The two scripts of written Chinese, as :func:`han_variant` names them."""


def _script_class(*names: str) -> re.Pattern[str]:
    """One character of the scripts ``names``, as :func:`script_of` names them."""
    return re.compile(f"[{_char_class(tuple((lo, hi) for lo, hi, name in _SCRIPT_RANGES if name in names))}]")


_HAN_CHAR = _script_class("han")
_KANA_CHAR = _script_class("kana", "halfwidth-kana")


def has_han(text: str) -> bool:
    """Does ``text`` hold a Han ideograph (a Chinese character, a Japanese kanji)?

    Cheap: one regex search. Text without one needs no Chinese conversion.
    """
    return _HAN_CHAR.search(text) is not None


@cache
def _converter(config: str) -> OpenCC:
    # Loaded on first use (a tenth of a second each), once per process.
    from opencc import OpenCC

    return OpenCC(config)


def fold_han_script(text: str) -> str:
    """One form of ``text`` whichever Chinese script it is in: for comparing texts, not for reading.

    A text and its conversion to Traditional characters (by OpenCC ``s2t``,
    ``s2tw`` or ``s2twp``, the last with Taiwan phrasing: ``软件`` → ``軟體``,
    ``数据`` → ``資料``) fold to the same string, in Simplified characters and
    mainland phrasing (after ``s2twp``, all but 26 of the 190,000 characters of
    the test data's laws). That is what matching compares (:mod:`corpus.normalise`).

    It is OpenCC ``s2twp`` followed by ``tw2sp``. ``tw2sp`` alone undoes the
    Taiwan phrasing but also rewrites words a Simplified text already had: Taiwan
    writes both ``执行`` and ``运行`` as ``執行``, and ``tw2sp`` turns that into
    ``运行``. Going through Taiwan phrasing first makes both copies meet on the
    same words, which is also why the result is no text to show anyone: ``执行``
    folds to ``运行``. Text without Han characters is returned as it is, without
    calling OpenCC.

    >>> fold_han_script("軟體資料") == fold_han_script("软件数据") == "软件数据"
    True
    >>> fold_han_script("执行") == fold_han_script("執行")
    True
    """
    if not has_han(text):
        return text
    folded: str = _converter("tw2sp").convert(_converter("s2twp").convert(text))
    return folded


def han_variant(text: str, *, min_han: int = 2) -> HanVariant | None:
    """Is ``text`` written in Traditional or Simplified Chinese characters?

    Counts the characters that OpenCC would change converting the text to the
    other script: those ``t2s`` changes are written the Traditional way (``們``,
    ``體``), those ``s2t`` changes the Simplified way (``们``, ``体``). The larger
    count names the script; a few characters of the other kind (a quoted name, a
    character both scripts use in some words) do not change the answer.

    Args:
        text: any text; lines are judged one by one and added up, so a long
            document costs no more than its paragraphs and each line is cached.
        min_han: text with fewer Han characters than this is too short to judge.

    Returns:
        ``"traditional"``, ``"simplified"``, or ``None`` when the text cannot
        tell: fewer than ``min_han`` Han characters, no character that the two
        scripts write differently (``中文``, ``第一条`` read the same in both), as
        many of one kind as of the other, or Japanese (kana at least a fifth as
        many as the Han characters: kanji are neither Chinese script).

    >>> han_variant("软件开发"), han_variant("軟體開發"), han_variant("中文"), han_variant("hello")
    ('simplified', 'traditional', None, None)
    """
    han = kana = traditional = simplified = 0
    for line in text.splitlines():
        h, k, t, s = _variant_counts(line)
        han, kana, traditional, simplified = han + h, kana + k, traditional + t, simplified + s
    if han < min_han or kana * 5 >= han:
        return None
    if traditional > simplified:
        return "traditional"
    if simplified > traditional:
        return "simplified"
    return None


# A line longer than this is counted each time: the cache keeps its keys, and a line may
# be a whole page (a text without line breaks), so it is bounded in characters, not lines.
CACHED_LINE_CHARS = 1_000


def _variant_counts(line: str) -> tuple[int, int, int, int]:
    """Han characters, kana, characters only Traditional writes, characters only Simplified writes."""
    return _cached_counts(line) if len(line) <= CACHED_LINE_CHARS else _count_variants(line)


@lru_cache(maxsize=16_384)
def _cached_counts(line: str) -> tuple[int, int, int, int]:
    return _count_variants(line)


def _count_variants(line: str) -> tuple[int, int, int, int]:
    han = len(_HAN_CHAR.findall(line))
    if not han:
        return 0, 0, 0, 0
    return han, len(_KANA_CHAR.findall(line)), _changed("t2s", line), _changed("s2t", line)


def _changed(config: str, text: str) -> int:
    """How many characters of ``text`` the OpenCC conversion ``config`` changes."""
    converted: str = _converter(config).convert(text)
    if len(converted) == len(text):
        return sum(a != b for a, b in zip(text, converted, strict=True))
    # A phrase became one of another length: count character by character instead.
    return sum(_changes_char(config, ch) for ch in _HAN_CHAR.findall(text))


@lru_cache(maxsize=16_384)
def _changes_char(config: str, ch: str) -> bool:
    return bool(_converter(config).convert(ch) != ch)
