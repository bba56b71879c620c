"""``corpus remove SOURCE_ID…``: take sources out of the corpus, in one transaction.

A batch is all or nothing: every id must name a source of the store, or nothing is
removed and the error names the ids that do not (a usage error). For each source:

- it leaves the indexes, its document and its locations; its row goes. A failed
  source can be removed too (it has no document);
- its original bytes (the ``blobs`` row, addressed by sha256) are **kept**, so that
  an audit of what was removed, or a later ``corpus add`` of the same file, still
  has them; ``purge`` deletes them as well. An id removed earlier whose bytes were
  kept may be given again with ``purge``, to delete them then;
- a ``removed`` event records what it was: its sha256 and size, its locations, its
  status, reader and document, and whether its bytes were kept.

Then each document that lost a source is made consistent with the sources it keeps
(:func:`corpus.lifecycle.settle`): rebuilt from them, its canonical text what adding
only those sources gives, or, with none left, removed with its version links and the
ids once merged into it (a ``document-removed`` event). ``corpus check`` finds the
store clean afterwards. Source and document ids are not given again
(:func:`corpus.lifecycle.retire`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from corpus.errors import UsageError
from corpus.lifecycle import (
    DocumentChange,
    DocumentState,
    Report,
    begin_write,
    chunks,
    detach,
    document_change,
    retire,
    settle,
    snapshot,
)
from corpus.pluginhost import PluginHost
from corpus.store import Store
from corpus.wording import plural


@dataclass(frozen=True)
class RemovedSource:
    """One source taken out of the corpus.

    ``status`` is what it was: ``ok``, ``failed``, or ``removed`` for an id removed
    earlier whose kept bytes this ``--purge`` deleted. ``document_id`` is the document
    it attested (None for a failed one). ``bytes_kept``: its original bytes are still
    in the store.
    """

    source_id: int
    path: str
    locations: tuple[str, ...]
    sha256: str
    size: int | None
    status: str
    document_id: int | None
    bytes_kept: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "source",
            "source_id": self.source_id,
            "path": self.path,
            "locations": list(self.locations),
            "sha256": self.sha256,
            "size": self.size,
            "status": self.status,
            "document_id": self.document_id,
            "bytes_kept": self.bytes_kept,
        }


@dataclass(frozen=True)
class RemoveReport(Report):
    """What ``remove`` did: the sources removed, in id order, and the documents that changed."""

    sources: tuple[RemovedSource, ...]
    documents: tuple[DocumentChange, ...]

    def summary(self) -> dict[str, Any]:
        changes = [d.change for d in self.documents]
        return {
            "type": "summary",
            "removed": sum(s.status != "removed" for s in self.sources),
            "bytes_purged": sum(not s.bytes_kept for s in self.sources),
            "bytes_kept": sum(s.bytes_kept for s in self.sources),
            "documents_removed": changes.count("removed"),
            "documents_rebuilt": sum(c in ("text", "sources") for c in changes),
            "documents_changed": sum(c != "removed" for c in changes),
        }


    def lines(self) -> list[str]:
        """What a person reads: one line per source, one per document, a summary."""
        out = []
        for s in self.sources:
            where = f"source {s.source_id} ({s.path})" if s.path else f"source {s.source_id}"
            if s.status == "removed":
                out.append(f"{where}: removed earlier; its kept bytes are deleted now")
                continue
            of = f" from document {s.document_id}" if s.document_id is not None else " (a failed source)"
            kept = (
                f"; its bytes are kept (`corpus remove --purge {s.source_id}` deletes them)"
                if s.bytes_kept
                else "; its bytes are deleted"
            )
            out.append(f"removed {where}{of}{kept}")
        for d in self.documents:
            if d.change == "removed":
                out.append(f"document {d.document_id} is removed: no source is left")
            elif d.change == "related":
                out.append(
                    f"document {d.document_id}: no longer linked as a version to document(s) "
                    f"{', '.join(str(i) for i in sorted(set(d.related_before or ()) - set(d.related)))}"
                )
            elif d.change == "text":
                out.append(
                    f"document {d.document_id}: its canonical text is rebuilt from the "
                    f"{plural(len(d.sources), 'source')} left ({d.chars_before:,} → {d.chars:,} characters)"
                )
            else:
                out.append(
                    f"document {d.document_id}: rebuilt from the {plural(len(d.sources), 'source')} left, "
                    f"its canonical text the same ({d.chars:,} characters)"
                )
        summary = self.summary()
        out.append(
            f"{plural(summary['removed'], 'source')} removed; "
            f"{plural(summary['documents_rebuilt'], 'document')} rebuilt, {summary['documents_removed']} removed."
        )
        return out


def remove_sources(store: Store, host: PluginHost, source_ids: Iterable[int], *, purge: bool = False) -> RemoveReport:
    """Remove the sources ``source_ids`` (see the module docstring), all in one transaction."""
    wanted = sorted(set(source_ids))
    if not wanted:
        raise UsageError("give the ids of the sources to remove (`corpus docs`, `corpus show DOC` list them)")
    db = store.db
    begin_write(db)
    try:
        report = _remove(store, host, wanted, purge=purge)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return report


def _remove(store: Store, host: PluginHost, wanted: list[int], *, purge: bool) -> RemoveReport:
    db = store.db
    rows: dict[int, tuple[str, str, int | None]] = {}  # id → sha256, status, document
    for batch in chunks(wanted):
        marks = ",".join("?" * len(batch))
        for source_id, sha256, status, document_id in db.execute(
            f"SELECT s.id, s.sha256, s.status, p.document_id FROM sources s "
            f"LEFT JOIN provenance p ON p.source_id = s.id WHERE s.id IN ({marks})",
            batch,
        ):
            rows[int(source_id)] = (str(sha256), str(status), document_id)
    missing = [i for i in wanted if i not in rows]
    earlier = _removed_earlier(store, missing) if missing else {}
    # An id removed earlier, its bytes kept: with purge, what is left of it (its bytes) goes now.
    kept = {i: e for i, e in earlier.items() if _kept(store, str(e.get("sha256")))}
    unknown = [i for i in missing if i not in kept or not purge]
    if unknown:
        raise UsageError(_unknown(unknown, earlier, kept, store))
    earlier = kept

    before: dict[int, DocumentState | None] = {}
    lost: dict[int, list[int]] = {}
    removed: list[RemovedSource] = []
    for source_id in wanted:
        if source_id in earlier:
            removed.append(_purge_earlier(store, source_id, earlier[source_id]))
            continue
        sha256, status, document_id = rows[source_id]
        seen = store.seen(source_id)
        locations = tuple(location for location, _, _ in seen)
        source = store.source(source_id)
        if document_id is not None and document_id not in before:
            before[document_id] = snapshot(store, document_id)
            for other, _, _ in store.related(document_id):  # unlinked if this one goes away
                before.setdefault(other, snapshot(store, other))
        size_row = db.execute("SELECT size FROM blobs WHERE sha256 = ?", (sha256,)).fetchone()
        size = int(size_row[0]) if size_row else None
        detach(store, source_id)
        db.execute("DELETE FROM locations WHERE source_id = ?", (source_id,))
        db.execute("DELETE FROM sources WHERE id = ?", (source_id,))
        if purge:
            db.execute("DELETE FROM blobs WHERE sha256 = ?", (sha256,))
        if document_id is not None:
            lost.setdefault(int(document_id), []).append(source_id)
        store.log(
            "removed",
            source_id=source_id,
            document_id=document_id,
            sha256=sha256,
            size=size,
            status=status,
            reader=source.reader if source else None,
            reader_version=source.reader_version if source else None,
            locations=[{"location": loc, "added_at": at, "details": details} for loc, at, details in seen],
            bytes_kept=not purge and size is not None,
        )
        removed.append(
            RemovedSource(
                source_id,
                locations[0] if locations else "",
                locations,
                sha256,
                size,
                status,
                document_id,
                not purge and size is not None,
            )
        )
    retire(store, "sources", [s.source_id for s in removed])
    settle(store, host, lost, after="remove", before=before)
    changes = [document_change(store, d, before[d]) for d in sorted(before)]
    return RemoveReport(tuple(removed), tuple(c for c in changes if c is not None))


def _removed_earlier(store: Store, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The latest ``removed`` event of each of these ids that names a removed source (one scan of the log)."""
    found: dict[int, dict[str, Any]] = {}
    for batch in chunks(ids):
        marks = ",".join("?" * len(batch))
        for source_id, detail in store.db.execute(
            f"SELECT source_id, detail FROM events WHERE kind = 'removed' AND source_id IN ({marks}) ORDER BY id",
            batch,
        ):
            found[int(source_id)] = json.loads(detail)
    return found


