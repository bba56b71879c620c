"""A part of an add committed apart (on a worker), and loaded into the store afterwards, in bulk.

A part is a set of whole components (:mod:`corpus.components`) that reach no document
of the store: its sources decide nothing but each other's documents. A worker commits
them, in input order, into a new store of its own made with the main store's
fingerprint settings, with the commit stage of every engine (:class:`corpus.commit.Committer`),
each source with what the plan fixed for it (:class:`corpus.commit.Planned`: the id of
its source row, the paragraph keys common for it). It hands back an :class:`Export`:
the rows of every table, the documents its sources made, and each source's result.

:func:`load` writes an export into the main store. Source ids were fixed by the plan;
document ids are given here, in the order the sources that made them come in the
input, so a store made in parts has the ids, and so the records, of one serial add.
The events of every part are written in input order at the end (:class:`EventLog`).
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from corpus import fingerprint as fp
from corpus.commit import UNPLANNED, Committer, Planned
from corpus.pluginhost import PluginHost
from corpus.prepare import Prepared
from corpus.records import AddResult
from corpus.store import Store

# The tables a part's store holds, in an order that loads them (rows referred to first).
# A migration that adds a table must say here how its rows load: an unknown table is an error.
TABLES = (
    "blobs",
    "documents",
    "sources",
    "locations",
    "provenance",
    "paragraphs",
    "relations",
    "lsh_bands",
    "lsh_bands_by_key",
    "paragraph_index",
    "canonical_builds",
    "canonical_shingles",
)
# Tables that are the store's own, not a part's rows (the event log loads apart, in input order).
NOT_LOADED = frozenset({"settings", "_migrations", "removed_ids", "events"})
# The columns that hold a document id, by table.
DOCUMENT_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "documents": ("id", "merged_into"),
    "provenance": ("document_id",),
    "paragraphs": ("document_id",),
    "relations": ("document_id", "other_id"),
    "canonical_builds": ("document_id",),
    "canonical_shingles": ("document_id",),
    "events": ("document_id",),
}
# Keys of an event's detail that hold a document id.
DOCUMENT_DETAILS = ("other", "absorbed")
MADE = ("new", "version")
"""The statuses of a source that made a document."""


@dataclass(frozen=True)
class Export:
    """What a part's commit made: every table's rows, its events and its sources' results.

    ``events`` are (source index, order, row) with the columns of :data:`EVENT_COLUMNS`;
    ``results`` (source index, result), in index order.
    """

    tables: Mapping[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]]
    events: list[tuple[int, int, tuple[Any, ...]]]
    results: list[tuple[int, AddResult]]

    @property
    def made(self) -> list[tuple[int, int]]:
        """(source index, id in the part) of each source that made a document, and that document."""
        return [(index, r.document_id) for index, r in self.results if r.status in MADE and r.document_id is not None]

    def documents(self) -> list[tuple[int, int]]:
        """(source index, id in the part) of the document each added source ended in."""
        columns, rows = self.tables["provenance"]
        source_at, document_at = columns.index("source_id"), columns.index("document_id")
        final = {row[source_at]: row[document_at] for row in rows}
        return [(index, final[result.source_id]) for index, result in self.results if result.source_id in final]


EVENT_COLUMNS = ("at", "kind", "document_id", "source_id", "detail")


def commit_part(
    items: Iterable[tuple[int, Prepared]],
    settings: fp.FingerprintSettings,
    planned: Mapping[int, Planned],
    folder: str | None = None,
) -> Export:
    """Commit ``items`` (index, prepared), in index order, into a new store of their own; its rows.

    Only the built-in canonical policy runs here (a plugin's policy is the driver's, and
    an add with one commits in this process): the part's host loads no plugin.
    """
    with tempfile.TemporaryDirectory(prefix="corpus-part-", dir=folder) as where:
        path = Path(where) / "part.db"
        store = Store.open(path, settings)
        try:
            committer = Committer(store, PluginHost(load_entry_points=False))
            results: list[tuple[int, AddResult]] = []
            spans: list[tuple[int, int]] = []  # (source index, the highest event id once it was added)
            for index, prepared in sorted(items, key=lambda pair: pair[0]):
                committer.add(prepared, planned.get(index, UNPLANNED))
                assert committer.last is not None
                results.append((index, committer.last))
                spans.append((index, _last_event(store.db)))
            committer.flush()
            return _export(store.db, results, spans)
        finally:
            store.close()


def _last_event(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0])


def _export(db: sqlite3.Connection, results: list[tuple[int, AddResult]], spans: list[tuple[int, int]]) -> Export:
    names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    unknown = names - set(TABLES) - NOT_LOADED - {name for name in names if name.startswith("sqlite_")}
    if unknown:
        raise AssertionError(f"a part's store has tables that corpus.part_commit does not load: {sorted(unknown)}")
    tables = {}
    for table in TABLES:
        if table in names:
            columns = tuple(row[1] for row in db.execute(f"PRAGMA table_info({table})"))
            tables[table] = (columns, db.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall())
    events: list[tuple[int, int, tuple[Any, ...]]] = []
    rows = db.execute(f"SELECT id, {', '.join(EVENT_COLUMNS)} FROM events ORDER BY id").fetchall()
    at = 0
    for event_id, *row in rows:
        while spans[at][1] < event_id:
            at += 1
        events.append((spans[at][0], event_id, tuple(row)))
    return Export(tables, events, results)


class EventLog:
    """The events of the parts, held in a temporary table and written into the log in input order."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS part_events (idx INTEGER, seq INTEGER, at, kind, document_id, "
            "source_id, detail)"
        )
        db.execute("DELETE FROM part_events")

    def hold(self, events: Iterable[tuple[int, int, tuple[Any, ...]]]) -> None:
        self.db.executemany(
            "INSERT INTO part_events VALUES (?, ?, ?, ?, ?, ?, ?)", ((i, s, *row) for i, s, row in events)
        )

    def write(self) -> None:
        """Append the held events to the store's log, in input order (the caller commits)."""
        self.db.execute(
            "INSERT INTO events (at, kind, document_id, source_id, detail) "
            "SELECT at, kind, document_id, source_id, detail FROM part_events ORDER BY idx, seq"
        )
        self.db.execute("DELETE FROM part_events")


