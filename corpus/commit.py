"""The commit stage: prepared sources matched, attached and stored, in input order, many per transaction.

Serial by design: each source is matched against the corpus as the sources before it
left it, so the documents a batch ends up as do not depend on how the per-source
stage was spread over processes. Sources are committed in groups (``GROUP_SOURCES``
sources or ``GROUP_SECONDS`` seconds, whichever comes first): one SQLite
transaction for the group, a savepoint for each source inside it, so a source that
fails rolls back alone, and a crash loses at most the group in flight, which the
next run adds again. A source's result is handed out only once its group is
committed: what was reported is in the store.
"""

from __future__ import annotations

import math
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from corpus import boilerplate, normalise, store_shingles
from corpus import fingerprint as fp
from corpus.canonical import SourceText
from corpus.canonical_policy import FIRST_SOURCES, Build
from corpus.errors import CorpusError
from corpus.group_bands import GroupBands
from corpus.match import Comparison, Relation, compare, decide, shingle_similarity
from corpus.pluginhost import PluginHost
from corpus.prepare import Alone, Prepared, same_words
from corpus.records import AddResult
from corpus.store import SourceRow, Store


@dataclass(frozen=True)
class Planned:
    """What a commit in parts fixes for one source beforehand (:mod:`corpus.part_commit`).

    ``source_id`` and ``document_id`` are the ids a new source row and a new document
    take (None: the store's next), so that a part committed apart gets the ids one
    serial commit gives; ``common`` the source's paragraph keys that are common when it
    is committed (:attr:`corpus.components.Plan.common`), which a part cannot count.
    """

    source_id: int | None = None
    document_id: int | None = None
    common: frozenset[int] = frozenset()


UNPLANNED = Planned()

GROUP_SOURCES = 500
GROUP_SECONDS = 1.0
# A writer that found the store locked past SQLite's busy timeout tries again after this.
LOCK_RETRY_SECONDS = 0.1