def _kept(store: Store, sha256: str) -> bool:
    """Are these bytes still in the store, kept for no source (a source added since may have them)?"""
    row = store.db.execute(
        "SELECT 1 FROM blobs b WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM sources s WHERE s.sha256 = b.sha256)",
        (sha256,),
    ).fetchone()
    return row is not None


def _purge_earlier(store: Store, source_id: int, event: dict[str, Any]) -> RemovedSource:
    sha256 = str(event.get("sha256"))
    locations = tuple(str(item.get("location")) for item in event.get("locations", []))
    store.db.execute("DELETE FROM blobs WHERE sha256 = ?", (sha256,))
    store.log("purged", source_id=source_id, sha256=sha256)
    return RemovedSource(
        source_id,
        locations[0] if locations else "",
        locations,
        sha256,
        event.get("size"),
        "removed",
        event.get("document_id"),
        False,
    )


def _unknown(
    unknown: list[int], earlier: dict[int, dict[str, Any]], kept: dict[int, dict[str, Any]], store: Store
) -> str:
    """The error for ids that name no source: nothing was removed; what each is, if it was one."""
    never = [i for i in unknown if i not in earlier]
    parts = [f"{store.path} has no source {_or(never)}"] if never else []
    for source_id in unknown:
        if source_id in kept:
            parts.append(
                f"source {source_id} was removed already, its bytes kept (`corpus remove --purge {source_id}` "
                "deletes them)"
            )
        elif source_id in earlier:
            parts.append(f"source {source_id} was removed already")
    return f"{'; '.join(parts)}; nothing was removed (`corpus show DOC` lists a document's sources)"


def _or(ids: list[int]) -> str:
    """1, 2 or 3."""
    shown = [str(i) for i in ids]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"
