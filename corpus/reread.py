"""``corpus reread``: read sources again with the readers installed now, match them again, say what moved.

**Which sources.** By default, each ok source whose reader's stored version is not the
version of the reader of that name installed now, or whose reader is no longer
installed; and every failed source, since a reader installed since may read it
(``failed=False`` leaves them out; an archive or web archive that could not be
opened is not one: ``corpus add`` opens it again, reading it is no use). ``reader`` restricts the choice to the sources
that reader read (failed sources were read by none, so none of them is taken);
``everything`` takes every source (of that reader, if one is named), whatever its
version. A source whose re-read was cut short (see below) is always taken.

**How.** As if each chosen source were removed and its file added again, through the
same stages as ``corpus add`` (:func:`corpus.ingest.add_files`: the per-source
stage in worker processes, then the serial commit stage):

1. one transaction takes the chosen ok sources out of their documents
   (:func:`corpus.lifecycle.detach`) and leaves each as a *failed* source whose error
   says it is being read again; the documents they leave are rebuilt from the
   sources they keep, or go away when they keep none (:func:`corpus.lifecycle.settle`).
   The store is consistent at that commit: ``corpus check`` is clean;
2. the stored bytes of every chosen source are given to ``add_files`` as inputs
   (:func:`as_input`: the name, declared charset and data-file refusal the listing
   gave it) located where the source was first seen, in source id order. The commit stage
   takes a failed source's bytes as a retry: the source keeps its **id**, its
   locations keep their first-seen times (``locations.added_at``), and its
   ``added_at`` is put back too. It is read, matched and attached exactly as a new
   file would be: its document, canonical text and version links are what adding
   the file to the corpus of the other sources gives.

A kill between the two, or during the second, leaves those sources failed with that
error: the next ``corpus reread`` (or a ``corpus add`` of their files) finishes them.

**Document ids stay.** A document keeps its id wherever it still exists: one that kept
other sources is the same document throughout, and one that went away in step 1 (all
its sources were being read again) is given back its id, its creation time and the
ids once merged into it when the first of its sources makes a new document in step 2.
Only a document that is really new gets a new id, and no id is ever given twice
(:func:`corpus.lifecycle.retire`).

**What moved** (:class:`RereadReport`): for each source re-read, its standing before and
after (``new``, ``copy``, ``version``, ``failed``: :func:`corpus.lifecycle.standing`)
and its document before and after (None when failed); it *moved* when its document
is another one now (failing or ceasing to fail included). A source whose standing
changed in the same document has not moved: one that made its document and joins
it again as a copy (the document rebuilt from its other sources meanwhile), or one
whose document gained or lost a version link. And for each document touched, what
changed (:class:`corpus.lifecycle.DocumentChange`): its canonical text, its sources
or its version links only, removed, merged into another, or new.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from corpus.errors import UsageError
from corpus.ingest import add_files
from corpus.inputs import Input, is_url, url_name
from corpus.inputs.containers import container_kind
from corpus.inputs.datafiles import XML_HEAD, data_kind_of, refusal
from corpus.lifecycle import (
    DocumentChange,
    DocumentState,
    Dropped,
    Report,
    begin_write,
    chunks,
    detach,
    document_change,
    settle,
    snapshot,
    standing,
)
from corpus.limits import DEFAULT_LIMITS, Limits
from corpus.pluginhost import PluginHost
from corpus.records import AddResult
from corpus.store import Store, now

# The error of a source taken out of its document to be read again, until it is.
REREADING = "being read again by `corpus reread`"
CUT_SHORT = "its reading again was cut short"


@dataclass(frozen=True)
class RereadSource:
    """One source read again: why, and how it stood before and after (see the module docstring)."""

    source_id: int
    path: str
    reason: str
    status_before: str
    status: str
    document_id_before: int | None
    document_id: int | None
    reader_before: str | None
    reader_version_before: str | None
    reader: str | None
    reader_version: str | None
    error: str | None

    @property
    def moved(self) -> bool:
        """It is in another document now, or in one after failing, or in none after being read."""
        return self.document_id_before != self.document_id

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "source",
            "source_id": self.source_id,
            "path": self.path,
            "reason": self.reason,
            "moved": self.moved,
            "status_before": self.status_before,
            "status": self.status,
            "document_id_before": self.document_id_before,
            "document_id": self.document_id,
            "reader_before": self.reader_before,
            "reader_version_before": self.reader_version_before,
            "reader": self.reader,
            "reader_version": self.reader_version,
            "error": self.error,
        }


@dataclass(frozen=True)
class RereadReport(Report):
    """What ``reread`` did: every source read again, in id order, and every document that changed."""

    sources: tuple[RereadSource, ...]
    documents: tuple[DocumentChange, ...]

    @property
    def moved(self) -> tuple[RereadSource, ...]:
        return tuple(s for s in self.sources if s.moved)

    @property
    def newly_failed(self) -> tuple[RereadSource, ...]:
        """Sources read before that cannot be read now: they left their documents."""
        return tuple(s for s in self.sources if s.status == "failed" and s.status_before != "failed")

    def summary(self) -> dict[str, Any]:
        changes: dict[str, int] = {}
        for s in self.sources:
            if s.status_before != s.status:
                key = f"{s.status_before} → {s.status}"
                changes[key] = changes.get(key, 0) + 1
        return {
            "type": "summary",
            "reread": len(self.sources),
            "moved": len(self.moved),
            "failed": sum(s.status == "failed" for s in self.sources),
            "newly_failed": len(self.newly_failed),
            "recovered": sum(s.status_before == "failed" and s.status != "failed" for s in self.sources),
            "status_changes": dict(sorted(changes.items())),
            "documents_changed": len(self.documents),
            "documents_text_changed": sum(d.text_changed for d in self.documents),
        }


    def lines(self) -> list[str]:
        """What a person reads: the sources that moved, the documents that changed, a summary."""
        if not self.sources:
            return ["nothing to read again: every source was read by the installed version of its reader"]
        out = []
        for s in self.moved:
            before = _standing_text(s.status_before, s.document_id_before)
            after = _standing_text(s.status, s.document_id)
            reader = f" (reader {s.reader} {s.reader_version})" if s.reader else ""
            why = f": {s.error}" if s.error and s.status == "failed" else ""
            out.append(f"source {s.source_id} ({s.path}): {before} → {after}{reader}{why}")
        for d in self.documents:
            out.append(f"document {d.document_id}: {_change_text(d)}")
        summary = self.summary()
        stayed = summary["reread"] - summary["moved"]
        out.append(
            f"read {summary['reread']} source(s) again: {summary['moved']} moved, {stayed} stayed where they were; "
            f"{summary['documents_changed']} document(s) changed, "
            f"{summary['documents_text_changed']} of them in their text."
        )
        return out


def _standing_text(status: str, document_id: int | None) -> str:
    if status == "failed" or document_id is None:
        return "failed"
    return {"new": "new document", "copy": "copy in document", "version": "version, document"}.get(
        status, status
    ) + f" {document_id}"


def _change_text(d: DocumentChange) -> str:
    if d.change == "removed":
        return "removed: none of its sources is in it any more"
    if d.change == "merged":
        return f"merged into document {d.merged_into}"
    if d.change == "new":
        return f"new, from {len(d.sources)} source(s) ({d.chars:,} characters)"
    if d.change == "related":
        return f"its version links changed: documents {_ids(d.related_before)} → {_ids(d.related)}"
    what = "canonical text changed" if d.change == "text" else "sources changed, canonical text the same"
    return f"{what} ({d.chars_before:,} → {d.chars:,} characters; sources {_ids(d.sources_before)} → {_ids(d.sources)})"


def _ids(ids: Iterable[int] | None) -> str:
    return ", ".join(map(str, ids or ())) or "none"


# -- choosing -----------------------------------------------------------------------------------
def choose(
    store: Store,
    installed: Mapping[str, str],
    *,
    reader: str | None = None,
    everything: bool = False,
    failed: bool = True,
) -> dict[int, str]:
    """The sources to read again (id → why), as the module docstring says; reads only indexes."""
    db = store.db
    groups = [
        (r, v)
        for r, v in db.execute(
            "SELECT DISTINCT reader, reader_version FROM sources WHERE status = 'ok' ORDER BY reader, reader_version"
        )
    ]
    if reader is not None and reader not in installed and all(r != reader for r, _ in groups):
        names = ", ".join(sorted(installed)) or "none"
        raise UsageError(
            f"no reader {reader!r} is installed (installed: {names}) and no source of {store.path} was read by one"
        )
    chosen: dict[int, str] = {}
    for name, version in groups:
        if reader is not None and name != reader:
            continue
        current = installed.get(name) if name is not None else None
        if everything:
            why = "every source was asked for (--all)"
        elif current is None:
            why = f"its reader {name} {version} is not installed any more"
        elif current != version:
            why = f"its reader {name} is {current} now, it was read by {version}"
        else:
            continue
        rows = db.execute(
            "SELECT id FROM sources WHERE status = 'ok' AND reader IS ? AND reader_version IS ?", (name, version)
        )
        chosen.update((int(i), why) for (i,) in rows)
    if failed and reader is None:
        why = "it had failed: tried again with the readers installed now"
        for (i,) in db.execute("SELECT id FROM sources WHERE status = 'failed'").fetchall():
            # An archive or web archive that could not be opened is opened by `corpus add`, not read.
            first = store.locations(int(i))
            if not (first and container_kind(PurePosixPath(first[0].rpartition("!")[2]).name)):
                chosen[int(i)] = why
    cut_short = db.execute("SELECT id FROM sources WHERE status = 'failed' AND error LIKE ?", (f"{REREADING}%",))
    chosen.update((int(i), CUT_SHORT) for (i,) in cut_short)
    return dict(sorted(chosen.items()))


# -- reading again ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Plan:
    """A chosen source, as it was before it was taken out to be read again."""

    source_id: int
    sha256: str
    location: str
    details: tuple[tuple[str, str], ...]
    added_at: str
    reason: str
    status: str
    document_id: int | None
    reader: str | None
    reader_version: str | None


@dataclass
class _Run:
    plans: list[_Plan] = field(default_factory=list)
    before: dict[int, DocumentState | None] = field(default_factory=dict)
    dropped: dict[int, Dropped] = field(default_factory=dict)
    created: set[int] = field(default_factory=set)


def reread_sources(
    store: Store,
    host: PluginHost,
    *,
    reader: str | None = None,
    everything: bool = False,
    failed: bool = True,
    jobs: int = 1,
    limits: Limits = DEFAULT_LIMITS,
    on_result: Callable[[AddResult], None] | None = None,
) -> RereadReport:
    """Read the chosen sources again and match them again (see the module docstring)."""
    installed = {r.name: r.version for r in host.readers}
    run = _Run()
    db = store.db
    begin_write(db)
    try:
        chosen = choose(store, installed, reader=reader, everything=everything, failed=failed)
        if chosen:
            _take_out(store, host, chosen, run)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    if not run.plans:
        return RereadReport((), ())
    rereading = _Rereading(store, run)
    results = add_files(rereading, host, _inputs(store, run.plans), jobs=jobs, limits=limits, on_result=on_result)
    by_id = {r.source_id: r for r in results if r.source_id is not None}
    sources = tuple(_after(store, plan, by_id.get(plan.source_id)) for plan in run.plans)
    touched = sorted(set(run.before) | run.created)
    changes = (document_change(store, d, run.before.get(d)) for d in touched)
    return RereadReport(sources, tuple(c for c in changes if c is not None))


def _take_out(store: Store, host: PluginHost, chosen: dict[int, str], run: _Run) -> None:
    """Step 1: each chosen ok source out of its document, left failed; its documents made consistent."""
    db = store.db
    cut_short = _cut_short(store, [i for i, why in chosen.items() if why == CUT_SHORT])
    lost: dict[int, list[int]] = {}
    for source_id, why in chosen.items():
        sha256, status, reader, version, added_at = db.execute(
            "SELECT sha256, status, reader, reader_version, added_at FROM sources WHERE id = ?", (source_id,)
        ).fetchone()
        seen = store.seen(source_id)
        location, _, details = seen[0] if seen else ("", "", {})
        if status == "ok":
            was, document_id = standing(store, source_id)
            if document_id is not None and document_id not in run.before:
                run.before[document_id] = snapshot(store, document_id)
                for other, _, _ in store.related(document_id):  # unlinked if this one goes and stays away
                    run.before.setdefault(other, snapshot(store, other))
            detach(store, source_id)
            error = f"{REREADING}, which was cut short: run `corpus reread` again to finish"
            db.execute(
                """UPDATE sources SET status = 'failed', error = ?, extract = NULL, exact_key = NULL,
                   minhash = NULL, reader = NULL, reader_version = NULL WHERE id = ?""",
                (error, source_id),
            )
            if document_id is not None:
                lost.setdefault(document_id, []).append(source_id)
        else:
            earlier = cut_short.get(source_id, {})
            was, document_id = str(earlier.get("status", "failed")), earlier.get("document_id")
            reader, version = earlier.get("reader"), earlier.get("reader_version")
        store.log(
            "reread",
            source_id=source_id,
            document_id=document_id,
            status=was,
            reader=reader,
            reader_version=version,
            reason=why,
        )
        run.plans.append(
            _Plan(
                source_id,
                str(sha256),
                str(location),
                tuple(sorted((str(k), str(v)) for k, v in details.items())),
                str(added_at),
                why,
                was,
                document_id,
                reader,
                version,
            )
        )
    run.dropped = settle(store, host, lost, after="reread", before=run.before)
    # Documents that went away in a run that was cut short can come back as well.
    gone = {p.document_id for p in run.plans if p.document_id is not None} - set(run.dropped)
    for document_id, dropped in _dropped_earlier(store, sorted(gone)).items():
        run.dropped[document_id] = dropped
        run.before.setdefault(document_id, dropped.state)


def _cut_short(store: Store, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The latest ``reread`` event of each source whose reading again was cut short: how it stood before."""
    found: dict[int, dict[str, Any]] = {}
    for batch in chunks(ids):
        marks = ",".join("?" * len(batch))
        for source_id, document_id, detail in store.db.execute(
            f"SELECT source_id, document_id, detail FROM events WHERE kind = 'reread' AND source_id IN ({marks}) "
            "ORDER BY id",
            batch,
        ):
            found[int(source_id)] = {**json.loads(detail), "document_id": document_id}
    return found


