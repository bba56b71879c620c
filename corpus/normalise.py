"""Normalisation for matching: the text two copies of one document have in common.

Only fingerprints see this form; the canonical text keeps proper typography. Two
copies of a document differ in punctuation width (``,`` vs ``，``), line wrapping,
spacing and case; after NFKC, case folding and dropping everything that is not a
letter, digit or mark, what is left is the same token stream.

Tokens: each character of an unspaced script (Han, kana, Thai, Lao, Khmer,
Myanmar, Tibetan) is a token of its own, since those scripts do not mark word
boundaries; a run of letters, digits and marks of any other script is one word
token. Mixed text therefore yields both kinds in reading order.

Traditional and Simplified Chinese copies of one text are one document, so Han
characters are folded to one script (:func:`corpus.text.scripts.fold_han_script`,
OpenCC). Each run of Han characters with nothing but ignored characters between
them (punctuation, spaces, line breaks) is converted as one string: the result
depends only on the token stream, like the rest of this form, so a phrase that a
line wrap or a comma splits in one copy is converted as in the other. A paragraph
without Han characters never reaches OpenCC.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence

from corpus.text.scripts import fold_han_script, is_unspaced, script_of

# Part of the stored fingerprint settings: a store built with another version is refused.
NORMALISER_VERSION = "nfkc-casefold-tokens/2+opencc-s2twp-tw2sp"

_WORD = 1
_UNSPACED = 2
_HAN = 3  # unspaced too, and folded to one Chinese script
_SEPARATOR = 0

_class_cache: dict[str, int] = {}


def _classify(ch: str) -> int:
    cls = _class_cache.get(ch)
    if cls is None:
        if is_unspaced(ch):
            cls = _HAN if script_of(ch) == "han" else _UNSPACED
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
    """The matching tokens of ``text``: unspaced-script characters (Han folded to one script) and words."""
    return list(_tokens(text))


def token_tuple(text: str) -> tuple[str, ...]:
    """:func:`tokens` as the tuple kept (shared with the cache: no copy of a long text's tokens)."""
    return _tokens(text)


# Recently tokenised texts (the canonical text is built from the same paragraphs
# again and again), least recently used out, bounded by the tokens held (some 8 bytes
# each), not by the number of texts. A text too long for that (one paragraph may be a
# whole book) has a place of its own: the last such text is kept, whatever else comes.
CACHE_TOKENS = 2_000_000
_cache: dict[str, tuple[str, ...]] = {}
_cached_tokens = 0
_long: tuple[str, tuple[str, ...]] | None = None
# One string object per distinct token, across texts: a long text repeats its words
# and characters millions of times, and a str each would take ten times the memory of
# the text. Bounded too: emptied when it holds this many.
SAME_TOKENS = 200_000
_same: dict[str, str] = {}


def _interned() -> dict[str, str]:
    """The table of one string per distinct token, emptied first when it holds :data:`SAME_TOKENS`."""
    if len(_same) > SAME_TOKENS:
        _same.clear()
    return _same


def _tokens(text: str) -> tuple[str, ...]:
    if _long is not None and (_long[0] is text or _long[0] == text):
        return _long[1]
    found = _cache.pop(text, None)
    if found is None:
        return _keep(text, _tokenise(text))
    _cache[text] = found  # most recent last
    return found


def _keep(text: str, found: tuple[str, ...]) -> tuple[str, ...]:
    """Hold ``found`` as the tokens of ``text``, the least recently used out past the budget."""
    global _cached_tokens, _long
    if len(found) > CACHE_TOKENS // 2:
        _long = (text, found)
        return found
    _cached_tokens += len(found)
    while _cache and _cached_tokens > CACHE_TOKENS:
        _cached_tokens -= len(_cache.pop(next(iter(_cache))))
    _cache[text] = found
    return found


def remember(texts: Sequence[str], tokens: tuple[str, ...], sizes: Sequence[int]) -> None:
    """Hold ``tokens``, the token streams of ``texts`` end to end (``sizes`` tokens each), as if made here.

    The per-source stage tokenises a source's paragraphs in a worker process; the
    commit stage, which asks for them again (a canonical text is built from them),
    is handed them with the source's fingerprint instead of tokenising them twice.
    Nothing is held when the sizes do not add up.
    """
    if len(sizes) != len(texts) or sum(sizes) != len(tokens):
        return
    same = _interned()
    # One string object per distinct token, as _tokenise keeps them: tokens that came from
    # another process are strings of their own, some 50 bytes each, held as long as the cache is.
    # (Not for a text longer than the cache holds: a copy of its tokens would only add memory.)
    if len(tokens) <= CACHE_TOKENS // 2:
        tokens = tuple(map(same.setdefault, tokens, tokens))
    at = 0
    for text, size in zip(texts, sizes, strict=True):
        piece, at = tokens[at : at + size], at + size
        if text not in _cache and not (_long is not None and _long[0] == text):
            _keep(text, piece)


# ASCII that is neither a letter nor a digit: always a separator. Text is cut at runs of
# it first; a piece left that is all ASCII is one word token, with no look at its characters.
_ASCII_SEPARATORS = re.compile(r"[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+")


def _tokenise(text: str) -> tuple[str, ...]:
    out: list[str] = []
    han = False
    same = _interned()
    for piece in _ASCII_SEPARATORS.split(fold(text)):
        if piece.isascii():
            if piece:
                out.append(same.setdefault(piece, piece))
        else:
            han = _tokenise_piece(piece, out, same) or han
    return tuple(_fold_han(out, same) if han else out)


def _tokenise_piece(piece: str, out: list[str], same: dict[str, str]) -> bool:
    """Append the tokens of ``piece`` to ``out``, a character at a time; True if one is Han."""
    han = False
    word: list[str] = []
    for ch in piece:
        cls = _classify(ch)
        if cls == _WORD:
            word.append(ch)
            continue
        if word:
            joined = "".join(word)
            out.append(same.setdefault(joined, joined))
            word = []
        if cls >= _UNSPACED:
            out.append(same.setdefault(ch, ch))
            han = han or cls == _HAN
    if word:
        joined = "".join(word)
        out.append(same.setdefault(joined, joined))
    return han


def _fold_han(toks: list[str], same: dict[str, str]) -> list[str]:
    """``toks`` with each run of Han tokens in one script: all runs folded as one string (:func:`fold_han_script`).

    ``same`` maps each token to its one string object, as :func:`_tokens` keeps them.
    """
    runs: list[str] = []
    layout: list[str | None] = []  # a token that is not Han, or None where the next run goes
    run: list[str] = []
    for tok in toks:
        if _class_cache.get(tok) == _HAN:  # never a word token: the keys are single characters
            run.append(tok)
            continue
        if run:
            runs.append("".join(run))
            layout.append(None)
            run = []
        layout.append(tok)
    if run:
        runs.append("".join(run))
        layout.append(None)
    pending = iter(_fold_runs(runs))
    out: list[str] = []
    for item in layout:
        if item is None:
            out.extend(same.setdefault(ch, ch) for ch in next(pending))
        else:
            out.append(item)
    return out


# Han characters handed to OpenCC at once: a text of millions of them is folded a piece at a
# time, so that OpenCC's copies of it (UTF-8 in, UTF-8 out, each way) stay small.
FOLD_CHARS = 1 << 16


def _fold_runs(runs: list[str]) -> Iterator[str]:
    """Each run of Han characters folded (:func:`fold_han_script`), many runs to one OpenCC call.

    OpenCC leaves spaces alone and matches no phrase across one, so runs are joined
    by spaces up to :data:`FOLD_CHARS` characters. A run longer than that (a Chinese
    text with no Latin word or digit in it) is cut into pieces of that size: a phrase
    cut in two is folded as two, the same way wherever the run is met.
    """
    batch: list[str] = []
    size = 0
    for run in runs:
        if len(run) > FOLD_CHARS:
            yield from _fold_batch(batch)
            batch, size = [], 0
            yield "".join(fold_han_script(run[i : i + FOLD_CHARS]) for i in range(0, len(run), FOLD_CHARS))
            continue
        if size + len(run) > FOLD_CHARS:
            yield from _fold_batch(batch)
            batch, size = [], 0
        batch.append(run)
        size += len(run) + 1
    yield from _fold_batch(batch)


def _fold_batch(runs: list[str]) -> list[str]:
    if not runs:
        return []
    folded = fold_han_script(" ".join(runs)).split(" ")
    return folded if len(folded) == len(runs) else [fold_han_script(r) for r in runs]


def normal_form(text: str) -> str:
    """One string per text, equal for texts that differ only in what matching ignores."""
    return " ".join(_tokens(text))
