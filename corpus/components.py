"""Which sources of an add can decide each other's documents: components, for a commit in parts.

The commit stage (:mod:`corpus.commit`) matches each source against the documents of
the sources before it, in input order. A source can end up with a document (join it,
merge it, link it as a version) only if that document is one of its *candidates*: a
document with a source of the same bytes or normal form (exact key), one sharing an
LSH band key, or one attesting enough of its paragraphs by paragraph keys. So the
sources fall into components that cannot reach each other: the connected components
of the graph that joins two sources when they share bytes, an exact key, a band key or
a paragraph key, with one more node for the documents already in the store (joined to
a source when the store's own look-ups find one of them). Commit each component on
its own, its sources in input order, and every decision is the one a single serial
commit makes, whatever runs the components and in what order.

Paragraph keys are subtler. A document is a candidate of a source when it attests a
share of the source's paragraph keys (:data:`corpus.boilerplate.CANDIDATE_SHARE`, two at
least), counting only keys in at most ``COMMON_DOCUMENTS_MAX`` documents at the time;
and a paragraph that many documents share (a licence block, a site's footer, a law's
standard clause) would chain them all into one component if every shared key joined.
So the sources are taken in input order, each joined to what may hold its candidates:

- for a key's first ``COMMON_DOCUMENTS_MAX + 1`` holders the key counts, surely (they
  have at most that many earlier holders, so documents); such a holder is joined to
  each component of earlier holders that holds enough of its keys to make a candidate
  (documents only ever lie inside one component, so a document attests no more);
- a later holder is not joined by the key, and is told it is common (:attr:`Plan.common`:
  its commit must not count it, since a part of the corpus shows it fewer documents);
- once the parts are committed, :func:`check` counts the documents the earlier holders
  ended in: documents only ever merge, so that many or more held the key when the
  holder was committed. More than ``COMMON_DOCUMENTS_MAX`` and the guess was right;
  else the key's holders up to the last wrong guess join all the holders before them
  (:attr:`Plan.warm`: their commits then count exactly what a serial one does), and
  the add plans again.

A key that stored sources hold joins all its holders to the store: how many stored
documents hold it when the add reaches a holder (two may merge) is not sure.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from corpus.boilerplate import CANDIDATE_SHARE, COMMON_DOCUMENTS_MAX

FIRST_HOLDERS = COMMON_DOCUMENTS_MAX + 1
"""A key's holders that find it in at most ``COMMON_DOCUMENTS_MAX`` documents, whatever they are."""


class UnionFind:
    """Disjoint sets over ``0 … n - 1``, with path halving and union by size."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.size = [1] * n

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> bool:
        """Join the sets of ``a`` and ``b``; False when they were one already."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        return True


@dataclass(frozen=True)
class ParagraphHolders:
    """The sources (by index, ascending) that hold one paragraph key, and whether stored sources hold it too."""

    key: int
    holders: Sequence[int]
    in_store: bool = False


@dataclass(frozen=True)
class Plan:
    """Components of the sources ``0 … n - 1`` of an add.

    ``component[i]`` names source ``i``'s component (the same number for all its
    sources); ``on_store`` holds the sources whose component reaches the store's
    documents, which only a commit into the store itself can decide; ``common[i]`` the
    paragraph keys guessed common for source ``i`` (see the module docstring), which
    :func:`check` checks; ``warm`` how many leading holders each key joins.
    """

    component: Sequence[int]
    on_store: frozenset[int]
    common: Mapping[int, frozenset[int]] = field(default_factory=dict)
    warm: Mapping[int, int] = field(default_factory=dict)

    def members(self) -> dict[int, list[int]]:
        """Each component's sources, ascending, by component (the store's component left out)."""
        out: dict[int, list[int]] = {}
        for index, name in enumerate(self.component):
            if index not in self.on_store:
                out.setdefault(name, []).append(index)
        return out


