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

import hashlib
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from corpus import boilerplate
from corpus import fingerprint as fp
from corpus.canonical import Canonical, CanonicalParagraph, LeftOut, SourceText
from corpus.canonical_policy import Build, tidy
from corpus.decode import decode
from corpus.errors import CorpusError, DecodeError, ReaderError
from corpus.extract import Extract
from corpus.inputs.item import Input
from corpus.inputs.reading import Opened, read_input
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


ALONE = 0
"""The source id a prepared one-source canonical text is attributed to, until the source has its own."""


@dataclass(frozen=True)
class Alone:
    """The canonical text a source makes as a document of its own, built by the built-in policy here.

    Most sources of a corpus are new documents: building their text needs that source
    alone, so it is done in this stage, in parallel, and the commit stage only stores it.
    The text is attributed to :data:`ALONE`; :meth:`for_source` gives it the source's id.
    ``same_words`` says the text is the source's but for spacing and punctuation width,
    which matching ignores: the source's fingerprint is then the text's too.
    """

    canonical: Canonical
    same_words: bool

    def for_source(self, source_id: int) -> Canonical:
        """The text, attested by ``source_id``."""
        c = self.canonical
        return Canonical(
            c.title,
            tuple(CanonicalParagraph(p.text, (source_id,) if p.sources else ()) for p in c.paragraphs),
            tuple(LeftOut(source_id, left.text, left.reason) for left in c.left_out),
        )


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
    details: tuple[tuple[str, str], ...] = ()
    """Provenance kept with the location: a WARC record's date and id, HTTP headers, a fetch time."""
    alone: Alone | None = None
    """Its canonical text should it be a new document (when asked for: the built-in policy's)."""

    @property
    def sha256(self) -> str | None:
        return self.blob.sha256 if self.blob else None


def is_textual(media_type: str) -> bool:
    """Is the media type one that ``decode`` turns into text?"""
    return media_type.startswith("text/") or media_type in ("application/xml", "application/xhtml+xml")


def load(
    path: Path,
    data: bytes,
    limits: Limits = DEFAULT_LIMITS,
    *,
    charset: str | None = None,
    location: str | None = None,
) -> SourceFile:
    """Sniff and decode: what every reader gets to see.

    ``charset`` is one declared from outside the bytes (an HTTP header); ``path``
    gives the sniffer its suffix hint, ``location`` is where the source is.
    """
    media_type = sniff_media_type(data, path)
    if not is_textual(media_type):
        error = _not_text(data, media_type)
        return SourceFile(path, data, None, media_type, decode_error=error, limits=limits, origin=location)
    try:
        decoded = decode(data, declared=charset)
    except DecodeError as exc:
        return SourceFile(
            path, data, None, "application/octet-stream", decode_error=str(exc), limits=limits, origin=location
        )
    return SourceFile(
        path, data, decoded.text, media_type, decoded.encoding, decoded.confidence, limits=limits, origin=location
    )


def _not_text(data: bytes, media_type: str) -> str:
    if not data:
        return "the file is empty (0 bytes)"
    if not data.strip(b"\x00"):
        return f"the file holds nothing but NUL bytes ({len(data):,} of them), no text"
    return f"not text: detected {media_type}"


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
    item: Input,
    readers: Sequence[RegisteredReader],
    settings: fp.FingerprintSettings,
    *,
    known: Callable[[str], bool] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    alone: bool = False,
) -> Prepared:
    """Read ``item`` and prepare it for matching; ``known(sha256)`` says the store has it already.

    With ``alone`` the source's canonical text as a new document is built too (:class:`Alone`):
    ask for it when the built-in canonical-text policy is the one in force.

    A ``MemoryError`` (under the memory limit of a worker, :mod:`corpus.workers`)
    fails this source only, with its bytes kept when they could be read.
    """
    where = item.location
    opened = read_input(item, limits)
    if isinstance(opened, str):
        return Prepared(where, None, error=opened, details=item.details)
    blob: Blob | None = None
    try:
        blob = Blob.of(opened.data)
        if known is not None and known(blob.sha256):
            return Prepared(where, blob, known=True, details=opened.details)
        if item.refused is not None:
            return Prepared(where, blob, error=item.refused, details=opened.details)
        return _prepare_bytes(item, opened, readers, settings, blob=blob, limits=limits, alone=alone)
    except MemoryError:
        return Prepared(where, blob, error=f"{where}: {limits.out_of_memory()}", details=opened.details)


def _prepare_bytes(
    item: Input,
    opened: Opened,
    readers: Sequence[RegisteredReader],
    settings: fp.FingerprintSettings,
    *,
    blob: Blob,
    limits: Limits,
    alone: bool,
) -> Prepared:
    named = item.path if item.path is not None else item.suffix_name
    file = load(named, opened.data, limits, charset=opened.charset, location=item.location)
    found = Prepared(
        item.location, blob, file.media_type, file.encoding, file.encoding_confidence, details=opened.details
    )
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
        alone=_alone(extract) if alone else None,
    )


def _alone(extract: Extract) -> Alone:
    source = SourceText(ALONE, extract.title, extract.paragraphs, extract.metadata)
    canonical = Build.start([source]).canonical()
    return Alone(canonical, same_words([p.text for p in canonical.paragraphs], source))


def same_words(text: Sequence[str], source: SourceText) -> bool:
    """Is ``text`` the source's paragraphs, each as it is or tidied (whitespace, punctuation width)?

    Then its fingerprint is the source's: matching ignores exactly what tidying changes.
    A new document's text is its one source's, so it is not fingerprinted twice.
    """
    own = fp.source_paragraphs(source.title, source.paragraphs)
    return len(own) == len(text) and all(a == b or a == tidy(b) for a, b in zip(text, own, strict=True))
