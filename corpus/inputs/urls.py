"""Fetching a URL named to ``corpus add``: its bytes, and what the server said about them.

A URL is fetched in the per-source stage (:func:`corpus.inputs.reading.read_input`),
in the worker process that then reads what came (:mod:`corpus.workers`), so a slow
or hostile server costs that worker its time limit, not the add, and ``--jobs N``
fetches N URLs at once. The client is urllib3, made anew for each fetch (never at
import: a worker is forked, and a pool's sockets must not be shared across a fork).

Everything a server can do to the fetch is bounded:

- **redirects**: followed here, one hop at a time, at most :data:`MAX_REDIRECTS`,
  only to ``http(s)`` URLs; a loop is named as one rather than counted out;
- **time**: connecting may take :data:`CONNECT_TIMEOUT` seconds, each wait for
  bytes :data:`READ_TIMEOUT`, and the whole fetch most of the per-file time limit
  (``--timeout``), so that its own message says why it stopped before the worker,
  which kills whatever outlives that limit, has to;
- **size**: the body is streamed, decoded as it comes (gzip, deflate, brotli:
  urllib3 inflates a bounded amount per read), and given up the moment it passes
  ``--max-file-size``, so a gzip bomb costs that limit, not what it inflates to.

What comes back is the body with the charset of the response's ``Content-Type``
(it counts as a declared charset, which :func:`corpus.decode.decode` checks, never
trusts blindly) and, as details kept with the location, when it was fetched, where
a redirect led, the status, type, date, entity tag and every response header. The
location stays the URL the user gave. Whatever goes wrong is one line naming the
URL: the host that does not resolve, the refused connection, the timeout, the TLS
error, the HTTP status, the redirect loop, the size.
"""

from __future__ import annotations

import json
import re
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from http import HTTPStatus
from importlib import metadata
from typing import TypeVar
from urllib.parse import urldefrag, urljoin, urlsplit

import urllib3
from urllib3 import exceptions as http_errors
from urllib3.response import BaseHTTPResponse

import corpus
from corpus.inputs.deadline import Deadline
from corpus.inputs.item import Input
from corpus.inputs.reading import Opened
from corpus.limits import KB, Limits, format_size

__all__ = ["CONNECT_TIMEOUT", "MAX_REDIRECTS", "READ_TIMEOUT", "fetch", "user_agent"]

MAX_REDIRECTS = 10
"""Redirects one fetch follows; the next one fails it."""
CONNECT_TIMEOUT = 10.0
"""Seconds a connection (TCP and TLS) may take to be made."""
READ_TIMEOUT = 30.0
"""Seconds the server may go without sending a byte."""

_E = TypeVar("_E", bound=BaseException)

_CHUNK = 64 * KB  # decoded bytes read at a time: what a bomb can inflate to before the size is checked
_ACCEPT = "text/html,application/xhtml+xml,application/pdf,text/plain;q=0.9,*/*;q=0.8"


class _Failed(Exception):
    """Why the fetch failed, as the one line the user reads."""


def user_agent() -> str:
    """``corpus/VERSION``: how a fetch names itself to the server."""
    try:
        version = metadata.version("corpus")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        version = corpus.__version__
    return f"corpus/{version}"


def fetch(item: Input, limits: Limits) -> Opened | str:
    """GET ``item.url``, redirects followed: its body and provenance, or why not (one line naming it)."""
    clock = _Clock.start(limits.timeout)
    encodings = urllib3.make_headers(accept_encoding=True)["accept-encoding"]  # those this urllib3 decodes
    headers = {"User-Agent": user_agent(), "Accept": _ACCEPT, "Accept-Encoding": encodings}
    pool = urllib3.PoolManager(headers=headers, retries=False)
    try:
        response, chain = _follow(pool, item.url or item.location, clock)
        fetched_at = datetime.now(UTC).isoformat(timespec="milliseconds")
        try:
            _check_status(response, _where(chain))
            data = _body(response, chain, limits, clock)
        finally:
            response.close()
    except _Failed as failure:
        return str(failure)
    finally:
        pool.clear()
    return Opened(data, _charset(response.headers.get("Content-Type")), _details(response, chain, fetched_at))


