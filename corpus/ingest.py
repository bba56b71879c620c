"""Adding one source: bytes → sniff → decode → read → fingerprint → match → attach → canonical.

Everything up to the fingerprint is computed outside the store's transaction; the
matching, attaching and canonical update happen in one transaction per source.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

from corpus import boilerplate
from corpus import fingerprint as fp
from corpus.decode import decode
from corpus.errors import CorpusError, DecodeError, ReaderError
from corpus.extract import Extract
from corpus.match import Comparison, Relation, compare, decide, shingle_similarity
from corpus.pluginhost import PluginHost
from corpus.readers import RegisteredReader, choose_reader
from corpus.records import AddResult
from corpus.sniff import sniff_media_type
from corpus.source import SourceFile
from corpus.store import Store


@dataclass(frozen=True)
class ReadSource:
    """A source that a reader turned into an extract, with its fingerprint."""

    file: SourceFile
    reader: RegisteredReader
    extract: Extract
    fingerprint: fp.Fingerprint


def is_textual(media_type: str) -> bool:
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


def read(file: SourceFile, host: PluginHost, settings: fp.FingerprintSettings) -> ReadSource:
    """Pick a reader and read; raises CorpusError with a reason a user understands."""
    try:
        reader = choose_reader(host.readers, file)
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
    fingerprint = fp.fingerprint_source(extract.title, extract.paragraphs, settings, signature=True)
    return ReadSource(file, reader, extract, fingerprint)


class Ingestor:
    """Adds sources to one store with one plugin host."""

    def __init__(self, store: Store, host: PluginHost) -> None:
        self.store = store
        self.host = host
        self.settings = store.settings()

    def add(self, path: Path) -> AddResult:
        location = str(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            error = f"cannot read {location}: {exc.strerror or exc}"
            with self.store.transaction():
                self.store.log("failed", location=location, error=error)
            return AddResult(location, "failed", None, None, None, None, None, None, error)
        sha256 = hashlib.sha256(data).hexdigest()
        known = self.store.source_id_for(sha256)
        if known is not None:
            row = self.store.source(known)
            if row is not None and row.status == "ok":
                with self.store.transaction():
                    if self.store.add_location(known, location):
                        self.store.log("location", source_id=known, document_id=row.document_id, location=location)
                return AddResult(
                    location,
                    "exists",
                    row.document_id,
                    known,
                    sha256,
                    row.reader,
                    row.encoding,
                    row.similarity,
                    title=row.extract.title if row.extract else None,
                )
        file = load(path, data)
        try:
            source = read(file, self.host, self.settings)
        except CorpusError as exc:
            return self._failed(file, known, str(exc))
        try:
            return self._attach(source, known)
        except Exception as exc:  # the transaction rolled back; a plugin's bug fails this file only
            detail = str(exc) if isinstance(exc, CorpusError) else f"{type(exc).__name__}: {exc}"
            return self._failed(file, known, f"could not add {file.location} to the corpus: {detail}")

    def _failed(self, file: SourceFile, retried: int | None, error: str) -> AddResult:
        with self.store.transaction():
            self.store.put_blob(file.sha256, file.data)
            if retried is not None:
                self.store.delete_failed_source(retried)
            source_id = self.store.insert_source(
                sha256=file.sha256,
                status="failed",
                media_type=file.media_type,
                encoding=file.encoding,
                encoding_confidence=file.encoding_confidence,
                error=error,
                id=retried,
            )
            self.store.add_location(source_id, file.location)
            self.store.log("failed", source_id=source_id, location=file.location, error=error)
        return AddResult(file.location, "failed", None, source_id, file.sha256, None, file.encoding, None, error)

    def _attach(self, source: ReadSource, retried: int | None) -> AddResult:
        store, file = self.store, source.file
        texts = [*([source.extract.title] if source.extract.title else []), *source.extract.paragraphs]
        keys = boilerplate.paragraph_keys(texts)
        with store.transaction():
            # The whole text decides: paragraphs other documents share too may not
            # make a copy of a new document, nor a new document of a copy.
            fingerprint = source.fingerprint
            matches = self._matches(fingerprint, keys)
            store.put_blob(file.sha256, file.data)
            if retried is not None:
                store.delete_failed_source(retried)
            source_id = store.insert_source(
                sha256=file.sha256,
                status="ok",
                media_type=file.media_type,
                encoding=file.encoding,
                encoding_confidence=file.encoding_confidence,
                reader=source.reader.name,
                reader_version=source.reader.version,
                extract=source.extract,
                exact_key=fingerprint.exact_key,
                minhash=fp.serialise(fingerprint.minhash) if fingerprint.minhash is not None else None,
                id=retried,
            )
            store.add_location(source_id, file.location)
            store.index_paragraphs(source_id, keys)
            if fingerprint.minhash is not None:
                store.add_bands(source_id, fp.band_keys(fingerprint.minhash, self.settings))

            copies = sorted((d for d, (_, r) in matches.items() if r is Relation.COPY))
            versions = [d for d, (_, r) in matches.items() if r is Relation.VERSION]
            settings = self.settings.to_strings()
            if copies:
                document_id, status = copies[0], "copy"
                comparison = matches[document_id][0]
                store.attach(
                    source_id,
                    document_id,
                    joined_as="copy",
                    joined_similarity=comparison.similarity,
                    jaccard=comparison.jaccard,
                    containment=comparison.containment,
                    settings=settings,
                )
                similarity: float | None = comparison.similarity
            else:
                document_id = store.create_document()
                status = "version" if versions else "new"
                store.attach(
                    source_id,
                    document_id,
                    joined_as="new",
                    joined_similarity=None,
                    jaccard=None,
                    containment=None,
                    settings=settings,
                )
                similarity = max((matches[v][0].similarity for v in versions), default=None)
            store.log(
                "add",
                source_id=source_id,
                document_id=document_id,
                status=status,
                location=file.location,
                reader=source.reader.name,
                similarity=similarity,
            )
            self._update_canonical(document_id)
            for other in copies[1:]:
                self._merge_if_copy(document_id, other)
            for other in versions:
                live = store.resolve_document(other)
                if live is not None and live != document_id:
                    store.relate(document_id, live, "version", matches[other][0].similarity)
                    store.log("relate", document_id=document_id, other=live, relation="version")
        title = store.document(document_id)
        return AddResult(
            file.location,
            status,
            document_id,
            source_id,
            file.sha256,
            source.reader.name,
            file.encoding,
            similarity,
            title=title.title if title else None,
        )

    def _matches(self, fingerprint: fp.Fingerprint, keys: set[int]) -> dict[int, tuple[Comparison, Relation]]:
        """Candidate documents, each verified against its canonical text.

        Candidates are the documents with the same normal form, those the LSH index
        finds, and those that attest enough of the source's paragraphs word for word:
        two versions of a law share most of their articles even when an amendment
        leaves their shingle sets too far apart for LSH to be sure to find them.
        """
        candidates = self.store.exact_documents(fingerprint.exact_key)
        if fingerprint.minhash is not None:
            candidates |= self.store.candidate_documents(fp.band_keys(fingerprint.minhash, self.settings))
        if keys:
            needed = max(2, math.ceil(boilerplate.CANDIDATE_SHARE * len(keys)))
            shared = self.store.documents_sharing(keys, boilerplate.COMMON_DOCUMENTS_MAX)
            candidates |= {document_id for document_id, count in shared.items() if count >= needed}
        out: dict[int, tuple[Comparison, Relation]] = {}
        for document_id in sorted(candidates):
            comparison = compare(fingerprint, self._canonical_fingerprint(document_id))
            relation = decide(comparison, second_is_union=True)
            if relation is not Relation.UNRELATED:
                out[document_id] = (comparison, relation)
        return out

    def _canonical_fingerprint(self, document_id: int) -> fp.Fingerprint:
        return fp.fingerprint([text for text, _ in self.store.paragraphs(document_id)], self.settings)

    def _merge_if_copy(self, survivor: int, other: int) -> None:
        """Merge ``other`` into ``survivor`` only if their canonical texts are copies."""
        comparison = compare(self._canonical_fingerprint(survivor), self._canonical_fingerprint(other))
        if decide(comparison) is not Relation.COPY:
            self.store.log("merge-refused", document_id=survivor, other=other, jaccard=comparison.jaccard)
            return
        self.store.merge_documents(survivor, other)
        self.store.log("merge", document_id=survivor, absorbed=other, jaccard=comparison.jaccard)
        self._update_canonical(survivor)

    def _update_canonical(self, document_id: int) -> None:
        sources = self.store.source_texts(document_id)
        current = self.store.document(document_id)
        canonical = self.host.canonical_text(current.title if current else None, sources)
        self.store.save_canonical(document_id, canonical)
        canonical_fp = fp.fingerprint([p.text for p in canonical.paragraphs], self.settings)
        for source in sources:
            source_fp = fp.fingerprint_source(source.title, source.paragraphs, self.settings)
            self.store.set_similarity(source.source_id, round(shingle_similarity(source_fp, canonical_fp), 4))
        self.store.log(
            "canonical",
            document_id=document_id,
            paragraphs=len(canonical.paragraphs),
            chars=len(canonical.text),
            sources=[s.source_id for s in sources],
        )
