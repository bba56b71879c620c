"""Numbered schema migrations of the store, applied in order and recorded in a table.

Append a new ``mNNN_…`` function to change the schema; never edit one that shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

# A migration returns the SQL script it applies; it runs in one transaction.
Migration = Callable[[], str]


def m001_initial() -> str:
    return """
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

        -- Raw bytes of every source, compressed, addressed by sha256.
        CREATE TABLE blobs (
            sha256 TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            compression TEXT NOT NULL,
            data BLOB NOT NULL
        );

        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            title TEXT,
            text TEXT NOT NULL DEFAULT '',
            merged_into INTEGER REFERENCES documents(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        -- One row per distinct file content; failed sources too, with their reason.
        CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE REFERENCES blobs(sha256),
            media_type TEXT,
            encoding TEXT,
            encoding_confidence REAL,
            reader TEXT,
            reader_version TEXT,
            status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
            error TEXT,
            extract TEXT,
            exact_key TEXT,
            minhash BLOB,
            added_at TEXT NOT NULL
        );
        CREATE INDEX sources_exact_key ON sources(exact_key);

        -- Every place a source's bytes were seen.
        CREATE TABLE locations (
            source_id INTEGER NOT NULL REFERENCES sources(id),
            location TEXT NOT NULL,
            added_at TEXT NOT NULL,
            PRIMARY KEY (source_id, location)
        );

        -- How each source attests its document.
        CREATE TABLE provenance (
            source_id INTEGER PRIMARY KEY REFERENCES sources(id),
            document_id INTEGER NOT NULL REFERENCES documents(id),
            joined_as TEXT NOT NULL,
            joined_similarity REAL,
            similarity REAL,
            jaccard REAL,
            containment REAL,
            settings TEXT NOT NULL,
            joined_at TEXT NOT NULL
        );
        CREATE INDEX provenance_document ON provenance(document_id);

        CREATE TABLE paragraphs (
            document_id INTEGER NOT NULL REFERENCES documents(id),
            position INTEGER NOT NULL,
            text TEXT NOT NULL,
            sources TEXT NOT NULL,
            PRIMARY KEY (document_id, position)
        );

        -- LSH bands: one row per (band key, source); candidates are indexed lookups.
        CREATE TABLE lsh_bands (
            key INTEGER NOT NULL,
            source_id INTEGER NOT NULL REFERENCES sources(id)
        );
        CREATE INDEX lsh_bands_key ON lsh_bands(key);

        CREATE TABLE relations (
            document_id INTEGER NOT NULL REFERENCES documents(id),
            other_id INTEGER NOT NULL REFERENCES documents(id),
            relation TEXT NOT NULL,
            similarity REAL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (document_id, other_id)
        );

        -- Append-only log of every add, merge and canonical change.
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            document_id INTEGER,
            source_id INTEGER,
            detail TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        """


def m002_paragraph_index() -> str:
    # Which sources attest which paragraph (by a key of its normal form): how many
    # documents share a paragraph tells boilerplate from content.
    return """
        CREATE TABLE paragraph_index (
            key INTEGER NOT NULL,
            source_id INTEGER NOT NULL REFERENCES sources(id),
            PRIMARY KEY (key, source_id)
        ) WITHOUT ROWID;
        """


def m003_document_chars() -> str:
    # The length of each canonical text, so that listing documents reads no text.
    return """
        ALTER TABLE documents ADD COLUMN chars INTEGER NOT NULL DEFAULT 0;
        UPDATE documents SET chars = length(text);
        """


def m004_canonical_builds() -> str:
    # What building each canonical text keeps between sources (corpus.canonical_policy.Build),
    # so a source joining a document with many sources folds in without a rebuild from all.
    return """
        CREATE TABLE canonical_builds (
            document_id INTEGER PRIMARY KEY REFERENCES documents(id),
            state BLOB NOT NULL
        );
        """


def m005_lsh_bands_by_key() -> str:
    # The LSH table's one query is "sources with this band key": keyed by it, in one
    # b-tree with no rowid and no second index.
    return """
        CREATE TABLE lsh_bands_by_key (
            key INTEGER NOT NULL,
            source_id INTEGER NOT NULL REFERENCES sources(id),
            PRIMARY KEY (key, source_id)
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO lsh_bands_by_key (key, source_id) SELECT key, source_id FROM lsh_bands;
        DROP TABLE lsh_bands;
        ALTER TABLE lsh_bands_by_key RENAME TO lsh_bands;
        """


def m006_location_details() -> str:
    # What came with a location besides its name: a web-archive record's date, id and
    # HTTP headers, a URL's fetch time and final address (JSON, {} for a plain file).
    return """
        ALTER TABLE locations ADD COLUMN details TEXT NOT NULL DEFAULT '{}';
        """


def m007_lifecycle() -> str:
    # `corpus remove`, `reread` and `stats` (corpus.lifecycle): the highest source and
    # document id ever removed, so that no id is given twice (SQLite gives a new row the
    # highest id in its table plus one: see next_id); and indexes so that counting sources
    # by status, reader and media type, and finding the documents merged into one, read
    # an index, not rows that hold whole extracts and canonical texts.
    return """
        CREATE TABLE removed_ids (kind TEXT PRIMARY KEY, highest INTEGER NOT NULL) WITHOUT ROWID;
        CREATE INDEX sources_by_reader ON sources(status, reader, reader_version, media_type);
        CREATE INDEX documents_merged_into ON documents(merged_into);
        """


def m008_canonical_shingles() -> str:
    # The shingle hashes of each canonical text, so that matching a new source against a
    # candidate document reads 4 bytes a shingle instead of tokenising the document's text
    # again (corpus.store_shingles). A row is dropped whenever the text changes and made
    # again by the next match that needs it: stores from before start with none.
    return """
        CREATE TABLE canonical_shingles (
            document_id INTEGER PRIMARY KEY REFERENCES documents(id),
            exact_key TEXT NOT NULL,
            short INTEGER NOT NULL,
            hashes BLOB NOT NULL
        );
        """


def next_id(table: str) -> str:
    """An SQL expression for the id of a new row of ``table`` (``sources`` or ``documents``).

    One more than the highest id the table holds or ever gave to a row since removed
    (``removed_ids``, m007): an id users cite (in notes, in the event log) never comes
    to name another source or document.
    """
    assert table in ("sources", "documents")
    return (
        f"(SELECT max(coalesce((SELECT max(id) FROM {table}), 0), "
        f"coalesce((SELECT highest FROM removed_ids WHERE kind = '{table}'), 0)) + 1)"
    )


MIGRATIONS: list[Migration] = [
    m001_initial,
    m002_paragraph_index,
    m003_document_chars,
    m004_canonical_builds,
    m005_lsh_bands_by_key,
    m006_location_details,
    m007_lifecycle,
    m008_canonical_shingles,
]


def migrate(db: sqlite3.Connection) -> None:
    """Apply the migrations this store has not seen yet, each in its own transaction."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS _migrations"
        " (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    done = {row[0] for row in db.execute("SELECT version FROM _migrations")}
    for version, migration in enumerate(MIGRATIONS, start=1):
        if version in done:
            continue
        now = datetime.now(UTC).isoformat(timespec="seconds")
        record = f"INSERT INTO _migrations VALUES ({version}, '{migration.__name__}', '{now}');"
        try:
            # executescript commits any open transaction first, so the BEGIN must be
            # part of the script for the migration and its record to be atomic.
            db.executescript(f"BEGIN IMMEDIATE;\n{migration()}\n{record}\nCOMMIT;")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            # Two processes opening a new store at once both try its migrations: the one
            # that lost the race finds the migration recorded by the other and goes on.
            if db.execute("SELECT 1 FROM _migrations WHERE version = ?", (version,)).fetchone() is None:
                raise


def latest_version() -> int:
    return len(MIGRATIONS)