@dataclass(frozen=True)
class _Clock(Deadline):
    """The time the fetch may still take."""

    def timeout(self, where: str) -> urllib3.Timeout:
        """The connect and read timeouts of the next request, within what is left."""
        left = self.left(where)
        return urllib3.Timeout(connect=min(CONNECT_TIMEOUT, left), read=min(READ_TIMEOUT, left))

    def left(self, where: str) -> float:
        """Seconds left; fails the fetch when none are."""
        left = self.remaining()
        if left <= 0:
            raise _Failed(self.spent(where))
        return left

    def is_up(self) -> bool:
        """Has the fetch used its time (so the time limit, not a timeout of its own, stopped it)?"""
        return self.remaining() <= 0.05

    def spent(self, where: str) -> str:
        return (
            f"{where}: fetching it took longer than {self.limit:g} s, the time limit per file, and was stopped; "
            "raise the limit with --timeout"
        )


def _follow(pool: urllib3.PoolManager, url: str, clock: _Clock) -> tuple[BaseHTTPResponse, list[str]]:
    """The answer to a GET of ``url`` once its redirects are followed, and the URLs it went through."""
    chain = [url]
    while True:
        response = _get(pool, chain, clock)
        target = response.get_redirect_location()
        if not target:  # not a redirect, or one that does not say where to (an error below)
            return response, chain
        response.close()  # its body is not wanted, and may be anything: not read to reuse the connection
        chain.append(_redirect(chain, target))


def _redirect(chain: list[str], location: str) -> str:
    """Where a ``Location`` sends the fetch that went through ``chain``, if it may go there."""
    try:
        target = urljoin(chain[-1], location)
        scheme = urlsplit(target).scheme.lower()
    except ValueError:  # malformed
        scheme = target = ""
    if scheme not in ("http", "https"):
        raise _Failed(f"{_where(chain)}: redirected to {location!r}, not an http(s) URL it can fetch; not followed")
    seen = [urldefrag(u).url for u in chain]
    if urldefrag(target).url in seen:
        loop = " → ".join([*chain[seen.index(urldefrag(target).url) :], target])
        raise _Failed(f"{chain[0]}: a redirect loop: {loop}")
    if len(chain) > MAX_REDIRECTS:
        raise _Failed(f"{chain[0]}: too many redirects: more than {MAX_REDIRECTS} (the last to {target}); given up")
    return target


def _get(pool: urllib3.PoolManager, chain: list[str], clock: _Clock) -> BaseHTTPResponse:
    """One GET of the last URL of ``chain``, its redirect not followed, its body not read yet."""
    where = _where(chain)
    try:
        return pool.request("GET", chain[-1], redirect=False, preload_content=False, timeout=clock.timeout(where))
    except (http_errors.HTTPError, OSError) as error:
        raise _Failed(_explain(error, chain[-1], where, clock)) from None


def _check_status(response: BaseHTTPResponse, where: str) -> None:
    """Fail unless the server answered 2xx."""
    if 200 <= response.status < 300:
        return
    reason = response.reason or _phrase(response.status)
    if response.get_redirect_location() is None:  # a redirect status without a Location header
        reason += ", without saying where to"
    raise _Failed(f"{where}: the server answered HTTP {response.status} {reason}".rstrip())


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _body(response: BaseHTTPResponse, chain: list[str], limits: Limits, clock: _Clock) -> bytes:
    """The body, decoded, read as it comes within the size and time limits."""
    where = _where(chain)
    cap = limits.max_file_size
    encoded = response.headers.get("Content-Encoding", "identity").strip().lower() not in ("", "identity")
    length = response.headers.get("Content-Length", "")
    if cap is not None and not encoded and length.isdigit():
        too_large = limits.file_too_large(int(length), where)  # said before a byte is read
        if too_large:
            raise _Failed(too_large)
    body = bytearray()
    try:
        while chunk := response.read1(_CHUNK):  # at most _CHUNK decoded bytes, however compressed
            body += chunk
            if cap is not None and len(body) > cap:
                raise _Failed(_over_size(where, cap, encoded))
            clock.left(where)
    except (http_errors.HTTPError, OSError) as error:
        raise _Failed(_explain(error, chain[-1], where, clock)) from None
    return bytes(body)


def _over_size(where: str, cap: int, encoded: bool) -> str:
    decoded = " once decoded" if encoded else ""
    return (
        f"{where}: the answer is more than {format_size(cap)}{decoded}, more than a file may have, "
        "and was not read further; raise the limit with --max-file-size"
    )


def _charset(content_type: str | None) -> str | None:
    """The charset parameter of a ``Content-Type`` header value (``text/html; charset=gbk``), if any."""
    if not content_type:
        return None
    message = Message()
    message["Content-Type"] = content_type
    charset = message.get_param("charset")
    return charset.strip() or None if isinstance(charset, str) else None


