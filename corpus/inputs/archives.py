"""The members of an archive as sources: ``.zip``, ``.tar`` (plain, gzip, bzip2, xz) and ``.gz`` of one file.

Each regular member is read as if the archive had been unpacked into a folder and
the folder walked: it is located as ``archive.zip!inner/path`` (an archive in an
archive as ``outer.zip!inner.tar.gz!doc.html``), directories, links and devices are
not sources, hidden names and ``__MACOSX/`` are left out as a walk leaves them out
(:func:`corpus.inputs.walk.skipped_name`), ``--include``/``--exclude`` apply to the
member's path in its archive, data files are skipped and counted, and so are empty
members (a tar of a million empty files costs a pass over it, not a million failed
records). An archive member is opened in turn, down to
:data:`corpus.inputs.containers.MAX_DEPTH` archives deep (a zip quine stops
there). A member's name is only shown: an absolute name or one with ``..`` is kept
as it is in its location, and nothing is ever written to disk.

Nothing holds a whole archive in memory: a tar is read once, front to back
(tarfile's stream mode over :class:`corpus.inputs.inflate.Decompressed`, which never
decompresses more than a chunk at a time), a zip one member at a time after its
directory (about 600 bytes of memory per entry: a million entries cost 600 MB and
14 s to list). A member's bytes travel with its input to the worker that reads it.

Limits, per member and per archive, so that no archive costs more than its share:

- **Size**: a member is a file, and may have ``--max-file-size`` bytes (100 MB).
  One that says it is larger fails unread; one that turns out larger fails when
  reading passes the limit, and the rest of it is not kept in memory.
- **Ratio**: a member that decompresses to more than 1 MB at more than
  :data:`BOMB_RATIO` (200) times its compressed size fails as a decompression bomb.
  Documents never come close. Measured on the 695 files of the shared test data
  (zlib level 9, as ``zip -9`` and ``gzip -9``): the median document compresses 2 to
  4 times, the most compressible one 26 times (a 1 KB page), the most compressible
  one over 1 MB 8 times (a 1.4 MB news page), PDFs at most 2.6 times; xz and bzip2
  at most 24 times; the whole folder 2.9 times as a ``.tar.gz``, 4.6 as a
  ``.tar.xz``. 200 leaves a margin of 7.7 over the most compressible document and
  25 over the most compressible large one, while 10 GB of zeros (deflate's best,
  1030 to 1) or a bzip2 bomb (millions to 1) fails unread in a zip, whose directory
  gives the sizes, and after 13 to 26 MB in a tar or a ``.gz``, whose compressed size
  is known only as it is read, 64 KB at a time.
- **Total**: a whole archive may decompress to more than ``--max-decompressed-size``
  (256 MB) only at less than 200 times its compressed size (judged on a zip's
  directory before anything is read, on a stream as it is read). The size alone
  would be wrong for archives: 2 GB of PDFs zipped is 2 GB unpacked and no bomb, so
  what a user raises ``--max-decompressed-size`` for is an archive that expands that
  much on purpose. ``--max-decompressed-size 0`` turns the ratio limits off.
- **Overlap**: zip entries whose data overlap (the "better zip bomb": thousands of
  entries sharing one compressed kernel, 46 MB that unpack to 4.5 PB) make the zip
  fail unread.

What fails gets its record, so an add says what it did not take: a member over a
limit, encrypted or compressed in a way not read here fails alone (a zip's members
are independent); a tar or ``.gz`` is one stream, so a bomb or damage in it ends
it: the members read before give their sources, then the archive gets one failed
record saying what is wrong (``refused``, so its bytes are kept, when it is a file
on disk within ``--max-file-size``).
"""

from __future__ import annotations

import io
import itertools
import lzma
import os
import stat
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import PurePosixPath
from typing import BinaryIO, Self

from corpus.inputs.containers import MAX_DEPTH, container_kind, open_container
from corpus.inputs.datafiles import data_kind_of, kind_by_name
from corpus.inputs.inflate import (
    CHUNK,
    ZIP_METHOD_NAMES,
    ZIP_METHODS,
    Decompressed,
    gzip_stream,
    sniff_stream,
    zip_method,
)
from corpus.inputs.item import Input
from corpus.inputs.reading import unreadable
from corpus.inputs.select import Selection
from corpus.inputs.walk import skipped_name
from corpus.limits import MB, Limits, format_size