def load(store: Store, export: Export, documents: Mapping[int, int], events: EventLog) -> list[tuple[int, AddResult]]:
    """Write ``export`` into ``store`` (in the caller's transaction); its results, with the store's document ids.

    ``documents`` maps each source index of :attr:`Export.made` to the id its document
    takes in the store.
    """
    ids = {local: documents[index] for index, local in export.made}

    def document(value: Any) -> Any:
        return ids[value] if value is not None else None

    for table in TABLES:
        if table not in export.tables:
            continue
        columns, rows = export.tables[table]
        remapped = [columns.index(name) for name in DOCUMENT_COLUMNS.get(table, ()) if name in columns]
        if remapped:
            rows = [_with(row, remapped, document) for row in rows]
        verb = "INSERT OR IGNORE" if table == "blobs" else "INSERT"  # bytes another part or an earlier add stored
        marks = ", ".join("?" * len(columns))
        store.db.executemany(f"{verb} INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
    at = EVENT_COLUMNS.index("document_id")
    detail_at = EVENT_COLUMNS.index("detail")
    events.hold(
        (index, seq, _event(_with(row, [at], document), detail_at, document)) for index, seq, row in export.events
    )
    return [(index, replace(result, document_id=document(result.document_id))) for index, result in export.results]


def _with(row: Sequence[Any], positions: Sequence[int], change: Any) -> tuple[Any, ...]:
    out = list(row)
    for position in positions:
        out[position] = change(out[position])
    return tuple(out)


def _event(row: tuple[Any, ...], detail_at: int, document: Any) -> tuple[Any, ...]:
    detail = json.loads(row[detail_at])
    if not any(key in detail for key in DOCUMENT_DETAILS):
        return row
    for key in DOCUMENT_DETAILS:
        if key in detail:
            detail[key] = document(detail[key])
    return _with(row, [detail_at], lambda _: json.dumps(detail, ensure_ascii=False, sort_keys=True))


def scratch_folder() -> str | None:
    """Where a worker makes a part's store: ``CORPUS_PART_DIR`` if set, else the system's temporary folder."""
    return os.environ.get("CORPUS_PART_DIR") or None
