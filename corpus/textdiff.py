"""A readable diff between two versions of a document, for people auditing versions.

Paragraphs are aligned first, then the changed paragraphs are compared token by
token: one token per character in unspaced scripts (Chinese, Japanese, Thai…),
one per word, space run or punctuation mark elsewhere. Diffing whole texts token
by token would be quadratic on a long law; aligning paragraphs first keeps each
token diff to a paragraph or two.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from corpus.text.scripts import UNSPACED_CLASS

# Characters of scripts written without spaces are a token each.
_TOKEN = re.compile(rf"[{UNSPACED_CLASS}]|[^\W{UNSPACED_CLASS}]+|\s+|.", re.DOTALL)

# Paragraphs at least this alike are shown as one changed paragraph, not a deletion and an insertion.
_PAIR_CUTOFF = 0.5
# Above this many paragraph pairs in one changed block, stop looking for the best pairs.
_PAIRING_BUDGET = 2_500

Op = Literal["equal", "delete", "insert"]


@dataclass(frozen=True)
class Segment:
    """A run of text that both versions share (``equal``), or only the old (``delete``) or new (``insert``)."""

    op: Op
    text: str


@dataclass(frozen=True)
class Unchanged:
    """Paragraphs the two versions share, from ``old[old_start]`` and ``new[new_start]`` on."""

    old_start: int
    new_start: int
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Changed:
    """One paragraph (or none) of the old version against one (or none) of the new, as segments."""

    old_position: int | None
    new_position: int | None
    segments: tuple[Segment, ...]


Block = Unchanged | Changed


def tokens(text: str) -> list[str]:
    """Split ``text`` into diff tokens: characters of unspaced scripts, words, spaces, punctuation."""
    return _TOKEN.findall(text)


def diff_text(old: str, new: str) -> tuple[Segment, ...]:
    """The token-level difference between two strings, runs of one kind merged."""
    a, b = tokens(old), tokens(new)
    out: list[Segment] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            _append(out, "equal", "".join(a[i1:i2]))
            continue
        if tag in ("delete", "replace"):
            _append(out, "delete", "".join(a[i1:i2]))
        if tag in ("insert", "replace"):
            _append(out, "insert", "".join(b[j1:j2]))
    return tuple(out)


def diff_paragraphs(old: Sequence[str], new: Sequence[str]) -> list[Block]:
    """Align two versions paragraph by paragraph; changed paragraphs carry a token diff."""
    blocks: list[Block] = []
    pairing = _Pairing(old, new)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, list(old), list(new), autojunk=False).get_opcodes():
        if tag == "equal":
            blocks.append(Unchanged(i1, j1, tuple(old[i1:i2])))
        else:
            blocks.extend(pairing.block(i1, i2, j1, j2))
    return blocks


class _Pairing:
    """Pairs the most alike paragraphs of a changed block (as ``difflib.Differ`` does), recursively."""

    def __init__(self, old: Sequence[str], new: Sequence[str]) -> None:
        self.old, self.new = old, new
        self._tokens: dict[tuple[str, int], list[str]] = {}

    def _tok(self, side: str, i: int) -> list[str]:
        key = (side, i)
        if key not in self._tokens:
            self._tokens[key] = tokens(self.old[i] if side == "old" else self.new[i])
        return self._tokens[key]

    def _pair(self, i: int, j: int) -> Changed:
        return Changed(i, j, diff_text(self.old[i], self.new[j]))

    def block(self, i1: int, i2: int, j1: int, j2: int) -> list[Changed]:
        old, new = self.old, self.new
        if i1 == i2:
            return [Changed(None, j, (Segment("insert", new[j]),)) for j in range(j1, j2)]
        if j1 == j2:
            return [Changed(i, None, (Segment("delete", old[i]),)) for i in range(i1, i2)]
        if (i2 - i1) * (j2 - j1) > _PAIRING_BUDGET:
            # Too large to search for the best pairs: pair in order, the rest deleted or inserted.
            pairs = min(i2 - i1, j2 - j1)
            return [self._pair(i1 + k, j1 + k) for k in range(pairs)] + self.block(i1 + pairs, i2, j1 + pairs, j2)
        best, best_i, best_j = _PAIR_CUTOFF, -1, -1
        matcher: SequenceMatcher[str] = SequenceMatcher(None, autojunk=False)
        for j in range(j1, j2):
            matcher.set_seq2(self._tok("new", j))
            for i in range(i1, i2):
                matcher.set_seq1(self._tok("old", i))
                if matcher.real_quick_ratio() > best and matcher.quick_ratio() > best:
                    ratio = matcher.ratio()
                    if ratio > best:
                        best, best_i, best_j = ratio, i, j
        if best_i < 0:  # nothing alike: all deleted, then all inserted
            return self.block(i1, i2, j1, j1) + self.block(i2, i2, j1, j2)
        return [
            *self.block(i1, best_i, j1, best_j),
            self._pair(best_i, best_j),
            *self.block(best_i + 1, i2, best_j + 1, j2),
        ]


def _append(out: list[Segment], op: Op, text: str) -> None:
    if not text:
        return
    if out and out[-1].op == op:
        out[-1] = Segment(op, out[-1].text + text)
    else:
        out.append(Segment(op, text))
