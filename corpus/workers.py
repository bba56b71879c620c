"""Worker processes for the per-source stage: in input order, a bounded window, a crash fails one item.

A reader may crash its process (a PDF library's segfault), hang, or ask for all
the memory there is; with the reading done in a worker process that costs one
file, not the batch, whatever ``--jobs`` is (one worker for ``--jobs 1``). Each
worker is sent a few items ahead over its own pipe (``depth``: it goes on to the
next while the parent is busy committing) and answers them in order, so the pool
always knows which item a dead worker held, the first it has not answered: that
item's result is made by ``on_crash`` with the reason, a fresh worker takes the
worker's place, and the items queued behind it go to the next workers free. The same happens to a worker
that holds an item longer than the time limit (it is killed) and to one whose
item ran out of the memory it may take: a worker's address space may grow by
``max_memory`` over what it started with (``RLIMIT_AS``), so an allocation past
it fails inside the worker (a ``MemoryError``, or a C library's abort) instead
of taking the machine's memory. Results come back in the order the items went
in, and at most ``window`` items are read ahead, nor more while the results
waiting for an earlier one hold ``window_bytes`` (pickled), so memory does not
grow with the input.

Workers are forked, so they inherit what the parent set up (the plugin host with
its readers, including plugins registered in code): nothing has to be pickled but
the items and the results. Starting one costs a few milliseconds.
"""

from __future__ import annotations

import bisect
import contextlib
import ctypes
import faulthandler
import math
import multiprocessing
import multiprocessing.connection
import os
import pickle
import select
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from corpus.limits import DEFAULT_LIMITS, Limits, format_size

try:
    import resource
except ImportError:  # not on a POSIX system: no memory limit
    resource = None  # type: ignore[assignment]

T = TypeVar("T")
R = TypeVar("R")

# The function every worker runs, set before the workers fork.
_TASK: Callable[[Any], Any] | None = None

# prctl(2): have the kernel send a signal when the parent dies.
_PR_SET_PDEATHSIG = 1

# What a worker sends back for an item: its result, the task's error, or "out of memory".
_OK, _ERROR, _MEMORY = "ok", "error", "memory"


def _serve(
    connection: multiprocessing.connection.Connection,
    max_memory: int | None,
    parent: int,
    inherited: list[multiprocessing.connection.Connection],
) -> None:
    """A worker's loop: take an item, send back its result, until told to stop (None)."""
    # A worker is told to stop by its pipe closing or a None; ^C is the parent's to handle,
    # and a crash is reported by the parent as the file's error, not dumped on stderr.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    faulthandler.disable()
    # The parent's ends of the pipes, this worker's and its elder siblings': held here, they
    # would keep a pipe open after the parent is gone, and a worker waiting on it would wait forever.
    for end in inherited:
        end.close()
    _die_with(parent)
    # Whatever a reader prints goes to stderr: stdout carries the command's output (JSON Lines) alone.
    with contextlib.suppress(OSError):
        os.dup2(2, 1)
    if max_memory is not None:
        _limit_memory(max_memory)
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
            result: tuple[str, Any] = (_OK, _TASK(item))
        except MemoryError:
            result = (_MEMORY, None)
        except BaseException as exc:  # the task's own errors: reported as a crash of this item
            result = (_ERROR, f"{type(exc).__name__}: {exc}")
        try:
            connection.send((index, result))
        except MemoryError:  # a result too large to pickle within the limit
            connection.send((index, (_MEMORY, None)))


def _die_with(parent: int) -> None:
    """Be killed when the parent dies (Linux), even inside a hung reader: a killed add leaves no workers."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: a worker ends when it next reads its pipe
        return
    if os.getppid() != parent:  # the parent died before that took effect
        os._exit(1)


def _limit_memory(extra: int) -> None:
    """Let this process's address space grow by ``extra`` bytes over what it is now, no more."""
    if resource is None:
        return
    try:
        with open("/proc/self/statm") as statm:
            size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return  # no /proc (not Linux): RLIMIT_AS would not mean the same, leave it
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = size + extra
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


# A worker that has grown by this much since it started (a large file leaves caches and a
# fragmented heap behind) is replaced once it has sent its result, so that memory goes back.
RECYCLE_GROWTH = 256 * 1024 * 1024

# How many items a worker is sent ahead: the one it works on and two more, so that it
# does not wait for this process to finish committing before it starts on another.
DEPTH = 3
# Items read ahead per worker, and the most the results waiting for an earlier one may
# hold (pickled): a slow file does not stop the workers, nor do large ones fill memory.
WINDOW_PER_JOB = 16
WINDOW_BYTES = 64 * 1024 * 1024


