"""Naturalness: how much a decoded text looks like real text, as a cost in bits.

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
  ς, Hebrew ךםןףץ, no Russian word starts with ь): ``languages`` holds the
  tables, ``alphabetic`` their costs;
- for Chinese, Japanese and Korean, the common-character levels of GB2312, Big5,
  JIS X 0208 and KS X 1001, read from Python's own codecs, plus short lists of
  the most frequent characters, so that rare ideographs where common ones were
  expected (one CJK encoding read as another) are expensive: ``ideographic``;
- what wrong decodings produce and real text rarely does: a capital inside a
  lower-case word (``BlanchardÕs``), two scripts inside one word (``Vielה``) or
  several alphabets in one text, a symbol between letters or stuck to a word's
  start, one ideograph alone among Latin letters (``context``), controls,
  private-use and unassigned characters (``characters``);
- which encodings each language is written in (Japanese is rarely GB18030), and
  how common each encoding is (Mac Cyrillic is rarer than Windows-1251), as
  small priors that only break near-ties; chardet's confidence counts for a few
  bits too (the priors and chardet are weighed in ``candidates``).

The language is chosen per candidate (the cheapest of those whose script the
text contains), so a decoding must be coherent, not merely made of letters.
This module puts the parts together: per-language cost tables, the lower bound
used to prune hopeless readings, and ``_Reading``, one decoding's cost under each
language and encoding.
"""

from __future__ import annotations

import math
import operator
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import cache, cached_property

from corpus.decode.alphabetic import (
    _BIGRAM_BONUS,
    _alphabet_cost,
    _alphabet_costs,
    _ascii_fits,
    _script_words,
    _word_cost,
)
from corpus.decode.characters import _ASCII_COSTS, _generic_cost, _generic_letter_cost, _script
from corpus.decode.context import _CAPITALS_RUN_REFUND, _CLASSES, _context_cost
from corpus.decode.ideographic import _IDEOGRAPHIC, _Ideographic, _ideographic_cost, _ideographic_costs
from corpus.decode.languages import _ALPHABETS, _ENGLISH, _Alphabet

# What reading a language through an encoding it is rarely written in costs.
_FOREIGN_ENCODING = 4.0

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


@cache
def _cost_table(language: _Language | None) -> _CostTable:
    return _CostTable(language)


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
