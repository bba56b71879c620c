"""Web archives (WARC, ISO 28500): each response or resource record that holds a document is a source.

A crawl (``wget --warc-file``, Heritrix, Browsertrix, Common Crawl) keeps every exchange
with the web as a record of a WARC file: the crawler's own information (``warcinfo``),
each request, each response, ``metadata``, ``revisit`` records for content it already
had, ``conversion`` records of text it derived. Only a 2xx ``response`` or a ``resource``
record whose payload is a document (HTML, PDF, text) is a source, located by its
``WARC-Target-URI``; every other record is counted by why it was left out
(:meth:`corpus.inputs.select.Selection.skip_record`), and the add says so.

A record is read as the same page saved as a file would be: its payload is the HTTP
body as a browser or wget saves it, de-chunked, its ``Content-Encoding`` (gzip,
deflate, br) undone, so the page in the WARC and the page on disk are one source
(the same bytes, the same sha256). The record's date, id, offset and HTTP headers are
kept as provenance of its location, and the charset of its ``Content-Type`` is a
declared charset for decoding, as a ``<meta charset>`` is.

How the work is split comes from ``benchmarks/results/warc_libraries.md``. FastWARC
reads the framing (record headers and blocks) several times faster than warcio, and
says what it cannot parse with an exception; but neither library says when a file
is cut short, and their HTTP decoding cannot be trusted with a crawl (FastWARC's ends
the iteration, in silence or not, at a chunked gzip body, a broken one or a bomb read
in part; warcio's passes broken bodies on as they are). So FastWARC only frames: this
module inflates a ``.warc.gz`` itself (:class:`_Uncompressed`: a gzip member a record,
as crawlers write them, or one gzip stream over the whole file), reads every block
through and checks it against its ``Content-Length``, and has
:mod:`corpus.inputs.httpmessage` parse the HTTP head and decode the body, every size
bounded by ``--max-file-size`` before and while reading: a huge record is never read
into memory, a gzip bomb is stopped at the limit. A damaged WARC (cut short, garbage
inside, a wrong length, not a WARC) gives the sources read before the damage, then
one input located at the WARC that says what is wrong and where, so it gets its
``failed`` record.
"""

from __future__ import annotations

import io
import json
import zlib
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from fastwarc.warc import ArchiveIterator, WarcRecord

from corpus.inputs.datafiles import xml_is_document
from corpus.inputs.httpmessage import HttpHead, Unreadable, decode_body, parse_content_type, parse_head
from corpus.inputs.item import Input
from corpus.inputs.select import Selection
from corpus.limits import DEFAULT_LIMITS, Limits, format_size
from corpus.sniff import HEAD_BYTES, sniff_media_type

# Where a document on the web or on disk can be; a crawler's own records use metadata:, dns:, urn:...
_DOCUMENT_SCHEMES = frozenset({"http", "https", "ftp", "ftps", "file"})
# Text files a site keeps for crawlers and tools at fixed places, not documents.
_SITE_FILES = frozenset({"/robots.txt", "/ads.txt", "/app-ads.txt", "/humans.txt", "/security.txt", "/llms.txt"})

# Media types whose payload is a document, and those whose bytes decide (XML may be XHTML or TEI).
_DOCUMENT_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/pdf", "application/x-pdf"})
_XML_TYPES = frozenset({"application/xml", "text/xml"})
# Text that is code, style or data, not a document.
_NOT_DOCUMENT_TEXT = frozenset(
    {
        *("text/css", "text/javascript", "text/ecmascript", "text/x-javascript", "text/jscript"),
        *("text/csv", "text/tab-separated-values", "text/calendar", "text/vcard", "text/x-vcard", "text/vtt"),
        *("text/x-component", "text/cache-manifest", "text/json", "text/x-json"),
    }
)
# What servers say when they do not say what a file is: its bytes decide.
_GENERIC_TYPES = frozenset(
    {
        "",
        *("application/octet-stream", "binary/octet-stream", "application/binary", "application/unknown"),
        *("application/x-unknown", "unknown/unknown", "application/force-download", "application/x-download"),
        *("application/download", "application/x-unknown-content-type"),
    }
)
# File names whose bytes sniff as text but are no document: style, code, data.
_NOT_DOCUMENT_SUFFIXES = frozenset({".css", ".js", ".mjs", ".json", ".jsonl", ".map", ".csv", ".tsv", ".webmanifest"})
# What a sniffed payload of a generic type must be to be a document.
_SNIFFED_DOCUMENTS = frozenset({"text/html", "application/pdf", "text/plain", "text/markdown", "application/xml"})

