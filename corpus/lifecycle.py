"""What ``corpus remove`` and ``corpus reread`` share: taking sources out of documents, and what that does to them.

A source leaves its document as :func:`detach` takes it out: its rows in the LSH and
paragraph indexes and its provenance go. The documents it leaves are then made
consistent with the sources they keep, as ``corpus check`` expects them
(:mod:`corpus.check`): one that keeps a source is rebuilt from all its sources
(:func:`rebuild`: canonical text, paragraph attestation, kept build, each source's
similarity to the text, a ``canonical`` event), exactly as adding them gives it; one
left with none goes away (:func:`drop_document`): its canonical paragraphs, kept
build, version links in both directions and the ids of the documents once merged
into it go with it, and a ``document-removed`` event records what it was.

Ids are never given twice: the highest source and document id ever removed is kept
(:func:`retire`, the ``removed_ids`` table of migration m007) and new rows get ids
above it (:func:`corpus.migrations.next_id`), so a source or document id a user cites
names that source or document or nothing, never another.

:class:`DocumentChange` is how both commands report what happened to a document; the
states compared are taken with :func:`snapshot` before and after.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from corpus import store_shingles
from corpus.check import rebuilt, save_rebuilt
from corpus.errors import CorpusError
from corpus.pluginhost import PluginHost
from corpus.store import Store

# A writer that found the store locked past SQLite's busy timeout tries again after this.
LOCK_RETRY_SECONDS = 0.1


def begin_write(db: sqlite3.Connection) -> None:
    """Take the store's write lock, waiting as long as other writers hold it (as ``corpus add`` does)."""
    while True:
        try:
            db.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorname", "") not in ("SQLITE_BUSY", "SQLITE_LOCKED"):
                raise
            time.sleep(LOCK_RETRY_SECONDS)


def chunks(ids: Iterable[int], size: int = 500) -> Iterable[list[int]]:
    """``ids`` in lists of at most ``size``, for ``IN (…)`` clauses under SQLite's variable limit."""
    batch: list[int] = []
    for i in ids:
        batch.append(i)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# -- documents before and after ---------------------------------------------------------------
class _Reported(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


class Report:
    """What ``remove`` and ``reread`` give back: each source, each changed document, then a summary."""

    sources: Sequence[_Reported]
    documents: Sequence[DocumentChange]

    def summary(self) -> dict[str, Any]:
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """The whole report as one object: its ``sources``, ``documents`` and ``summary``."""
        return {
            "sources": [s.to_dict() for s in self.sources],
            "documents": [d.to_dict() for d in self.documents],
            "summary": self.summary(),
        }

    def to_dicts(self) -> Iterator[dict[str, Any]]:
        """The JSON Lines of ``--json``: each source, each document, then the summary."""
        yield from (s.to_dict() for s in self.sources)
        yield from (d.to_dict() for d in self.documents)
        yield self.summary()


@dataclass(frozen=True)
class DocumentState:
    """What a document looks like to a user at one moment: its title, its text (by hash), its sources."""

    title: str | None
    digest: str
    chars: int
    sources: tuple[int, ...]
    related: tuple[int, ...] = ()  # the documents it is a version of


def snapshot(store: Store, document_id: int) -> DocumentState | None:
    """The state of a live document, or None when there is no live document with that id."""
    row = store.db.execute(
        "SELECT title, text FROM documents WHERE id = ? AND merged_into IS NULL", (document_id,)
    ).fetchone()
    if row is None:
        return None
    title, text = row
    digest = hashlib.sha256(f"{title}\0{text}".encode()).hexdigest()
    related = tuple(other for other, _, _ in store.related(document_id))
    return DocumentState(title, digest, len(text), tuple(store.document_sources(document_id)), related)


@dataclass(frozen=True)
class DocumentChange:
    """What happened to one document.

    ``change`` is ``text`` (its canonical text or title changed), ``sources`` (its sources
    changed, its text did not), ``related`` (only the documents it is linked to as a
    version changed), ``removed`` (no source was left: it went away), ``merged`` (it was
    merged into ``merged_into``) or ``new`` (it was made). ``*_before`` are its characters,
    sources and versions before, None for a new document; ``chars``, ``sources`` and
    ``related`` after, None and () for one removed or merged.
    """

    document_id: int
    change: str
    title: str | None
    chars_before: int | None
    chars: int | None
    sources_before: tuple[int, ...] | None
    sources: tuple[int, ...]
    merged_into: int | None = None
    related_before: tuple[int, ...] | None = None
    related: tuple[int, ...] = ()

    @property
    def text_changed(self) -> bool:
        return self.change in ("text", "new", "removed", "merged")

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "document",
            "document_id": self.document_id,
            "change": self.change,
            "text_changed": self.text_changed,
            "title": self.title,
            "chars_before": self.chars_before,
            "chars": self.chars,
            "sources_before": list(self.sources_before) if self.sources_before is not None else None,
            "sources": list(self.sources),
            "merged_into": self.merged_into,
            "related_before": list(self.related_before) if self.related_before is not None else None,
            "related": list(self.related),
        }


