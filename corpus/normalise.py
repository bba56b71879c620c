"""Normalisation for matching: the text two copies of one document have in common.

Only fingerprints see this form; the canonical text keeps proper typography. Two
copies of a document differ in punctuation width (``,`` vs ``，``), line wrapping,
spacing and case; after NFKC, case folding and dropping everything that is not a
letter, digit or mark, what is left is the same token stream.

Tokens: each character of an unspaced script (Han, kana, Thai, Lao, Khmer,
Myanmar, Tibetan) is a token of its own, since those scripts do not mark word
boundaries; a run of letters, digits and marks of any other script is one word
token. Mixed text therefore yields both kinds in reading order.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

NORMALISER_VERSION = "nfkc-casefold-tokens/1"

# Code point ranges of scripts written without spaces between words.
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

_WORD = 1
_UNSPACED = 2
_SEPARATOR = 0

_class_cache: dict[str, int] = {}


def is_unspaced(ch: str) -> bool:
    """True for a character of a script written without spaces (CJK, Thai...)."""
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _UNSPACED_RANGES)


def _classify(ch: str) -> int:
    cls = _class_cache.get(ch)
    if cls is None:
        if is_unspaced(ch):
            cls = _UNSPACED
        elif unicodedata.category(ch)[0] in "LNM":
            cls = _WORD
        else:
            cls = _SEPARATOR
        _class_cache[ch] = cls
    return cls


def fold(text: str) -> str:
    """NFKC and case folding: full-width forms become ASCII, ligatures split."""
    return unicodedata.normalize("NFKC", text).casefold()


def tokens(text: str) -> list[str]:
    """The matching tokens of ``text``: unspaced-script characters and words."""
    return list(_tokens(text))


@lru_cache(maxsize=65_536)
def _tokens(text: str) -> tuple[str, ...]:
    # Cached: the canonical text is rebuilt from the same paragraphs many times.
    out: list[str] = []
    word: list[str] = []
    for ch in fold(text):
        cls = _classify(ch)
        if cls == _WORD:
            word.append(ch)
            continue
        if word:
            out.append("".join(word))
            word = []
        if cls == _UNSPACED:
            out.append(ch)
    if word:
        out.append("".join(word))
    return tuple(out)


def normal_form(text: str) -> str:
    """One string per text, equal for texts that differ only in what matching ignores."""
    return " ".join(_tokens(text))
