"""One source to add, however it came: a file, an archive member, a web-archive record, a URL, an object.

An :class:`Input` is what the listing of an ``add`` (:mod:`corpus.inputs`) hands to
the per-source stage (:mod:`corpus.prepare`): where the source is, as the store
records it, and how to get its bytes. It is frozen and picklable, so it crosses to
a worker process as it is. The bytes of a file, a URL or an object in an object store
(``s3://``, :mod:`corpus.inputs.objects`) are got in the stage (in
the worker, under its limits); those of an archive member or a web-archive record
come with the input, read from their container while the listing went through it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


@dataclass(frozen=True)
class Input:
    """One source to add; exactly one of ``path``, ``data`` and ``url`` says where its bytes are.

    ``location`` is where the source is, as stored and shown: an absolute path, a
    URL (``s3://bucket/key`` for an object), or ``archive.zip!inner/path``. ``url``
    is an ``http(s)://`` URL to fetch or an ``s3://`` object to read. ``name`` is the
    file name its type may be guessed from (the sniffer's suffix hint). ``charset`` is
    a charset declared for the bytes from outside them (an HTTP ``Content-Type``); it counts like a
    ``<meta charset>``. ``details`` is provenance kept with the location (a WARC
    record's date and id, HTTP headers, a fetch time). ``error`` says why the input
    cannot be read at all (a broken archive, a path that cannot be walked);
    ``refused`` why its bytes, which are read and kept, are not a document (a data file).
    """

    location: str
    path: Path | None = None
    data: bytes | None = None
    url: str | None = None
    name: str = ""
    charset: str | None = None
    details: tuple[tuple[str, str], ...] = ()
    error: str | None = None
    refused: str | None = None

    @property
    def suffix_name(self) -> Path:
        """A path whose suffix is the input's: what the sniffer takes its hint from."""
        return Path(PurePosixPath(self.name or self.location).name or "source")

    def __repr__(self) -> str:  # the bytes are not shown: a member may hold megabytes
        size = f", {len(self.data):,} bytes" if self.data is not None else ""
        return f"Input({self.location!r}{size})"


def file_input(path: Path, *, refused: str | None = None) -> Input:
    """The input of a file on disk, located by its absolute path (links not resolved)."""
    return Input(location=absolute(path), path=path, name=path.name, refused=refused)


def absolute(path: Path | str) -> str:
    """``path`` made absolute against the working folder, ``..`` and ``.`` taken out, links kept.

    A file added from three working folders is one location, not three.
    """
    return os.path.abspath(path)
