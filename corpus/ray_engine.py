"""``corpus add --engine ray``: the per-source stage and the commit stage on Ray workers.

The documents an add makes are decided by the serial commit stage, each source
matched against the documents the sources before it made, in the order of the
locations (:func:`corpus.ingest.commit_in_order`). This engine runs the per-source
stage (:func:`corpus.prepare.prepare`: read, sniff, decode, read with a reader plugin,
normalise, shingle, signature, band and paragraph keys) on the workers of a Ray
cluster, with Ray Data, and keeps the ``Prepared`` records there; then it cuts the
add into components that cannot reach each other's documents and has the workers
commit them, part by part, with the same :class:`corpus.commit.Committer`, before
loading the parts into the store in bulk (:mod:`corpus.ray_parts`). Ids are fixed
in input order, so on the same input the two engines make the same documents,
version links, canonical texts and ids: by construction, since no decision of the
serial commit crosses a component (:mod:`corpus.components`), not by a test's luck.
An add whose canonical policy is a plugin's streams the records back here instead,
in input order, into the one serial commit stage.

How it runs:

- **Connecting**: no address (and no ``RAY_ADDRESS``) starts a local Ray with
  ``cpus`` CPUs (``--jobs``, default the machine's cores) and shuts it down at the
  end; ``address`` (``auto``, ``host:port``, ``ray://host:port``) connects to a
  cluster, whose CPUs are what it has (``--jobs`` plays no part then), and an
  address where nothing answers is a usage error at once. A Ray already initialised
  in this process is used as it is and left running.
- **Inputs**: the listing is cut into chunks (:data:`CHUNK_INPUTS` inputs, or
  :data:`CHUNK_BYTES` of the bytes that archive members and web-archive records carry
  with them), each chunk a Ray Data dataset of blocks of :data:`BLOCK_INPUTS`
  pickled :class:`corpus.inputs.Input` records, one Ray task per block. A file's
  input is its path (made absolute: a worker's working folder is not this process's),
  and the workers read it. On a local Ray that always holds; on a cluster the paths
  must be on a filesystem every node mounts at the same place (or be URLs, which the
  workers fetch, or ``s3://`` objects, which the workers read: :mod:`corpus.inputs.objects`).
  The results stream back in order: Ray Data holds at most
  :data:`IN_FLIGHT_BYTES` of them ahead of the commit stage.
- **Readers**: the workers use the readers of this process, sent to them pickled
  (with the fingerprint settings of the store and the limits), so they read exactly
  as the local engine would: the same readers, versions and choice. A reader of an
  installed plugin pickles by reference and is imported on the worker from the same
  distribution, which must be installed there; a plugin registered in code (the
  Python API's ``plugins=``) reaches the workers only if its module can be imported
  there or is registered with ``ray.cloudpickle.register_pickle_by_value``. Before
  anything is read, one probe task checks that the workers can load them all: a
  reader that cannot be sent is a usage error that names it, and nothing is added.
- **Limits and crashes**: each task reads its block in one process forked from the
  Ray worker, through the local engine's own worker pool (:class:`corpus.workers.Pool`),
  so the size, decompressed size and page limits, the time limit per file and the
  memory limit per file hold exactly as with the local engine: a file that crashes its
  reader (a segfault, ``os._exit``), hangs past ``--timeout`` or needs more than
  ``--max-memory`` fails alone, with the reason, and the task goes on with the next
  file. No file can take a Ray worker down with it, then: what still kills one (a node
  lost, the system's OOM killer) is Ray's to handle, and Ray Data retries that task
  elsewhere, as it always does. An error Ray gives up on stops the add, with what was
  reported kept in the store (the next add of the same files finishes the work).
- **Already stored**: a worker that sees the store's file (the same device and
  inode) looks it up read-only, as the local engine's workers do, to skip reading
  bytes the store holds; a worker elsewhere reads them, and the commit stage records
  them as ``exists`` all the same: the look-up saves time and never changes a result.
"""

from __future__ import annotations

import importlib
import logging
import os
import pickle
import socket
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from corpus import fingerprint as fp
from corpus.errors import CorpusError, UsageError
from corpus.ingest import Reported, _Stage, commit_in_order, wanted
from corpus.inputs import Input
from corpus.limits import DEFAULT_LIMITS, MB, Limits
from corpus.pluginhost import PluginHost
from corpus.prepare import Prepared
from corpus.ray_parts import add_chunk, key_columns
from corpus.readers import RegisteredReader
from corpus.records import AddResult
from corpus.store import Store
from corpus.workers import Pool, can_fork

__all__ = ["INSTALL", "add_files_ray", "ray_missing", "require_ray"]

INSTALL = "pip install 'corpus[ray]'"
"""How to get the optional dependency: Ray with Ray Data."""