class Committer:
    """Adds prepared sources to one store; see the module docstring."""

    def __init__(
        self,
        store: Store,
        host: PluginHost,
        *,
        group_sources: int = GROUP_SOURCES,
        group_seconds: float = GROUP_SECONDS,
    ) -> None:
        self.store = store
        self.host = host
        self.settings = store.settings()
        self._settings_strings = self.settings.to_strings()  # what each match records it was made with
        self.group_sources = group_sources
        self.group_seconds = group_seconds
        self._group: list[AddResult] = []
        self._group_started = 0.0
        self._canonicals = _Fingerprints()
        self._bands = GroupBands()  # written at the group's commit, in key order
        self._data_version = -1
        self._planned = UNPLANNED
        self.last: AddResult | None = None
        """The result of the source added last (reported with its group, once that is committed)."""

    # -- groups ----------------------------------------------------------------------
    def add(self, prepared: Prepared, planned: Planned = UNPLANNED) -> list[AddResult]:
        """Add one source; returns the results of the group it closed, if it closed one."""
        self._planned = planned
        if not self._group:
            self._begin()
            self._group_started = time.monotonic()
            # Between groups another writer may have changed canonical texts: cached
            # fingerprints hold only while no other connection has committed since.
            version = int(self.store.db.execute("PRAGMA data_version").fetchone()[0])
            if version != self._data_version:
                self._canonicals.clear()
                self._data_version = version
        self.last = self._add_one(prepared)
        self._group.append(self.last)
        if len(self._group) >= self.group_sources or time.monotonic() - self._group_started >= self.group_seconds:
            return self.flush()
        return []

    def _begin(self) -> None:
        """Take the store's write lock for a group, waiting as long as other writers hold it.

        Other ``corpus add`` runs on the same store commit a group at a time: each wait
        (SQLite's busy timeout) ends when one of them commits, so this writer waits its
        turn instead of failing, however long they run.
        """
        while True:
            try:
                self.store.db.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if getattr(exc, "sqlite_errorname", "") not in ("SQLITE_BUSY", "SQLITE_LOCKED"):
                    raise
                time.sleep(LOCK_RETRY_SECONDS)

    def flush(self) -> list[AddResult]:
        """Commit the group in flight; returns its results."""
        if not self._group:
            return []
        self.store.add_band_rows(self._bands.take())
        self.store.db.execute("COMMIT")
        done, self._group = self._group, []
        return done

    def abort(self) -> None:
        """Roll back the group in flight (its sources were not reported)."""
        self._canonicals.clear()
        self._bands.clear()
        if self._group:
            self.store.db.execute("ROLLBACK")
            self._group = []

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        db = self.store.db
        db.execute("SAVEPOINT source")
        bands = len(self._bands)
        try:
            yield
        except BaseException:
            self._bands.truncate(bands)
            db.execute("ROLLBACK TO source")
            db.execute("RELEASE source")
            raise
        db.execute("RELEASE source")

    # -- one source --------------------------------------------------------------------
    def _add_one(self, prepared: Prepared) -> AddResult:
        sha256 = prepared.sha256
        known = self.store.source_id_for(sha256) if sha256 is not None else None
        if known is not None:
            row = self.store.source(known)
            if row is not None and row.status == "ok":
                return self._exists(prepared, row)
        if prepared.known or prepared.blob is None or prepared.error is not None:
            error = prepared.error or f"{prepared.location}: its stored source has gone; add it again"
            return self._failed(prepared, known, error)
        try:
            with self._savepoint():
                return self._attach(prepared, known)
        except Exception as exc:  # rolled back to the savepoint; a plugin's bug fails this file only
            self._canonicals.clear()  # what it cached may be of texts the rollback undid
            detail = str(exc) if isinstance(exc, CorpusError) else f"{type(exc).__name__}: {exc}"
            return self._failed(prepared, known, f"could not add {prepared.location} to the corpus: {detail}")

    def _exists(self, prepared: Prepared, row: SourceRow) -> AddResult:
        store, source_id = self.store, row.id
        with self._savepoint():
            if store.add_location(source_id, prepared.location, prepared.details):
                store.log("location", source_id=source_id, document_id=row.document_id, location=prepared.location)
        return AddResult(
            prepared.location,
            "exists",
            row.document_id,
            source_id,
            row.sha256,
            row.reader,
            row.encoding,
            row.similarity,
            title=row.extract.title if row.extract else None,
        )

    def _failed(self, prepared: Prepared, retried: int | None, error: str) -> AddResult:
        store = self.store
        with self._savepoint():
            if prepared.blob is None:  # not even its bytes could be read
                store.log("failed", location=prepared.location, error=error)
                return AddResult(prepared.location, "failed", None, None, None, None, None, None, error)
            store.put_blob(prepared.blob.sha256, prepared.blob.size, prepared.blob.compressed)
            if retried is not None:
                store.delete_failed_source(retried)
            source_id = store.insert_source(
                sha256=prepared.blob.sha256,
                status="failed",
                media_type=prepared.media_type,
                encoding=prepared.encoding,
                encoding_confidence=prepared.encoding_confidence,
                error=error,
                id=retried if retried is not None else self._planned.source_id,
            )
            store.add_location(source_id, prepared.location, prepared.details)
            store.log("failed", source_id=source_id, location=prepared.location, error=error)
        return AddResult(
            prepared.location, "failed", None, source_id, prepared.blob.sha256, None, prepared.encoding, None, error
        )

    def _attach(self, prepared: Prepared, retried: int | None) -> AddResult:
        store = self.store
        assert prepared.blob is not None and prepared.extract is not None and prepared.fingerprint is not None
        fingerprint = prepared.fingerprint
        extract = prepared.extract
        # Its paragraphs' tokens, made in the per-source stage: not made again for its canonical text.
        normalise.remember(
            fp.source_paragraphs(extract.title, extract.paragraphs), fingerprint.tokens, fingerprint.paragraph_sizes
        )
        # The whole text decides: paragraphs other documents share too may not make a
        # copy of a new document, nor a new document of a copy.
        matches = self._matches(prepared)
        store.put_blob(prepared.blob.sha256, prepared.blob.size, prepared.blob.compressed)
        if retried is not None:
            store.delete_failed_source(retried)
        source_id = store.insert_source(
            sha256=prepared.blob.sha256,
            status="ok",
            media_type=prepared.media_type,
            encoding=prepared.encoding,
            encoding_confidence=prepared.encoding_confidence,
            reader=prepared.reader,
            reader_version=prepared.reader_version,
            extract=prepared.extract,
            exact_key=fingerprint.exact_key,
            minhash=fp.serialise(fingerprint.minhash) if fingerprint.minhash is not None else None,
            id=retried if retried is not None else self._planned.source_id,
        )
        store.add_location(source_id, prepared.location, prepared.details)
        store.index_paragraphs(source_id, prepared.paragraph_keys)
        self._bands.add(source_id, prepared.band_keys)

        # A copy of several documents joins the one it is most like (on a tie the oldest);
        # the others merge into it only if they are copies of it too (see _merge_if_copy).
        copies = sorted(
            (d for d, (_, r) in matches.items() if r is Relation.COPY), key=lambda d: (-matches[d][0].similarity, d)
        )
        versions = [d for d, (_, r) in matches.items() if r is Relation.VERSION]
        settings = self._settings_strings
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
            document_id = store.create_document(self._planned.document_id)
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
            location=prepared.location,
            reader=prepared.reader,
            similarity=similarity,
        )
        joined = SourceText(source_id, prepared.extract.title, prepared.extract.paragraphs, prepared.extract.metadata)
        folded = self._kept_build(document_id, source_id)
        if folded is None and status == "copy" and similarity is not None and self._attests_only(document_id, joined):
            store.set_similarity(source_id, round(similarity, 4))
        else:
            alone = status != "copy"
            prebuilt = prepared.alone if alone else None
            self._update_canonical(document_id, (joined, fingerprint), folded, alone=alone, prebuilt=prebuilt)
        for other in copies[1:]:
            self._merge_if_copy(document_id, other, source_id, (similarity or 0.0, matches[other][0].similarity))
        for other in versions:
            live = store.resolve_document(other)
            if live is not None and live != document_id:
                store.relate(document_id, live, "version", matches[other][0].similarity)
                store.log("relate", document_id=document_id, other=live, relation="version")
        title = store.document(document_id)
        return AddResult(
            prepared.location,
            status,
            document_id,
            source_id,
            prepared.blob.sha256,
            prepared.reader,
            prepared.encoding,
            similarity,
            title=title.title if title else None,
        )

    def _matches(self, prepared: Prepared) -> dict[int, tuple[Comparison, Relation]]:
        """Candidate documents, each verified against its canonical text.

        Candidates are the documents with the same normal form, those the LSH index
        finds, and those that attest enough of the source's paragraphs word for word:
        two versions of a law share most of their articles even when an amendment
        leaves their shingle sets too far apart for LSH to be sure to find them.
        """
        assert prepared.fingerprint is not None
        fingerprint = prepared.fingerprint
        candidates = self.store.exact_documents(fingerprint.exact_key)
        if prepared.band_keys:
            candidates |= self.store.candidate_documents(prepared.band_keys)
            candidates |= self.store.documents_of(self._bands.sources(prepared.band_keys))
        keys = prepared.paragraph_keys
        if keys:
            needed = max(2, math.ceil(boilerplate.CANDIDATE_SHARE * len(keys)))
            counted = keys - self._planned.common if self._planned.common else keys
            shared = self.store.documents_sharing(counted, boilerplate.COMMON_DOCUMENTS_MAX)
            candidates |= {document_id for document_id, count in shared.items() if count >= needed}
        out: dict[int, tuple[Comparison, Relation]] = {}
        for document_id in sorted(candidates):
            comparison = compare(fingerprint, self._canonical_fingerprint(document_id))
            relation = decide(comparison, second_is_union=True)
            if relation is not Relation.UNRELATED:
                out[document_id] = (comparison, relation)
        return out

    def _canonical_fingerprint(self, document_id: int) -> fp.Shingled:
        """What matching needs of a document's canonical text: cached, else stored, else made (and stored)."""
        found = self._canonicals.get(document_id)
        if found is not None:
            return found
        found = store_shingles.load(self.store.db, document_id, self._reader_of(document_id))
        if found is None:
            made = fp.fingerprint(self._canonical_paragraphs(document_id), self.settings)
            store_shingles.save(self.store.db, document_id, made)
            found = self._slim(document_id, made)
        self._canonicals.put(document_id, found)
        return found

    def _slim(self, document_id: int, made: fp.Shingled) -> fp.Shingled:
        """What the cache keeps of a canonical text's fingerprint: its shingles, not its tokens.

        Tokens take some 60 bytes each once they have crossed from a worker (their strings
        are no longer shared), shingle hashes 4: for alignment, the rare case, they are
        made again from the stored text.
        """
        return store_shingles.StoredShingles(made.hashes, made.exact_key, made.is_short, self._reader_of(document_id))

    def _reader_of(self, document_id: int) -> Callable[[], list[str]]:
        return lambda: self._canonical_paragraphs(document_id)

    def _canonical_paragraphs(self, document_id: int) -> list[str]:
        return [text for text, _ in self.store.paragraphs(document_id)]

    def _merge_if_copy(self, survivor: int, other: int, source_id: int, similarities: tuple[float, float]) -> None:
        """Merge ``other`` into ``survivor`` only if their canonical texts are copies.

        Source ``source_id`` is a copy of both (``similarities`` to each). When the
        two are not copies of each other (A≈B and B≈C but not A≈C), which document B
        joins is the one thing the order of the input decides: the refusal is logged
        with B, and the audit shows it (``corpus.audit``).
        """
        comparison = compare(self._canonical_fingerprint(survivor), self._canonical_fingerprint(other))
        if decide(comparison) is not Relation.COPY:
            self.store.log(
                "merge-refused",
                document_id=survivor,
                source_id=source_id,
                other=other,
                similarity=round(similarities[0], 4),
                similarity_to_other=round(similarities[1], 4),
                jaccard=comparison.jaccard,
            )
            return
        self.store.merge_documents(survivor, other)
        self._canonicals.drop(other)
        self.store.log("merge", document_id=survivor, absorbed=other, jaccard=comparison.jaccard)
        self._update_canonical(survivor)

    def _attests_only(self, document_id: int, joined: SourceText) -> bool:
        """Record a copy that brings nothing new as attesting the canonical text, without rebuilding it.

        When the copy's paragraphs (and title) are word for word the canonical text's,
        all of them, the built-in policy would give the same text again, every paragraph
        with one more source attesting it. Not when the copy has a title the document
        lacks or words otherwise: its vote could change the title (a copy whose reader
        found none came first). A plugin's policy always sees every source.
        """
        if not self.host.builtin_canonical:
            return False
        if joined.title:
            current = self.store.document(document_id)
            if current is None or current.title != joined.title:
                return False
        wanted = [_plain(t) for t in ([joined.title] if joined.title else []) + list(joined.paragraphs)]
        positions: dict[str, list[int]] = {}
        for n, (text, _) in enumerate(self.store.paragraphs(document_id)):
            positions.setdefault(_plain(text), []).append(n)
        # Every paragraph of each, both ways: a copy that lacked one would lower its
        # support, and the policy might then judge it a leftover of the others.
        if not wanted or {text for text in wanted if text} != set(positions):
            return False
        # A paragraph the text holds twice (a repeated heading, an "<item>") is attested at each place.
        self.store.attest(document_id, joined.source_id, sorted(n for at in positions.values() for n in at))
        self.store.save_canonical_build(document_id, None)  # it no longer holds every source
        self.store.log("attest", document_id=document_id, source_id=joined.source_id, paragraphs=len(set(wanted)))
        return True

    def _kept_build(self, document_id: int, joined: int) -> Build | None:
        """The document's kept build, when ``joined`` can fold into it as a rebuild would.

        A rebuild takes the first ``FIRST_SOURCES`` sources together and folds the
        later ones in, oldest first: the kept build serves when it holds that many,
        exactly the document's other sources, and ``joined`` is newer than all of them
        (a failed source added again keeps its old, lower id).
        """
        if not self.host.builtin_canonical:
            return None
        kept = self.store.canonical_build(document_id)
        build = Build.from_bytes(kept) if kept is not None else None
        if build is None or len(build.sources) < FIRST_SOURCES:
            return None
        others = [s for s in self.store.document_sources(document_id) if s != joined]
        if build.sources != others or joined < max(others):
            return None
        return build

    def _update_canonical(
        self,
        document_id: int,
        joined: tuple[SourceText, fp.Fingerprint] | None = None,
        build: Build | None = None,
        *,
        alone: bool = False,
        prebuilt: Alone | None = None,
    ) -> None:
        """Update the canonical text; re-measure sources against it only if its text changed.

        ``joined`` is the source that just joined, with its fingerprint from the
        per-source stage (not made again). With a kept ``build`` it folds into it and
        only it is measured: the cost of the 40th copy is the cost of the 9th. Else
        (or when it is better structured than the source that shaped the text) the
        text is rebuilt from every source; when it stays as it was (a copy that adds
        nothing), only the joined source is measured, else every source. A source
        ``alone`` in a new document is its text: nothing is read back from the store,
        and when the per-source stage built that text (``prebuilt``) it is stored as it is.
        """
        store = self.store
        before = [text for text, _ in store.paragraphs(document_id)]
        folded = build is not None and joined is not None and build.fold(joined[0])
        same: bool | None = None  # is the text the joined source's but for spacing? (None: not known yet)
        if build is not None and folded:
            canonical = build.canonical()
            measured = [joined[0]] if joined is not None else []
            source_ids = build.sources
        elif alone and prebuilt is not None and joined is not None and self.host.builtin_canonical:
            canonical, same = prebuilt.for_source(joined[0].source_id), prebuilt.same_words
            measured, source_ids = [joined[0]], [joined[0].source_id]
        elif alone and joined is not None and self.host.builtin_canonical:
            build = Build.start([joined[0]])
            canonical = build.canonical()
            measured, source_ids = [joined[0]], [joined[0].source_id]
        else:
            sources = store.source_texts(document_id)
            source_ids = [s.source_id for s in sources]
            if self.host.builtin_canonical:
                build = Build.of(sources)
                canonical = build.canonical()
            else:
                current = store.document(document_id)
                canonical = self.host.canonical_text(current.title if current else None, sources)
            measured = list(sources)
        # Kept only where a source can fold into it (see _kept_build): most documents never need it.
        keep = build is not None and len(build.sources) >= FIRST_SOURCES
        state = build.to_bytes() if build is not None and keep else None
        del build  # what it holds (every distinct wording) is not needed to store or measure the text
        store.save_canonical(document_id, canonical)
        store.save_canonical_build(document_id, state)
        after = [p.text for p in canonical.paragraphs]
        cached = self._canonicals.get(document_id) if before == after else None
        if cached is None and joined is not None and (same if same is not None else same_words(after, joined[0])):
            cached = joined[1]  # the text is the joined source's, but for spacing and punctuation
            # and so are its tokens, paragraph by paragraph: held for the next source aligned with it
            normalise.remember(after, cached.tokens, cached.paragraph_sizes)
        canonical_fp = cached or fp.fingerprint(after, self.settings)
        self._canonicals.put(document_id, self._slim(document_id, canonical_fp))
        store_shingles.save(store.db, document_id, canonical_fp)
        if joined is not None and before == after:
            measured = [joined[0]]
        for source in measured:
            source_fp = (
                joined[1]
                if joined is not None and source.source_id == joined[0].source_id
                else fp.fingerprint_source(source.title, source.paragraphs, self.settings)
            )
            store.set_similarity(source.source_id, round(shingle_similarity(source_fp, canonical_fp), 4))
        store.log(
            "canonical",
            document_id=document_id,
            paragraphs=len(canonical.paragraphs),
            chars=sum(len(text) for text in after) + max(0, len(after) - 1),
            sources=source_ids,
            built="folded" if folded else "rebuilt",
        )


