"""The per-source stage: bytes → sniff → decode → read → fingerprint, with no store.

Everything a source needs before it can be matched is computed here, from its bytes
and the installed readers alone, so it can run anywhere: in this process, in worker
processes (``corpus add --jobs N``), on the workers of a Ray cluster. The result is a
frozen, picklable :class:`Prepared`, the seam between this stage and the serial
commit stage (:mod:`corpus.commit`), which matches, attaches and stores in input order.
A source that cannot be read comes out as a ``Prepared`` with its ``error``: nothing
here raises for bad input.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from corpus import boilerplate
from corpus import fingerprint as fp
from corpus.decode import decode
from corpus.errors import CorpusError, DecodeError, ReaderError
from corpus.extract import Extract
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


def load(path: Path, data: bytes) -> SourceFile:
    """Sniff and decode: what every reader gets to see."""
    media_type = sniff_media_type(data, path)
    if not is_textual(media_type):
        return SourceFile(path, data, None, media_type, decode_error=f"not text: detected {media_type}")
    try:
        decoded = decode(data)
    except DecodeError as exc:
        return SourceFile(path, data, None, "application/octet-stream", decode_error=str(exc))
    return SourceFile(path, data, decoded.text, media_type, decoded.encoding, decoded.confidence)


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
    except CorpusError:
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
) -> Prepared:
    """Read ``path`` and prepare it for matching; ``known(sha256)`` says the store has it already."""
    where = location if location is not None else str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Prepared(where, None, error=f"cannot read {where}: {exc.strerror or exc}")
    blob = Blob.of(data)
    if known is not None and known(blob.sha256):
        return Prepared(where, blob, known=True)
    return _prepare_bytes(path, data, readers, settings, location=where, blob=blob)


def _prepare_bytes(
    path: Path,
    data: bytes,
    readers: Sequence[RegisteredReader],
    settings: fp.FingerprintSettings,
    *,
    location: str,
    blob: Blob,
) -> Prepared:
    file = load(path, data)
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
