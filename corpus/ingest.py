"""Adding files: the per-source stage in worker processes, then the commit stage, in input order.

bytes → sniff → decode → read → fingerprint (:mod:`corpus.prepare`, pure, parallel)
→ match → attach → canonical → store (:mod:`corpus.commit`, serial, group commit).
With ``jobs`` above one the first stage runs in forked worker processes
(:mod:`corpus.workers`); the second always runs here, in the order the files were
given, so the result does not depend on ``jobs``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from corpus import fingerprint as fp
from corpus.commit import Committer
from corpus.pluginhost import PluginHost
from corpus.prepare import Blob, Prepared, prepare
from corpus.readers import RegisteredReader
from corpus.records import AddResult
from corpus.store import Store
from corpus.workers import Pool

__all__ = ["add_files"]


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

    def __init__(self, readers: tuple[RegisteredReader, ...], settings: fp.FingerprintSettings, store: Path) -> None:
        self.readers = readers
        self.settings = settings
        self.known = _Known(store)

    def __call__(self, path: Path) -> Prepared:
        return prepare(path, self.readers, self.settings, known=self.known)


def _crashed(path: Path, reason: str) -> Prepared:
    """The record of a file whose worker died: its bytes are still kept, with the reason."""
    location = str(path)
    try:
        data = path.read_bytes()
    except OSError:
        return Prepared(location, None, error=f"{location}: {reason}")
    return Prepared(location, Blob.of(data), error=f"{location}: {reason}")


def add_files(
    store: Store,
    host: PluginHost,
    files: Iterable[Path],
    *,
    jobs: int = 1,
    on_result: Callable[[AddResult], None] | None = None,
) -> list[AddResult]:
    """Add ``files`` to ``store``; one result per file, each reported once its group is committed."""
    stage = _Stage(tuple(host.readers), store.settings(), store.path)
    store_file = store.path.resolve()
    wanted = (f for f in files if f.resolve() != store_file)
    prepared: Iterator[Prepared] = Pool(jobs, stage, _crashed).map(wanted) if jobs > 1 else map(stage, wanted)
    committer = Committer(store, host)
    results: list[AddResult] = []

    def report(done: list[AddResult]) -> None:
        for result in done:
            results.append(result)
            if on_result is not None:
                on_result(result)

    try:
        for item in prepared:
            report(committer.add(item))
        report(committer.flush())
    except BaseException:
        committer.abort()
        raise
    return results