def _resident(pid: int) -> int | None:
    """The resident set of process ``pid`` in bytes; None where /proc cannot tell."""
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: multiprocessing.connection.Connection
    # The indices of the items it was sent and has not answered, in order: it works on the first.
    queue: deque[int] = field(default_factory=deque)
    since: float = (
        0.0  # when it started on the first (as far as the parent knows: when it was sent, or the one before answered)
    )
    started_at: int | None = None  # its resident set when it was forked (the parent's, then)

    def grown(self) -> bool:
        now = _resident(self.process.pid) if self.process.pid is not None else None
        return now is not None and self.started_at is not None and now > self.started_at + RECYCLE_GROWTH


class Pool(Generic[T, R]):
    """``jobs`` forked workers running ``task`` under ``limits``' time and memory limits; see the module docstring.

    ``on_crash(item, reason)`` makes the result of an item whose worker died, was
    stopped at the time limit or ran out of memory; ``reason`` says which, for a user.
    Each worker is sent up to ``depth`` items ahead, so that it goes on to the next
    while this process is busy with the results (the commit stage).
    """

    def __init__(
        self,
        jobs: int,
        task: Callable[[T], R],
        on_crash: Callable[[T, str], R],
        *,
        window: int = 0,
        window_bytes: int = WINDOW_BYTES,
        depth: int = DEPTH,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        if jobs < 1 or depth < 1:
            raise ValueError("a pool needs at least one worker, each taking at least one item")
        self.jobs = jobs
        self.task = task
        self.on_crash = on_crash
        self.depth = depth
        self.window = max(window or WINDOW_PER_JOB * jobs, jobs * depth)
        self.window_bytes = window_bytes
        self._held: dict[int, int] = {}  # index -> pickled size of each result not yet handed on
        self.limits = limits
        self._context = multiprocessing.get_context("fork")
        self._workers: list[_Worker] = []
        # Every worker's pipe and process sentinel, watched at once (one poll(2) a wait: a
        # multiprocessing.connection.wait makes and fills a selector each time).
        self._poller = select.poll()
        self._again: list[int] = []  # items a replaced worker was sent and never answered, sorted

    def _start_worker(self) -> _Worker:
        parent, child = self._context.Pipe()
        inherited = [parent, *(w.connection for w in self._workers if not w.connection.closed)]
        process = self._context.Process(
            target=_serve, args=(child, self.limits.max_memory, os.getpid(), inherited), daemon=True
        )
        process.start()
        child.close()
        for fd in (parent.fileno(), process.sentinel):
            self._poller.register(fd, select.POLLIN)
        return _Worker(process, parent, started_at=_resident(os.getpid()))

    def _close(self, worker: _Worker) -> None:
        """Stop watching a worker that is dead or stopped, and close its pipe."""
        for fd in (worker.connection.fileno(), worker.process.sentinel):
            with contextlib.suppress(KeyError, ValueError):
                self._poller.unregister(fd)
        worker.connection.close()

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
            self._workers, self._again, self._held = [], [], {}
            for _ in range(self.jobs):  # one at a time: each new worker closes its elders' pipes
                self._workers.append(self._start_worker())
            while True:
                # Take the results already sent (without waiting): a worker whose pipe is full
                # waits to send, so one left unread while the caller works would sit idle.
                self._collect(pending, done, block=False)
                # Hand out items, a round at a time so that every worker gets one before any gets two.
                for level in range(self.depth):
                    for i in range(len(self._workers)):
                        if len(self._workers[i].queue) > level:
                            continue
                        if self._again:
                            index = self._again.pop(0)
                        elif exhausted or next_in - next_out >= self.window or self._held_bytes() >= self.window_bytes:
                            continue
                        else:
                            try:
                                pending[next_in] = next(source)
                            except StopIteration:
                                exhausted = True
                                continue
                            index, next_in = next_in, next_in + 1
                        self._send(i, index, pending[index])
                if next_out in done:  # one at a time, the pipes read between them
                    self._held.pop(next_out, None)
                    yield done.pop(next_out)
                    next_out += 1
                    continue
                if exhausted and next_out == next_in:
                    return
                self._collect(pending, done)
        finally:
            self._stop()

    def _held_bytes(self) -> int:
        return sum(self._held.values())

    def _send(self, i: int, index: int, item: T) -> None:
        worker = self._workers[i]
        try:
            worker.connection.send((index, item))
        except OSError:  # it died (killed from outside)
            if worker.queue:  # the item it works on is the one that killed it: _collect says so
                bisect.insort(self._again, index)
                return
            worker = self._replace(i)  # it died while idle: a fresh one takes the item
            worker.connection.send((index, item))
        if not worker.queue:
            worker.since = time.monotonic()
        worker.queue.append(index)

    def _collect(self, pending: dict[int, T], done: dict[int, R], *, block: bool = True) -> None:
        """Wait for results, a dead worker or one past its time; record what came back.

        Without ``block``, only what is there already: no waiting.
        """
        busy = [w for w in self._workers if w.queue]
        if not busy:
            return
        wait: float | None = None if block else 0.0
        if block and self.limits.timeout is not None:
            first = min(w.since for w in busy) + self.limits.timeout
            wait = max(0.0, first - time.monotonic())
        ready = {fd for fd, _ in self._poller.poll(None if wait is None else math.ceil(wait * 1000))}
        for i, worker in enumerate(self._workers):
            if not worker.queue:
                if worker.process.sentinel in ready:  # it died while idle (killed from outside)
                    self._replace(i)
                continue
            if worker.connection.fileno() in ready and self._answers(i, pending, done):
                continue
            dead = worker.process.sentinel in ready or not worker.process.is_alive()
            timeout = self.limits.timeout
            if not dead and (timeout is None or time.monotonic() - worker.since < timeout):
                continue
            # What it sent before it died or ran out of time is in its pipe (poll(2) may show
            # the sentinel before the pipe): those items are answered, not failed.
            self._drain(worker, pending, done)
            if dead:
                worker.process.join()
                reason = _death(worker.process.exitcode, self.limits)
            elif timeout is not None and time.monotonic() - worker.since >= timeout:
                reason = self.limits.timed_out()
            else:
                continue  # it answered after all
            if not worker.queue:  # it died with every item answered
                self._replace(i)
                continue
            index = worker.queue.popleft()
            done[index] = self.on_crash(pending.pop(index), reason)
            self._replace(i)

    def _answers(self, i: int, pending: dict[int, T], done: dict[int, R]) -> bool:
        """Take the next result worker ``i`` has sent; False if it died before sending it."""
        worker = self._workers[i]
        # Its successor is forked before the result lands here: forked after, it would
        # share (and, as this process goes on, keep a stale copy of) a large result.
        fresh = self._start_worker() if worker.grown() else None
        try:
            message = worker.connection.recv_bytes()
        except (EOFError, OSError):  # it died while sending: the caller handles the death
            if fresh is not None:  # not needed after all
                fresh.process.kill()
                fresh.process.join()
                self._close(fresh)
            return False
        if self._take(worker, message, pending, done) == _MEMORY:
            # Out of memory: a fresh worker, with all its memory to give, takes the next file.
            fresh = fresh or self._start_worker()
        if fresh is not None:
            self._replace(i, fresh)
        return True

    def _take(self, worker: _Worker, message: bytes, pending: dict[int, T], done: dict[int, R]) -> str:
        """Record one result the worker sent, for the first item it had not answered; returns its kind."""
        index, (kind, value) = pickle.loads(message)
        self._held[index] = len(message)
        item = pending.pop(index)
        worker.queue.popleft()
        worker.since = time.monotonic()
        if kind == _OK:
            done[index] = value
        elif kind == _ERROR:
            done[index] = self.on_crash(item, f"the reader failed: {value}")
        else:
            done[index] = self.on_crash(item, self.limits.out_of_memory())
        return str(kind)

    def _drain(self, worker: _Worker, pending: dict[int, T], done: dict[int, R]) -> None:
        """Take every result already in a worker's pipe (one that died, or is to be stopped)."""
        while worker.queue:
            try:
                if not worker.connection.poll(0):
                    return
                message = worker.connection.recv_bytes()
            except (EOFError, OSError):  # nothing more: it died, maybe while sending
                return
            self._take(worker, message, pending, done)

    def _replace(self, i: int, fresh: _Worker | None = None) -> _Worker:
        """Stop worker ``i`` (it may be dead already); ``fresh``, or a new worker, takes its place.

        The items it was sent and did not answer go to the next workers free.
        """
        worker = self._workers[i]
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join()
        self._close(worker)
        for index in worker.queue:
            bisect.insort(self._again, index)
        self._workers[i] = fresh or self._start_worker()
        return self._workers[i]

    def _stop(self) -> None:
        for worker in self._workers:
            with contextlib.suppress(OSError):  # a worker that died has no pipe to tell
                worker.connection.send(None)
        for worker in self._workers:
            if worker.queue:  # stopped mid-item (^C, an error in the caller): do not wait for it
                worker.process.kill()
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            self._close(worker)
        self._workers = []


def _death(exitcode: int | None, limits: Limits) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        if name == "SIGABRT" and limits.max_memory is not None:
            # What a C library does when an allocation fails: PDFium aborts at the memory limit.
            return (
                f"the process reading it died ({name}): the reader crashed on the file, or it needed more than "
                f"{format_size(limits.max_memory)} of memory, the limit per file (raise it with --max-memory)"
            )
        if name == "SIGKILL":
            return f"the process reading it was killed ({name}), perhaps by the system when memory ran short"
        return f"the process reading it died ({name}): the file crashed its reader"
    return f"the process reading it exited with code {exitcode}"


def can_fork() -> bool:
    """Can workers be forked here (everywhere but Windows)?"""
    return "fork" in multiprocessing.get_all_start_methods()


def default_jobs() -> int:
    """The machine's cores (those this process may use)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
