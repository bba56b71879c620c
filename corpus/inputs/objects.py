"""Objects in an S3-compatible store named to ``corpus add``: ``s3://bucket/key`` and ``s3://bucket/prefix/``.

An argument that ends with ``/`` (or names a bucket alone, ``s3://bucket``) is a
*prefix*, listed like a folder: every object under it, recursively, taken or left
out by the rules of a folder walk (:mod:`corpus.inputs.walk`): hidden names (a
key part starting with a dot), desktop litter and the store's own files are
skipped; ``--include``/``--exclude`` apply to the key relative to the prefix
(:mod:`corpus.inputs.select`); data files are left out and counted
(:mod:`corpus.inputs.datafiles`; an ``.xml`` object's first 4 KB are read to tell).
Any other argument is a *key*, one source, as a file named on the command line
is: the listing makes no request for it (a million keys from ``--files-from``
cost no million round trips before the add starts), and a key that is not there
fails when it is read, with a hint when there are objects under ``key/``. A
prefix under which nothing at all is stored fails as a folder that is not there
does: an empty answer is what a mistyped prefix gets.

A source is located by its ``s3://bucket/key`` URL. Its bytes are read in the
per-source stage (:func:`corpus.inputs.reading.read_input`), in the worker that then
reads them, like a URL's (:mod:`corpus.inputs.urls`): streamed, :data:`CHUNK` bytes
per ranged GET, given up before the first byte when the object's size is over
``--max-file-size`` and the moment more has come, and within the time limit per file
(``--timeout``). What the store said of the object is kept with the location: its
size, entity tag, last modification, content type, and when it was read. Whatever
goes wrong is one line naming the URL: no such bucket, no such key, access denied,
credentials refused, the endpoint unreachable or too slow.

Archives and web archives (``.zip``, ``.tar.gz``, ``.warc.gz``…) in a bucket are
opened as those on disk are, their members located as ``s3://bucket/a.zip!inner``.
The archive readers take a file on disk or bytes in memory, and a zip's directory
is at its end, so an archive in an object store is downloaded first: while the add
is listed, to a temporary file (not memory), within ``--max-file-size`` and the time
limit per file; one over the limit fails with its size and the option that raises
it (download it and add the file, which has no such limit). The file is deleted
once the archive has been read.

The client is pyarrow's :class:`pyarrow.fs.S3FileSystem` (the optional extra ``s3``,
``pip install 'corpus[s3]'``; ``corpus[ray]`` brings it too), one made in each process
that needs it (a worker is forked, and a client must not cross a fork). It is
pointed at a store as the AWS tools are, by the standard environment variables:
``AWS_ENDPOINT_URL_S3`` or ``AWS_ENDPOINT_URL`` for another store than AWS (MinIO,
Ceph, R2: ``http://127.0.0.1:9000``), ``AWS_REGION`` or ``AWS_DEFAULT_REGION``
(on AWS without them the bucket's region is asked for), and the AWS SDK's own chain
for credentials: ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
``AWS_SESSION_TOKEN``, ``AWS_PROFILE`` and ``~/.aws``, an instance's role.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from corpus.errors import UsageError
from corpus.inputs.containers import container_kind
from corpus.inputs.containers import open_container as open_members
from corpus.inputs.datafiles import XML_HEAD, data_kind_of, kind_by_name, refusal
from corpus.inputs.deadline import Deadline
from corpus.inputs.httpmessage import parse_content_type
from corpus.inputs.item import Input
from corpus.inputs.reading import Opened
from corpus.inputs.select import Selection
from corpus.inputs.walk import skipped_name
from corpus.limits import DEFAULT_LIMITS, MB, Limits, format_size

__all__ = [
    "CHUNK",
    "CONNECT_TIMEOUT",
    "INSTALL",
    "ObjectURL",
    "find",
    "is_object_url",
    "library_missing",
    "open_container",
    "read_object",
    "require_library",
]

INSTALL = "pip install 'corpus[s3]'"
SCHEMES = ("s3://",)
CHUNK = 4 * MB
"""Bytes one ranged GET asks for: a document in one request, a large file in a few, the time limit checked between."""
CONNECT_TIMEOUT = 10.0
"""Seconds a connection to the store may take to be made."""
READ_TIMEOUT = 30.0
"""Seconds the store may go without sending a byte (the AWS SDK's low-speed limit on Linux), per attempt: the
SDK tries a request three times, so a store that stalls costs the listing of a prefix at most about 90 s, and
the per-source stage the time limit per file, where its worker is stopped."""

_AWS = "AWS S3 (set AWS_ENDPOINT_URL for another S3-compatible store)"
_AWS_ERROR = re.compile(r"AWS Error ([A-Z_]+)(?: \(HTTP status (\d+)\))?")


def is_object_url(argument: object) -> bool:
    """Is ``argument`` the URL of an object or a prefix in an object store (``s3://…``) rather than a path?"""
    return isinstance(argument, str) and argument[:5].lower().startswith(SCHEMES)


@dataclass(frozen=True)
class ObjectURL:
    """``s3://bucket/key``: a bucket and a key in it; a key that is empty or ends with ``/`` is a prefix."""

    bucket: str
    key: str

    @classmethod
    def parse(cls, url: str) -> ObjectURL | str:
        """The bucket and key of ``url``, or why it names none (a message naming it)."""
        rest = url[len("s3://") :]
        bucket, _, key = rest.partition("/")
        if not bucket:
            return f"{url}: not an object-store URL: it names no bucket (write s3://bucket/key or s3://bucket/prefix/)"
        return cls(bucket, key)

    @property
    def url(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    @property
    def is_prefix(self) -> bool:
        return not self.key or self.key.endswith("/")

    @property
    def path(self) -> str:
        """The object's path as pyarrow names it: ``bucket/key`` (a prefix without its last ``/``)."""
        return f"{self.bucket}/{self.key}".rstrip("/")

    @property
    def name(self) -> str:
        """The last part of the key: the file name its type may be guessed from."""
        return PurePosixPath(self.key).name


# -- the library ------------------------------------------------------------------------------------------


def library_missing() -> str | None:
    """Why objects cannot be read here (pyarrow is not installed, or has no S3), or None when they can."""
    try:
        _pafs().S3FileSystem  # noqa: B018  # a pyarrow built without S3 has no such class
    except Exception as exc:  # an ImportError, or a broken install that fails on import
        return f"{type(exc).__name__}: {exc}"
    return None


def require_library() -> None:
    """Raise :class:`corpus.UsageError` saying how to install the client when it cannot be imported."""
    reason = library_missing()
    if reason is not None:
        raise UsageError(f"s3:// URLs need pyarrow's S3 filesystem, which is not installed here: {INSTALL} ({reason})")


@dataclass(frozen=True)
class _Settings:
    """Where the store is and how to reach it, from the AWS environment variables."""

    endpoint: str | None
    region: str | None

    @classmethod
    def from_environment(cls) -> _Settings:
        endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or None
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None
        return cls(endpoint.strip().rstrip("/") if endpoint else None, region)

    @property
    def where(self) -> str:
        """The store, as a user would name it."""
        return self.endpoint or _AWS


def _pafs() -> Any:
    """``pyarrow.fs`` (untyped: pyarrow has no type information)."""
    return importlib.import_module("pyarrow.fs")


_clients: dict[tuple[int, _Settings, str], Any] = {}


def _client(bucket: str, settings: _Settings) -> Any:
    """pyarrow's S3 filesystem for ``bucket`` in this process (made once per process: a forked worker makes its own)."""
    pafs = _pafs()
    region = settings.region
    if region is None and settings.endpoint is None:  # on AWS a bucket lives in one region, which says where
        try:
            region = pafs.resolve_s3_region(bucket)
        except (OSError, ValueError):
            region = None  # the request itself will say what is wrong (no such bucket, no network)
    key = (os.getpid(), settings, region or "")
    client = _clients.get(key)
    if client is None:
        if len(_clients) > 64:
            _clients.clear()
        client = pafs.S3FileSystem(
            region=region or "us-east-1",
            endpoint_override=settings.endpoint,
            connect_timeout=CONNECT_TIMEOUT,
            request_timeout=READ_TIMEOUT,
        )
        _clients[key] = client
    return client


# -- listing ----------------------------------------------------------------------------------------------


def find(argument: str, selection: Selection, seen: set[str], limits: Limits = DEFAULT_LIMITS) -> Iterator[Input]:
    """The inputs ``argument`` (an ``s3://`` URL) means: a key, or what a prefix holds; each location once.

    Raises :class:`corpus.UsageError` when the client is not installed. What cannot be
    listed (no such bucket, access denied, the endpoint unreachable) is an input with
    its ``error``, so it gets its ``failed`` record.
    """
    require_library()
    target = ObjectURL.parse(argument)
    if isinstance(target, str):
        yield Input(location=argument, error=target)
        return
    if not target.is_prefix:
        if target.url not in seen:
            seen.add(target.url)
            yield _named(target, _Settings.from_environment())
        return
    yield from _listed(target, selection, seen)


def _named(target: ObjectURL, settings: _Settings) -> Input:
    """The input of a key named itself: taken whatever its name, but a data file is refused."""
    kind = kind_by_name(target.name)
    if kind == "XML":
        kind = _xml_kind(target, settings)
    refused = refusal(target.url, kind) if kind is not None else None
    return Input(location=target.url, url=target.url, name=target.name, refused=refused)


def _listed(prefix: ObjectURL, selection: Selection, seen: set[str]) -> Iterator[Input]:
    """The objects under ``prefix``, recursively, chosen as a folder walk chooses its files."""
    pafs = _pafs()
    settings = _Settings.from_environment()
    try:
        client = _client(prefix.bucket, settings)
        infos = client.get_file_info(pafs.FileSelector(prefix.path, recursive=True))
    except Exception as exc:  # pyarrow's OSError, FileNotFoundError or ArrowInvalid: one failed record
        yield Input(location=prefix.url, error=_explain(exc, prefix, settings, listing=True))
        return
    if not infos:
        yield Input(location=prefix.url, error=_nothing_under(prefix, settings))
        return
    start = len(prefix.path) + 1 if prefix.key else len(prefix.bucket) + 1
    for info in sorted(infos, key=lambda i: i.path):
        if info.type != pafs.FileType.File:
            continue  # a "folder" (a key ending in /, or a common prefix): what is under it is listed too
        relative = info.path[start:]
        target = ObjectURL(prefix.bucket, f"{prefix.key}{relative}")
        if _hidden(relative) or target.url in seen:
            continue
        taken = selection.opens if container_kind(target.name) else selection.wants
        if not taken(relative):
            continue
        kind = kind_by_name(target.name)
        if kind == "XML":
            kind = _xml_kind(target, settings)
        if kind is not None:
            selection.skip_data(kind)
            continue
        seen.add(target.url)
        details = [("size", str(info.size))]
        if info.mtime is not None:
            details.append(("last_modified", info.mtime.astimezone(UTC).isoformat()))
        yield Input(location=target.url, url=target.url, name=target.name, details=tuple(details))


def _hidden(relative: str) -> bool:
    """Would a folder walk leave the object at ``relative`` (from its prefix) out: a hidden name, litter?"""
    *folders, name = relative.split("/")
    return any(skipped_name(part, folder=True) for part in folders if part) or skipped_name(name)


def _xml_kind(target: ObjectURL, settings: _Settings) -> str | None:
    """``"XML"`` when the object is XML data, None when it is a document (or its head cannot be read)."""
    try:
        with _client(target.bucket, settings).open_input_stream(target.path) as stream:
            head = stream.read(XML_HEAD)
    except Exception:  # the stage reads it again and says what is wrong
        return None
    return data_kind_of(target.name, head)


def _nothing_under(prefix: ObjectURL, settings: _Settings) -> str:
    return (
        f"{prefix.url}: no objects under this prefix in {settings.where} "
        "(it is not there, or the credentials in use may not see what is)"
    )


# -- reading ----------------------------------------------------------------------------------------------


class _Failed(Exception):
    """Why reading failed, as the one line the user reads."""


class _OverLimit(_Failed):
    """Reading stopped at a limit per file: the size or the time."""


@dataclass(frozen=True)
class _Clock(Deadline):
    """The time a read may still take, within the time limit per file."""

    def check(self, where: str) -> None:
        if self.remaining() <= 0:
            raise _OverLimit(
                f"{where}: reading it from the object store took longer than {self.limit:g} s, the time limit "
                "per file, and was stopped; raise the limit with --timeout"
            )


def read_object(item: Input, limits: Limits = DEFAULT_LIMITS) -> Opened | str:
    """The bytes of the object ``item.url`` names and what the store said of it, or why not (one line)."""
    url = item.url or item.location
    target = ObjectURL.parse(url)
    if isinstance(target, str):
        return target
    reason = library_missing()
    if reason is not None:  # a worker elsewhere, on a node without it
        return f"{url}: cannot read it: s3:// URLs need pyarrow, which is not installed here: {INSTALL} ({reason})"
    settings = _Settings.from_environment()
    body = bytearray()
    try:
        metadata = _stream(target, settings, limits, body.extend, lambda: len(body), where=item.location)
    except _Failed as failure:
        return str(failure)
    # The charset of the object's Content-Type (set when it was uploaded), as a WARC record's is read.
    return Opened(bytes(body), parse_content_type(metadata.get("content_type"))[1], _details(metadata))


def _stream(
    target: ObjectURL,
    settings: _Settings,
    limits: Limits,
    write: Callable[[bytes], object],
    written: Callable[[], int],
    *,
    where: str,
) -> dict[str, str]:
    """Read the object into ``write``, a chunk at a time, ``written()`` bytes so far, within the limits.

    Gives what the store said of the object; raises :class:`_Failed` with the reason.
    """
    clock = _Clock.start(limits.timeout)
    cap = limits.max_file_size
    try:
        client = _client(target.bucket, settings)
        with client.open_input_stream(target.path) as stream:  # asks for the object's size, type and tag first
            metadata = _metadata(stream.metadata())
            size = metadata.get("size", "")
            if size.isdigit():
                too_large = limits.file_too_large(int(size), where)
                if too_large:
                    raise _OverLimit(too_large)
            while True:
                clock.check(where)
                chunk = stream.read(CHUNK if cap is None else min(CHUNK, cap + 1 - written()))
                if not chunk:
                    break
                write(chunk)
                if cap is not None and written() > cap:
                    raise _OverLimit(
                        f"{where}: the object is more than {format_size(cap)}, more than a file may have, "
                        "and was not read further; raise the limit with --max-file-size"
                    )
    except _Failed:
        raise
    except Exception as exc:  # pyarrow's OSError, FileNotFoundError, ArrowInvalid
        raise _Failed(_explain(exc, target, settings, listing=False)) from None
    metadata["fetched_at"] = datetime.now(UTC).isoformat(timespec="milliseconds")
    return metadata


def _metadata(raw: Any) -> dict[str, str]:
    """What a GET's answer said of the object, under the names a URL's details use."""
    names = {
        "content-length": "size",
        "etag": "etag",
        "last-modified": "last_modified",
        "content-type": "content_type",
        "versionid": "version_id",
        "x-amz-version-id": "version_id",
    }
    said: dict[str, str] = {}
    for key, value in dict(raw or {}).items():
        name = names.get((key.decode() if isinstance(key, bytes) else str(key)).lower())
        if name is not None:
            said[name] = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return said


def _details(metadata: dict[str, str]) -> tuple[tuple[str, str], ...]:
    order = ("fetched_at", "size", "etag", "last_modified", "content_type", "version_id")
    return tuple((key, metadata[key]) for key in order if key in metadata)


# -- containers -------------------------------------------------------------------------------------------


def open_container(item: Input, selection: Selection, limits: Limits = DEFAULT_LIMITS) -> Iterator[Input]:
    """The sources in the archive or web archive at ``item.url``, downloaded to a temporary file to be opened.

    An archive over ``--max-file-size``, or one that cannot be read, gives one input
    with its ``error``; one the archive readers refuse (damaged) is read again by the
    stage, so that its bytes are kept with its ``failed`` record, as on disk.
    """
    target = ObjectURL.parse(item.url or item.location)
    if isinstance(target, str):
        yield replace(item, error=target)
        return
    settings = _Settings.from_environment()
    handle, name = tempfile.mkstemp(prefix="corpus-s3-", suffix=f"-{target.name}"[-60:])
    try:
        with os.fdopen(handle, "wb") as file:
            written = _Written(file)
            try:
                metadata = _stream(target, settings, limits, written.write, written.count, where=item.location)
            except _Failed as failure:
                over = isinstance(failure, _OverLimit)
                yield Input(location=item.location, error=f"{failure}{_DOWNLOADED if over else ''}")
                return
        local = Input(location=item.location, path=Path(name), name=target.name, details=_details(metadata))
        for member in open_members(local, selection, limits):
            if member.path is not None and str(member.path) == name:  # the archive itself, refused: read again
                yield replace(member, path=None, url=target.url, details=item.details)
            else:
                yield member
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)


_DOWNLOADED = (
    ". An archive in an object store is downloaded to be opened, and the limits per file hold for it "
    "(download it and add the file to have it opened whatever its size)"
)


class _Written:
    """A file being written, and how much was written to it."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self.file.write(chunk)
        self.size += len(chunk)

    def count(self) -> int:
        return self.size


# -- errors -----------------------------------------------------------------------------------------------


def _explain(error: BaseException, target: ObjectURL, settings: _Settings, *, listing: bool) -> str:
    """What went wrong asking the store about ``target``, for a user: one line naming the URL."""
    where = target.url
    if isinstance(error, FileNotFoundError):
        return _not_found(target, settings, listing=listing)
    text = str(error)
    match = _AWS_ERROR.search(text)
    code = match.group(1) if match else ""
    status = match.group(2) if match and match.group(2) else ""
    if code == "NO_SUCH_BUCKET" or (code == "RESOURCE_NOT_FOUND" and listing):
        return f"{where}: no such bucket: {target.bucket} (in {settings.where})"
    if code == "NO_SUCH_KEY" or (code == "RESOURCE_NOT_FOUND" and not listing):
        return _not_found(target, settings, listing=listing)
    if code == "ACCESS_DENIED" or status == "403":
        return (
            f"{where}: access denied: the credentials in use (AWS_ACCESS_KEY_ID, AWS_PROFILE, ~/.aws) "
            f"may not {'list' if listing else 'read'} it"
        )
    if code in ("INVALID_ACCESS_KEY_ID", "SIGNATURE_DOES_NOT_MATCH", "MISSING_AUTHENTICATION_TOKEN"):
        return f"{where}: {settings.where} refused the credentials in use ({code.lower().replace('_', ' ')})"
    if "curlCode: 28," in text:  # curl's timeout: connecting, or a transfer that stalled
        return f"{where}: the object store at {settings.where} did not answer in time: {_network_reason(text)}"
    if code == "NETWORK_CONNECTION" or "curlCode" in text:
        return f"{where}: cannot reach the object store at {settings.where}: {_network_reason(text)}"
    if code == "REQUEST_TIME_TOO_SKEWED":
        return f"{where}: {settings.where} refused the request: this machine's clock is wrong"
    return f"{where}: cannot {'list' if listing else 'read'} it in {settings.where}: {_one_line(text)}"


def _not_found(target: ObjectURL, settings: _Settings, *, listing: bool) -> str:
    """No such key (or prefix): the bucket told apart, and a key that is a prefix named as one."""
    where = target.url
    pafs = _pafs()
    try:
        client = _client(target.bucket, settings)
        bucket = client.get_file_info(target.bucket).type
        below = client.get_file_info(target.path).type if not listing and target.key else None
    except Exception:
        bucket = below = None
    if bucket == pafs.FileType.NotFound:
        return f"{where}: no such bucket: {target.bucket} (in {settings.where})"
    if listing:
        return _nothing_under(target, settings)
    if below == pafs.FileType.Directory:
        return (
            f"{where}: no such key, but there are objects under {where}/; "
            f"to add them, name the prefix with its trailing slash: {where}/"
        )
    return f"{where}: no such key in bucket {target.bucket} (in {settings.where})"


def _network_reason(text: str) -> str:
    """What curl said (``Could not connect to server``, ``Could not resolve hostname``, a timeout)."""
    details = re.search(r"Details: (.*?)(?:\s*\(Request ID.*)?$", text)
    if details:
        return details.group(1).strip()
    curl = re.search(r"curlCode: \d+, ([^;]*)", text)
    return curl.group(1).strip() if curl else _one_line(text)


def _one_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else "an unknown error"
    return re.sub(r"\s*\(Request ID: [^)]*\)", "", line)
