"""Paragraph alignment: which paragraphs of two copies are the same paragraph.

Two copies of a document rarely split it the same way or carry the same extras, so
paragraphs are aligned in order: first the runs of paragraphs whose normal forms
are equal (a longest-common-subsequence anchor, cheap and exact), then, between
anchors, a weighted alignment on shingle overlap for paragraphs that differ a
little (a typo fixed, a word lost to extraction), then containment for paragraphs
one copy splits where the other does not (a page break).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import Enum

from corpus.shingle import containment, jaccard, shingles

# A fuzzy 1:1 match needs this much shingle overlap (Jaccard of token trigrams)
# and paragraphs of comparable size (else one is a piece of the other).
MATCH_JACCARD = 0.5
MATCH_SIZE_RATIO = 0.85
# A paragraph counts as a piece of another when this share of it is found there.
PART_CONTAINMENT = 0.8
# Fuzzy alignment is quadratic in the gap; past this many cell pairs the gap's
# paragraphs are left unmatched rather than compared.
MAX_GAP_CELLS = 40_000
# Paragraphs are compared on sets of token trigrams.
GRAM = 3


class Link(Enum):
    SAME = "same"  # equal normal forms
    SIMILAR = "similar"  # fuzzy 1:1 match
    LEFT_IN_RIGHT = "left-in-right"  # the left paragraph is a piece of the right one
    RIGHT_IN_LEFT = "right-in-left"  # the right paragraph is a piece of the left one


@dataclass(frozen=True)
class Pair:
    """One step of an alignment: a paragraph of the left, of the right, or both."""

    left: int | None
    right: int | None
    link: Link | None = None


def align(left: Sequence[str], right: Sequence[str]) -> list[Pair]:
    """Align two sequences of normal forms (see :func:`corpus.normalise.normal_form`).

    Returns the paragraphs of both sides in an order consistent with both
    sequences; unmatched paragraphs have ``None`` on the other side. A paragraph
    that is a piece of one on the other side is reported as a pair with
    ``LEFT_IN_RIGHT``/``RIGHT_IN_LEFT``; the bigger paragraph then appears a second
    time, in its own pair. Every other index appears exactly once.
    """
    grams_l = [shingles(p.split(), GRAM) for p in left]
    grams_r = [shingles(p.split(), GRAM) for p in right]
    out: list[Pair] = []
    i = j = 0
    matcher = SequenceMatcher(None, list(left), list(right), autojunk=False)
    for block in matcher.get_matching_blocks():
        out.extend(_align_gap(range(i, block.a), range(j, block.b), grams_l, grams_r))
        out.extend(Pair(block.a + k, block.b + k, Link.SAME) for k in range(block.size))
        i, j = block.a + block.size, block.b + block.size
    return out


def _align_gap(rows: range, cols: range, grams_l: list[set[str]], grams_r: list[set[str]]) -> list[Pair]:
    if not rows or not cols:
        return [Pair(i, None) for i in rows] + [Pair(None, j) for j in cols]
    matched: dict[int, int] = {}
    if len(rows) * len(cols) <= MAX_GAP_CELLS:
        matched = _weighted_lcs(rows, cols, grams_l, grams_r)
    pairs: list[Pair] = []
    jr = cols.start
    for i in rows:
        if i in matched:
            j = matched[i]
            pairs.extend(Pair(None, k) for k in range(jr, j))
            pairs.append(Pair(i, j, Link.SIMILAR))
            jr = j + 1
        else:
            pairs.append(Pair(i, None))
    pairs.extend(Pair(None, k) for k in range(jr, cols.stop))
    return _add_pieces(pairs, grams_l, grams_r)


def _similarity(a: set[str], b: set[str]) -> float:
    if not a or not b or min(len(a), len(b)) < MATCH_SIZE_RATIO * max(len(a), len(b)):
        return 0.0
    return jaccard(a, b)


def _weighted_lcs(rows: range, cols: range, grams_l: list[set[str]], grams_r: list[set[str]]) -> dict[int, int]:
    """Order-preserving 1:1 matching that maximises the summed similarity."""
    n, m = len(rows), len(cols)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for a in range(n - 1, -1, -1):
        ga = grams_l[rows[a]]
        for b in range(m - 1, -1, -1):
            best = max(score[a + 1][b], score[a][b + 1])
            sim = _similarity(ga, grams_r[cols[b]])
            if sim >= MATCH_JACCARD:
                best = max(best, sim + score[a + 1][b + 1])
            score[a][b] = best
    matched: dict[int, int] = {}
    a = b = 0
    while a < n and b < m:
        sim = _similarity(grams_l[rows[a]], grams_r[cols[b]])
        if sim >= MATCH_JACCARD and score[a][b] == sim + score[a + 1][b + 1]:
            matched[rows[a]] = cols[b]
            a, b = a + 1, b + 1
        elif score[a][b] == score[a + 1][b]:
            a += 1
        else:
            b += 1
    return matched


def _add_pieces(pairs: list[Pair], grams_l: list[set[str]], grams_r: list[set[str]]) -> list[Pair]:
    """Mark unmatched paragraphs of one side that are pieces of a nearby paragraph of the other."""
    lefts = [p.left for p in pairs if p.left is not None]
    rights = [p.right for p in pairs if p.right is not None]
    out: list[Pair] = []
    for pair in pairs:
        if pair.left is not None and pair.right is None:
            host = _host(grams_l[pair.left], rights, grams_r)
            if host is not None:
                out.append(Pair(pair.left, host, Link.LEFT_IN_RIGHT))
                continue
        if pair.right is not None and pair.left is None:
            host = _host(grams_r[pair.right], lefts, grams_l)
            if host is not None:
                out.append(Pair(host, pair.right, Link.RIGHT_IN_LEFT))
                continue
        out.append(pair)
    return out


def _host(piece: set[str], candidates: list[int], grams: list[set[str]]) -> int | None:
    if not piece:
        return None
    best: tuple[float, int] | None = None
    for c in candidates:
        if len(grams[c]) <= len(piece):
            continue
        share = containment(piece, grams[c])
        if share >= PART_CONTAINMENT and (best is None or share > best[0]):
            best = (share, c)
    return best[1] if best else None
