"""Shingles: overlapping token n-grams, the sets whose overlap measures similarity.

Tokens come from :mod:`corpus.normalise`, so a Chinese text is shingled as character
n-grams and an English one as word n-grams, and mixed text gets both. Shingles are
taken across paragraph boundaries, as copies often split paragraphs differently.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet

SEPARATOR = "\x1f"


def shingles(tokens: Sequence[str], size: int) -> set[str]:
    """The set of ``size``-token shingles; a text shorter than ``size`` is one shingle."""
    if not tokens:
        return set()
    if len(tokens) <= size:
        return {SEPARATOR.join(tokens)}
    return {SEPARATOR.join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def iter_shingles(tokens: Sequence[str], size: int) -> Iterator[str]:
    """The shingles of :func:`shingles` one at a time, repeats included (nothing is held)."""
    if not tokens:
        return
    if len(tokens) <= size:
        yield SEPARATOR.join(tokens)
        return
    for i in range(len(tokens) - size + 1):
        yield SEPARATOR.join(tokens[i : i + size])


def jaccard(a: AbstractSet[str], b: AbstractSet[str]) -> float:
    if not a and not b:
        return 1.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def containment(part: AbstractSet[str], whole: AbstractSet[str]) -> float:
    """Share of ``part``'s shingles found in ``whole``."""
    if not part:
        return 0.0
    return len(part & whole) / len(part)
