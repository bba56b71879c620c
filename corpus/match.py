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
text. An *edit* is a substituted stretch of at least ``EDIT_TOKENS`` tokens inside
the shared text whose two sides are different words, not the same words in another
order (two PDF extractors disagreeing on reading order): one edit makes a version,
however long the text around it, since a share of the length would let a long law
swallow a rewritten article. Versions share text around their edits; two texts
that differ by one block at an edge (different bodies before one licence, one
template filled in two ways at its end) are different texts, not versions.
The thresholds were calibrated on ../shared/data (benchmarks/calibration.py).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import Enum

from corpus.fingerprint import Shingled

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
# A substituted stretch this long (on its shorter side) is an edit when its two sides
# are different words: a digit, a stray character or a lost word is extraction noise.
EDIT_TOKENS = 8
# Two sides this alike as bags of tokens are the same words reordered, not an edit;
# a shorter side this much inside the longer one is words one extraction lost.
REORDERED_DICE = 0.8
LOST_WORDS_SHARE = 0.9
# Differences before the first and after the last equal run this long are at the
# edges (front matter, a header block, a closing credit), not inside the text.
EDGE_RUN = 100
# A reworded stretch is furniture one copy kept (a running header on every page) when
# half of its 6-grams (numbers masked) come back this often in its own text, and it
# moved when both its sides are mostly found elsewhere in the other text.
FURNITURE_REPEATS = 5
_FURNITURE_SHARE = 0.5
_MOVED_SHARE = 0.5
_GRAM = 6


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
    edits: int = 0  # substituted stretches inside the text that are rewordings (see EDIT_TOKENS)
    edge_substituted: float = 0.0  # the part of ``substituted`` at the two edges

    @property
    def similarity(self) -> float:
        return self.jaccard


def compare(a: Shingled, b: Shingled) -> Comparison:
    """Measure two texts; the alignment runs only when the shingles say they are related."""
    if a.is_short or b.is_short:
        same = 1.0 if a.exact_key == b.exact_key else 0.0
        return Comparison(same, same, 1.0 if same else 0.0)
    from corpus.minhash import shared_count  # numpy: already loaded by the fingerprints compared

    shared = shared_count(a.hashes, b.hashes)
    small, large = sorted((a.shingle_count, b.shingle_count))
    shingle_jaccard = shared / (small + large - shared)
    shingle_containment = shared / small
    size_ratio = small / large
    if shingle_jaccard < RELATED_JACCARD and shingle_containment < RELATED_CONTAINMENT:
        return Comparison(shingle_jaccard, shingle_containment, size_ratio, 1.0, 1.0, 1.0, 0, 1.0)
    d = differences(a.tokens, b.tokens)
    return Comparison(
        shingle_jaccard, shingle_containment, size_ratio, d.substituted, d.inserted, d.inserted_other, d.edits, d.edge
    )


def shingle_similarity(a: Shingled, b: Shingled) -> float:
    """Jaccard of the shingle sets (exact match of the normal form for short texts)."""
    if a.is_short or b.is_short:
        return 1.0 if a.exact_key == b.exact_key else 0.0
    from corpus.minhash import shared_count

    shared = shared_count(a.hashes, b.hashes)
    union = a.shingle_count + b.shingle_count - shared
    return shared / union if union else 1.0


@dataclass(frozen=True)
class Differences:
    """Where two token streams differ, as shares of their lengths (see :func:`differences`)."""

    substituted: float  # both differ at one place: the shorter side, share of the longer text
    inserted: float  # one-sided insertions inside the first text, share of it
    inserted_other: float  # the same for the second
    edits: int  # inner substituted stretches that reword (EDIT_TOKENS or more, different words)
    edge: float  # the part of ``substituted`` at the two edges


_APART = Differences(1.0, 1.0, 1.0, 0, 1.0)


