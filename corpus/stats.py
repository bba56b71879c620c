"""``corpus stats``: what a store holds, counted by SQLite, cheap on a store of millions of sources.

Every figure is one aggregate query over an index (never the rows that hold whole
extracts, canonical texts or bytes), so no row comes into Python and the cost is
that of reading a few small b-trees:

- sources by status (``ok``, ``failed``), by reader and its version (with the version
  installed now: the sources ``corpus reread`` would read again), and by media type;
- documents by how many sources attest them (1, 2, 3–5, 6–10, 11–100, more), the
  documents merged into others, and the version links between documents;
- the bytes kept for sources removed without ``--purge`` (a count: their sizes would
  mean reading the bytes' rows);
- the events logged, and the store's size on disk: the file, its ``-wal`` journal, and
  the free pages inside the file that a ``VACUUM`` would give back.

The store is only read: the command opens it read-only, as ``corpus docs`` does.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.store import Store

# Documents by their number of sources: (label, fewest, most); None: no upper bound.
SOURCE_COUNT_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("1", 1, 1),
    ("2", 2, 2),
    ("3-5", 3, 5),
    ("6-10", 6, 10),
    ("11-100", 11, 100),
    (">100", 101, None),
)


@dataclass(frozen=True)
class ReaderCount:
    """The ok sources one version of one reader read, and the version of that reader installed now."""

    reader: str | None
    version: str | None
    sources: int
    installed_version: str | None  # None: no reader of that name is installed

    @property
    def outdated(self) -> bool:
        """Would ``corpus reread`` read these sources again (another version installed, or none)?"""
        return self.installed_version != self.version

    def to_dict(self) -> dict[str, Any]:
        return {
            "reader": self.reader,
            "version": self.version,
            "sources": self.sources,
            "installed_version": self.installed_version,
            "outdated": self.outdated,
        }


@dataclass(frozen=True)
class Stats:
    """What a store holds; :meth:`to_dict` is the one JSON object of ``corpus stats --json``."""

    path: str
    sources: int
    sources_by_status: Mapping[str, int]
    sources_by_reader: tuple[ReaderCount, ...]
    sources_by_media_type: Mapping[str, int]
    documents: int
    documents_by_source_count: Mapping[str, int]
    documents_merged: int
    versions: int
    removed_bytes_kept: int
    events: int
    file_bytes: int
    wal_bytes: int
    free_bytes: int

    @property
    def store_bytes(self) -> int:
        """The store's size on disk: the file and its write-ahead log."""
        return self.file_bytes + self.wal_bytes

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "sources": self.sources,
            "sources_by_status": dict(self.sources_by_status),
            "sources_by_reader": [r.to_dict() for r in self.sources_by_reader],
            "sources_by_media_type": dict(self.sources_by_media_type),
            "sources_to_reread": sum(r.sources for r in self.sources_by_reader if r.outdated),
            "documents": self.documents,
            "documents_by_source_count": dict(self.documents_by_source_count),
            "documents_merged": self.documents_merged,
            "versions": self.versions,
            "removed_bytes_kept": self.removed_bytes_kept,
            "events": self.events,
            "store_bytes": self.store_bytes,
            "file_bytes": self.file_bytes,
            "wal_bytes": self.wal_bytes,
            "free_bytes": self.free_bytes,
        }


def store_stats(store: Store, installed: Mapping[str, str]) -> Stats:
    """Count what ``store`` holds; ``installed`` maps each installed reader's name to its version.

    Read in one transaction, so the figures agree with each other while a writer adds.
    """
    db = store.db

    def one(sql: str) -> int:
        return int(db.execute(sql).fetchone()[0] or 0)

    db.execute("BEGIN")
    try:
        by_status = {str(s): int(n) for s, n in db.execute("SELECT status, count(*) FROM sources GROUP BY status")}
        readers = tuple(
            ReaderCount(r, v, int(n), installed.get(r) if r is not None else None)
            for r, v, n in db.execute(
                "SELECT reader, reader_version, count(*) FROM sources WHERE status = 'ok' "
                "GROUP BY reader, reader_version ORDER BY reader, reader_version"
            )
        )
        media = {
            str(m or "unknown"): int(n)
            for m, n in db.execute(
                "SELECT media_type, count(*) FROM sources GROUP BY media_type ORDER BY count(*) DESC, media_type"
            )
        }
        cases = " ".join(
            f"WHEN n <= {most} THEN '{label}'" for label, _, most in SOURCE_COUNT_BUCKETS if most is not None
        )
        counted = dict(
            db.execute(
                f"""SELECT CASE {cases} ELSE '{SOURCE_COUNT_BUCKETS[-1][0]}' END, count(*) FROM
                    (SELECT count(*) AS n FROM provenance GROUP BY document_id) GROUP BY 1"""
            ).fetchall()
        )
        by_count = {label: int(counted.get(label, 0)) for label, _, _ in SOURCE_COUNT_BUCKETS}
        documents = one("SELECT count(*) FROM documents WHERE merged_into IS NULL")
        merged = one("SELECT count(*) FROM documents WHERE merged_into IS NOT NULL")
        versions = one("SELECT count(*) FROM relations WHERE relation = 'version'") // 2
        # Each source has its own bytes (sha256 is unique): the other blobs are kept for removed sources.
        kept = one("SELECT count(*) FROM blobs") - one("SELECT count(*) FROM sources")
        # The log is append-only (a trigger refuses deletes), so its highest id is its length.
        events = one("SELECT max(id) FROM events")
        page_size = one("PRAGMA page_size")
        free = one("PRAGMA freelist_count") * page_size
    finally:
        db.execute("COMMIT")
    return Stats(
        path=str(store.path),
        sources=sum(by_status.values()),
        sources_by_status={"ok": by_status.get("ok", 0), "failed": by_status.get("failed", 0)},
        sources_by_reader=readers,
        sources_by_media_type=media,
        documents=documents,
        documents_by_source_count=by_count,
        documents_merged=merged,
        versions=versions,
        removed_bytes_kept=max(kept, 0),
        events=events,
        file_bytes=_size(store.path),
        wal_bytes=_size(Path(f"{store.path}-wal")),
        free_bytes=free,
    )


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0
