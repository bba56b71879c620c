"""Costs for languages written in an alphabet, worked out from the tables in ``languages``.

What the naturalness model charges a text under one ``_Alphabet``: each letter's
cost from its rank, how much worse the text's ASCII letters fit the language's
letter order than the best-fitting language's (so accented letters must suit the
words around them), letters borrowed from a sister language or foreign to it, and
the checks that need whole words: common letter pairs, one-letter words, final
and initial letter forms.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from functools import cache, lru_cache

from corpus.decode.characters import _FOREIGN_LETTER, _UPPER, _generic_cost, _script
from corpus.decode.languages import _ALPHABETS, _ASCII_ORDERS, _Alphabet

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
_FOREIGN_CJK = 20.0


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


@lru_cache(maxsize=256)
def _ascii_fits(letters: tuple[tuple[str, int], ...]) -> dict[str, float]:
    """Per ASCII letter order, how much worse it fits the text's ASCII letters than
    the best-fitting order: the evidence ASCII letters give about the language."""
    counts = Counter(dict(letters))
    fits = {order: _ascii_fit(order, counts) for order in _ASCII_ORDERS}
    best = min(fits.values())
    return {order: fit - best for order, fit in fits.items()}


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
