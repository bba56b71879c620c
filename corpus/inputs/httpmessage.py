"""An HTTP response as a crawl keeps it: its head parsed, its body made into the payload a browser saves.

A web archive (:mod:`corpus.inputs.warc`) stores each response as it came over the
wire: status line and headers, then the body, still in its transfer coding (chunked)
and its content codings (gzip, deflate, br). Here the head is parsed (lazily: most
responses of a crawl are only looked at for their status) and the body decoded,
every output bounded by a size cap (``--max-file-size``): a gzip bomb is stopped at
the cap, never inflated whole. What cannot be decoded raises :class:`Unreadable`
with a reason a user understands.
"""

from __future__ import annotations

import importlib
import zlib
from functools import cached_property

from corpus.limits import format_size


class Unreadable(Exception):
    """A payload that cannot be had: over the size cap, a coding broken or unknown, no HTTP where HTTP should be."""


class HttpHead:
    """An HTTP response's status and headers, parsed when first asked for (most records only need the status)."""

    def __init__(self, status: int, lines: list[str], body_start: bytes) -> None:
        self.status = status
        self._lines = lines
        self.body_start = body_start
        """The body's first bytes, read with the head."""

    @cached_property
    def headers(self) -> tuple[tuple[str, str], ...]:
        """The header fields, names as sent, in order; a folded continuation line joined to its field."""
        headers: list[tuple[str, str]] = []
        for line in self._lines:
            if line[:1] in (" ", "\t") and headers:
                headers[-1] = (headers[-1][0], f"{headers[-1][1]} {line.strip()}")
            elif ":" in line:
                name, value = line.split(":", 1)
                headers.append((name.strip(), _header_text(value.strip())))
        return tuple(headers)

    @cached_property
    def _by_name(self) -> dict[str, str]:
        by_name: dict[str, str] = {}
        for name, value in self.headers:
            key = name.lower()
            by_name[key] = f"{by_name[key]}, {value}" if key in by_name else value
        return by_name

    def header(self, name: str) -> str | None:
        """A header's value, a repeated header's values joined by ", " (as HTTP reads them)."""
        return self._by_name.get(name.lower())

    def joined(self) -> dict[str, str]:
        """The headers as one object, names as sent, a repeated header's values joined by ", "."""
        joined: dict[str, str] = {}
        for name, value in self.headers:
            joined[name] = f"{joined[name]}, {value}" if name in joined else value
        return joined


def parse_head(data: bytes) -> HttpHead | None:
    """The response head at the start of ``data``, or None when its blank line is not in ``data`` yet.

    Raises :class:`Unreadable` when the first line is no HTTP status line.
    """
    end = _head_end(data)
    if end is None:
        return None
    lines = data[: end[0]].decode("latin-1").splitlines() or [""]
    status = lines[0].split(None, 2)
    if len(status) < 2 or not status[0].startswith("HTTP/") or not status[1].isdigit():
        raise Unreadable(f"it holds no HTTP response: its first line is {lines[0][:80]!r}")
    return HttpHead(int(status[1]), lines[1:], data[end[1] :])


def _head_end(data: bytes) -> tuple[int, int] | None:
    """Where the head in ``data`` ends and the body begins (the blank line), or None when it is not there yet."""
    crlf = data.find(b"\r\n\r\n")
    bare = data.find(b"\n\n", 0, crlf if crlf != -1 else len(data))  # a server that ends lines with LF alone
    if bare != -1:
        return bare, bare + 2
    return (crlf, crlf + 4) if crlf != -1 else None