BLOCK_INPUTS = 128
"""Inputs per Ray Data block, and so per Ray task (and per process forked to read them): enough to pay for both."""
CHUNK_INPUTS = 50_000
"""Inputs per dataset: the listing is handed to Ray a chunk at a time, never all of it at once."""
CHUNK_BYTES = 256 * MB
"""Bytes carried inline by the inputs of one chunk (archive members, web-archive records)."""
IN_FLIGHT_BYTES = 1024 * MB
"""What Ray Data may hold in its object store for one dataset: the results read ahead of the commit stage."""


def ray_missing() -> str | None:
    """Why Ray cannot be used here (it is not installed, or will not import), or None when it can."""
    try:
        importlib.import_module("ray")
        importlib.import_module("ray.data")
    except Exception as exc:  # an ImportError, or a broken install that fails on import
        return f"{type(exc).__name__}: {exc}"
    return None


def require_ray() -> None:
    """Raise :class:`corpus.UsageError` saying how to install Ray when it cannot be imported."""
    reason = ray_missing()
    if reason is not None:
        raise UsageError(f"--engine ray needs Ray (with Ray Data), which is not installed here: {INSTALL} ({reason})")


class _SameStore:
    """``known(sha256)`` for a worker: the store's look-up when the worker sees the same store file, else False.

    The file is told by its device and inode, taken here: a worker on another node that
    finds a file at the same path (another store, or none) reads the source instead,
    which costs time but never changes a result (the commit stage checks the store).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            stat = os.stat(path)
            self.identity: tuple[int, int] | None = (stat.st_dev, stat.st_ino)
        except OSError:
            self.identity = None
        self._db: sqlite3.Connection | None = None
        self._usable: bool | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path, "identity": self.identity, "_db": None, "_usable": None}

    def __call__(self, sha256: str) -> bool:
        if self._usable is None:
            self._usable = self._same_file()
        if not self._usable:
            return False
        try:
            if self._db is None:
                self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
            row = self._db.execute("SELECT 1 FROM sources WHERE sha256 = ? AND status = 'ok'", (sha256,)).fetchone()
        except sqlite3.Error:
            self._usable = False
            return False
        return row is not None

    def _same_file(self) -> bool:
        try:
            stat = os.stat(self.path)
        except OSError:
            return False
        return self.identity == (stat.st_dev, stat.st_ino)


class _RayStage(_Stage):
    """The local engine's per-source stage, with a store look-up that is safe on any node."""

    def __init__(
        self,
        readers: tuple[RegisteredReader, ...],
        settings: fp.FingerprintSettings,
        store: Path,
        limits: Limits,
        *,
        alone: bool = False,
    ) -> None:
        super().__init__(readers, settings, store, limits, alone=alone)
        self.known = _SameStore(Path(os.path.abspath(store)))  # type: ignore[assignment]


def _prepare_block(block: Any, stage: _RayStage, keyed: bool = False) -> Any:
    """On a Ray worker: the ``Prepared`` record of each input of ``block``, pickled, with its index.

    The block is read in a forked process by the local engine's pool, so a file that
    crashes, hangs or takes too much memory fails alone (see the module docstring). ``block``
    and the result are ``pyarrow.Table`` objects (pyarrow comes with Ray Data).
    """
    pa = _pyarrow()

    items: list[Input] = [pickle.loads(raw) for raw in block.column("input").to_pylist()]
    stage.warm()  # once per Ray worker: the forked readers inherit what it loads
    results: Iterable[Prepared]
    if can_fork():
        results = Pool(1, stage, stage.crashed, limits=stage.limits).map(items)
    else:  # no fork (a Windows worker): no time or memory limit, a reader's exception still fails one file
        results = (_guarded(stage, item) for item in items)
    records = list(results)
    prepared = [pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL) for result in records]
    columns = {"index": block.column("index"), "prepared": pa.array(prepared, type=pa.large_binary())}
    if keyed:  # what the plan of a commit in parts reads (corpus.ray_parts)
        keys = key_columns(records)
        columns["sha"] = pa.array(keys["sha"], type=pa.string())
        columns["exact"] = pa.array(keys["exact"], type=pa.string())
        columns["bands"] = pa.array(keys["bands"], type=pa.list_(pa.int64()))
        columns["paras"] = pa.array(keys["paras"], type=pa.list_(pa.int64()))
    return pa.table(columns)


def _guarded(stage: _RayStage, item: Input) -> Prepared:
    try:
        return stage(item)
    except Exception as exc:
        return stage.crashed(item, f"the reader failed: {type(exc).__name__}: {exc}")


def _probe(stage: _RayStage) -> list[str]:
    """On a Ray worker: the readers it got, which shows that it could load them."""
    return [reader.name for reader in stage.readers]