def _dropped_earlier(store: Store, ids: list[int]) -> dict[int, Dropped]:
    """Documents that went away for a reading again that was cut short, from their ``document-removed`` events."""
    found: dict[int, Dropped] = {}
    for batch in chunks(ids):
        marks = ",".join("?" * len(batch))
        rows = store.db.execute(
            f"SELECT document_id, detail FROM events WHERE kind = 'document-removed' AND document_id IN ({marks}) "
            "ORDER BY id",
            batch,
        )
        for document_id, raw in rows:
            detail = json.loads(raw)
            if detail.get("reason") != "reread" or store.resolve_document(int(document_id)) is not None:
                continue
            created = {int(k): str(v) for k, v in detail.get("created_at", {}).items()}
            related = tuple(int(i) for i in detail.get("related", ()))
            state = None
            if detail.get("digest") is not None:
                sources = tuple(int(i) for i in detail.get("sources", ()))
                digest, chars = str(detail["digest"]), int(detail["chars"])
                state = DocumentState(detail.get("title"), digest, chars, sources, related)
            found[int(document_id)] = Dropped(
                int(document_id), created.pop(int(document_id), now()), created, related, state
            )
    return found


def _inputs(store: Store, plans: list[_Plan]) -> Iterator[Input]:
    """Step 2's inputs: each source's stored bytes, located where it was first seen, as adding it gave them.

    One source's bytes at a time, as ``add_files`` takes them: memory does not grow with the batch.
    """
    for plan in plans:
        yield as_input(plan.location, store.blob(plan.sha256), plan.details)