def _plain(text: str) -> str:
    """A paragraph's text with its whitespace runs collapsed, as the canonical text keeps it."""
    return " ".join(text.split())


class _Fingerprints:
    """The shingles of recently matched canonical texts, so a document is not read anew for every
    source that is compared with it; bounded by the shingles it holds (4 bytes each), least recent out."""

    MAX_SHINGLES = 2_000_000
    ENTRY_COST = 64  # what an entry costs beside its shingles, counted so that tiny texts are bounded too

    def __init__(self) -> None:
        self._items: dict[int, fp.Shingled] = {}
        self._held = 0

    def get(self, document_id: int) -> fp.Shingled | None:
        found = self._items.pop(document_id, None)
        if found is not None:
            self._items[document_id] = found  # most recent last
        return found

    def put(self, document_id: int, fingerprint: fp.Shingled) -> None:
        self.drop(document_id)
        self._items[document_id] = fingerprint
        self._held += fingerprint.shingle_count + self.ENTRY_COST
        while self._held > self.MAX_SHINGLES and len(self._items) > 1:
            self.drop(next(iter(self._items)))

    def drop(self, document_id: int) -> None:
        gone = self._items.pop(document_id, None)
        if gone is not None:
            self._held -= gone.shingle_count + self.ENTRY_COST

    def clear(self) -> None:
        self._items.clear()
        self._held = 0