def add_files_ray(
    store: Store,
    host: PluginHost,
    items: Iterable[Input],
    *,
    address: str | None = None,
    cpus: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
    on_result: Callable[[AddResult], None] | None = None,
    keep_results: bool = True,
    on_phase: Callable[[str], None] | None = None,
) -> list[AddResult]:
    """Add ``items`` to ``store`` as :func:`corpus.ingest.add_files` does, on Ray.

    ``address`` is the Ray cluster (None: ``RAY_ADDRESS``, else a local Ray of ``cpus``
    CPUs, default all). One result per source, each reported once its group is
    committed; the same results, and the same store, as the local engine gives.
    Raises :class:`corpus.UsageError` (nothing added) when Ray is missing, the cluster
    cannot be reached or a reader cannot be sent to its workers.
    """
    require_ray()
    stage = _RayStage(tuple(host.readers), store.settings(), store.path, limits, alone=host.builtin_canonical)
    _check_pickles(stage)
    with _connected(address, cpus):
        _check_workers(stage)
        if not host.builtin_canonical:  # a plugin's canonical policy runs here: the commit stage stays here
            prepared = _prepared(stage, wanted(store, items))
            return commit_in_order(store, host, prepared, on_result=on_result, keep_results=keep_results)
        import ray

        report = Reported(on_result, keep_results)
        workers = max(1, int(_cluster_cpus()))
        phase = on_phase or (lambda _: None)
        for keyed, size in _keyed_chunks(stage, wanted(store, items), phase):
            try:
                add_chunk(store, host, keyed, size, workers, report, phase)
            except ray.exceptions.RayError as exc:
                raise _cluster_failed(exc) from exc
        return report.kept


def _check_pickles(stage: _RayStage) -> None:
    """A usage error naming the first reader that cannot be sent to a worker."""
    cloudpickle: Any = importlib.import_module("ray.cloudpickle")
    for reader in stage.readers:
        try:
            cloudpickle.dumps(reader)
        except Exception as exc:
            raise UsageError(
                f"reader {reader.name!r} (plugin {reader.plugin}) cannot be sent to Ray workers "
                f"({type(exc).__name__}: {exc}); add with the local engine, or make the reader picklable"
            ) from exc


def _check_workers(stage: _RayStage) -> None:
    """One task on the cluster, to show that its workers load the readers before any file is read."""
    import ray

    probe = ray.remote(max_retries=0)(_probe)
    try:
        names = ray.get(probe.remote(stage))
    except ray.exceptions.RayError as exc:
        raise UsageError(
            "the Ray workers cannot load the readers of this add: "
            f"{_first_line(exc)}; the plugins must be installed on every node (a plugin registered in code must be "
            "importable there, or registered with ray.cloudpickle.register_pickle_by_value)"
        ) from exc
    assert names == [reader.name for reader in stage.readers]


@contextmanager
def _connected(address: str | None, cpus: int | None) -> Iterator[None]:
    """Ray, initialised for this add and shut down after it, or the one this process already has."""
    import ray

    if ray.is_initialized():
        yield
        return
    target = address or os.environ.get("RAY_ADDRESS") or "local"
    options: dict[str, Any] = {
        "include_dashboard": False,
        "logging_level": logging.ERROR,
        "log_to_driver": False,
        "ignore_reinit_error": True,
    }
    if target == "local":
        options["num_cpus"] = cpus
    silent = _unreachable(target)
    if silent is not None:  # Ray itself would retry for minutes, its C++ core warning on stderr meanwhile
        raise UsageError(f"cannot connect to the Ray cluster at {target}: {silent}")
    try:
        ray.init(address=target, **options)
    except (ConnectionError, ValueError, RuntimeError) as exc:
        where = "start a local Ray" if target == "local" else f"connect to the Ray cluster at {target}"
        raise UsageError(f"cannot {where}: {_first_line(exc)}") from exc
    # Ray Data logs a failing task in full on stderr; the add says it in one line (a CorpusError).
    logging.getLogger("ray.data").setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        ray.shutdown()


def _unreachable(target: str, timeout: float = 5.0) -> str | None:
    """Why nothing answers at a ``host:port`` (or ``ray://host:port``) address; None when something does.

    ``auto``, ``local`` and what is not of that form are left to Ray to resolve.
    """
    host, colon, port = target.removeprefix("ray://").rpartition(":")
    if not colon or not host or not port.isdigit():
        return None
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return f"nothing answers at {host}:{port} ({reason}); is `ray start --head` running?"
    return None


