"""The store: one SQLite file holding bytes, sources, documents, provenance, index and events.

Only this module (with its companions ``store_file``, ``store_shingles``) speaks
SQL. Each source is added in one transaction (:meth:`Store.transaction`), so a
crash leaves the corpus as it was before that source and the next run carries on.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from corpus import store_file, store_shingles
from corpus.canonical import Canonical, SourceText
from corpus.errors import SettingsMismatchError, StoreError
from corpus.extract import Extract
from corpus.fingerprint import FingerprintSettings
from corpus.migrations import latest_version, migrate, next_id
from corpus.store_rows import DocumentRow as DocumentRow
from corpus.store_rows import Seen as Seen
from corpus.store_rows import SourceRow as SourceRow


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Store:
    """A corpus store on disk. Open with :meth:`open`; close with :meth:`close`."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: Path | str, settings: FingerprintSettings, *, read_only: bool = False) -> Store:
        """Open the corpus store at ``path``, refusing, untouched, any file that is not one.

        To add (``read_only=False``) the store is created when there is none yet: no file,
        an empty (0-byte) file, or an SQLite file with nothing in it. Those hold nothing to
        lose, and an empty file is what ``mktemp`` or ``touch`` leaves for a store to be made in.

        To read (``read_only=True``) the store must exist, nothing is created beside it and
        nothing in it is written, so a read-only file or folder is enough. One exception: a
        store of an older schema is upgraded first, which needs write access.

        Refused with a :class:`StoreError` naming the path, the file left byte for byte as it
        was: a folder, a file that is not SQLite, another program's SQLite database, a store
        of a newer schema than this code knows, a store built with other fingerprint settings
        (:class:`SettingsMismatchError`), a file or folder this user may not read (or, to add,
        write).
        """
        path = Path(path)
        recorded = store_file.examine(path)
        if recorded is None and read_only:
            if path.exists():
                raise StoreError(
                    f"{path} is empty, not a corpus store yet; nothing was written: "
                    f"`corpus --db {path} add FILE…` makes it one"
                )
            raise StoreError(
                f"no corpus store at {path}; nothing was created: check the path (--db or $CORPUS_DB), "
                f"or create the store with `corpus --db {path} add FILE…`"
            )
        latest = latest_version()
        version = max(recorded, default=0) if recorded is not None else None
        if version is not None and version > latest:
            raise StoreError(
                f"the store {path} has schema version {version}, but {store_file.corpus_version()} knows "
                f"schema versions up to {latest}: the store was written by a newer corpus; "
                "install a newer corpus to open it"
            )
        upgrade = recorded is not None and not recorded >= set(range(1, latest + 1))
        writes = not read_only or upgrade
        if writes:
            store_file.check_writable(path, exists=path.exists(), upgrade_only=read_only)
        try:
            db = store_file.connect_for_writing(path) if writes else store_file.connect_for_reading(path)
        except sqlite3.Error as exc:
            raise store_file.explain(path, exc, opening=True) from exc
        store = cls(db, path)
        try:
            if writes:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA foreign_keys=ON")
                db.execute("PRAGMA synchronous=NORMAL")
                migrate(db)
            if read_only:
                db.execute("PRAGMA query_only=ON")
            store._check_settings(settings, record=not read_only)
        except sqlite3.Error as exc:
            db.close()
            raise store_file.explain(path, exc, opening=True) from exc
        except Exception:
            db.close()
            raise
        return store

    def close(self) -> None:
        self.db.close()

    def _schema_version(self) -> int:
        exists = self.db.execute("SELECT 1 FROM sqlite_master WHERE name='_migrations'").fetchone()
        if not exists:
            return 0
        row = self.db.execute("SELECT max(version) FROM _migrations").fetchone()
        return int(row[0] or 0)

    def _check_settings(self, settings: FingerprintSettings, *, record: bool = True) -> None:
        stored = dict(self.db.execute("SELECT key, value FROM settings").fetchall())
        wanted = settings.to_strings()
        if not stored:
            # Only a store whose first add was cut short has none; reading it must not write them.
            if record:
                with self.transaction():
                    self.db.executemany("INSERT INTO settings VALUES (?, ?)", sorted(wanted.items()))
            return
        differ = settings.mismatches(stored)
        if differ:
            detail = ", ".join(f"{k}: store has {a!r}, asked for {b!r}" for k, (a, b) in differ.items())
            if "normaliser" in differ:
                fix = (
                    "this version of corpus normalises text differently from the one that built it: "
                    "build a new store and add the sources again, or use the corpus version that built it"
                )
            else:
                fix = "open it with its own settings or build a new store"
            raise SettingsMismatchError(
                f"the store {self.path} was built with other fingerprint settings ({detail}); {fix}"
            )

    def settings(self) -> FingerprintSettings:
        return FingerprintSettings.from_strings(dict(self.db.execute("SELECT key, value FROM settings")))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- bytes and sources ---------------------------------------------------------
    def put_blob(self, sha256: str, size: int, compressed: bytes) -> None:
        """Keep a source's original bytes, already zlib-compressed (the per-source stage does it)."""
        self.db.execute(
            "INSERT OR IGNORE INTO blobs (sha256, size, compression, data) VALUES (?, ?, 'zlib', ?)",
            (sha256, size, compressed),
        )

    def blob(self, sha256: str) -> bytes:
        row = self.db.execute("SELECT compression, data FROM blobs WHERE sha256 = ?", (sha256,)).fetchone()
        if row is None:
            raise StoreError(f"no bytes stored for sha256 {sha256}")
        return zlib.decompress(row[1]) if row[0] == "zlib" else bytes(row[1])

    def replace_blob(self, sha256: str, size: int, compressed: bytes) -> None:
        """Put back a source's bytes whose stored copy was damaged (``corpus check --repair``)."""
        update = "UPDATE blobs SET size = ?, compression = 'zlib', data = ? WHERE sha256 = ?"
        self.db.execute(update, (size, compressed, sha256))
        self.put_blob(sha256, size, compressed)

    def each_stored_source(self) -> Iterator[tuple[Any, ...]]:
        """(id, sha256, status, extract JSON, minhash, blob size, compression, compressed bytes) of every
        source, oldest first, one row in memory at a time; the blob's columns are None when it is missing."""
        yield from self.db.execute(
            """SELECT s.id, s.sha256, s.status, s.extract, s.minhash, b.size, b.compression, b.data
               FROM sources s LEFT JOIN blobs b ON b.sha256 = s.sha256 ORDER BY s.id"""
        )

    def source_id_for(self, sha256: str) -> int | None:
        row = self.db.execute("SELECT id FROM sources WHERE sha256 = ?", (sha256,)).fetchone()
        return int(row[0]) if row else None

    def insert_source(
        self,
        *,
        sha256: str,
        status: str,
        media_type: str | None,
        encoding: str | None,
        encoding_confidence: float | None,
        reader: str | None = None,
        reader_version: str | None = None,
        error: str | None = None,
        extract: Extract | None = None,
        exact_key: str | None = None,
        minhash: bytes | None = None,
        id: int | None = None,
    ) -> int:
        """Insert a source row; ``id`` reuses the id of a failed attempt being retried."""
        cur = self.db.execute(
            f"""INSERT INTO sources (id, sha256, media_type, encoding, encoding_confidence, reader,
                   reader_version, status, error, extract, exact_key, minhash, added_at)
               VALUES (coalesce(?, {next_id("sources")}), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                id,
                sha256,
                media_type,
                encoding,
                encoding_confidence,
                reader,
                reader_version,
                status,
                error,
                json.dumps(extract.to_dict(), ensure_ascii=False) if extract else None,
                exact_key,
                minhash,
                now(),
            ),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    def delete_failed_source(self, source_id: int) -> None:
        """Forget a failed attempt before retrying it under the same id.

        Foreign keys are checked at commit (deferred), so its locations stay attached
        to the id that the retry re-inserts in the same transaction.
        """
        self.db.execute("PRAGMA defer_foreign_keys = ON")
        self.db.execute("DELETE FROM sources WHERE id = ? AND status = 'failed'", (source_id,))

    def add_location(self, source_id: int, location: str, details: Sequence[tuple[str, str]] = ()) -> bool:
        """Record where a source was seen; the first time a location is seen is the one kept."""
        cur = self.db.execute(
            "INSERT OR IGNORE INTO locations (source_id, location, added_at, details) VALUES (?, ?, ?, ?)",
            (source_id, location, now(), json.dumps(dict(details), ensure_ascii=False)),
        )
        return cur.rowcount > 0

    def seen(self, source_id: int) -> tuple[Seen, ...]:
        """Each location of a source with the time it was first seen and its details, oldest first."""
        rows = self.db.execute(
            "SELECT location, added_at, details FROM locations WHERE source_id = ? ORDER BY added_at, location",
            (source_id,),
        )
        return tuple(Seen(r[0], r[1], json.loads(r[2])) for r in rows)

    def locations(self, source_id: int) -> tuple[str, ...]:
        rows = self.db.execute(
            "SELECT location FROM locations WHERE source_id = ? ORDER BY added_at, location", (source_id,)
        )
        return tuple(r[0] for r in rows)

    def sources_without_location(self) -> list[int]:
        """Sources no location is recorded for: nothing says where their bytes came from."""
        rows = self.db.execute(
            "SELECT id FROM sources s WHERE NOT EXISTS (SELECT 1 FROM locations l WHERE l.source_id = s.id) ORDER BY id"
        )
        return [int(r[0]) for r in rows]

    _SOURCE_COLUMNS = """s.id, s.sha256, s.status, s.media_type, s.encoding, s.encoding_confidence,
        s.reader, s.reader_version, s.error, s.added_at, s.extract, p.document_id, p.joined_as,
        p.joined_similarity, p.similarity"""

    def _source_row(self, row: Sequence[Any]) -> SourceRow:
        extract = Extract.from_dict(json.loads(row[10])) if row[10] else None
        seen = self.seen(row[0])
        return SourceRow(
            id=row[0],
            sha256=row[1],
            status=row[2],
            media_type=row[3],
            encoding=row[4],
            encoding_confidence=row[5],
            reader=row[6],
            reader_version=row[7],
            error=row[8],
            added_at=row[9],
            extract=extract,
            document_id=row[11],
            joined_as=row[12],
            joined_similarity=row[13],
            similarity=row[14],
            locations=tuple(place.location for place in seen),
            seen=seen,
        )

    def source(self, source_id: int) -> SourceRow | None:
        row = self.db.execute(
            f"SELECT {self._SOURCE_COLUMNS} FROM sources s LEFT JOIN provenance p ON p.source_id = s.id WHERE s.id = ?",
            (source_id,),
        ).fetchone()
        return self._source_row(row) if row else None

    def sources(self, *, document_id: int | None = None, status: str | None = None) -> list[SourceRow]:
        where: list[str] = []
        args: list[object] = []
        if document_id is not None:
            where.append("p.document_id = ?")
            args.append(document_id)
        if status is not None:
            where.append("s.status = ?")
            args.append(status)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self.db.execute(
            f"SELECT {self._SOURCE_COLUMNS} FROM sources s LEFT JOIN provenance p ON p.source_id = s.id "
            f"{clause} ORDER BY s.id",
            args,
        ).fetchall()
        return [self._source_row(r) for r in rows]

    def source_texts(self, document_id: int) -> list[SourceText]:
        rows = self.db.execute(
            "SELECT s.id, s.extract FROM sources s JOIN provenance p ON p.source_id = s.id "
            "WHERE p.document_id = ? ORDER BY s.id",
            (document_id,),
        ).fetchall()
        out = []
        for source_id, raw in rows:
            extract = Extract.from_dict(json.loads(raw))
            out.append(SourceText(source_id, extract.title, extract.paragraphs, extract.metadata))
        return out

    def unattached_sources(self) -> list[tuple[int, int | None, bool]]:
        """Ok sources without a live document: (source id, its provenance's document or None, whether that exists)."""
        rows = self.db.execute(
            """SELECT s.id, p.document_id, d.id IS NOT NULL FROM sources s LEFT JOIN provenance p ON p.source_id = s.id
               LEFT JOIN documents d ON d.id = p.document_id
               WHERE s.status = 'ok' AND (d.id IS NULL OR d.merged_into IS NOT NULL) ORDER BY s.id"""
        )
        return [(int(s), d, bool(e)) for s, d, e in rows]

    def stray_provenance(self) -> list[tuple[int, int]]:
        """(source id, document id) of provenance whose source is failed or missing."""
        rows = self.db.execute(
            "SELECT p.source_id, p.document_id FROM provenance p LEFT JOIN sources s ON s.id = p.source_id "
            "WHERE s.status IS NOT 'ok' ORDER BY p.source_id"
        )
        return [(int(s), int(d)) for s, d in rows]

    def move_source(self, source_id: int, document_id: int | None) -> None:
        """Point a source's provenance at another document; with None, drop it (``corpus check --repair``)."""
        if document_id is None:
            self.db.execute("DELETE FROM provenance WHERE source_id = ?", (source_id,))
        else:
            self.db.execute("UPDATE provenance SET document_id = ? WHERE source_id = ?", (document_id, source_id))

    # -- index ---------------------------------------------------------------------
    def add_band_rows(self, rows: Iterable[tuple[int, int]]) -> None:
        """(key, source id) rows of the LSH index; sorted by key, many sources' rows go in quicker."""
        self.db.executemany("INSERT OR IGNORE INTO lsh_bands (key, source_id) VALUES (?, ?)", rows)

    def documents_of(self, source_ids: Iterable[int]) -> set[int]:
        """The documents these sources are in."""
        return self._ids_where_in(
            "SELECT DISTINCT document_id FROM provenance WHERE source_id IN ({})", sorted(set(source_ids))
        )

    def candidate_documents(self, keys: Sequence[int]) -> set[int]:
        """Documents with a source sharing at least one LSH band key."""
        return self._ids_where_in(
            """SELECT DISTINCT p.document_id FROM lsh_bands b
               JOIN provenance p ON p.source_id = b.source_id WHERE b.key IN ({})""",
            keys,
        )

    def exact_documents(self, exact_key: str) -> set[int]:
        rows = self.db.execute(
            """SELECT DISTINCT p.document_id FROM sources s JOIN provenance p ON p.source_id = s.id
               WHERE s.exact_key = ?""",
            (exact_key,),
        )
        return {r[0] for r in rows}

    def index_paragraphs(self, source_id: int, keys: Iterable[int]) -> None:
        self.db.executemany(
            "INSERT OR IGNORE INTO paragraph_index (key, source_id) VALUES (?, ?)", [(k, source_id) for k in keys]
        )

    def documents_sharing(self, keys: Iterable[int], max_documents: int) -> dict[int, int]:
        """Document id → how many of ``keys`` its sources attest, over keys found in at most ``max_documents``.

        A paragraph that many documents share says nothing about which one a source
        belongs to, and reading all its rows would cost as much as it is common: each
        key's lookup stops after ``max_documents + 1`` documents.
        """
        shared: dict[int, int] = {}
        for key in keys:
            rows = self.db.execute(
                """SELECT DISTINCT p.document_id FROM paragraph_index i JOIN provenance p ON p.source_id = i.source_id
                   WHERE i.key = ? LIMIT ?""",
                (key, max_documents + 1),
            ).fetchall()
            if len(rows) <= max_documents:
                for (document_id,) in rows:
                    shared[document_id] = shared.get(document_id, 0) + 1
        return shared

    def paragraph_keys_held(self, keys: Sequence[int]) -> set[int]:
        """Which of ``keys`` some stored source attests."""
        return self._ids_where_in("SELECT DISTINCT key FROM paragraph_index WHERE key IN ({})", keys)

    def _ids_where_in(self, query: str, keys: Sequence[int]) -> set[int]:
        """The first column of ``query`` (its ``IN ({})`` filled with ``keys``), 500 keys a statement."""
        found: set[int] = set()
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            found.update(r[0] for r in self.db.execute(query.format(",".join("?" * len(chunk))), list(chunk)))
        return found

    @staticmethod
    def _index_table(index: str) -> str:
        """The table of an index of sources, as ``corpus check`` names them: ``lsh`` or ``paragraph``."""
        return {"lsh": "lsh_bands", "paragraph": "paragraph_index"}[index]

    def index_rows(self, index: str) -> Iterator[tuple[int, int]]:
        """(source id, key) of every row of an index, by source id: SQLite sorts them in bounded memory."""
        yield from self.db.execute(f"SELECT source_id, key FROM {self._index_table(index)} ORDER BY source_id, key")

    def index_strays(self, index: str) -> list[tuple[int, int]]:
        """(source id, how many rows) of an index's rows that belong to no ok source."""
        rows = self.db.execute(
            f"SELECT source_id, count(*) FROM {self._index_table(index)} WHERE source_id NOT IN "
            "(SELECT id FROM sources WHERE status = 'ok') GROUP BY source_id ORDER BY source_id"
        )
        return [(int(s), int(n)) for s, n in rows]

    def unindex(self, index: str, source_id: int | None, keys: Iterable[int] = ()) -> None:
        """Drop a source's rows with these keys from an index; with None, the rows of no ok source."""
        table = self._index_table(index)
        if source_id is None:
            self.db.execute(f"DELETE FROM {table} WHERE source_id NOT IN (SELECT id FROM sources WHERE status = 'ok')")
        else:
            self.db.executemany(f"DELETE FROM {table} WHERE key = ? AND source_id = ?", [(k, source_id) for k in keys])

    # -- documents -----------------------------------------------------------------
    def create_document(self, id: int | None = None) -> int:
        """A new, empty document: ``id``, or one never given before (to a removed one either)."""
        stamp, new = now(), next_id("documents")
        cur = self.db.execute(
            f"INSERT INTO documents (id, created_at, updated_at) VALUES (coalesce(?, {new}), ?, ?)", (id, stamp, stamp)
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    def attach(
        self,
        source_id: int,
        document_id: int,
        *,
        joined_as: str,
        joined_similarity: float | None,
        jaccard: float | None,
        containment: float | None,
        settings: Mapping[str, str],
    ) -> None:
        self.db.execute(
            """INSERT INTO provenance (source_id, document_id, joined_as, joined_similarity, similarity,
                   jaccard, containment, settings, joined_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                source_id,
                document_id,
                joined_as,
                joined_similarity,
                joined_similarity,
                jaccard,
                containment,
                json.dumps(dict(settings), sort_keys=True),
                now(),
            ),
        )

    def attest(self, document_id: int, source_id: int, positions: Iterable[int]) -> None:
        """Add a source to the sources attesting the canonical paragraphs at ``positions``."""
        wanted = set(positions)
        rows = self.db.execute("SELECT position, sources FROM paragraphs WHERE document_id = ?", (document_id,))
        updates = [
            (json.dumps(sorted({*json.loads(sources), source_id})), document_id, position)
            for position, sources in rows
            if position in wanted
        ]
        self.db.executemany("UPDATE paragraphs SET sources = ? WHERE document_id = ? AND position = ?", updates)

    def set_similarity(self, source_id: int, similarity: float) -> None:
        self.db.execute("UPDATE provenance SET similarity = ? WHERE source_id = ?", (similarity, source_id))

    def merge_documents(self, survivor: int, absorbed: int) -> None:
        self.db.execute("UPDATE provenance SET document_id = ? WHERE document_id = ?", (survivor, absorbed))
        self.db.execute("DELETE FROM paragraphs WHERE document_id = ?", (absorbed,))
        self.db.execute("DELETE FROM canonical_builds WHERE document_id IN (?, ?)", (survivor, absorbed))
        store_shingles.drop(self.db, survivor, absorbed)
        self.db.execute(
            "UPDATE documents SET merged_into = ?, updated_at = ? WHERE id = ?", (survivor, now(), absorbed)
        )
        self.db.execute("UPDATE documents SET merged_into = ? WHERE merged_into = ?", (survivor, absorbed))
        self.db.execute("UPDATE OR IGNORE relations SET document_id = ? WHERE document_id = ?", (survivor, absorbed))
        self.db.execute("UPDATE OR IGNORE relations SET other_id = ? WHERE other_id = ?", (survivor, absorbed))
        self.db.execute("DELETE FROM relations WHERE document_id = ? OR other_id = ?", (absorbed, absorbed))
        self.db.execute("DELETE FROM relations WHERE document_id = other_id")

    def save_canonical(self, document_id: int, canonical: Canonical) -> None:
        self.db.execute("DELETE FROM paragraphs WHERE document_id = ?", (document_id,))
        store_shingles.drop(self.db, document_id)  # the text changes: its shingles are made again
        self.db.executemany(
            "INSERT INTO paragraphs (document_id, position, text, sources) VALUES (?, ?, ?, ?)",
            [(document_id, i, p.text, _id_list(p.sources)) for i, p in enumerate(canonical.paragraphs)],
        )
        text = canonical.text
        self.db.execute(
            "UPDATE documents SET title = ?, text = ?, chars = ?, updated_at = ? WHERE id = ?",
            (canonical.title, text, len(text), now(), document_id),
        )

    def canonical_build(self, document_id: int) -> bytes | None:
        """What building the document's canonical text kept (``Build.to_bytes``), if it was kept."""
        row = self.db.execute("SELECT state FROM canonical_builds WHERE document_id = ?", (document_id,)).fetchone()
        return bytes(row[0]) if row else None

    def save_canonical_build(self, document_id: int, state: bytes | None) -> None:
        """Keep (or, with None, forget) what building the canonical text kept."""
        if state is None:
            self.db.execute("DELETE FROM canonical_builds WHERE document_id = ?", (document_id,))
        else:
            self.db.execute(
                "INSERT OR REPLACE INTO canonical_builds (document_id, state) VALUES (?, ?)", (document_id, state)
            )

    def document_sources(self, document_id: int) -> list[int]:
        """The ids of a document's sources, oldest first."""
        rows = self.db.execute(
            "SELECT source_id FROM provenance WHERE document_id = ? ORDER BY source_id", (document_id,)
        )
        return [int(r[0]) for r in rows]

    def resolve_document(self, document_id: int) -> int | None:
        """The live document an id refers to, following merges; None if there is none."""
        seen: set[int] = set()
        current = document_id
        while current not in seen:
            seen.add(current)
            row = self.db.execute("SELECT merged_into FROM documents WHERE id = ?", (current,)).fetchone()
            if row is None:
                return None
            if row[0] is None:
                return current
            current = int(row[0])
        return None

    def document(self, document_id: int) -> DocumentRow | None:
        row = self.db.execute(
            "SELECT id, title, text, created_at, updated_at FROM documents WHERE id = ? AND merged_into IS NULL",
            (document_id,),
        ).fetchone()
        return DocumentRow(*row) if row else None

    def summaries(self) -> list[tuple[int, str | None, int, int]]:
        """(id, title, characters, source count) of the live documents, oldest first; reads no text."""
        rows = self.db.execute(
            """SELECT d.id, d.title, d.chars, count(p.source_id)
               FROM documents d LEFT JOIN provenance p ON p.document_id = d.id
               WHERE d.merged_into IS NULL GROUP BY d.id ORDER BY d.id"""
        ).fetchall()
        return [(int(i), t, int(c), int(n)) for i, t, c, n in rows]

    def documents(self) -> list[tuple[DocumentRow, int]]:
        """Live documents with their source counts, oldest first."""
        rows = self.db.execute(
            """SELECT d.id, d.title, d.text, d.created_at, d.updated_at, count(p.source_id)
               FROM documents d LEFT JOIN provenance p ON p.document_id = d.id
               WHERE d.merged_into IS NULL GROUP BY d.id ORDER BY d.id"""
        ).fetchall()
        return [(DocumentRow(*r[:5]), int(r[5])) for r in rows]

    def paragraphs(self, document_id: int) -> list[tuple[str, tuple[int, ...]]]:
        rows = self.db.execute(
            "SELECT text, sources FROM paragraphs WHERE document_id = ? ORDER BY position", (document_id,)
        )
        return [(text, tuple(json.loads(src))) for text, src in rows]

    def each_live_document(self) -> Iterator[tuple[int, str | None, str, int]]:
        """(id, title, text, chars) of every live document, oldest first, one in memory at a time."""
        yield from self.db.execute("SELECT id, title, text, chars FROM documents WHERE merged_into IS NULL ORDER BY id")

    def documents_without_sources(self) -> list[int]:
        rows = self.db.execute(
            "SELECT id FROM documents d WHERE merged_into IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM provenance p WHERE p.document_id = d.id) ORDER BY id"
        )
        return [int(r[0]) for r in rows]

    _NOT_LIVE = "document_id NOT IN (SELECT id FROM documents WHERE merged_into IS NULL)"

    def stray_document_rows(self) -> list[tuple[str, int]]:
        """(table, document id) of canonical paragraphs and kept builds of documents merged away or missing."""
        rows = self.db.execute(
            f"""SELECT 'paragraphs', document_id FROM paragraphs WHERE {self._NOT_LIVE} GROUP BY document_id
                UNION ALL SELECT 'canonical_builds', document_id FROM canonical_builds WHERE {self._NOT_LIVE}
                UNION ALL SELECT 'canonical_shingles', document_id FROM canonical_shingles WHERE {self._NOT_LIVE}"""
        )
        return [(str(t), int(d)) for t, d in rows]

    def drop_stray_document_rows(self) -> None:
        self.db.execute(f"DELETE FROM paragraphs WHERE {self._NOT_LIVE}")
        self.db.execute(f"DELETE FROM canonical_builds WHERE {self._NOT_LIVE}")
        self.db.execute(f"DELETE FROM canonical_shingles WHERE {self._NOT_LIVE}")

    def relate(self, document_id: int, other_id: int, relation: str, similarity: float | None) -> None:
        for a, b in ((document_id, other_id), (other_id, document_id)):
            self.db.execute(
                "INSERT OR REPLACE INTO relations (document_id, other_id, relation, similarity, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (a, b, relation, similarity, now()),
            )

    def related(self, document_id: int) -> list[tuple[int, str, float | None]]:
        rows = self.db.execute(
            "SELECT other_id, relation, similarity FROM relations WHERE document_id = ? ORDER BY other_id",
            (document_id,),
        )
        return [(int(a), str(b), c) for a, b, c in rows]

    # -- events --------------------------------------------------------------------
    def log(self, kind: str, *, document_id: int | None = None, source_id: int | None = None, **detail: Any) -> None:
        self.db.execute(
            "INSERT INTO events (at, kind, document_id, source_id, detail) VALUES (?, ?, ?, ?, ?)",
            (now(), kind, document_id, source_id, json.dumps(detail, ensure_ascii=False, sort_keys=True)),
        )

    def merge_refusals(self) -> list[tuple[int, int, int, dict[str, Any]]]:
        """Each ``merge-refused`` event with its source: (document joined, source, other document, detail)."""
        rows = self.db.execute(
            "SELECT document_id, source_id, detail FROM events"
            " WHERE kind = 'merge-refused' AND source_id IS NOT NULL ORDER BY id"
        )
        out = []
        for document_id, source_id, detail in rows:
            found = json.loads(detail)
            out.append((int(document_id), int(source_id), int(found["other"]), found))
        return out

    def events(self) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT id, at, kind, document_id, source_id, detail FROM events ORDER BY id")
        return [
            {"id": r[0], "at": r[1], "kind": r[2], "document_id": r[3], "source_id": r[4], **json.loads(r[5])}
            for r in rows
        ]

    def unlogged(self) -> list[tuple[str, int]]:
        """What the event log has no record of: ('source', id) added, ('document', id) live without an
        add event naming them; ('merged', id) merged without a merge event absorbing it."""
        rows = self.db.execute(
            """SELECT 'source', id FROM (SELECT id FROM sources WHERE status = 'ok'
                   EXCEPT SELECT source_id FROM events WHERE kind = 'add')
               UNION ALL SELECT 'document', id FROM (SELECT id FROM documents WHERE merged_into IS NULL
                   EXCEPT SELECT document_id FROM events WHERE kind = 'add')
               UNION ALL SELECT 'merged', id FROM (SELECT id FROM documents WHERE merged_into IS NOT NULL
                   EXCEPT SELECT json_extract(detail, '$.absorbed') FROM events WHERE kind = 'merge')"""
        )
        return [(str(k), int(i)) for k, i in rows]

    def latest_events(self, kind: str) -> Iterator[tuple[int, dict[str, Any]]]:
        """(document id, detail) of each document's latest event of a kind, by document id."""
        rows = self.db.execute(
            """SELECT e.document_id, e.detail FROM events e JOIN (SELECT max(id) AS id FROM events
               WHERE kind = ? AND document_id IS NOT NULL GROUP BY document_id) m ON m.id = e.id
               ORDER BY e.document_id""",
            (kind,),
        )
        return ((int(d), json.loads(detail)) for d, detail in rows)

    def source_event(self, source_id: int, kind: str) -> dict[str, Any] | None:
        """The latest event of a kind about a source, as :meth:`events` gives it."""
        row = self.db.execute(
            "SELECT id, at, kind, document_id, source_id, detail FROM events WHERE source_id = ? AND kind = ? "
            "ORDER BY id DESC LIMIT 1",
            (source_id, kind),
        ).fetchone()
        keys = ("id", "at", "kind", "document_id", "source_id")
        return {**dict(zip(keys, row, strict=False)), **json.loads(row[5])} if row else None

    def integrity_errors(self) -> list[str]:
        """What SQLite's own ``PRAGMA integrity_check`` finds wrong with the file (empty when nothing)."""
        return [str(r[0]) for r in self.db.execute("PRAGMA integrity_check") if r[0] != "ok"]

    def counts(self) -> dict[str, int]:
        one = self.db.execute
        return {
            "documents": one("SELECT count(*) FROM documents WHERE merged_into IS NULL").fetchone()[0],
            "sources": one("SELECT count(*) FROM sources WHERE status = 'ok'").fetchone()[0],
            "failed": one("SELECT count(*) FROM sources WHERE status = 'failed'").fetchone()[0],
            "copies": one("SELECT count(*) FROM provenance WHERE joined_as != 'new'").fetchone()[0],
            "versions": one("SELECT count(*) FROM relations WHERE relation = 'version'").fetchone()[0] // 2,
        }


def _id_list(ids: Iterable[int]) -> str:
    """``json.dumps(list(ids))`` for ids, the same text, without the JSON encoder's cost per paragraph."""
    return f"[{', '.join(map(str, map(int, ids)))}]"