def _header_text(value: str) -> str:
    """A header value read as Latin-1 (HTTP's bytes), re-read as UTF-8 when that is what it is."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return value


def decode_body(body: bytes, head: HttpHead, cap: int | None) -> bytes:
    """The payload a browser would save: the body de-chunked, its content codings undone, within ``cap``."""
    data = body
    transfer = [c.strip().lower() for c in (head.header("Transfer-Encoding") or "").split(",") if c.strip()]
    if "chunked" in transfer:
        data = _dechunk(data)
    codings = [c.strip().lower() for c in (head.header("Content-Encoding") or "").split(",") if c.strip()]
    for coding in reversed(codings):  # the last one applied comes off first
        data = _decode_coding(data, coding, cap)
    if cap is not None and len(data) > cap:
        raise Unreadable(_too_large(cap))
    return data


def _dechunk(data: bytes) -> bytes:
    """The body of HTTP/1.1 chunked transfer coding (chunk extensions and trailers dropped)."""
    parts: list[bytes] = []
    at = 0
    while True:
        line_end = data.find(b"\n", at)
        if line_end == -1:
            raise Unreadable(f"its chunked body breaks off at byte {at:,}: no chunk size line")
        size_text = data[at:line_end].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise Unreadable(
                f"its chunked body is broken at byte {at:,}: {size_text[:20]!r} is not a chunk size"
            ) from None
        if size == 0:
            return b"".join(parts)
        start = line_end + 1
        if start + size > len(data):
            raise Unreadable(f"its chunked body is cut short: the chunk of {size:,} bytes at byte {at:,} is not whole")
        parts.append(data[start : start + size])
        at = start + size
        at += 2 if data[at : at + 2] == b"\r\n" else 1 if data[at : at + 1] == b"\n" else 0


def _decode_coding(data: bytes, coding: str, cap: int | None) -> bytes:
    if coding in ("identity", ""):
        return data
    if coding in ("gzip", "x-gzip"):
        return _inflate(data, 31, coding, cap)
    if coding == "deflate":  # zlib-wrapped as the standard says, or raw deflate as some servers send it
        return _inflate(data, 15 if data[:1] and (data[0] & 0x0F) == 8 else -15, coding, cap)
    if coding == "br":
        return _unbrotli(data, cap)
    raise Unreadable(f"its Content-Encoding {coding!r} is not one corpus decodes (gzip, deflate, br)")


def _inflate(data: bytes, wbits: int, coding: str, cap: int | None) -> bytes:
    inflater = zlib.decompressobj(wbits)
    try:
        out = inflater.decompress(data, (cap + 1) if cap is not None else 0)
    except zlib.error as exc:
        raise Unreadable(f"its payload is not the {coding} data its Content-Encoding says ({exc})") from None
    if cap is not None and (len(out) > cap or inflater.unconsumed_tail):
        raise Unreadable(_too_large(cap, coding))
    if not inflater.eof:
        raise Unreadable(f"its {coding} payload is cut short")
    return out


def _unbrotli(data: bytes, cap: int | None) -> bytes:
    try:
        brotli = importlib.import_module("brotli")  # FastWARC's dependency; it ships no type information
    except ImportError:
        raise Unreadable("its Content-Encoding is br, and the brotli package is not installed") from None
    decompressor = brotli.Decompressor()
    limit = {} if cap is None else {"output_buffer_limit": cap + 1}
    try:
        out: bytes = decompressor.process(data, **limit)
    except brotli.error as exc:
        raise Unreadable(f"its payload is not the br data its Content-Encoding says ({exc})") from None
    if cap is not None and len(out) > cap:
        raise Unreadable(_too_large(cap, "br"))
    if not decompressor.is_finished():
        raise Unreadable("its br payload is cut short")
    return out


def _too_large(cap: int, coding: str | None = None) -> str:
    if coding is None:
        return f"its payload is more than the {format_size(cap)} a file may have; raise the limit with --max-file-size"
    return (
        f"its {coding} payload inflates to more than {format_size(cap)}, the size a file may have "
        "(a decompression bomb?); raise the limit with --max-file-size"
    )


def parse_content_type(content_type: str | None) -> tuple[str, str | None]:
    """``text/html; charset="GBK"`` → (``text/html``, ``GBK``)."""
    if not content_type:
        return "", None
    media_type, *parameters = content_type.split(";")
    charset = None
    for parameter in parameters:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip("\"'"):
            charset = value.strip().strip("\"'")
    return media_type.strip().lower(), charset
