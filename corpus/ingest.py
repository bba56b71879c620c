"""Adding files: the per-source stage in worker processes, then the commit stage, in input order.

bytes → sniff → decode → read → fingerprint (:mod:`corpus.prepare`, pure, parallel)
→ match → attach → canonical → store (:mod:`corpus.commit`, serial, group commit).
The first stage runs in ``jobs`` forked worker processes (:mod:`corpus.workers`),
one for ``jobs=1``: a reader that crashes, hangs past the time limit or runs out of
its memory fails its file only (:mod:`corpus.limits`), and the commit stage of one
file overlaps the reading of the next. The second stage always runs here, in the
order the files were given, so the result does not depend on ``jobs``.

The commit stage is one loop, :func:`commit_in_order`, for every engine: this one's
worker processes and Ray's workers (:mod:`corpus.ray_engine`) both hand it the
``Prepared`` records in input order, so both make the same documents.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from corpus import fingerprint as fp
from corpus import normalise
from corpus.commit import Committer
from corpus.inputs import Input, read_input
from corpus.limits import DEFAULT_LIMITS, Limits
from corpus.pluginhost import PluginHost
from corpus.prepare import Blob, Prepared, prepare
from corpus.readers import RegisteredReader
from corpus.records import AddResult
from corpus.store import Store
from corpus.workers import Pool, can_fork

__all__ = ["add_files", "commit_in_order", "wanted"]


class _Known:
    """Does the store hold these bytes as an added source? A read-only look, one connection per process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None

    def __call__(self, sha256: str) -> bool:
        if self._db is None:
            self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
        row = self._db.execute("SELECT 1 FROM sources WHERE sha256 = ? AND status = 'ok'", (sha256,)).fetchone()
        return row is not None


class _Stage:
    """The per-source stage as one callable, the same in this process and in a worker."""

    def __init__(
        self,
        readers: tuple[RegisteredReader, ...],
        settings: fp.FingerprintSettings,
        store: Path,
        limits: Limits,
        *,
        alone: bool = False,
    ) -> None:
        self.readers = readers
        self.settings = settings
        self.known = _Known(store)
        self.limits = limits
        self.alone = alone  # build each source's text as a new document (the built-in policy's)

    def __call__(self, item: Input) -> Prepared:
        return prepare(item, self.readers, self.settings, known=self.known, limits=self.limits, alone=self.alone)

    def crashed(self, item: Input, reason: str) -> Prepared:
        """The record of a source whose worker died or was stopped: its bytes are still kept, with the reason.

        A URL is not fetched again for it: its record goes without bytes.
        """
        blob = None
        if item.url is None:
            try:
                opened = read_input(item, self.limits)
                blob = Blob.of(opened.data) if not isinstance(opened, str) else None
            except Exception:  # the record of the failure must not fail: it goes without its bytes
                blob = None
        return Prepared(item.location, blob, error=f"{item.location}: {reason}", details=item.details)

    def warm(self) -> None:
        """Load, here and once, what fingerprinting loads on first use (numpy, the permutations, OpenCC).

        The commit stage needs it in this process anyway; loaded before the workers
        fork, they inherit it instead of each loading it again.
        """
        from corpus import minhash

        normalise.tokens("暖 warm")
        settings = self.settings
        minhash.signature({"warm"}, num_perm=settings.num_perm, seed=settings.seed, hashfunc=settings.hash_function)


def wanted(store: Store, items: Iterable[Input]) -> Iterator[Input]:
    """The inputs, but the store's own files (a folder that holds the store is not added into it).

    The store's file and SQLite's files beside it (``-wal``, ``-shm``, ``-journal``) are
    known by device and inode, whatever path or link names them: one ``stat`` an input,
    where resolving every path would ask for each of its folders.
    """
    own = {found for suffix in _STORE_COMPANIONS if (found := _identity(f"{store.path}{suffix}")) is not None}
    return (i for i in items if i.path is None or not own or _identity(i.path) not in own)


# SQLite's files beside a store: its write-ahead log and its index, a rollback journal.
_STORE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def _identity(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return None  # not there (yet): not the store's file; the add says what is wrong with it
    return found.st_dev, found.st_ino


def add_files(
    store: Store,
    host: PluginHost,
    items: Iterable[Input],
    *,
    jobs: int = 1,
    limits: Limits = DEFAULT_LIMITS,
    on_result: Callable[[AddResult], None] | None = None,
    keep_results: bool = True,
) -> list[AddResult]:
    """Add ``items`` to ``store``; one result per source, each reported once its group is committed.

    ``limits`` bound what each file may cost; a file over one fails alone. With
    ``keep_results=False`` the results go to ``on_result`` only (see :func:`commit_in_order`).
    """
    stage = _Stage(tuple(host.readers), store.settings(), store.path, limits, alone=host.builtin_canonical)
    stage.warm()
    # Without fork (Windows) there are no workers: no time or memory limit, and a crash takes the batch.
    pool = Pool(jobs, stage, stage.crashed, limits=limits) if can_fork() else None
    inputs = wanted(store, items)
    prepared: Iterator[Prepared] = pool.map(inputs) if pool is not None else map(stage, inputs)
    return commit_in_order(store, host, prepared, on_result=on_result, keep_results=keep_results)


def commit_in_order(
    store: Store,
    host: PluginHost,
    prepared: Iterable[Prepared],
    *,
    on_result: Callable[[AddResult], None] | None = None,
    keep_results: bool = True,
) -> list[AddResult]:
    """The commit stage of every engine: match, attach and store ``prepared``, in its order, in groups.

    Each source is matched against the documents the sources before it made, so the
    documents depend on the order of ``prepared`` (the order of the locations) and on
    nothing else: not on where or how the per-source stage ran. A source's result is
    reported (``on_result``, and the list returned) once its group is committed; an error
    rolls back the group in flight only, and what was reported stays in the store.
    With ``keep_results=False`` the list returned is empty: an add of millions of
    sources that hands each to ``on_result`` does not hold them all (some 700 bytes each).
    """
    committer = Committer(store, host)
    report = Reported(on_result, keep_results)
    try:
        for item in prepared:
            report(committer.add(item))
        report(committer.flush())
    except BaseException:
        committer.abort()
        raise
    return report.kept


class Reported:
    """Where committed results go: to ``on_result``, and into :attr:`kept` when they are kept."""

    def __init__(self, on_result: Callable[[AddResult], None] | None, keep: bool) -> None:
        self.on_result = on_result
        self.keep = keep
        self.kept: list[AddResult] = []

    def __call__(self, done: Iterable[AddResult]) -> None:
        for result in done:
            if self.keep:
                self.kept.append(result)
            if self.on_result is not None:
                self.on_result(result)