BOMB_RATIO = 200
"""Decompressed over compressed size beyond which a member over :data:`BOMB_FLOOR`, or a whole
archive over ``--max-decompressed-size``, is taken for a decompression bomb (see the module docstring)."""
BOMB_FLOOR = 1 * MB
"""A member smaller than this may be as compressed as it likes."""

_TARS = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz")
_TAR_BLOCK = 512
_ZIP_LOCAL = struct.Struct("<4s5H3L2H")  # a zip member's local header: signature … name length, extra length
_ZIP_ENCRYPTED = 0x1
_UNIX = 3  # ZipInfo.create_system of a zip made on Unix, whose external_attr holds a file mode
_LIFT = " (--max-decompressed-size 0 lifts this limit)"


class _Bomb(Exception):
    """A decompression bomb in a stream, which ends the archive: its message is the archive's record."""


class _Refused(Exception):
    """A member that is not read (over a limit, encrypted, damaged): its message is the member's record."""


class _Damaged(Exception):
    """A tar header damaged after the first, where tarfile would end the archive in silence."""


# What a damaged or mislabelled archive raises in the standard library's readers and decompressors.
_DAMAGE = (
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    struct.error,
    zlib.error,
    lzma.LZMAError,
    zipfile.BadZipFile,
    tarfile.TarError,
    _Damaged,
)


def members(item: Input, selection: Selection, limits: Limits, *, depth: int) -> Iterator[Input]:
    """The sources in the archive ``item`` (``item.path`` on disk, or ``item.data`` from another archive).

    ``depth`` is how deep ``item`` is (an archive named or found in a folder is 1).
    Yields one input per member taken, its bytes in ``data``, one with its ``error``
    per member that cannot be taken, and, when the archive is broken or a bomb, one
    last input for the archive itself (see the module docstring).
    """
    raw = _open(item)
    if isinstance(raw, Input):
        yield raw
        return
    archive = _Archive(item, selection, limits, depth)
    read = _READERS[_format(item.name or item.location)]
    with raw:
        try:
            for member in read(archive, raw):
                archive.given += 1
                yield member
        except _Bomb as exc:
            yield archive.failed(str(exc))
        except _DAMAGE as exc:
            yield archive.failed(archive.damaged(exc))


