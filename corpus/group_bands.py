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
from itertools import repeat


class GroupBands:
    """Band keys of the sources of the group in flight, by key; see the module docstring."""

    def __init__(self) -> None:
        self._rows: list[tuple[int, int]] = []  # (key, source id), in the order the sources came
        self._first: dict[int, int] = {}  # key -> the first source holding it
        self._more: dict[int, list[int]] = {}  # key -> the sources after the first holding it (copies: rare)

    def __len__(self) -> int:
        return len(self._rows)

    def add(self, source_id: int, keys: Iterable[int]) -> None:
        new = dict.fromkeys(keys, source_id)
        self._rows.extend(zip(new, repeat(source_id)))
        for key in new.keys() & self._first.keys():
            del new[key]
            self._more.setdefault(key, []).append(source_id)
        self._first.update(new)

    def sources(self, keys: Iterable[int]) -> set[int]:
        """The group's sources holding one of ``keys``."""
        held = self._first.keys() & set(keys)
        found = {self._first[key] for key in held}
        for key in held & self._more.keys():
            found.update(self._more[key])
        return found

    def truncate(self, mark: int) -> None:
        """Forget the rows added after the first ``mark`` (a source rolled back to its savepoint)."""
        for key, source_id in self._rows[mark:]:
            more = self._more.get(key)
            if more and source_id in more:
                more.remove(source_id)
            elif self._first.get(key) == source_id:
                if more:
                    self._first[key] = more.pop(0)
                else:
                    del self._first[key]
            if more is not None and not more:
                del self._more[key]
        del self._rows[mark:]

    def take(self) -> list[tuple[int, int]]:
        """Every row, sorted by key, and nothing held any more."""
        rows = sorted(self._rows)
        self.clear()
        return rows

    def clear(self) -> None:
        self._rows = []
        self._first = {}
        self._more = {}