def plan(
    n: int,
    joined: Iterable[Sequence[int]],
    *,
    paragraphs: Sequence[ParagraphHolders] = (),
    paragraph_counts: Sequence[int] | None = None,
    to_store: Iterable[int] = (),
    warm: Mapping[int, int] | None = None,
) -> Plan:
    """The components of ``n`` sources.

    ``joined``: groups of sources that share bytes, an exact key or a band key (what a
    shuffle by key gives); ``paragraphs``: the holders of each paragraph key held twice
    or more, or once and by the store; ``paragraph_counts``: how many paragraph keys
    each source has (the share of them a candidate must attest is of all of them; None:
    a paragraph key joins its first holders whatever they share); ``to_store``: the
    sources that the store's look-ups tie to its documents; ``warm``: how many leading
    holders of a key join all before them, where a check found more than
    :data:`FIRST_HOLDERS` must (a key given the number of its holders guesses nothing).
    """
    store = n  # the node of the store's documents
    sets = UnionFind(n + 1)
    for members in joined:
        _join(sets, members)
    for index in to_store:
        sets.union(index, store)
    lead = dict(warm or {})
    held: list[list[tuple[ParagraphHolders, int]]] = [[] for _ in range(n)]
    for group in paragraphs:
        if group.in_store:
            _join(sets, [store, *group.holders])
        else:
            for at, index in enumerate(group.holders):
                held[index].append((group, at))
    common: dict[int, set[int]] = {}
    anchors: dict[int, int] = {}  # a key's holder that all its holders so far are joined to
    # In input order: a source may be a candidate only of documents that the sources
    # before it made, each inside one of the components they form.
    for index in range(n):
        shared: dict[int, int] = {}  # component of earlier holders → how many of this source's keys it holds
        for group, at in held[index]:
            if at < FIRST_HOLDERS:
                for root in {sets.find(other) for other in group.holders[:at]}:
                    shared[root] = shared.get(root, 0) + 1
            elif at < lead.get(group.key, FIRST_HOLDERS):
                anchor = anchors.get(group.key)
                if anchor is None:
                    _join(sets, group.holders[:at])
                    anchor = anchors[group.key] = group.holders[0]
                sets.union(index, anchor)
            else:
                common.setdefault(index, set()).add(group.key)
        needed = 1 if paragraph_counts is None else max(2, math.ceil(CANDIDATE_SHARE * paragraph_counts[index]))
        for root, count in shared.items():
            if count >= needed:
                sets.union(index, root)
    store_root = sets.find(store)
    component = [sets.find(i) for i in range(n)]
    on_store = frozenset(i for i, root in enumerate(component) if root == store_root)
    return Plan(component, on_store, {i: frozenset(keys) for i, keys in common.items()}, lead)


def _join(sets: UnionFind, group: Sequence[int]) -> None:
    for other in group[1:]:
        sets.union(group[0], other)


def check(the_plan: Plan, paragraphs: Sequence[ParagraphHolders], document_of: Mapping[int, int]) -> dict[int, int]:
    """The keys guessed common where a holder may not have found them so, each with how many holders it must join.

    ``document_of`` maps each committed source that holds a key to the document it
    ended in (sources of the store's component are left out: they count as one more
    document, distinct from all others). Empty when every guess holds.
    """
    wrong: dict[int, int] = {}
    for group in paragraphs:
        first = the_plan.warm.get(group.key, FIRST_HOLDERS)
        if group.in_store or first >= len(group.holders):
            continue
        seen: set[int] = set()
        stored = False
        needed = None
        for at, index in enumerate(group.holders):
            if at >= first and len(seen) + stored <= COMMON_DOCUMENTS_MAX:
                needed = at + 1  # it may have found the key in that few documents: join it
            if index in the_plan.on_store:
                stored = True
            elif index in document_of:
                seen.add(document_of[index])
        if needed is not None:
            wrong[group.key] = needed
    return wrong