class _Archive:
    """One archive being read: where it is, the add's selection and limits, what it gave so far."""

    def __init__(self, item: Input, selection: Selection, limits: Limits, depth: int) -> None:
        self.item = item
        self.selection = selection
        self.limits = limits
        self.depth = depth
        self.given = 0
        """Inputs given so far (members, and members that failed)."""

    # -- a member -----------------------------------------------------------------

    def entry(self, path: str, size: int | None, read: Callable[[str], bytes]) -> Iterator[Input]:
        """The inputs of the regular member at ``path`` (``size`` bytes, None: unknown), whose bytes ``read`` gets.

        Nothing if it is left out; itself; or, if it is an archive, what that holds.
        """
        name = path.rpartition("/")[2]
        nested = container_kind(name) is not None
        if _hidden(path) or not (self.selection.opens(path) if nested else self.selection.wants(path)):
            return
        kind = None if nested else kind_by_name(name)
        if kind is not None and kind != "XML":
            self.selection.skip_data(kind)
            return
        if size == 0:
            self.selection.skip_empty()
            return
        where = f"{self.item.location}!{path}"
        if nested and self.depth >= MAX_DEPTH:
            yield Input(location=where, error=f"{where}: an archive nested more than {MAX_DEPTH} deep; not opened")
            return
        try:
            data = read(where)
        except _Refused as exc:
            yield Input(location=where, error=str(exc))
            return
        if not data:
            self.selection.skip_empty()
        elif kind is not None and data_kind_of(name, data) is not None:
            self.selection.skip_data(kind)
        elif nested:
            yield from open_container(Input(location=where, data=data, name=name), self.selection, self.limits,
                                      depth=self.depth + 1)
        else:
            yield Input(location=where, data=data, name=name)

    def take(self, read: Callable[[int], bytes], where: str, check: Callable[[int], None] | None = None) -> bytes:
        """A member's bytes, ``read`` a chunk at a time, ``check``-ed as they grow, within ``--max-file-size``."""
        cap = self.limits.max_file_size
        data = bytearray()
        while chunk := read(CHUNK):
            data += chunk
            if check is not None:
                check(len(data))
            if cap is not None and len(data) > cap:
                raise _Refused(
                    f"{where}: it decompresses to more than {format_size(cap)}, the size a file may have; "
                    "raise the limit with --max-file-size"
                )
        return bytes(data)

    def take_streamed(self, read: Callable[[int], bytes], stream: Decompressed, size: int | None, where: str) -> bytes:
        """The bytes of a member of a stream (a tar's, a ``.gz``'s), ``read`` out of ``stream``.

        A member over ``--max-file-size`` is read through (a stream cannot skip) and
        fails; one that turns out a bomb ends the stream.
        """
        start = stream.compressed

        def check(out: int) -> None:
            # What it was compressed to: what was read since it began, and a chunk that may have been read before.
            packed = stream.compressed - start + CHUNK
            if self._bomb(out, packed, floor=BOMB_FLOOR):
                path = where.removeprefix(f"{self.item.location}!")
                raise _Bomb(f"its member {path} {self._expands(out, packed)}; the archive was read no further{_LIFT}")

        if size is not None and self.limits.file_too_large(size, where):
            out = 0
            while chunk := read(CHUNK):
                out += len(chunk)
                check(out)
            raise _Refused(self.limits.file_too_large(size, where))
        return self.take(read, where, check)

    def check_declared(self, where: str, size: int, packed: int) -> None:
        """Refuse a member whose declared ``size`` (``packed`` compressed) is over a limit, before reading it."""
        if self._bomb(size, packed, floor=BOMB_FLOOR):
            raise _Refused(f"{where}: {self._expands(size, packed)}; not read{_LIFT}")
        too_large = self.limits.file_too_large(size, where)
        if too_large:
            raise _Refused(too_large)

    def admits(self, size: int, packed: int) -> bool:
        """Would a member of declared ``size`` (``packed`` compressed) pass :meth:`check_declared`?"""
        return not self._bomb(size, packed, floor=BOMB_FLOOR) and not self.limits.file_too_large(size, "")

    # -- the whole archive --------------------------------------------------------

    def check_total(self, out: int, packed: int) -> None:
        """End the archive when its members decompress to ``out`` bytes from ``packed``, over the total limit."""
        limit = self.limits.max_decompressed_size
        if limit is not None and self._bomb(out, packed, floor=limit):
            raise _Bomb(
                f"its members decompress to more than {format_size(limit)}, more than {BOMB_RATIO} times "
                f"their compressed size ({format_size(out)} from {format_size(packed)}; a decompression bomb?); "
                f"{self._read_before()}; raise the limit with --max-decompressed-size"
            )

    def stream(self, raw: BinaryIO, *, gzip: bool = False) -> Decompressed:
        """The decompressed bytes of the archive ``raw`` (gzip, or as its magic says), checked against the total."""

        def watch() -> None:
            self.check_total(stream.given, stream.compressed)

        if gzip:
            stream = gzip_stream(raw, watch=watch)
        else:
            start, magic = sniff_stream(raw.read(8))
            raw.seek(0)
            stream = Decompressed(raw, start, magic=magic, watch=watch)
        return stream

    def failed(self, reason: str) -> Input:
        """The record of the archive itself: its bytes kept when it is a file that may be kept."""
        where = self.item.location
        message = f"{where}: {reason}"
        path = self.item.path
        if path is not None:
            try:
                kept = not self.limits.file_too_large(os.stat(path).st_size, where)
            except OSError:
                kept = False
            if kept:
                return Input(location=where, path=path, name=self.item.name, refused=message)
        return Input(location=where, error=message)

    def damaged(self, exc: BaseException) -> str:
        """Why the archive could not be read further, for a person."""
        kind = _format(self.item.name or self.item.location)
        return f"{_damage(exc, kind, first=not self.given)}; {self._read_before()}"

    def _read_before(self) -> str:
        if not self.given:
            return "nothing in it was read"
        return "the member before it was read" if self.given == 1 else f"the {self.given} members before it were read"

    def _bomb(self, out: int, packed: int, *, floor: int) -> bool:
        if self.limits.max_decompressed_size is None:
            return False
        return out > floor and out > BOMB_RATIO * max(packed, 1)

    def _expands(self, out: int, packed: int) -> str:
        return (
            f"decompresses to {format_size(out)} from {format_size(packed)}, more than {BOMB_RATIO} times over, "
            "which no document does (a decompression bomb?)"
        )


