"""Matching decisions: is a new source a copy of a document, a version of it, or unrelated?

Candidates come from the LSH index; every one is verified here, first on the real
shingle sets, then on an alignment of the two token streams. One number cannot tell
a copy from a version: two versions of a law share up to 73% of their shingles
(zh-laws), while Alice and its 1994 transcription share 86% and are copies (see
benchmarks/results/calibration.md). What tells them apart is *where* the texts
differ:

- copies differ by formatting, punctuation width and wrapping (gone after
  normalisation), and by blocks only one of them has — truncation, an extra
  closing block, a caption, leftover boilerplate;
- versions differ by edits: places where *both* texts have something, and it is
  not the same (a word, a sentence, an article rewritten).

So the alignment counts substituted tokens (both sides differ at the same place,
at the edges too: two texts that share only a licence block at their end differ
by a substitution of their whole beginning) and one-sided insertions inside the
text. The thresholds were calibrated on ../shared/data (benchmarks/calibration.py).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import Enum

from corpus.fingerprint import Fingerprint
from corpus.shingle import jaccard

# Cheap exit: below both of these, the texts share too little to be related.
RELATED_JACCARD = 0.3
RELATED_CONTAINMENT = 0.6
# A copy: almost no substituted text, few one-sided insertions inside, and the
# smaller text mostly found in the larger one, of comparable size (an excerpt of a
# document is not a copy of it).
COPY_MAX_SUBSTITUTED = 0.025
COPY_MAX_INSERTED = 0.10
COPY_MIN_CONTAINMENT = 0.8
COPY_MIN_SIZE_RATIO = 0.4
# Equal runs shorter than this are not anchors of a shared passage.
MIN_RUN = 8


class Relation(Enum):
    COPY = "copy"
    VERSION = "version"
    UNRELATED = "unrelated"


@dataclass(frozen=True)
class Comparison:
    """How two texts overlap and where they differ."""

    jaccard: float
    containment: float  # share of the smaller text's shingles found in the larger one
    size_ratio: float  # smaller / larger shingle count
    substituted: float = 0.0  # tokens where both texts differ, share of the longer text
    inserted: float = 0.0  # one-sided insertions inside the first text, share of it
    inserted_other: float = 0.0  # the same for the second text

    @property
    def similarity(self) -> float:
        return self.jaccard


def compare(a: Fingerprint, b: Fingerprint) -> Comparison:
    """Measure two texts; the alignment runs only when the shingles say they are related."""
    if a.is_short or b.is_short:
        same = 1.0 if a.exact_key == b.exact_key else 0.0
        return Comparison(same, same, 1.0 if same else 0.0)
    shared = len(a.shingles & b.shingles)
    small, large = sorted((len(a.shingles), len(b.shingles)))
    shingle_jaccard = shared / (small + large - shared)
    shingle_containment = shared / small
    size_ratio = small / large
    if shingle_jaccard < RELATED_JACCARD and shingle_containment < RELATED_CONTAINMENT:
        return Comparison(shingle_jaccard, shingle_containment, size_ratio, 1.0, 1.0, 1.0)
    substituted, inserted, inserted_other = differences(a.tokens, b.tokens)
    return Comparison(shingle_jaccard, shingle_containment, size_ratio, substituted, inserted, inserted_other)


def shingle_similarity(a: Fingerprint, b: Fingerprint) -> float:
    """Jaccard of the shingle sets (exact match of the normal form for short texts)."""
    if a.is_short or b.is_short:
        return 1.0 if a.exact_key == b.exact_key else 0.0
    return jaccard(a.shingles, b.shingles)


def differences(a: Sequence[str], b: Sequence[str]) -> tuple[float, float, float]:
    """(substituted share, inner insertions in ``a``, inner insertions in ``b``) of two token streams.

    Equal runs shorter than ``MIN_RUN`` tokens are coincidences inside differing text
    (common words), not evidence of a shared passage, and are not kept as anchors.
    Where both texts differ, the shorter side counts as substituted: a new header
    against an old licence is a little text plus a block only one has; two
    different bodies before a shared licence block are different documents. What
    is left of the longer side is a one-sided insertion, free at the edges
    (truncation, an extra block) and counted inside the text.
    """
    if not a or not b:
        return 1.0, 1.0, 1.0
    blocks = [block for block in matching_blocks(a, b) if block[2] >= MIN_RUN]
    if not blocks:
        return 1.0, 1.0, 1.0
    substituted = inserted_a = inserted_b = 0
    i = j = 0
    for k, (bi, bj, size) in enumerate([*blocks, (len(a), len(b), 0)]):
        gap_a, gap_b = bi - i, bj - j
        # Where both texts differ, the shorter side is substituted and the rest of
        # the longer side is inserted (a canonical text, the union of several
        # copies, holds whole paragraphs where one copy has a short line).
        substituted += min(gap_a, gap_b)
        if 0 < k < len(blocks):
            inserted_a += gap_a - min(gap_a, gap_b)
            inserted_b += gap_b - min(gap_a, gap_b)
        i, j = bi + size, bj + size
    return substituted / max(len(a), len(b)), inserted_a / len(a), inserted_b / len(b)


# Regions up to this many token pairs are aligned by difflib directly; larger ones
# are first cut at anchors (patience diff), since difflib is quadratic on texts
# with many repeated tokens (English words, Chinese characters).
_DIRECT_CELLS = 250_000
_ANCHOR = 4  # tokens per anchor gram


def matching_blocks(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int, int]]:
    """Non-overlapping equal runs (i, j, size) of ``a`` and ``b``, increasing in both."""
    out: list[tuple[int, int, int]] = []
    _match_region(a, b, 0, len(a), 0, len(b), out)
    return out


def _match_region(
    a: Sequence[str], b: Sequence[str], a0: int, a1: int, b0: int, b1: int, out: list[tuple[int, int, int]]
) -> None:
    if a0 >= a1 or b0 >= b1:
        return
    if (a1 - a0) * (b1 - b0) <= _DIRECT_CELLS:
        matcher = SequenceMatcher(None, a[a0:a1], b[b0:b1], autojunk=False)
        out.extend((a0 + i, b0 + j, n) for i, j, n in matcher.get_matching_blocks() if n)
        return
    chain = _anchor_chain(a, b, a0, a1, b0, b1)
    if not chain:
        return  # nothing in common that can be anchored: the whole region differs
    i, j = a0, b0
    for ai, bj in chain:
        if ai < i or bj < j:
            continue  # inside the previous block
        # Grow the anchor into the longest equal run around it.
        start_a, start_b = ai, bj
        while start_a > i and start_b > j and a[start_a - 1] == b[start_b - 1]:
            start_a, start_b = start_a - 1, start_b - 1
        end_a, end_b = ai, bj
        while end_a < a1 and end_b < b1 and a[end_a] == b[end_b]:
            end_a, end_b = end_a + 1, end_b + 1
        _match_region(a, b, i, start_a, j, start_b, out)
        out.append((start_a, start_b, end_a - start_a))
        i, j = end_a, end_b
    _match_region(a, b, i, a1, j, b1, out)


def _anchor_chain(a: Sequence[str], b: Sequence[str], a0: int, a1: int, b0: int, b1: int) -> list[tuple[int, int]]:
    """Grams unique in both regions, longest chain increasing in both (patience sorting)."""

    def unique(seq: Sequence[str], lo: int, hi: int) -> dict[tuple[str, ...], int]:
        seen: dict[tuple[str, ...], int] = {}
        for k in range(lo, hi - _ANCHOR + 1):
            gram = tuple(seq[k : k + _ANCHOR])
            seen[gram] = -1 if gram in seen else k
        return {g: k for g, k in seen.items() if k >= 0}

    in_a, in_b = unique(a, a0, a1), unique(b, b0, b1)
    pairs = sorted((k, in_b[g]) for g, k in in_a.items() if g in in_b)
    return _longest_increasing(pairs)


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest subsequence of ``pairs`` (sorted by first) increasing in the second."""
    tails: list[int] = []  # smallest second value ending a chain of each length
    tail_index: list[int] = []
    previous: list[int] = [-1] * len(pairs)
    for n, (_, second) in enumerate(pairs):
        k = bisect_left(tails, second)
        if k == len(tails):
            tails.append(second)
            tail_index.append(n)
        else:
            tails[k] = second
            tail_index[k] = n
        previous[n] = tail_index[k - 1] if k else -1
    chain: list[tuple[int, int]] = []
    n = tail_index[-1] if tail_index else -1
    while n >= 0:
        chain.append(pairs[n])
        n = previous[n]
    return chain[::-1]


def decide(c: Comparison, *, second_is_union: bool = False) -> Relation:
    """The relation of the first text to the second.

    With ``second_is_union`` the second text is a document's canonical text, the
    union of several sources: that it holds paragraphs the first lacks (a caption,
    a paragraph one copy dropped) says nothing against a copy; only what the first
    adds, or words differently, does.
    """
    if c.jaccard < RELATED_JACCARD and c.containment < RELATED_CONTAINMENT:
        return Relation.UNRELATED
    inserted = c.inserted if second_is_union else max(c.inserted, c.inserted_other)
    if (
        c.substituted <= COPY_MAX_SUBSTITUTED
        and inserted <= COPY_MAX_INSERTED
        and c.containment >= COPY_MIN_CONTAINMENT
        and c.size_ratio >= COPY_MIN_SIZE_RATIO
    ):
        return Relation.COPY
    if c.containment >= RELATED_CONTAINMENT and c.jaccard >= RELATED_JACCARD:
        return Relation.VERSION
    return Relation.UNRELATED