# A record header without one of these is not whole (ISO 28500 makes them mandatory).
_MANDATORY = ("WARC-Type", "WARC-Record-ID", "WARC-Date", "Content-Length")
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 16
# How much of a file that is not a WARC a message shows.
_FIRST_BYTES = 24
# The HTTP status line and headers of a response may take this much; more is not HTTP.
_MAX_HTTP_HEAD = 64 * 1024
# What is read first to find the end of the head: most heads are a few hundred bytes.
_HTTP_HEAD_READ = 8 * 1024


class _Damage(Exception):
    """The WARC cannot be read on from here: what is wrong (the location is added by the caller)."""


def records(item: Input, limits: Limits = DEFAULT_LIMITS, selection: Selection | None = None) -> Iterator[Input]:
    """The sources in the web archive ``item`` (``item.path`` on disk, or ``item.data`` from another container).

    Yields one input per document record (its bytes in ``data``), one with its
    ``error`` per document record that cannot be read (over ``--max-file-size``,
    a payload coding that is broken), and, when the WARC is damaged, one last input
    for the WARC itself, ``refused`` with what is wrong and where (its bytes are kept
    with its ``failed`` record) or with that ``error`` when the WARC is too large to keep.
    Records that hold no document are counted in ``selection``.
    """
    where = item.location
    try:
        raw: BinaryIO = open(item.path, "rb") if item.path is not None else io.BytesIO(item.data or b"")  # noqa: SIM115
    except OSError as exc:
        yield Input(location=where, error=f"{where}: cannot open the web archive: {exc.strerror or exc}")
        return
    with raw:
        reading = _Reading(item, limits, selection if selection is not None else Selection(), _Uncompressed(raw))
        yield from reading.sources()


@dataclass(frozen=True)
class _Place:
    """Where a record is: its start in the uncompressed stream and in the file (when known), its target URI."""

    position: int
    offset: int | None  # None inside a WARC gzipped as one stream: only the decompressed position is known
    uri: str

    def __str__(self) -> str:
        at = f"byte {self.offset:,}" if self.offset is not None else f"byte {self.position:,} of the decompressed data"
        return f"the record at {at}" + (f" ({self.uri})" if self.uri else "")


class _Record:
    """One record being read: its header (names lowercased), where it is, its block, its HTTP head once read."""

    def __init__(self, record: WarcRecord, stream: _Uncompressed) -> None:
        self.headers = {name.lower(): value for name, value in record.headers.to_tuples()}
        self.kind = self.headers.get("warc-type", "").lower()
        position = record.stream_pos
        self.place = _Place(position, stream.file_offset(position), _target_uri(self.headers.get("warc-target-uri")))
        self.block = _Block(record, self.place, stream)
        self.head: HttpHead | None = None

    @property
    def missing(self) -> list[str]:
        """The mandatory header fields it lacks: a header cut short or garbled."""
        return [name for name in _MANDATORY if name.lower() not in self.headers]

    @property
    def content_type(self) -> str | None:
        """The payload's Content-Type: the HTTP header's, or the WARC header's for a block that is the payload."""
        return self.head.header("Content-Type") if self.head is not None else self.headers.get("content-type")