def as_input(location: str, data: bytes, details: tuple[tuple[str, str], ...] = ()) -> Input:
    """The input ``corpus add`` made of a source at ``location``, with its bytes already in hand.

    Its name (the suffix the sniffer and the readers see) is the one the listing gave
    it: a file's or an archive member's name, a URL's last path segment (a web-archive
    record's as :mod:`corpus.inputs.warc` names it). A charset declared from outside
    the bytes (the ``Content-Type`` a fetch or a web archive kept in the location's
    details) is declared again; a data file (CSV, JSON, …) is refused again.
    """
    detail = dict(details)
    if is_url(location):
        if "warc_file" in detail:
            name = unquote(PurePosixPath(urlsplit(location).path).name) or "index.html"
        else:
            name = url_name(location)
    else:
        name = PurePosixPath(location.rpartition("!")[2]).name
    kind = None if is_url(location) else data_kind_of(name, data[:XML_HEAD])
    refused = refusal(location, kind) if kind is not None else None
    charset = _charset(detail.get("content_type"))
    return Input(location=location, data=data, name=name, charset=charset, details=details, refused=refused)


def _charset(content_type: str | None) -> str | None:
    """The charset parameter of a ``Content-Type`` value (``text/html; charset="GBK"`` → ``GBK``)."""
    for parameter in (content_type or "").split(";")[1:]:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip("\"'"):
            return value.strip().strip("\"'")
    return None


