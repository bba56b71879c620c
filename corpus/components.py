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

A paragraph key that many documents share (a licence block, a site's footer) finds no
candidates in the commit stage once it is in more than
:data:`corpus.boilerplate.COMMON_DOCUMENTS_MAX` documents, but which source sees it so
depends on the documents of the sources before it, which is what the commit decides:
the only bound sure before the commit is none, so every shared paragraph key joins.
That keeps every decision, at the price of larger components where a paragraph recurs
across documents (measured in benchmarks/results/ray_engine.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


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
class Plan:
    """Components of the sources ``0 … n - 1`` of an add.

    ``component[i]`` names source ``i``'s component (the same number for all its
    sources); ``on_store`` holds the sources whose component reaches the store's
    documents, which only a commit into the store itself can decide.
    """

    component: Sequence[int]
    on_store: frozenset[int]

    def members(self) -> dict[int, list[int]]:
        """Each component's sources, ascending, by component (the store's component left out)."""
        out: dict[int, list[int]] = {}
        for index, name in enumerate(self.component):
            if index not in self.on_store:
                out.setdefault(name, []).append(index)
        return out


def plan(n: int, joined: Iterable[Sequence[int]], *, to_store: Iterable[int] = ()) -> Plan:
    """The components of ``n`` sources.

    ``joined``: groups of sources that share a key (bytes, exact key, band key or
    paragraph key: what a shuffle by key gives); ``to_store``: the sources that the
    store's look-ups tie to its documents.
    """
    store = n  # the node of the store's documents
    sets = UnionFind(n + 1)
    for group in joined:
        first = group[0]
        for other in group[1:]:
            sets.union(first, other)
    for index in to_store:
        sets.union(index, store)
    store_root = sets.find(store)
    component = [sets.find(i) for i in range(n)]
    return Plan(component, frozenset(i for i, root in enumerate(component) if root == store_root))
