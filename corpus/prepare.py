"""The per-source stage: bytes → sniff → decode → read → fingerprint, with no store.

Everything a source needs before it can be matched is computed here, from its bytes
and the installed readers alone, so it can run anywhere: in this process, in worker
processes (``corpus add --jobs N``), on the workers of a Ray cluster. The result is a
frozen, picklable :class:`Prepared`, the seam between this stage and the serial
commit stage (:mod:`corpus.commit`), which matches, attaches and stores in input order.
A source that cannot be read comes out as a ``Prepared`` with its ``error``: nothing
here raises for bad input. What a source may cost is bounded by its
:class:`corpus.limits.Limits`: a file over the size limit is not read at all, the
readers see the limits as ``source.limits``; the time and memory limits are the
worker's (:mod:`corpus.workers`).
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from corpus import boilerplate
from corpus import fingerprint as fp
from corpus.decode import decode
from corpus.errors import CorpusError, DecodeError, ReaderError
from corpus.extract import Extract
from corpus.files import is_link_loop
from corpus.limits import DEFAULT_LIMITS, Limits
from corpus.readers import RegisteredReader, choose_reader
from corpus.sniff import sniff_media_type
from corpus.source import SourceFile

# The original bytes are kept compressed (zlib, the store's format); compressing them
# is part of this stage, so the commit stage only writes them.
_BLOB_LEVEL = 6


@dataclass(frozen=True)
class Blob:
    """A source's original bytes, compressed, with what identifies them."""

    sha256: str
    size: int
    compressed: bytes

    @classmethod
    def of(cls, data: bytes) -> Blob:
        """The blob of ``data``: its sha256, its size, its bytes compressed."""
        return cls(hashlib.sha256(data).hexdigest(), len(data), zlib.compress(data, _BLOB_LEVEL))


@dataclass(frozen=True)
class Prepared:
    """One source, ready to be matched: what its reader made of it and its fingerprint.

    ``error`` says why it cannot be added (its bytes, when they could be read, are
    still in ``blob`` so that the failed source keeps them). ``known`` is true when
    the store already held these bytes as an added source when the stage ran, in
    which case the source was not read again and only its location is new.
    """

    location: str
    blob: Blob | None
    media_type: str | None = None
    encoding: str | None = None
    encoding_confidence: float | None = None
    reader: str | None = None
    reader_version: str | None = None
    extract: Extract | None = None
    fingerprint: fp.Fingerprint | None = None
    band_keys: tuple[int, ...] = ()
    paragraph_keys: frozenset[int] = frozenset()
    error: str | None = None
    known: bool = False

    @property
    def sha256(self) -> str | None:
        return self.blob.sha256 if self.blob else None


def is_textual(media_type: str) -> bool:
    """Is the media type one that ``decode`` turns into text?"""
    return media_type.startswith("text/") or media_type in ("application/xml", "application/xhtml+xml")


def load(path: Path, data: bytes, limits: Limits = DEFAULT_LIMITS) -> SourceFile:
    """Sniff and decode: what every reader gets to see."""
    media_type = sniff_media_type(data, path)
    if not is_textual(media_type):
        return SourceFile(path, data, None, media_type, decode_error=_not_text(data, media_type), limits=limits)
    try:
        decoded = decode(data)
    except DecodeError as exc:
        return SourceFile(path, data, None, "application/octet-stream", decode_error=str(exc), limits=limits)
    return SourceFile(path, data, decoded.text, media_type, decoded.encoding, decoded.confidence, limits=limits)


def _not_text(data: bytes, media_type: str) -> str:
    if not data:
        return "the file is empty (0 bytes)"
    if not data.strip(b"\x00"):
        return f"the file holds nothing but NUL bytes ({len(data):,} of them), no text"
    return f"not text: detected {media_type}"


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

    A folder comes here from :func:`corpus.files.expand` only when it could not be
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


def read_extract(file: SourceFile, readers: Sequence[RegisteredReader]) -> tuple[RegisteredReader, Extract]:
    """Pick a reader and read; raises :class:`corpus.ReaderError` with a reason a user understands."""
    try:
        reader = choose_reader(readers, file)
    except ReaderError as exc:
        if file.decode_error:
            raise ReaderError(f"{file.location}: {file.decode_error}; no installed reader reads it") from exc
        raise
    try:
        extract = reader.reader.read(file)
    except (CorpusError, MemoryError):  # a MemoryError is the limit's, not the reader's bug
        raise
    except Exception as exc:  # a reader's bug fails this source only
        raise ReaderError(
            f"reader {reader.name!r} (plugin {reader.plugin}) failed on {file.location}: {type(exc).__name__}: {exc}"
        ) from exc
    if not isinstance(extract, Extract):
        raise ReaderError(f"reader {reader.name!r} returned {type(extract).__name__}, not corpus.Extract")
    if not any(p.strip() for p in extract.paragraphs):
        raise ReaderError(f"reader {reader.name!r} found no text in {file.location}")
    return reader, extract


def prepare(
    path: Path,
    readers: Sequence[RegisteredReader],
    settings: fp.FingerprintSettings,
    *,
    location: str | None = None,
    known: Callable[[str], bool] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Prepared:
    """Read ``path`` and prepare it for matching; ``known(sha256)`` says the store has it already.

    A ``MemoryError`` (under the memory limit of a worker, :mod:`corpus.workers`)
    fails this source only, with its bytes kept when they could be read.
    """
    where = location if location is not None else str(path)
    data = read_source(path, where, limits)
    if isinstance(data, str):
        return Prepared(where, None, error=data)
    blob: Blob | None = None
    try:
        blob = Blob.of(data)
        if known is not None and known(blob.sha256):
            return Prepared(where, blob, known=True)
        return _prepare_bytes(path, data, readers, settings, location=where, blob=blob, limits=limits)
    except MemoryError:
        return Prepared(where, blob, error=f"{where}: {limits.out_of_memory()}")


def _prepare_bytes(
    path: Path,
    data: bytes,
    readers: Sequence[RegisteredReader],
    settings: fp.FingerprintSettings,
    *,
    location: str,
    blob: Blob,
    limits: Limits,
) -> Prepared:
    file = load(path, data, limits)
    found = Prepared(location, blob, file.media_type, file.encoding, file.encoding_confidence)
    try:
        reader, extract = read_extract(file, readers)
    except CorpusError as exc:
        return replace(found, error=str(exc))
    fingerprint = fp.fingerprint_source(extract.title, extract.paragraphs, settings, signature=True)
    bands = tuple(fp.band_keys(fingerprint.minhash, settings)) if fingerprint.minhash is not None else ()
    return replace(
        found,
        reader=reader.name,
        reader_version=reader.version,
        extract=extract,
        fingerprint=fingerprint,
        band_keys=bands,
        paragraph_keys=frozenset(boilerplate.paragraph_keys([extract.title or "", *extract.paragraphs])),
    )