def document_change(
    store: Store, document_id: int, before: DocumentState | None, title_before: str | None = None
) -> DocumentChange | None:
    """What happened to a document since ``before`` (None: it did not exist); None when nothing did."""
    after = snapshot(store, document_id)
    if before is None and after is None:
        return None
    if after is None:
        assert before is not None
        live = store.resolve_document(document_id)
        change, merged_into = ("merged", live) if live is not None else ("removed", None)
        return DocumentChange(
            document_id,
            change,
            before.title,
            before.chars,
            None,
            before.sources,
            (),
            merged_into=merged_into,
            related_before=before.related,
        )
    if before is None:
        return DocumentChange(
            document_id, "new", after.title, None, after.chars, None, after.sources, related=after.related
        )
    if (before.title, before.digest) != (after.title, after.digest):
        change = "text"
    elif before.sources != after.sources:
        change = "sources"
    elif before.related != after.related:
        change = "related"
    else:
        return None
    return DocumentChange(
        document_id,
        change,
        after.title,
        before.chars,
        after.chars,
        before.sources,
        after.sources,
        related_before=before.related,
        related=after.related,
    )


# -- taking sources out -----------------------------------------------------------------------
def detach(store: Store, source_id: int) -> None:
    """Take a source out of the indexes and out of its document (its provenance); the source row stays."""
    db = store.db
    db.execute("DELETE FROM lsh_bands WHERE source_id = ?", (source_id,))
    db.execute("DELETE FROM paragraph_index WHERE source_id = ?", (source_id,))
    db.execute("DELETE FROM provenance WHERE source_id = ?", (source_id,))


def standing(store: Store, source_id: int) -> tuple[str, int | None]:
    """How a source stands in the corpus now, in ``corpus add``'s words, and its document.

    ``failed``; ``copy`` (it joined a document another source made); ``version`` (its
    document is linked to another as a version); ``new`` (its own document).
    """
    row = store.db.execute(
        "SELECT s.status, p.document_id, p.joined_as FROM sources s LEFT JOIN provenance p ON p.source_id = s.id "
        "WHERE s.id = ?",
        (source_id,),
    ).fetchone()
    if row is None or row[0] != "ok" or row[1] is None:
        return "failed", None
    document_id = int(row[1])
    if row[2] == "copy":
        return "copy", document_id
    related = store.db.execute(
        "SELECT 1 FROM relations WHERE document_id = ? AND relation = 'version' LIMIT 1", (document_id,)
    ).fetchone()
    return ("version" if related else "new"), document_id


def rebuild(store: Store, host: PluginHost, document_id: int, *, after: str) -> None:
    """Build a document's canonical text again from the sources it has, as adding them gives it.

    The text, the sources attesting each paragraph, the kept build (where one is kept,
    as :mod:`corpus.commit` keeps it) and each source's similarity to the text, then a
    ``canonical`` event (``built: rebuilt``, ``after``: what made it necessary).
    """
    current = store.document(document_id)
    sources = store.source_texts(document_id)
    assert current is not None and sources, "only a live document with sources is rebuilt"
    try:
        build, canonical = rebuilt(host, current.title, sources)
    except CorpusError:
        raise
    except Exception as exc:  # a plugin's policy failing: reported, the whole batch rolled back
        raise CorpusError(
            f"could not rebuild document {document_id} from the sources it keeps: "
            f"the canonical policy failed: {type(exc).__name__}: {exc}; nothing was changed"
        ) from exc
    save_rebuilt(store, document_id, sources, build, canonical, built="rebuilt", after=after)


