"""The LSH band keys of a group's sources, held until the group commits and written in key order.

A source has some 85 band keys, spread at random over the whole band index: written
a source at a time, each lands on its own page of the index, and once the index
outgrows SQLite's page cache every key costs a page read and write. Held for the
group (up to :data:`corpus.commit.GROUP_SOURCES` sources) and written sorted when it
commits, neighbouring keys share their pages, and the cost per key stops growing
with the corpus as fast. Until then a source's candidates come from the store and
from the sources of the group before it (:meth:`GroupBands.sources`), so the
documents a group makes are those of one source at a time.
"""

from __future__ import annotations

from collections.abc import Iterable


class GroupBands:
    """Band keys of the sources of the group in flight, by key; see the module docstring."""

    def __init__(self) -> None:
        self._rows: list[tuple[int, int]] = []  # (key, source id), in the order the sources came
        self._by_key: dict[int, list[int]] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def add(self, source_id: int, keys: Iterable[int]) -> None:
        for key in keys:
            self._rows.append((key, source_id))
            self._by_key.setdefault(key, []).append(source_id)

    def sources(self, keys: Iterable[int]) -> set[int]:
        """The group's sources holding one of ``keys``."""
        by_key = self._by_key
        return {source_id for key in keys for source_id in by_key.get(key, ())}

    def truncate(self, mark: int) -> None:
        """Forget the rows added after the first ``mark`` (a source rolled back to its savepoint)."""
        for key, source_id in self._rows[mark:]:
            holders = self._by_key[key]
            holders.remove(source_id)
            if not holders:
                del self._by_key[key]
        del self._rows[mark:]

    def take(self) -> list[tuple[int, int]]:
        """Every row, sorted by key, and nothing held any more."""
        rows = sorted(self._rows)
        self.clear()
        return rows

    def clear(self) -> None:
        self._rows = []
        self._by_key = {}
