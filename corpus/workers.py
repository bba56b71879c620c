"""Worker processes for the per-source stage: in input order, a bounded window, a crash fails one item.

A reader may crash its process (a PDF library's segfault) or hang; with a process
per worker that costs one file, not the batch. Each worker takes one item at a time
over its own pipe, so the pool always knows which item a dead worker held: that
item's result is made by ``on_crash`` and a fresh worker takes the worker's place.
Results come back in the order the items went in, and at most ``window`` items are
read ahead, so memory does not grow with the input.

Workers are forked, so they inherit what the parent set up (the plugin host with
its readers, including plugins registered in code): nothing has to be pickled but
the items and the results.
"""

from __future__ import annotations

import contextlib
import faulthandler
import multiprocessing
import multiprocessing.connection
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# The function every worker runs, set before the workers fork.
_TASK: Callable[[Any], Any] | None = None


def _serve(connection: multiprocessing.connection.Connection) -> None:
    """A worker's loop: take an item, send back its result, until told to stop (None)."""
    # A worker is told to stop by its pipe closing or a None; ^C is the parent's to handle,
    # and a crash is reported by the parent as the file's error, not dumped on stderr.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    faulthandler.disable()
    assert _TASK is not None
    while True:
        try:
            message = connection.recv()
        except EOFError:
            return
        if message is None:
            return
        index, item = message
        try:
            result = (True, _TASK(item))
        except BaseException as exc:  # the task's own errors: reported as a crash of this item
            result = (False, f"{type(exc).__name__}: {exc}")
        connection.send((index, result))


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: multiprocessing.connection.Connection
    holding: int | None = None  # index of the item it works on


class Pool(Generic[T, R]):
    """``jobs`` forked workers running ``task``; see the module docstring."""

    def __init__(self, jobs: int, task: Callable[[T], R], on_crash: Callable[[T, str], R], *, window: int = 0) -> None:
        if jobs < 1:
            raise ValueError("a pool needs at least one worker")
        self.jobs = jobs
        self.task = task
        self.on_crash = on_crash
        self.window = window or 4 * jobs
        self._context = multiprocessing.get_context("fork")
        self._workers: list[_Worker] = []

    def _start_worker(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(child,), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def map(self, items: Iterable[T]) -> Iterator[R]:
        """The results of ``task`` on ``items``, in their order."""
        global _TASK
        _TASK = self.task
        source = iter(items)
        pending: dict[int, T] = {}
        done: dict[int, R] = {}
        next_in = next_out = 0
        exhausted = False
        try:
            self._workers = [self._start_worker() for _ in range(self.jobs)]
            while True:
                # Hand out items to idle workers while the window has room.
                for worker in self._workers:
                    if worker.holding is not None or exhausted or next_in - next_out >= self.window:
                        continue
                    try:
                        item = next(source)
                    except StopIteration:
                        exhausted = True
                        break
                    pending[next_in] = item
                    worker.connection.send((next_in, item))
                    worker.holding = next_in
                    next_in += 1
                while next_out in done:
                    yield done.pop(next_out)
                    next_out += 1
                if exhausted and next_out == next_in:
                    return
                self._collect(pending, done)
        finally:
            self._stop()

    def _collect(self, pending: dict[int, T], done: dict[int, R]) -> None:
        """Wait for a result or a dead worker; record what came back."""
        busy = [w for w in self._workers if w.holding is not None]
        if not busy:
            return
        ready = multiprocessing.connection.wait([w.connection for w in busy] + [w.process.sentinel for w in busy])
        for i, worker in enumerate(self._workers):
            if worker.holding is None:
                continue
            if worker.connection in ready:
                try:
                    index, (ok, value) = worker.connection.recv()
                except (EOFError, OSError):
                    pass  # it died while sending: handled below as a death
                else:
                    item = pending.pop(index)
                    done[index] = value if ok else self.on_crash(item, f"the reader failed: {value}")
                    worker.holding = None
                    continue
            if worker.process.sentinel in ready or not worker.process.is_alive():
                worker.process.join()
                index = worker.holding
                item = pending.pop(index)
                done[index] = self.on_crash(item, _death(worker.process.exitcode))
                worker.connection.close()
                self._workers[i] = self._start_worker()

    def _stop(self) -> None:
        for worker in self._workers:
            with contextlib.suppress(OSError):  # a worker that died has no pipe to tell
                worker.connection.send(None)
        for worker in self._workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.connection.close()
        self._workers = []


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"the process reading it died ({name}): the file crashed its reader"
    return f"the process reading it exited with code {exitcode}"


def default_jobs() -> int:
    """The machine's cores (those this process may use)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