class _Reading:
    """One pass over one WARC: its records in order, each a source, a skip or the damage that ends the pass.

    A record's source is held back until the next record header has been read: a
    record whose ``Content-Length`` is wrong looks whole, and only the garbage where
    the next record should begin gives it away. So what comes out before the damage
    is only what is known to be whole.
    """

    def __init__(self, item: Input, limits: Limits, selection: Selection, stream: _Uncompressed) -> None:
        self.item = item
        self.limits = limits
        self.selection = selection
        self.stream = stream
        self.read = 0
        self.last: _Place | None = None

    def sources(self) -> Iterator[Input]:
        held: Input | None = None
        try:
            for found in ArchiveIterator(self.stream, parse_http=False, stream_detect=False):
                record = _Record(found, self.stream)
                if record.missing:
                    raise _Damage(
                        self.stream.damage or f"{record.place} has a header without its {', '.join(record.missing)}"
                    )
                if held is not None:  # the header after it was read: it ended where it said
                    yield held
                    held = None
                taken = self._take(record)
                self.read += 1
                self.last = record.place
                if isinstance(taken, Input):
                    held = taken
                else:
                    self.selection.skip_record(taken)
            if self.stream.damage is not None:
                raise _Damage(self.stream.damage)
            if not self.read:
                raise _Damage("it holds no WARC record" + (" (the file is empty)" if not self.stream.offset else ""))
        except _Damage as damage:
            yield self._broken(str(damage), held)
            return
        except (OSError, ValueError) as exc:  # FastWARC's word for bytes that are not a record header
            yield self._broken(self._not_a_header(exc), held)
            return
        except BaseException as exc:
            if not _is_panic(exc):
                raise
            yield self._broken(f"the WARC reader crashed on it ({_one_line(exc)})", held)
            return
        if held is not None:
            yield held

    # -- one record -----------------------------------------------------------------------

    def _take(self, record: _Record) -> Input | str:
        """The source ``record`` is, or why it is none (the reason it is counted under)."""
        kind, uri = record.kind, record.place.uri
        try:
            if kind not in ("response", "resource"):
                return kind or "untyped"
            scheme = _scheme(uri)
            if scheme not in _DOCUMENT_SCHEMES:
                return f"crawler's own {kind} ({scheme or 'no'}:)"
            truncated = record.headers.get("warc-truncated")
            if truncated:
                raise Unreadable(f"the crawler cut this record short ({truncated}): it is not the whole document")
            return self._payload(record)
        except Unreadable as why:
            return Input(location=uri, error=f"{uri}: {why}", details=self._details(record))
        finally:
            record.block.finish()

    def _payload(self, record: _Record) -> Input | str:
        block = record.block
        if _is_http(record.headers.get("content-type"), record.kind):
            head = record.head = _read_http_head(block)
            if not 200 <= head.status < 300 or head.status == 206:
                return f"HTTP {head.status}" + (" (partial content)" if head.status == 206 else "")
        if _is_site_file(record.place.uri):
            return "site file for crawlers (robots.txt…)"
        media_type, charset = parse_content_type(record.content_type)
        name = _name(record.place.uri)
        judged = _judge_type(media_type, name)
        if judged is False:
            return media_type or "no Content-Type"
        body_start = record.head.body_start if record.head is not None else b""
        size, cap = len(body_start) + block.remaining, self.limits.max_file_size
        if cap is not None and size > cap:
            raise Unreadable(
                f"its payload is {format_size(size)}, more than the {format_size(cap)} a file may have; "
                "raise the limit with --max-file-size"
            )
        data = body_start + block.read_rest()
        if record.head is not None:
            data = decode_body(data, record.head, cap)
        if judged is None and not _sniffs_as_document(data, name):
            return f"{media_type or 'no Content-Type'}: not a document by its bytes"
        return Input(location=record.place.uri, data=data, name=name, charset=charset, details=self._details(record))

    def _details(self, record: _Record) -> tuple[tuple[str, str], ...]:
        """The provenance kept with the record's location."""
        found = [
            ("warc_file", self.item.location),
            ("warc_type", record.kind),
            ("warc_record_id", record.headers.get("warc-record-id", "")),
            ("warc_date", record.headers.get("warc-date", "")),
        ]
        if record.place.offset is not None:
            found.append(("warc_offset", str(record.place.offset)))
        if record.head is not None:
            found.append(("http_status", str(record.head.status)))
        if record.content_type:
            found.append(("content_type", record.content_type))
        if record.head is not None:
            found.append(("http_headers", json.dumps(record.head.joined(), ensure_ascii=False)))
        return tuple(found)

    # -- the damage -------------------------------------------------------------------------

    def _not_a_header(self, exc: Exception) -> str:
        said = _one_line(exc)
        if self.read:
            return f"what follows it is not a WARC record ({said})"
        first = self.stream.first_bytes
        return f"it does not begin with a WARC record header ({said}); its first bytes are {first!r}"

    def _broken(self, what: str, held: Input | None) -> Input:
        """The input that reports the damage: the WARC, refused with what is wrong, its bytes kept if they may be."""
        where = self.item.location
        if not self.read:
            message = f"{where}: not a web archive (WARC) that can be read: {what}"
        else:
            lost = (
                f"; {held.location}, just before the damage, may not be whole and was not added"
                if held is not None
                else ""
            )
            message = (
                f"{where}: the web archive is damaged after {self.last}: {what}. "
                f"The {self.read} record(s) before were read{lost}; the rest of the file was not"
            )
        size = len(self.item.data) if self.item.data is not None else _file_size(self.item.path)
        if size is None or self.limits.file_too_large(size, where):
            return Input(location=where, error=message)
        return replace(self.item, refused=message, error=None)


# -- the file: a WARC's bytes, uncompressed --------------------------------------------------------