@dataclass(frozen=True)
class Dropped:
    """A document that went away: when it was made, the documents once merged into it, its versions."""

    document_id: int
    created_at: str
    absorbed: dict[int, str]  # id → created_at of each document merged into it
    related: tuple[int, ...]
    state: DocumentState | None = None  # what it was just before


def drop_document(
    store: Store,
    document_id: int,
    *,
    reason: str,
    sources: Iterable[int] = (),
    state: DocumentState | None = None,
) -> Dropped:
    """Remove a document no source attests any more, with all that hangs on it; logged.

    Its canonical paragraphs and kept build go, its version links go in both
    directions (the other document stays, unlinked), and so do the rows of documents
    once merged into it, whose ids resolved to it: they now resolve to nothing, as it
    does. ``sources`` are the sources it lost and ``state`` what it was before the batch
    began (taken now if not given), for the ``document-removed`` event, which a re-read
    cut short brings it back from.
    """
    db = store.db
    row = db.execute("SELECT created_at FROM documents WHERE id = ?", (document_id,)).fetchone()
    assert row is not None
    state = state or snapshot(store, document_id)
    absorbed: dict[int, str] = {}
    frontier = [document_id]
    while frontier:  # merges point every absorbed id at the survivor, but follow chains all the same
        marks = ",".join("?" * len(frontier))
        found = db.execute(f"SELECT id, created_at FROM documents WHERE merged_into IN ({marks})", frontier).fetchall()
        frontier = [int(i) for i, _ in found if int(i) not in absorbed and int(i) != document_id]
        absorbed.update((int(i), str(c)) for i, c in found if int(i) != document_id)
    related = state.related if state is not None else ()
    db.execute("PRAGMA defer_foreign_keys = ON")  # rows merged into one another go in any order
    db.execute("DELETE FROM relations WHERE document_id = ? OR other_id = ?", (document_id, document_id))
    db.execute("DELETE FROM paragraphs WHERE document_id = ?", (document_id,))
    db.execute("DELETE FROM canonical_builds WHERE document_id = ?", (document_id,))
    store_shingles.drop(db, document_id)  # an absorbed document's went with its merge
    for batch in chunks(sorted(absorbed)):
        db.execute(f"DELETE FROM documents WHERE id IN ({','.join('?' * len(batch))})", batch)
    db.execute("DELETE FROM documents WHERE id = ?", (document_id,))
    retire(store, "documents", [document_id, *absorbed])
    store.log(
        "document-removed",
        document_id=document_id,
        reason=reason,
        sources=sorted(sources),
        related=list(related),
        absorbed=sorted(absorbed),
        created_at={str(i): c for i, c in [(document_id, str(row[0])), *sorted(absorbed.items())]},
        title=state.title if state else None,
        chars=state.chars if state else None,
        digest=state.digest if state else None,
    )
    return Dropped(document_id, str(row[0]), absorbed, related, state)


def retire(store: Store, table: str, ids: Iterable[int]) -> None:
    """Record that these ids of ``table`` were given out and removed, so that none is given again."""
    highest = max(ids, default=None)
    if highest is None:
        return
    store.db.execute(
        "INSERT INTO removed_ids (kind, highest) VALUES (?, ?) "
        "ON CONFLICT (kind) DO UPDATE SET highest = max(highest, excluded.highest)",
        (table, highest),
    )


def settle(
    store: Store,
    host: PluginHost,
    documents: dict[int, list[int]],
    *,
    after: str,
    before: Mapping[int, DocumentState | None] | None = None,
) -> dict[int, Dropped]:
    """Make each document that lost sources (id → the sources it lost) consistent again, in id order.

    One that keeps a source is rebuilt from them; one that keeps none goes away (its
    state ``before`` the batch recorded). The documents that went away are returned.
    """
    dropped: dict[int, Dropped] = {}
    for document_id in sorted(documents):
        if store.document(document_id) is None:
            continue  # not live (a repair's business, not this one's)
        if store.document_sources(document_id):
            rebuild(store, host, document_id, after=after)
        else:
            dropped[document_id] = drop_document(
                store,
                document_id,
                reason=after,
                sources=documents[document_id],
                state=(before or {}).get(document_id),
            )
    return dropped
