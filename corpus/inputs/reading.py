"""Getting an input's bytes: a file read under the size limit, bytes carried, a URL fetched, an object read.

This runs in the per-source stage (:mod:`corpus.prepare`), in the worker that
reads the source, so a file that blocks, a slow server or a huge download costs
that worker its time limit, not the add. Whatever goes wrong becomes a message
naming the input, for its ``failed`` record.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from corpus.inputs.item import Input
from corpus.inputs.walk import is_link_loop
from corpus.limits import DEFAULT_LIMITS, Limits


@dataclass(frozen=True)
class Opened:
    """An input's bytes, with what came with them from outside (a declared charset, provenance)."""

    data: bytes
    charset: str | None = None
    details: tuple[tuple[str, str], ...] = ()


def read_input(item: Input, limits: Limits = DEFAULT_LIMITS) -> Opened | str:
    """The bytes of ``item``, or why they cannot be had (a message naming its location)."""
    if item.error is not None:
        return item.error
    if item.data is not None:
        too_large = limits.file_too_large(len(item.data), item.location)
        return too_large or Opened(item.data, item.charset, item.details)
    if item.url is not None:
        from corpus.inputs.objects import is_object_url, read_object

        if is_object_url(item.url):
            return read_object(item, limits)
        from corpus.inputs.urls import fetch

        return fetch(item, limits)
    assert item.path is not None, "an input has a path, bytes or a URL"
    data = read_source(item.path, item.location, limits)
    return data if isinstance(data, str) else Opened(data, item.charset, item.details)


def read_source(path: Path, where: str, limits: Limits = DEFAULT_LIMITS) -> bytes | str:
    """The bytes of the file at ``path``, or why they cannot be read (a message naming ``where``).

    Only a regular file is read, and only if it is within ``limits.max_file_size``
    (checked before reading, and again while reading, for a file that grows): a FIFO
    or a device is refused rather than waited on.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        return unreadable(path, where, exc)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            return unreadable(path, where, None)
        if not stat.S_ISREG(info.st_mode):
            return f"{where}: not a regular file but {_kind(info.st_mode)}; only files are read"
        too_large = limits.file_too_large(info.st_size, where)
        if too_large:
            return too_large
        cap = limits.max_file_size
        # What the size says, and one byte more to see a file that grew (or whose size lies, as /proc's).
        want = (info.st_size if cap is None else min(info.st_size, cap)) + 1
        with os.fdopen(fd, "rb", closefd=False) as file:
            data = file.read(want)
            if len(data) == want:
                data += file.read() if cap is None else file.read(cap + 1 - len(data))
    except OSError as exc:
        return unreadable(path, where, exc)
    finally:
        os.close(fd)
    if cap is not None and len(data) > cap:
        return limits.file_too_large(len(data), where) or ""
    return data


def unreadable(path: Path, where: str, error: OSError | None) -> str:
    """Why ``path`` cannot be read as a file: ``error`` from opening or reading it, None for a folder.

    A folder comes here from :func:`corpus.inputs.walk.expand` only when it could not be
    walked: a link back into a folder it is in, or a folder that cannot be listed.
    """
    try:
        folder = stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        folder = False
    if folder:
        if is_link_loop(path):
            return (
                f"{where}: a symbolic link loop: it points to {os.path.realpath(path)}, a folder it is in; "
                "not followed"
            )
        try:
            with os.scandir(path):
                pass
        except OSError as exc:
            error = exc
        else:
            return f"{where}: a folder, not a file: it could not be walked when the add began"
        if error.errno in (errno.EACCES, errno.EPERM):
            return f"{where}: permission denied: the folder cannot be listed, so nothing in it was added"
        if error.errno != errno.ENOENT:
            return f"{where}: the folder cannot be listed: {error.strerror or error}"
    if error is None:  # a folder a moment ago, gone now
        return f"{where}: no such file or folder (it was removed while the add ran)"
    code = error.errno
    if code == errno.ENOENT and os.path.islink(path):
        return f"{where}: a symbolic link to {os.readlink(path)}, which does not exist"
    if code == errno.ENOENT:
        return f"{where}: no such file or folder (it is not there, or it was removed while the add ran)"
    if code == errno.ELOOP:
        return f"{where}: a symbolic link loop: following its links never reaches a file"
    if code in (errno.EACCES, errno.EPERM):
        return f"{where}: permission denied: the user running corpus may not read it"
    return f"cannot read {where}: {error.strerror or error}"


def _kind(mode: int) -> str:
    kinds = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"))
    return next((name for test, name in kinds if test(mode)), "a device")