class _Uncompressed(io.RawIOBase):
    """The uncompressed bytes of a WARC file, for FastWARC, and where they are damaged.

    A ``.warc.gz`` is a series of gzip members: one a record as crawlers write them,
    or one for the whole file; each is inflated in turn (a file that does not start
    with gzip's magic number is passed through as it is). At the first damage (the
    file ends inside a member, bytes that are no gzip member follow one, data that does
    not inflate) reading stops as at the end of the file, and :attr:`damage` says
    what and where, as an offset in the file. ``tell`` is the uncompressed position
    (FastWARC asks for it); the file cannot seek.
    """

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.pending = b""
        self.compressed: bool | None = None  # known at the first read
        self.damage: str | None = None
        self.position = 0  # uncompressed bytes given out
        self.first_bytes = b""  # what the file begins with, uncompressed, for a message
        self.offset = 0  # bytes of the file consumed
        self._inflater: zlib._Decompress | None = None
        self._member = 0  # where the current gzip member starts in the file
        self._members: deque[tuple[int, int]] = deque()  # (uncompressed position, file offset) of members ahead

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True  # for tell() only: FastWARC asks its starting position

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if (offset, whence) in ((0, io.SEEK_CUR), (self.position, io.SEEK_SET)):
            return self.position
        raise io.UnsupportedOperation("a web archive is read once, in order")

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int | None = -1) -> bytes:
        want = _CHUNK if size is None or size < 0 else size
        try:
            if self.compressed is None:
                self.pending = self.raw.read(2)
                self.compressed = self.pending.startswith(_GZIP_MAGIC)
            data = (self._inflate(want) if self.compressed else self._pass(want)) if want else b""
        except OSError as exc:  # the disk's error, not the WARC's
            self.damage = f"the file cannot be read on at byte {self.offset:,} ({exc.strerror or exc})"
            return b""
        if self.position < _FIRST_BYTES:
            self.first_bytes += data[: _FIRST_BYTES - self.position]
        self.position += len(data)
        return data

    def file_offset(self, position: int) -> int | None:
        """Where in the file the record at uncompressed ``position`` starts, when that is known.

        In an uncompressed WARC it is the position; in a ``.warc.gz`` it is known for
        a record that starts a gzip member (one member a record, as crawlers write),
        not inside one gzip stream over the whole file.
        """
        if not self.compressed:
            return position
        while self._members and self._members[0][0] < position:
            self._members.popleft()
        return self._members[0][1] if self._members and self._members[0][0] == position else None

    def _pass(self, want: int) -> bytes:
        if self.pending:  # the two bytes looked at for gzip's magic number
            data, self.pending = self.pending[:want], self.pending[want:]
        else:
            data = self.raw.read(want)
        self.offset += len(data)
        return data

    def _inflate(self, want: int) -> bytes:
        """Up to ``want`` bytes, from as many members as they take; fewer only at the end of the file or the damage."""
        parts: list[bytes] = []
        given = self.position
        while want > 0 and self.damage is None:
            if self._inflater is None and not self._next_member(given):
                break
            part = self._inflate_member(want)
            parts.append(part)
            want -= len(part)
            given += len(part)
        return b"".join(parts)

    def _inflate_member(self, want: int) -> bytes:
        """Some bytes of the current member (none at its end, or at damage)."""
        assert self._inflater is not None
        if not self.pending:
            self.pending = self.raw.read(_CHUNK)
            if not self.pending:
                self.damage = (
                    f"the file ends at byte {self.offset:,}, inside the gzip member that starts at byte "
                    f"{self._member:,}: it is cut short"
                )
                return b""
        try:
            data = self._inflater.decompress(self.pending, want)
        except zlib.error as exc:
            self.damage = f"the gzip member that starts at byte {self._member:,} does not inflate ({exc})"
            return b""
        rest = self._inflater.unused_data if self._inflater.eof else self._inflater.unconsumed_tail
        self.offset += len(self.pending) - len(rest)
        self.pending = rest
        if self._inflater.eof:
            self._inflater = None
        return data

    def _next_member(self, position: int) -> bool:
        """Start inflating the next gzip member, which begins at uncompressed ``position``; False at the end."""
        if len(self.pending) < 2:
            self.pending += self.raw.read(_CHUNK)
        if not self.pending:
            return False
        if not self.pending.startswith(_GZIP_MAGIC):
            self.damage = f"byte {self.offset:,} is not the start of a gzip member ({self.pending[:16]!r}…)"
            return False
        self._member = self.offset
        self._members.append((position, self.offset))
        self._inflater = zlib.decompressobj(31)
        return True


