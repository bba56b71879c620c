"""Matching decisions: is a new source a copy of a document, a version of it, or unrelated?

Candidates come from the LSH index; every one is verified here on the real shingle
sets before anything is merged.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from corpus.fingerprint import Fingerprint
from corpus.shingle import containment, jaccard

# Copies: nearly the same shingles, or one text almost wholly inside the other
# (a truncated copy, or one with an extra block at the start or end) when the two
# are of comparable size. Below COPY but above VERSION the texts share much, yet
# differ inside: two versions of one document.
COPY_JACCARD = 0.7
COPY_CONTAINMENT = 0.9
COPY_SIZE_RATIO = 0.5
VERSION_JACCARD = 0.5


class Relation(Enum):
    COPY = "copy"
    VERSION = "version"
    UNRELATED = "unrelated"


@dataclass(frozen=True)
class Comparison:
    """How two texts overlap, measured on their real shingle sets."""

    jaccard: float
    containment: float  # share of the smaller text found in the larger one
    size_ratio: float  # smaller / larger shingle count

    @property
    def similarity(self) -> float:
        return self.jaccard


def compare(a: Fingerprint, b: Fingerprint) -> Comparison:
    if a.is_short or b.is_short:
        same = 1.0 if a.exact_key == b.exact_key else 0.0
        return Comparison(same, same, 1.0 if same else 0.0)
    small, large = sorted((a.shingles, b.shingles), key=len)
    return Comparison(
        jaccard(set(a.shingles), set(b.shingles)),
        containment(set(small), set(large)),
        len(small) / len(large) if large else 0.0,
    )


def decide(c: Comparison) -> Relation:
    if c.jaccard >= COPY_JACCARD:
        return Relation.COPY
    if c.containment >= COPY_CONTAINMENT and c.size_ratio >= COPY_SIZE_RATIO:
        return Relation.COPY
    if c.jaccard >= VERSION_JACCARD:
        return Relation.VERSION
    return Relation.UNRELATED
