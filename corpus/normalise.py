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

from corpus.text.scripts import is_unspaced

NORMALISER_VERSION = "nfkc-casefold-tokens/1"

_WORD = 1
_UNSPACED = 2
_SEPARATOR = 0

_class_cache: dict[str, int] = {}


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