class _Block:
    """A record's block, read once: its HTTP head, then its body, bounded; what was left is drained at the end.

    Every byte of the block is read through (the unread part in chunks, not kept) so
    that a block shorter than its ``Content-Length`` (a file cut short) is seen.
    """

    def __init__(self, record: WarcRecord, place: _Place, stream: _Uncompressed) -> None:
        self.reader = record.reader
        self.length = record.content_length
        self.place = place
        self.stream = stream
        self.got = 0

    @property
    def remaining(self) -> int:
        return self.length - self.got

    def read(self, size: int) -> bytes:
        data = self.reader.read(min(size, self.remaining)) if self.remaining > 0 else b""
        self.got += len(data)
        return data

    def read_rest(self) -> bytes:
        parts, left = [], self.remaining
        while left > 0:
            data = self.read(min(left, _CHUNK * 16))
            if not data:
                break
            parts.append(data)
            left -= len(data)
        self.check()
        return b"".join(parts)

    def finish(self) -> None:
        while self.remaining > 0 and self.read(_CHUNK * 16):
            pass
        self.check()

    def check(self) -> None:
        """Raise :class:`_Damage` when the block is shorter than its ``Content-Length``."""
        if self.got < self.length:
            raise _Damage(
                self.stream.damage
                or f"{self.place} is cut short: its header says {self.length:,} bytes, the file holds {self.got:,}"
            )


# -- what the payload is -----------------------------------------------------------------------------


def _is_http(content_type: str | None, kind: str) -> bool:
    """Does the block hold an HTTP message (a response record of an http(s) capture), not the payload alone?"""
    media_type, _ = parse_content_type(content_type)
    return media_type == "application/http" or (kind == "response" and not media_type)


def _read_http_head(block: _Block) -> HttpHead:
    """The HTTP status line and headers at the start of ``block``; what of the body came with them is kept."""
    data = block.read(_HTTP_HEAD_READ)
    while (head := parse_head(data)) is None and len(data) < _MAX_HTTP_HEAD:
        more = block.read(_MAX_HTTP_HEAD - len(data))
        if not more:
            break
        data += more
    if head is None:
        block.check()
        raise Unreadable(f"it holds no HTTP response head (its first bytes: {data[:40]!r})")
    return head


def _judge_type(media_type: str, name: str) -> bool | None:
    """Is a payload of ``media_type`` a document? None: its bytes decide (a generic type, XML)."""
    if media_type in _GENERIC_TYPES or media_type in _XML_TYPES:
        return None if PurePosixPath(name).suffix.lower() not in _NOT_DOCUMENT_SUFFIXES else False
    if media_type in _DOCUMENT_TYPES:
        return True
    return media_type.startswith("text/") and media_type not in _NOT_DOCUMENT_TEXT and not media_type.endswith("+json")


def _sniffs_as_document(data: bytes, name: str) -> bool:
    sniffed = sniff_media_type(data[:HEAD_BYTES], Path(name))
    if sniffed == "application/xml":
        return xml_is_document(data[:HEAD_BYTES])
    return sniffed in _SNIFFED_DOCUMENTS


def _scheme(uri: str) -> str:
    """The scheme of ``uri`` (``http``), lowercased; "" when it has none. (``urlsplit`` costs more, per record.)"""
    scheme, colon, _ = uri.partition(":")
    return scheme.lower() if colon and scheme.isascii() and scheme.replace("+", "").replace(".", "").isalnum() else ""


def _target_uri(value: str | None) -> str:
    """The target URI as written, without the angle brackets wget puts around it."""
    uri = (value or "").strip()
    return uri[1:-1].strip() if uri.startswith("<") and uri.endswith(">") else uri


def _is_site_file(uri: str) -> bool:
    """Is ``uri`` a file a site keeps for crawlers and tools (robots.txt, /.well-known/…), not a document?"""
    path = urlsplit(uri).path
    return path in _SITE_FILES or path.startswith("/.well-known/")


def _name(uri: str) -> str:
    """The file name the record would be saved under: the last segment of its path (``index.html`` for a folder)."""
    return unquote(PurePosixPath(urlsplit(uri).path).name) or "index.html"


# -- small helpers ----------------------------------------------------------------------------------


def _is_panic(exc: BaseException) -> bool:
    """A Rust panic in FastWARC (pyo3's PanicException is a BaseException, not an Exception)."""
    return type(exc).__name__ == "PanicException"


def _one_line(exc: BaseException, width: int = 200) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= width else text[: width - 1] + "…"


def _file_size(path: Path | None) -> int | None:
    try:
        return path.stat().st_size if path is not None else None
    except OSError:
        return None