class _Rereading(Store):
    """The store as step 2's commit stage sees it: the same connection, with three things more.

    A source re-inserted under its id gets its ``added_at`` back; a document its first
    source makes again gets the id it had (:meth:`create_document`); and every
    document a source joins or a merge touches is looked at first, for the report.
    """

    def __init__(self, store: Store, run: _Run) -> None:
        super().__init__(store.db, store.path)
        self.run = run
        self._plans = {p.sha256: p for p in run.plans}
        self._current: _Plan | None = None

    def insert_source(self, **kwargs: Any) -> int:
        source_id = super().insert_source(**kwargs)
        plan = self._current = self._plans.get(str(kwargs.get("sha256")))
        if plan is not None and plan.source_id == source_id:
            self.db.execute("UPDATE sources SET added_at = ? WHERE id = ?", (plan.added_at, source_id))
        return source_id

    def create_document(self, id: int | None = None) -> int:
        plan, self._current = self._current, None
        gone = self.run.dropped.get(plan.document_id) if plan is not None and plan.document_id is not None else None
        taken = gone is not None and self.db.execute("SELECT 1 FROM documents WHERE id = ?", (gone.document_id,))
        if gone is None or (taken and taken.fetchone() is not None):  # back already, or never gone
            document_id = super().create_document(id)
            self.run.created.add(document_id)
            return document_id
        stamp = now()
        self.db.execute(
            "INSERT INTO documents (id, created_at, updated_at) VALUES (?, ?, ?)",
            (gone.document_id, gone.created_at, stamp),
        )
        self.db.executemany(
            "INSERT OR IGNORE INTO documents (id, created_at, updated_at, merged_into) VALUES (?, ?, ?, ?)",
            [(alias, created, stamp, gone.document_id) for alias, created in sorted(gone.absorbed.items())],
        )
        assert plan is not None
        self.log(
            "document-restored",
            document_id=gone.document_id,
            source_id=plan.source_id,
            absorbed=sorted(gone.absorbed),
        )
        return gone.document_id

    def attach(self, source_id: int, document_id: int, **kwargs: Any) -> None:
        self._look(document_id)
        super().attach(source_id, document_id, **kwargs)

    def merge_documents(self, survivor: int, absorbed: int) -> None:
        self._look(survivor)
        self._look(absorbed)
        super().merge_documents(survivor, absorbed)

    def _look(self, document_id: int) -> None:
        if document_id not in self.run.before and document_id not in self.run.created:
            self.run.before[document_id] = snapshot(self, document_id)


def _after(store: Store, plan: _Plan, result: AddResult | None) -> RereadSource:
    status, document_id = standing(store, plan.source_id)
    row = store.db.execute("SELECT reader, reader_version, error FROM sources WHERE id = ?", (plan.source_id,))
    reader, version, error = row.fetchone() or (None, None, None)
    if error is None and result is not None:
        error = result.error
    return RereadSource(
        source_id=plan.source_id,
        path=plan.location,
        reason=plan.reason,
        status_before=plan.status,
        status=status,
        document_id_before=plan.document_id,
        document_id=document_id,
        reader_before=plan.reader,
        reader_version_before=plan.reader_version,
        reader=reader,
        reader_version=version,
        error=error if status == "failed" else None,
    )