def _details(response: BaseHTTPResponse, chain: list[str], fetched_at: str) -> tuple[tuple[str, str], ...]:
    """What the fetch tells of the source's provenance, kept with its location."""
    headers = response.headers
    details = [("fetched_at", fetched_at)]
    if len(chain) > 1:
        details.append(("final_url", chain[-1]))
    details.append(("http_status", str(response.status)))
    for key, header in (("content_type", "Content-Type"), ("last_modified", "Last-Modified"), ("etag", "ETag")):
        if header in headers:
            details.append((key, headers[header]))
    # A header sent twice is one entry, its values joined by ", ", as HTTP reads them.
    details.append(("http_headers", json.dumps({name: headers[name] for name in headers}, ensure_ascii=False)))
    return tuple(details)


def _where(chain: list[str]) -> str:
    """The URL the user gave, and where it was redirected to, if it was."""
    return chain[0] if len(chain) == 1 else f"{chain[0]} (redirected to {chain[-1]})"


def _explain(error: BaseException, url: str, where: str, clock: _Clock) -> str:
    """What went wrong talking to the server of ``url``, for a user.

    The order matters: in urllib3 a failed connection is a kind of connect
    timeout, and a timeout past the fetch's own time is the time limit's doing.
    """
    host = _host(url)
    if isinstance(error, http_errors.NameResolutionError):
        name = getattr(error.conn, "host", None) or host
        return f"{where}: cannot resolve host {name}: no such host, or no name server to ask"
    if isinstance(error, http_errors.NewConnectionError):
        if isinstance(_cause(error, OSError), ConnectionRefusedError):
            return f"{where}: cannot connect to {host}: connection refused (nothing listens there)"
        return f"{where}: cannot connect to {host}: {_reason(error)}"
    if isinstance(error, http_errors.TimeoutError | TimeoutError):
        if clock.is_up():
            return clock.spent(where)
        if isinstance(error, http_errors.ConnectTimeoutError):
            return f"{where}: cannot connect to {host}: no answer within {CONNECT_TIMEOUT:g} s"
        return f"{where}: {host} sent nothing for {READ_TIMEOUT:g} s; stopped waiting"
    if isinstance(error, http_errors.SSLError | ssl.SSLError):
        return f"{where}: TLS error with {host}: {_tls_reason(error)}"
    if isinstance(error, http_errors.DecodeError):
        return f"{where}: the server's compressed answer cannot be decompressed: it is damaged"
    if isinstance(error, http_errors.ProtocolError | http_errors.IncompleteRead):
        return f"{where}: the connection to {host} broke off: {_reason(error)}"
    if isinstance(error, http_errors.LocationValueError):
        return f"{where}: not a URL that can be fetched: {_reason(error)}"
    return f"{where}: cannot fetch it: {_reason(error)}"


def _host(url: str) -> str:
    """The ``host:port`` of ``url`` as the user reads it, the port only when the URL names one."""
    try:
        return urlsplit(url).netloc.rpartition("@")[2] or url
    except ValueError:  # not a URL urllib can split: urllib3 said why
        return url


def _cause(error: BaseException, kind: type[_E]) -> _E | None:
    """The first exception of ``kind`` that ``error`` wraps (through causes, contexts and arguments)."""
    seen: set[int] = set()
    todo: list[object] = [error.__cause__, error.__context__, *error.args]
    while todo:
        inner = todo.pop(0)
        if not isinstance(inner, BaseException) or id(inner) in seen:
            continue
        seen.add(id(inner))
        if isinstance(inner, kind):
            return inner
        todo += [inner.__cause__, inner.__context__, *inner.args]
    return None


def _reason(error: BaseException) -> str:
    """The system's words for an error urllib3 wraps (``Connection reset by peer``), or urllib3's own."""
    inner = error if isinstance(error, OSError) else _cause(error, OSError)
    if inner is not None and inner.strerror:
        return inner.strerror
    if error.args and isinstance(error.args[0], str):
        return error.args[0]
    return str(error) or type(error).__name__


def _tls_reason(error: BaseException) -> str:
    """What the TLS library said, without its source-file tag: ``certificate verify failed: self-signed …``."""
    inner = error if isinstance(error, ssl.SSLError) else _cause(error, ssl.SSLError)
    if isinstance(inner, ssl.SSLCertVerificationError) and inner.verify_message:
        return f"the server's certificate is not trusted: {inner.verify_message}"
    text = str(inner or error)
    return re.sub(r"^\[[^\]]*\]\s*|\s*\(_ssl\.c:\d+\)$", "", text) or text
