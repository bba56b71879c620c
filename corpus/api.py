"""The Python API: ``Corpus.open(path)``, then ``add``, ``documents``, ``document``, ``audit``."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from corpus import audit as audit_module
from corpus.errors import UsageError
from corpus.fingerprint import FingerprintSettings
from corpus.ingest import add_files
from corpus.inputs import Input, Listing
from corpus.limits import DEFAULT_LIMITS, Limits
from corpus.pluginhost import PluginHost, PluginProblem
from corpus.readers import RegisteredReader
from corpus.records import (
    AddResult,
    DocumentSummary,
    DocumentView,
    ParagraphInfo,
    RelatedInfo,
    SourceInfo,
)
from corpus.remove import RemoveReport, remove_sources
from corpus.reread import RereadReport, reread_sources
from corpus.stats import Stats, store_stats
from corpus.store import SourceRow, Store
from corpus.text.scripts import han_variant

DEFAULT_DB = "corpus.db"
DB_ENV = "CORPUS_DB"


def default_db_path() -> Path:
    """The store a command uses when none is named: ``$CORPUS_DB``, else ``./corpus.db``."""
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


class Corpus:
    """A corpus in one store file, with the installed plugins.

    >>> with Corpus.open("corpus.db") as corpus:          # doctest: +SKIP
    ...     for result in corpus.add(["seeds/"]):
    ...         print(result.status, result.document_id)
    """

    def __init__(self, store: Store, host: PluginHost | Callable[[], PluginHost]) -> None:
        self.store = store
        self._host = host

    @property
    def host(self) -> PluginHost:
        """The plugin host, loaded on first use: commands that only read the store load no reader."""
        if not isinstance(self._host, PluginHost):
            self._host = self._host()
        return self._host

    @classmethod
    def open(
        cls,
        path: Path | str | None = None,
        *,
        plugins: Iterable[object] = (),
        load_entry_points: bool = True,
        disabled: Iterable[str] | None = None,
        settings: FingerprintSettings | None = None,
        read_only: bool = False,
    ) -> Corpus:
        """Open (or create) the store at ``path`` (default ``$CORPUS_DB`` or ``./corpus.db``).

        ``plugins`` are extra plugin objects registered after the installed ones.
        ``read_only`` opens an existing store to read it: nothing is created, not even when
        the store is missing (a :class:`StoreError` naming the path), and a read-only file or
        folder is enough. Without it a store is created where there is none, or where there is
        an empty file (what ``mktemp`` leaves), but never in a file that is anything else:
        another program's SQLite database, or a store of a newer schema, is refused and left
        untouched. :meth:`corpus.store.Store.open` lists every case.
        """
        extra = tuple(plugins)

        def host() -> PluginHost:
            return PluginHost(load_entry_points=load_entry_points, extra_plugins=extra, disabled=disabled)

        store = Store.open(
            path if path is not None else default_db_path(), settings or FingerprintSettings(), read_only=read_only
        )
        return cls(store, host)

    def close(self) -> None:
        """Close the store; the corpus object is not usable afterwards."""
        self.store.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- adding --------------------------------------------------------------------
    def listing(
        self,
        paths: Iterable[Path | str],
        *,
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
        limits: Limits = DEFAULT_LIMITS,
    ) -> Listing:
        """The sources an ``add`` of ``paths`` (files, folders, archives, web archives, URLs) would take.

        ``include``/``exclude`` are glob patterns for what is found in folders and
        archives (:mod:`corpus.inputs.select`). A path that cannot be read or walked
        (missing, unreadable, a link loop) is listed too: adding it gives a ``failed``
        result that says why. Iterating the listing opens the archives it holds.
        """
        return Listing(paths, include=include, exclude=exclude, limits=limits)

    def files(self, paths: Iterable[Path | str]) -> list[Input]:
        """What an ``add`` of ``paths`` names, archives not opened (see :meth:`listing`)."""
        return Listing(paths).found()

    def add(
        self,
        paths: Iterable[Path | str] | Listing,
        *,
        on_result: Callable[[AddResult], None] | None = None,
        jobs: int | None = None,
        limits: Limits = DEFAULT_LIMITS,
        engine: str = "local",
        address: str | None = None,
        keep_results: bool = True,
        on_phase: Callable[[str], None] | None = None,
    ) -> list[AddResult]:
        """Add files, folders, archives, web archives and URLs; one result per source. Bad ones fail alone.

        ``paths`` may be a :meth:`listing` (with its patterns). ``jobs`` worker
        processes read and fingerprint the sources (default 1); the documents they
        end up as are the same for any ``jobs``. ``limits`` bound what one source may
        cost (size, decompressed size, pages, time, memory; see
        :class:`corpus.limits.Limits`): a source over one fails with the reason.
        ``on_result`` is called with each result once it is committed to the store;
        with ``keep_results=False`` that is the only place they go, and the list
        returned is empty: memory then does not grow with the number of sources.

        ``engine="ray"`` reads, fingerprints, matches and builds canonical texts on
        Ray workers instead (:mod:`corpus.ray_engine`; ``pip install 'corpus[ray]'``):
        on the cluster at ``address``, or on a local Ray of ``jobs`` CPUs (default the
        machine's cores). The documents and ids are the ones the local engine makes;
        results come a chunk of the input at a time, and ``on_phase`` is told what the
        cluster is doing meanwhile (reading, grouping keys, committing parts, loading).
        """
        listing = paths if isinstance(paths, Listing) else Listing(paths, limits=limits)
        if engine == "ray":
            from corpus.ray_engine import add_files_ray

            return add_files_ray(
                self.store,
                self.host,
                listing,
                address=address,
                cpus=jobs,
                limits=limits,
                on_result=on_result,
                keep_results=keep_results,
                on_phase=on_phase,
            )
        if engine != "local":
            raise UsageError(f"unknown engine {engine!r}: use 'local' or 'ray'")
        return add_files(
            self.store,
            self.host,
            listing,
            jobs=jobs or 1,
            limits=limits,
            on_result=on_result,
            keep_results=keep_results,
        )

    # -- reading -------------------------------------------------------------------
    def documents(self) -> list[DocumentSummary]:
        """Every document: id, title, number of sources, length of the canonical text."""
        return [DocumentSummary(i, title, count, chars) for i, title, chars, count in self.store.summaries()]

    def _live_id(self, document_id: int) -> int:
        live = self.store.resolve_document(document_id)
        if live is None:
            raise UsageError(f"no document {document_id} in {self.store.path}; `corpus docs` lists them")
        return live

    def document(self, document_id: int) -> DocumentView:
        """A document with its canonical paragraphs, sources and relations (merged ids resolve)."""
        live = self._live_id(document_id)
        doc = self.store.document(live)
        assert doc is not None
        return DocumentView(
            document_id=live,
            title=doc.title,
            text=doc.text,
            paragraphs=tuple(ParagraphInfo(t, s) for t, s in self.store.paragraphs(live)),
            sources=tuple(source_info(row) for row in self.store.sources(document_id=live)),
            related=tuple(RelatedInfo(d, r, s) for d, r, s in self.store.related(live)),
        )

    def source(self, source_id: int) -> SourceRow:
        """One source as stored: status, reader, encoding, extract, locations; a usage error if there is none."""
        row = self.store.source(source_id)
        if row is None:
            raise UsageError(f"no source {source_id} in {self.store.path}")
        return row

    def source_bytes(self, source_id: int) -> bytes:
        """The original bytes of a source, exactly as they were added."""
        return self.store.blob(self.source(source_id).sha256)

    def failed_sources(self) -> list[SourceRow]:
        """The sources that could not be added, each with the reason (their bytes are kept)."""
        return self.store.sources(status="failed")

    def audit(self, *, large_cluster: int = audit_module.LARGE_CLUSTER) -> list[audit_module.DocumentAudit]:
        """Documents with two or more sources or a version; ``large_cluster`` sources or more are flagged."""
        return audit_module.audit(self.store, large_cluster=large_cluster)

    def export(self) -> Iterator[dict[str, Any]]:
        """Every document with its canonical text, paragraphs and full provenance."""
        for summary in self.documents():
            yield self.document(summary.document_id).to_dict()

    def events(self) -> list[dict[str, Any]]:
        """The store's append-only event log (adds, merges, canonical changes), oldest first."""
        return self.store.events()

    def counts(self) -> dict[str, int]:
        """How many documents, sources, failed sources, copies and versions the corpus holds."""
        return self.store.counts()

    def stats(self) -> Stats:
        """Sources by status, reader and media type, documents by source count, versions, events, store size.

        Cheap on any size of store (aggregates over indexes); see :mod:`corpus.stats`.
        """
        return store_stats(self.store, {r.name: r.version for r in self.readers})

    # -- lifecycle -----------------------------------------------------------------
    def remove(self, source_ids: Iterable[int], *, purge: bool = False) -> RemoveReport:
        """Remove sources, all in one transaction; a :class:`UsageError` naming any id that is no source.

        Each document they leave is rebuilt from the sources it keeps, or goes away with
        none left. Their bytes are kept for an audit or a later add unless ``purge``
        (which also deletes the kept bytes of an id removed earlier). See :mod:`corpus.remove`.
        """
        return remove_sources(self.store, self.host, source_ids, purge=purge)

    def reread(
        self,
        *,
        reader: str | None = None,
        everything: bool = False,
        failed: bool = True,
        jobs: int = 1,
        limits: Limits = DEFAULT_LIMITS,
        on_result: Callable[[AddResult], None] | None = None,
    ) -> RereadReport:
        """Read again the sources whose reader's version changed (or every one), match them again.

        By default the ok sources whose reader is installed at another version or not at
        all, and the failed ones (``failed=False``: not those); ``reader`` only that
        reader's sources; ``everything`` all of them. They go through the same stages as
        :meth:`add`, keep their ids, and documents keep theirs where they still exist; the
        report says what moved. See :mod:`corpus.reread`.
        """
        return reread_sources(
            self.store,
            self.host,
            reader=reader,
            everything=everything,
            failed=failed,
            jobs=jobs,
            limits=limits,
            on_result=on_result,
        )

    # -- plugins -------------------------------------------------------------------
    @property
    def readers(self) -> tuple[RegisteredReader, ...]:
        """The installed readers, in registration order (on a sniff tie the later one reads)."""
        return tuple(self.host.readers)

    @property
    def plugin_problems(self) -> tuple[PluginProblem, ...]:
        """Plugins (or readers) that could not be loaded, each with its error; the others work."""
        return tuple(self.host.problems)


def source_info(row: SourceRow) -> SourceInfo:
    """What ``show`` and the audit say about a source, from its stored row."""
    extract = row.extract
    return SourceInfo(
        source_id=row.id,
        path=row.path,
        locations=row.locations,
        sha256=row.sha256,
        media_type=row.media_type,
        reader=row.reader,
        reader_version=row.reader_version,
        encoding=row.encoding,
        encoding_confidence=row.encoding_confidence,
        similarity=row.similarity,
        joined_as=row.joined_as,
        title=extract.title if extract else None,
        metadata=dict(extract.metadata) if extract else {},
        paragraph_count=len(extract.paragraphs) if extract else 0,
        removed_count=len(extract.removed) if extract else 0,
        script=han_variant("\n".join([extract.title or "", *extract.paragraphs])) if extract else None,
        seen=tuple(place.to_dict() for place in row.seen),
    )