def _chunks(items: Iterable[Input]) -> Iterator[list[Input]]:
    """``items`` in lists of at most :data:`CHUNK_INPUTS` inputs and about :data:`CHUNK_BYTES` inline bytes."""
    chunk: list[Input] = []
    size = 0
    for item in items:
        chunk.append(item)
        size += len(item.data) if item.data is not None else 0
        if len(chunk) >= CHUNK_INPUTS or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _prepared(stage: _RayStage, items: Iterable[Input]) -> Iterator[Prepared]:
    """The ``Prepared`` record of every input, in input order, the per-source stage run by Ray Data."""
    import ray

    for chunk in _chunks(items):
        dataset = _blocks(chunk).map_batches(
            _prepare_block,
            fn_kwargs={"stage": stage},
            batch_size=None,  # one block, one task
            batch_format="pyarrow",
            num_cpus=1,
        )
        assert dataset.context.execution_options.preserve_order
        expected = 0
        try:
            batches: Iterable[Any] = dataset.iter_batches(batch_size=None, batch_format="pyarrow", prefetch_batches=1)
            for batch in batches:
                for index, raw in zip(
                    batch.column("index").to_pylist(), batch.column("prepared").to_pylist(), strict=True
                ):
                    if index != expected:  # never: the commit stage must see every source, in order
                        raise CorpusError(f"Ray returned source {index} of a chunk where source {expected} was due")
                    expected += 1
                    yield pickle.loads(raw)
        except ray.exceptions.RayError as exc:
            raise _cluster_failed(exc) from exc
        if expected != len(chunk):
            raise CorpusError(f"Ray returned {expected} of the {len(chunk)} sources of a chunk")


def _blocks(chunk: list[Input]) -> Any:
    """A chunk's inputs as a Ray Data dataset of pickled inputs, :data:`BLOCK_INPUTS` a block."""
    import ray.data

    pa = _pyarrow()
    blocks = []
    for start in range(0, len(chunk), BLOCK_INPUTS):
        part = chunk[start : start + BLOCK_INPUTS]
        pickled = [pickle.dumps(_portable(item), protocol=pickle.HIGHEST_PROTOCOL) for item in part]
        index = pa.array(range(start, start + len(part)), type=pa.int64())
        blocks.append(pa.table({"index": index, "input": pa.array(pickled, type=pa.large_binary())}))
    inputs = ray.data.from_arrow(blocks)
    _configure(inputs.context)
    return inputs


def _keyed_chunks(
    stage: _RayStage, items: Iterable[Input], phase: Callable[[str], None]
) -> Iterator[tuple[Any, int]]:
    """Each chunk's per-source stage, run and held on the cluster with the keys a plan needs; its size."""
    import ray

    for chunk in _chunks(items):
        phase(f"reading {len(chunk):,}")
        dataset = _blocks(chunk).map_batches(
            _prepare_block,
            fn_kwargs={"stage": stage, "keyed": True},
            batch_size=None,
            batch_format="pyarrow",
            num_cpus=1,
        )
        try:
            keyed = dataset.materialize()
        except ray.exceptions.RayError as exc:
            raise _cluster_failed(exc) from exc
        if keyed.count() != len(chunk):
            raise CorpusError(f"Ray returned {keyed.count()} of the {len(chunk)} sources of a chunk")
        yield keyed, len(chunk)


def _cluster_failed(exc: BaseException) -> CorpusError:
    return CorpusError(
        f"the Ray cluster failed during the add: {_first_line(exc)}; what was reported is in the store, "
        "and adding the same files again finishes the work"
    )


def _cluster_cpus() -> float:
    import ray

    resources: dict[str, float] = ray.cluster_resources()  # type: ignore[no-untyped-call]
    return float(resources.get("CPU", 1))


def _portable(item: Input) -> Input:
    """``item`` with its file's path made absolute: a Ray worker's working folder is not this process's."""
    if item.path is None or item.path.is_absolute():
        return item
    return replace(item, path=Path(os.path.abspath(item.path)))


def _configure(context: Any) -> None:
    """A dataset's options: blocks kept in order, quiet, and a bound on what it holds in flight."""
    from ray.data import ExecutionResources
    from ray.data.context import ShuffleStrategy

    context.execution_options.preserve_order = True
    # The two shuffles (by key, by part) as map and reduce tasks: Ray Data's default hash
    # shuffle starts aggregator actors for each, some 10 s each on a small cluster however
    # few the rows, which made a Ray add of two files take 32 s; with tasks, 1.5 s.
    context.shuffle_strategy = ShuffleStrategy.SORT_SHUFFLE_PULL_BASED
    # Ray Data reserves part of the cluster for each operator; with one operator on a small
    # cluster (2 CPUs) that leaves one task running at a time. Here the one map has it all.
    context.op_resource_reservation_enabled = False
    context.execution_options.resource_limits = ExecutionResources.for_limits(object_store_memory=IN_FLIGHT_BYTES)
    context.enable_progress_bars = False
    context.print_on_execution_start = False


def _pyarrow() -> Any:
    """pyarrow (a dependency of Ray Data), untyped: it ships no type hints."""
    return importlib.import_module("pyarrow")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0] if "\n" in text else text
