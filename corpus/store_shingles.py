"""The store's table of canonical shingles: what matching needs of a document, without its text.

Matching a new source verifies every candidate document against its canonical text.
Most candidates turn out unrelated on their shingles alone (a paragraph shared with
thousands of documents brings many), and for those the text's tokens are never
needed: only the hashes of its shingles (4 bytes each), its exact key and whether it
is short. They are kept here, one row a document (migration m008), written when the
commit stage fingerprints a canonical text and dropped by :meth:`Store.save_canonical`
whenever the text changes, so a row is never stale; a document without one (a store
from before, a text rebuilt by ``corpus check --repair``) is fingerprinted once more
and its row written then.

A stored row gives a :class:`StoredShingles`, which makes the text's tokens only if an
alignment asks for them (a candidate related enough to be a copy or a version).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import cached_property
from itertools import chain

from corpus import normalise
from corpus.fingerprint import Shingled


class StoredShingles:
    """A canonical text's shingles from the store; ``tokens`` are read and made on first use."""

    def __init__(self, hashes: bytes, exact_key: str, is_short: bool, paragraphs: Callable[[], list[str]]) -> None:
        self.hashes = hashes
        self.exact_key = exact_key
        self.is_short = is_short
        self._paragraphs = paragraphs

    @property
    def shingle_count(self) -> int:
        return len(self.hashes) // 4

    @cached_property
    def tokens(self) -> tuple[str, ...]:
        """The text's token stream, as :func:`corpus.fingerprint.fingerprint` makes it."""
        return tuple(chain.from_iterable(map(normalise.token_tuple, self._paragraphs())))


def load(db: sqlite3.Connection, document_id: int, paragraphs: Callable[[], list[str]]) -> StoredShingles | None:
    """The document's stored shingles (``paragraphs`` reads its text, should tokens be needed); None if none."""
    row = db.execute(
        "SELECT hashes, exact_key, short FROM canonical_shingles WHERE document_id = ?", (document_id,)
    ).fetchone()
    return StoredShingles(bytes(row[0]), str(row[1]), bool(row[2]), paragraphs) if row else None


def save(db: sqlite3.Connection, document_id: int, shingled: Shingled) -> None:
    """Keep the shingles of the document's canonical text as it is now."""
    db.execute(
        "INSERT OR REPLACE INTO canonical_shingles (document_id, exact_key, short, hashes) VALUES (?, ?, ?, ?)",
        (document_id, shingled.exact_key, int(shingled.is_short), shingled.hashes),
    )


def drop(db: sqlite3.Connection, *document_ids: int) -> None:
    """Forget the shingles of these documents (their text changed, or they are gone)."""
    db.executemany("DELETE FROM canonical_shingles WHERE document_id = ?", [(d,) for d in document_ids])