def differences(a: Sequence[str], b: Sequence[str]) -> Differences:
    """How two token streams differ once aligned.

    Equal runs shorter than ``MIN_RUN`` tokens are coincidences inside differing text
    (common words), not evidence of a shared passage, and are not kept as anchors.
    Where both texts differ, the shorter side counts as substituted: a new header
    against an old licence is a little text plus a block only one has; two
    different bodies before a shared licence block are different documents. What
    is left of the longer side is a one-sided insertion, free at the edges
    (truncation, an extra block) and counted inside the text. A substituted stretch
    between the first and the last equal run of ``EDGE_RUN`` tokens, ``EDIT_TOKENS``
    long or more, whose sides are not the same words reordered, is an edit unless it
    is furniture one copy kept or text that moved (:func:`_edit`).
    """
    if not a or not b:
        return _APART
    blocks = [block for block in matching_blocks(a, b) if block[2] >= MIN_RUN]
    if not blocks:
        return _APART
    long_runs = [k for k, block in enumerate(blocks) if block[2] >= EDGE_RUN]
    first_long, last_long = (long_runs[0], long_runs[-1]) if long_runs else (len(blocks), -1)
    substituted = edge = inserted_a = inserted_b = edits = 0
    grams: tuple[_Grams, _Grams] | None = None  # counted only if a stretch may be an edit
    i = j = 0
    for k, (bi, bj, size) in enumerate([*blocks, (len(a), len(b), 0)]):
        gap_a, gap_b = bi - i, bj - j
        # Where both texts differ, the shorter side is substituted and the rest of
        # the longer side is inserted (a canonical text, the union of several
        # copies, holds whole paragraphs where one copy has a short line).
        shorter = min(gap_a, gap_b)
        substituted += shorter
        if k == 0 or k == len(blocks):
            edge += shorter
        else:
            inserted_a += gap_a - shorter
            inserted_b += gap_b - shorter
            # Gap k lies between blocks k-1 and k: inside when a long run is on each side.
            inside = first_long <= k - 1 and k <= last_long
            if inside and shorter >= EDIT_TOKENS and _reworded(a[i:bi], b[j:bj]):
                grams = grams or (_Grams(a), _Grams(b))
                if _edit(grams, (i, bi), (j, bj)):
                    edits += 1
        i, j = bi + size, bj + size
    longer = max(len(a), len(b))
    return Differences(substituted / longer, inserted_a / len(a), inserted_b / len(b), edits, edge / longer)


class _Grams:
    """A text's grams of ``_GRAM`` tokens, numbers masked (a page number changes from page to page)."""

    def __init__(self, tokens: Sequence[str]) -> None:
        self.masked = ["#" if t.isdigit() else t for t in tokens]
        self.counts = Counter(self.grams(0, len(tokens)))

    def grams(self, start: int, end: int) -> list[tuple[str, ...]]:
        window = self.masked[start:end]
        return list(zip(*(window[n:] for n in range(_GRAM)), strict=False))

    def furniture(self, start: int, end: int) -> float:
        """The share of the stretch's grams that come back ``FURNITURE_REPEATS`` times in this text."""
        grams = self.grams(start, end)
        return sum(1 for g in grams if self.counts[g] >= FURNITURE_REPEATS) / len(grams) if grams else 0.0

    def found_in(self, start: int, end: int, other: _Grams) -> float:
        """The share of the stretch's grams that ``other`` has somewhere."""
        grams = self.grams(start, end)
        return sum(1 for g in grams if g in other.counts) / len(grams) if grams else 0.0


def _edit(grams: tuple[_Grams, _Grams], span_a: tuple[int, int], span_b: tuple[int, int]) -> bool:
    """Is a reworded stretch an edit, rather than furniture one copy kept or text that moved?

    Furniture: half of one side's grams come back page after page in its own text (a
    running header left in). Moved: each side's text is mostly found elsewhere in the
    other (a photo caption an extractor read before its paragraph, the paragraph
    after it). An amended article has new wording on at least one side, however
    formulaic the law around it ("国务院财政部门" recurs; a new article does not).
    """
    a, b = grams
    if a.furniture(*span_a) >= _FURNITURE_SHARE or b.furniture(*span_b) >= _FURNITURE_SHARE:
        return False
    return min(a.found_in(*span_a, b), b.found_in(*span_b, a)) < _MOVED_SHARE


def _reworded(a: Sequence[str], b: Sequence[str]) -> bool:
    """Are the two sides of a substituted stretch different words?

    Not when they are the same words reordered (two extractors' reading orders), the
    same letters split otherwise (``request header`` and ``requestheader``: a line
    end joined), or when the shorter side's words are nearly all in the longer one
    (words one extraction lost: a poem set in a shape, a caption's line).
    """
    if "".join(a) == "".join(b):
        return False
    shared = sum((Counter(a) & Counter(b)).values())
    if shared >= LOST_WORDS_SHARE * min(len(a), len(b)):
        return False
    return 2 * shared / (len(a) + len(b)) < REORDERED_DICE


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
    adds, or words differently, does. A copy has no edit; a version is related text
    whose differences lie inside what the two share, not in one block at an edge.
    """
    if c.jaccard < RELATED_JACCARD and c.containment < RELATED_CONTAINMENT:
        return Relation.UNRELATED
    inserted = c.inserted if second_is_union else max(c.inserted, c.inserted_other)
    if (
        c.edits == 0
        and c.substituted <= COPY_MAX_SUBSTITUTED
        and inserted <= COPY_MAX_INSERTED
        and c.containment >= COPY_MIN_CONTAINMENT
        and c.size_ratio >= COPY_MIN_SIZE_RATIO
    ):
        return Relation.COPY
    related = c.containment >= RELATED_CONTAINMENT and c.jaccard >= RELATED_JACCARD
    if related and c.substituted - c.edge_substituted >= c.edge_substituted:
        return Relation.VERSION
    return Relation.UNRELATED