# -- the formats -----------------------------------------------------------------------


def _zip(archive: _Archive, raw: BinaryIO) -> Iterator[Input]:
    entries = zipfile.ZipFile(raw).infolist()  # the directory; the ZipFile itself is not needed
    problem = _overlapping(entries)
    if problem:
        raise _Bomb(problem)
    regular = [info for info in entries if _zip_regular(info)]
    read = [info for info in regular if archive.admits(info.file_size, info.compress_size)]
    archive.check_total(sum(i.file_size for i in read), sum(i.compress_size for i in read))
    for info in regular:
        yield from archive.entry(_member_path(info.filename), info.file_size, partial(_zip_read, archive, raw, info))


def _zip_read(archive: _Archive, raw: BinaryIO, info: zipfile.ZipInfo, where: str) -> bytes:
    """The bytes of the zip member ``info``: decompressed within its declared size, CRC checked."""
    if info.flag_bits & _ZIP_ENCRYPTED:
        raise _Refused(f"{where}: encrypted (password-protected); corpus does not decrypt: unpack it with its password")
    if info.compress_type not in ZIP_METHODS:
        method = ZIP_METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
        raise _Refused(
            f"{where}: compressed with {method}, which corpus cannot decompress; unpack it with a tool that can (7-Zip)"
        )
    archive.check_declared(where, info.file_size, info.compress_size)
    try:
        raw.seek(info.header_offset)
        header = raw.read(_ZIP_LOCAL.size)
        if len(header) < _ZIP_LOCAL.size or header[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile("its local header is not where the directory says")
        *_, name_length, extra_length = _ZIP_LOCAL.unpack(header)
        raw.seek(name_length + extra_length, io.SEEK_CUR)
        start, used = zip_method(info.compress_type, raw)
        member = Decompressed(raw, start, length=info.compress_size - used, size=info.file_size)
        data = archive.take(member.chunk, where)
    except _DAMAGE as exc:
        raise _Refused(f"{where}: damaged in the archive ({_damage(exc, 'zip', first=False)})") from None
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        raise _Refused(f"{where}: damaged in the archive: its bytes do not match its CRC or size")
    return data


def _zip_regular(info: zipfile.ZipInfo) -> bool:
    """Is the entry a file (not a folder, a link or a device)? A Unix mode without a file type is a file's."""
    kind = stat.S_IFMT(info.external_attr >> 16) if info.create_system == _UNIX else 0
    return not info.is_dir() and kind in (0, stat.S_IFREG)


def _overlapping(entries: list[zipfile.ZipInfo]) -> str | None:
    """Why the zip is a bomb of overlapping entries, or None: each entry's data must end before the next begins."""
    spans = sorted((info.header_offset, info.header_offset + _ZIP_LOCAL.size + info.compress_size) for info in entries)
    shared = sum(1 for (_, end), (begin, _) in itertools.pairwise(spans) if begin < end)
    if not shared:
        return None
    return (
        f"a zip bomb: {shared:,} of its {len(entries):,} entries overlap others, so that the same compressed "
        "bytes would be read again and again as many files; not opened"
    )


def _tar(archive: _Archive, raw: BinaryIO, *, gzip: bool = False) -> Iterator[Input]:
    stream = archive.stream(raw, gzip=gzip)
    with tarfile.open(fileobj=stream, mode="r|", tarinfo=_Header, encoding="utf-8", errors="backslashreplace") as tar:
        while (info := tar.next()) is not None:
            tar.members.clear()  # type: ignore[attr-defined]  # kept for random access, which a stream has not
            file = tar.extractfile(info) if info.isreg() else None
            if file is not None:
                read = partial(archive.take_streamed, file.read, stream, info.size)
                yield from archive.entry(_member_path(info.name), info.size, read)


def _gzip(archive: _Archive, raw: BinaryIO) -> Iterator[Input]:
    """A ``.gz`` of one file, the name without ``.gz`` (as gunzip names it); a tar if it holds one."""
    head = _read_exactly(gzip_stream(raw).chunk, _TAR_BLOCK)
    raw.seek(0)
    if _is_tar_header(head):
        yield from _tar(archive, raw, gzip=True)
        return
    stream = archive.stream(raw, gzip=True)
    name = PurePosixPath(archive.item.name or archive.item.location).name
    read = partial(archive.take_streamed, stream.chunk, stream, None)
    yield from archive.entry(name[: -len(".gz")] or "data", None, read)


_READERS: dict[str, Callable[[_Archive, BinaryIO], Iterator[Input]]] = {"zip": _zip, "tar": _tar, "gzip": _gzip}


class _Header(tarfile.TarInfo):
    """A tar header that says when the archive is damaged after its first member.

    tarfile ends an archive in silence at a header with a bad checksum or one cut
    short, unless it is the first: a tar cut short or damaged would look whole.
    """

    @classmethod
    def fromtarfile(cls, tar: tarfile.TarFile) -> Self:
        try:
            return super().fromtarfile(tar)
        except (tarfile.InvalidHeaderError, tarfile.TruncatedHeaderError) as exc:  # type: ignore[attr-defined]
            if not tar.offset:
                raise  # tarfile says what is wrong with the first itself
            raise _Damaged(f"a damaged tar header ({exc}) at byte {tar.offset:,} of the tar") from None


# -- helpers ---------------------------------------------------------------------------


def _open(item: Input) -> BinaryIO | Input:
    """The archive's bytes to read; or what the stage makes of it, when it is not a file that can be opened."""
    if item.data is not None:
        return io.BytesIO(item.data)
    assert item.path is not None, "an archive to open has a path or bytes"
    try:
        if not stat.S_ISREG(os.stat(item.path).st_mode):
            return item  # a FIFO or a device named .zip: the stage says what it is, without waiting on it
        return open(item.path, "rb")  # closed by members()
    except OSError as exc:
        return Input(location=item.location, error=unreadable(item.path, item.location, exc))


def _format(name: str) -> str:
    lowered = name.lower()
    if lowered.endswith(".zip"):
        return "zip"
    return "tar" if lowered.endswith(_TARS) else "gzip"


def _member_path(name: str) -> str:
    """A member's name as its location shows it: as it is, but for a leading ``./`` (``tar -C dir .``)."""
    while name.startswith("./"):
        name = name[2:]
    return name


def _hidden(path: str) -> bool:
    """Would a folder walk of the unpacked archive leave ``path`` out (a hidden name, ``__MACOSX/``…)?"""
    *folders, name = path.split("/")
    named = [part for part in folders if part not in ("", ".", "..")]
    return any(skipped_name(part, folder=True) for part in named) or skipped_name(name)


def _read_exactly(read: Callable[[int], bytes], size: int) -> bytes:
    data = b""
    while len(data) < size and (chunk := read(size - len(data))):
        data += chunk
    return data


def _is_tar_header(block: bytes) -> bool:
    try:
        tarfile.TarInfo.frombuf(block, "utf-8", "surrogateescape")
    except tarfile.HeaderError:
        return False
    return True


def _damage(exc: BaseException, kind: str, *, first: bool) -> str:
    """What ``exc``, raised reading an archive of ``kind``, says about it, in words."""
    if isinstance(exc, _Damaged | EOFError):
        return str(exc)
    if isinstance(exc, zipfile.BadZipFile) and "not a zip file" in str(exc).lower():
        return "not a zip archive, or one cut short: its directory, at its end, is missing"
    if isinstance(exc, tarfile.ReadError) and "unexpected end of data" in str(exc):
        return "it ends before its end (the file is truncated)"
    if isinstance(exc, tarfile.ReadError) and first:
        return f"not a tar archive, or a damaged one (tarfile: {exc})"
    if isinstance(exc, zlib.error) and "incorrect header check" in str(exc):
        return "not gzip-compressed data"
    if isinstance(exc, zlib.error) and "incorrect data check" in str(exc):
        return "its compressed data fails its CRC check: it is damaged"
    if isinstance(exc, OSError) and exc.errno is not None:
        return f"it cannot be read: {exc.strerror or exc}"
    return f"a damaged {kind} archive ({type(exc).__name__}: {exc})"
