"""Compressed bytes decompressed a bounded chunk at a time, counting the bytes in and out.

The standard library's archive readers decompress what they read without an
output limit in places: tarfile's stream mode and zipfile hand a whole buffer of
bzip2 or LZMA to the decompressor in one call, and 4 KB of bzip2 can become 4 GB.
:class:`Decompressed` never gives more than the size asked for in one read (the
decompressors' ``max_length``), so memory stays at a chunk however much the data
expands, and it counts the compressed bytes it read and the bytes it gave: what
the bomb limits of :mod:`corpus.inputs.archives` are measured on.

Formats: gzip (members concatenated, as ``gzip -c a b`` writes them, read as one
stream, as gunzip does), bzip2 and xz (streams concatenated alike), and the raw
deflate, bzip2 and LZMA of zip members (:func:`zip_method`).
"""

from __future__ import annotations

import bz2
import io
import lzma
import zlib
from collections.abc import Callable
from typing import Any, BinaryIO, Protocol

CHUNK = 64 * 1024
"""Bytes read from the compressed input at a time, and asked of the decompressor at most."""


class Decompressor(Protocol):
    """What zlib's, bz2's and lzma's decompressor objects have in common."""

    @property
    def eof(self) -> bool: ...

    @property
    def unused_data(self) -> bytes: ...

    def decompress(self, data: bytes, max_length: int, /) -> bytes: ...


Start = Callable[[], Decompressor]

# Magic numbers of the stream formats a tar may be compressed in, and their decompressors.
_GZIP = b"\x1f\x8b"
_BZIP2 = b"BZh"
_XZ = b"\xfd7zXZ\x00"
_STREAMS: dict[bytes, Start] = {
    _GZIP: lambda: zlib.decompressobj(zlib.MAX_WBITS | 16),
    _BZIP2: bz2.BZ2Decompressor,
    _XZ: lambda: lzma.LZMADecompressor(lzma.FORMAT_XZ),
}

# Zip compression methods (APPNOTE 4.4.5) read here, and the names of some that are not.
_ZIP_METHODS: dict[int, Start | None] = {
    0: None,  # stored
    8: lambda: zlib.decompressobj(-zlib.MAX_WBITS),
    12: bz2.BZ2Decompressor,
}
_ZIP_LZMA = 14
ZIP_METHODS = frozenset({*_ZIP_METHODS, _ZIP_LZMA})
"""The zip compression methods read: stored, deflate, bzip2, LZMA."""
ZIP_METHOD_NAMES = {1: "Shrink", 6: "Implode", 9: "Deflate64", 93: "Zstandard", 95: "XZ", 98: "PPMd"}


class Decompressed(io.RawIOBase):
    """The bytes ``raw`` decompresses to; ``start`` makes the decompressor (None: stored as they are).

    ``magic`` starts another stream after the end of one (gzip's members); bytes after
    the end that do not start with it are ignored, as gunzip ignores trailing garbage.
    ``length`` bounds the compressed bytes read from ``raw`` (a zip member's), ``size``
    the bytes given (its declared size: the CRC tells whether they are its bytes).
    ``watch`` is called after each chunk given, to check the counts as they grow.
    Compressed data that ends before its end raises ``EOFError``; damaged data, the
    decompressor's error (``zlib.error``, ``OSError``, ``lzma.LZMAError``).
    """

    def __init__(
        self,
        raw: BinaryIO,
        start: Start | None,
        *,
        magic: bytes | None = None,
        length: int | None = None,
        size: int | None = None,
        watch: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self._raw = raw
        self._start = start
        self._decompressor = start() if start is not None else None
        self._magic = magic
        self._left = length
        self._size = size
        self._watch = watch
        self._pending = b""
        self.compressed = 0
        """Compressed bytes read so far."""
        self.given = 0
        """Bytes given so far."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.chunk(len(view))
        view[: len(data)] = data
        return len(data)

    def chunk(self, size: int = CHUNK) -> bytes:
        """At most ``size`` more bytes; ``b""`` at the end."""
        if self._size is not None:
            size = min(size, self._size - self.given)
        if size <= 0:
            return b""
        data = self._read_raw(size) if self._decompressor is None else self._inflate(size)
        self.given += len(data)
        if data and self._watch is not None:
            self._watch()
        return data

    def _inflate(self, size: int) -> bytes:
        data = b""
        while not data:
            decompressor = self._decompressor
            assert decompressor is not None
            if decompressor.eof:
                if not self._next_stream(decompressor.unused_data):
                    return b""
                continue
            if not self._pending and getattr(decompressor, "needs_input", True):
                self._pending = self._read_raw(CHUNK)
                if not self._pending:
                    raise EOFError("the compressed data ends before its end (the file is truncated)")
            data = decompressor.decompress(self._pending, size)
            self._pending = getattr(decompressor, "unconsumed_tail", b"")  # zlib keeps what it did not use here
        return data

    def _next_stream(self, rest: bytes) -> bool:
        """After the end of a stream: start the next one if ``rest`` (and what follows) begins another."""
        if self._magic is None or self._start is None:
            return False
        if len(rest) < len(self._magic):
            rest += self._read_raw(CHUNK)
        if not rest.startswith(self._magic):
            return False
        self._decompressor = self._start()
        self._pending = rest
        return True

    def _read_raw(self, size: int) -> bytes:
        if self._left is not None:
            size = min(size, self._left)
        data = self._raw.read(size) if size > 0 else b""
        self.compressed += len(data)
        if self._left is not None:
            self._left -= len(data)
        return data


def sniff_stream(head: bytes) -> tuple[Start | None, bytes | None]:
    """The decompressor and magic of a stream that begins with ``head``: gzip, bzip2, xz, or none (as it is)."""
    for magic, start in _STREAMS.items():
        if head.startswith(magic):
            return start, magic
    return None, None


def gzip_stream(raw: BinaryIO, *, watch: Callable[[], None] | None = None) -> Decompressed:
    """The bytes of the gzip file ``raw`` (concatenated members read as one)."""
    return Decompressed(raw, _STREAMS[_GZIP], magic=_GZIP, watch=watch)


def zip_method(method: int, raw: BinaryIO) -> tuple[Start | None, int]:
    """The decompressor of zip compression ``method`` (one of :data:`ZIP_METHODS`) for the member data at ``raw``.

    Also how many bytes of that data were read here: an LZMA member starts with its
    own header (version, properties), which this reads.
    """
    if method != _ZIP_LZMA:
        return _ZIP_METHODS[method], 0
    header = raw.read(4)
    properties = raw.read(int.from_bytes(header[2:4], "little"))
    if len(header) < 4 or len(properties) < 5:
        raise EOFError("the LZMA header of the member is cut short")
    lc, rest = properties[0] % 9, properties[0] // 9
    lzma1 = {
        "id": lzma.FILTER_LZMA1,
        "lc": lc,
        "lp": rest % 5,
        "pb": rest // 5,
        "dict_size": int.from_bytes(properties[1:5], "little"),
    }
    return (lambda: lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=[lzma1])), len(header) + len(properties)
