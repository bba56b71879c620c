"""The band keys a group holds until its commit: the same answers as the rows themselves would give.

Whole adds on real files are in test_matching and test_plugins (a source rolled back
with its held keys); here the holder alone, against a list of its rows, with sources
sharing keys (copies do) and sources rolled back.
"""

from __future__ import annotations

import random

from corpus.group_bands import GroupBands


def test_held_band_keys_answer_as_their_rows_do() -> None:
    rng = random.Random(3)
    for _ in range(200):
        held, rows = GroupBands(), list[tuple[int, int]]()
        for source_id in range(1, 40):
            keys = [rng.randrange(60) for _ in range(rng.randrange(0, 8))]  # few keys: many shared
            mark, rows_mark = len(held), len(rows)
            held.add(source_id, keys)
            rows += [(key, source_id) for key in dict.fromkeys(keys)]
            if rng.random() < 0.2:  # this source rolled back to its savepoint
                held.truncate(mark)
                del rows[rows_mark:]
            asked = [rng.randrange(60) for _ in range(5)]
            assert held.sources(asked) == {s for key, s in rows if key in asked}
            assert len(held) == len(rows)
        assert held.take() == sorted(rows)
        assert len(held) == 0 and held.sources(range(60)) == set()
