"""``corpus check``: is everything the store derived still what its sources give?

A store keeps what it was given (each source's bytes, the reader's extract, the
MinHash signature, where each source joined) and what it derived from that (the
LSH and paragraph indexes, canonical texts, kept builds, document lengths). The
check verifies, and names each problem by the source or document it is about:

- ``sqlite``: SQLite's own ``PRAGMA integrity_check`` of the file;
- ``bytes``: every source's stored bytes (failed sources' too) decompress to its
  size and its sha256;
- ``extract``: every ok source's extract can be read, and its signature has the
  store's number of permutations;
- ``lsh``: each ok source's rows in the LSH index are exactly the band keys its
  stored signature gives; no rows of failed or unknown sources;
- ``paragraph-index``: likewise the paragraph keys of its extract;
- ``provenance``: every ok source belongs to one live document and has a
  location; every live document has a source; no provenance of failed or
  missing sources; a canonical paragraph is attested only by its document's
  sources; no canonical paragraphs or kept builds of merged or missing documents;
- ``events``: every ok source and live document is named by an ``add`` event,
  every merged document by a ``merge`` event absorbing it, and each live
  document's latest ``canonical`` event gives its stored paragraph count and length;
- ``canonical``: each live document's canonical text (title, paragraphs, the
  sources attesting each, text, length) is what building it again from its
  sources gives, and its kept build, if any, is that build.

Sources and documents are read one row at a time, and each index sorted by source
alongside them (SQLite sorts in bounded memory), so memory does not grow with the
store. Everything is read in one transaction: a writer adding meanwhile is not
seen half-way. :mod:`corpus.repair` mends what can be derived again.
"""

from __future__ import annotations

import hashlib
import json
import time
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from corpus import boilerplate, store_shingles
from corpus import fingerprint as fp
from corpus.canonical import Canonical, SourceText
from corpus.canonical_policy import FIRST_SOURCES, Build
from corpus.errors import CorpusError
from corpus.extract import Extract
from corpus.match import shingle_similarity
from corpus.pluginhost import PluginHost
from corpus.store import Store
from corpus.wording import clip, plural

# A paragraph quoted in a problem line is clipped to this many characters.
QUOTE = 40
# The event log is append-only: what it lacks is not made up afterwards.
APPEND_ONLY = "the event log is append-only, so a missing record is not made up afterwards"


@dataclass(frozen=True)
class Fix:
    """What ``corpus check --repair`` does about a problem; equal fixes are done once.

    ``action`` is one of :data:`corpus.repair.ACTIONS`; ``add`` and ``remove`` are
    the index keys to write and drop.
    """

    action: str
    source_id: int | None = None
    document_id: int | None = None
    index: str = ""
    add: frozenset[int] = frozenset()
    remove: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the store, about one source or document (or the file)."""

    check: str  # sqlite, bytes, extract, lsh, paragraph-index, provenance, events, canonical
    message: str
    source_id: int | None = None
    document_id: int | None = None
    advice: str = ""  # what --repair does about it, or what the user can do
    fix: Fix | None = None  # None: --repair cannot mend it
    path: str | None = None  # the source's first location, for a person to find it

    @property
    def subject(self) -> str:
        if self.source_id is not None:
            return f"source {self.source_id}" + (f" ({self.path})" if self.path else "")
        if self.document_id is not None:
            return f"document {self.document_id}"
        return "store"

    def line(self, advice: str | None = None) -> str:
        """The problem as one line a person reads, with what to do about it (``advice``, if given, instead)."""
        advice = self.advice if advice is None else advice
        return f"{self.subject}: {self.message}" + (f"; {advice}" if advice else "")

    def to_dict(self, repaired: bool) -> dict[str, Any]:
        return {
            "type": "problem",
            "check": self.check,
            "source_id": self.source_id,
            "document_id": self.document_id,
            "path": self.path,
            "problem": self.message,
            "advice": self.advice,
            "repairable": self.fix is not None,
            "repaired": repaired,
        }


@dataclass(frozen=True)
class Checked:
    """What a check found, and with ``--repair`` what was mended."""

    problems: tuple[Problem, ...]
    sources: int
    failed: int
    documents: int
    seconds: float
    repaired: frozenset[Fix] | None = None  # None: no repair was asked for

    def is_repaired(self, problem: Problem) -> bool:
        return self.repaired is not None and problem.fix is not None and problem.fix in self.repaired

    @property
    def remaining(self) -> list[Problem]:
        return [p for p in self.problems if not self.is_repaired(p)]

    @property
    def clean(self) -> bool:
        """Nothing is wrong now: nothing was found, or everything found was repaired."""
        return not self.remaining

    def lines(self) -> list[str]:
        """One line per problem (with ``--repair``, whether it was repaired), then a summary."""
        if self.repaired is None:
            shown = [p.line() for p in self.problems]
        else:
            shown = [
                f"repaired: {p.line('')}"
                if self.is_repaired(p)
                else f"not repaired: {p.line('the repair did not work' if p.fix else None)}"
                for p in self.problems
            ]
        return [*shown, self.summary_line()]

    def summary_line(self) -> str:
        checked = (
            f"checked {plural(self.sources, 'source')} ({self.failed} failed) and "
            f"{plural(self.documents, 'document')} in {self.seconds:.1f} s"
        )
        if not self.problems:
            return f"no problems: {checked}"
        found = f"{plural(len(self.problems), 'problem')}, {checked}"
        if self.repaired is not None:
            fixed = len(self.problems) - len(self.remaining)
            return f"{found}: {fixed} repaired, {len(self.remaining)} not"
        mendable = sum(p.fix is not None for p in self.problems)
        return f"{found}: `corpus check --repair` mends {mendable}, {len(self.problems) - mendable} it cannot"

    def summary(self) -> dict[str, Any]:
        return {
            "type": "summary",
            "clean": self.clean,
            "problems": len(self.problems),
            "repairable": sum(p.fix is not None for p in self.problems),
            "repaired": len(self.problems) - len(self.remaining) if self.repaired is not None else 0,
            "remaining": len(self.remaining),
            "sources": self.sources,
            "failed_sources": self.failed,
            "documents": self.documents,
            "seconds": round(self.seconds, 3),
        }


def check_store(store: Store, host: PluginHost, *, repair: bool = False) -> Checked:
    """Check the whole store; with ``repair``, mend what can be mended, all in one transaction.

    Without ``repair`` nothing is written (the store may be opened read-only). With it
    the check runs under the write lock, so what it repairs is what it found.
    """
    from corpus.repair import repair_problems  # the repair needs the problems' types defined here

    started = time.monotonic()
    db = store.db
    db.execute("BEGIN IMMEDIATE" if repair else "BEGIN")
    try:
        problems = tuple(find_problems(store, host))
        repaired = repair_problems(store, host, problems) if repair else None
        counts = store.counts()
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    total = counts["sources"] + counts["failed"]
    return Checked(problems, total, counts["failed"], counts["documents"], time.monotonic() - started, repaired)


def find_problems(store: Store, host: PluginHost) -> Iterator[Problem]:
    yield from check_sqlite(store)
    yield from check_sources(store)
    yield from check_index_strays(store)
    yield from check_provenance(store)
    yield from check_event_log(store)
    yield from check_documents(store, host)


def check_sqlite(store: Store) -> Iterator[Problem]:
    for error in store.integrity_errors():
        yield Problem("sqlite", f"SQLite's integrity check: {error}", advice="restore the store from a backup")


# -- sources: bytes, extract, indexes ---------------------------------------------------------
class _BySource:
    """The rows of an index sorted by source id, read alongside the sources in the same order."""

    def __init__(self, rows: Iterator[tuple[int, int]]) -> None:
        self._rows = rows
        self._head = next(rows, None)

    def keys_of(self, source_id: int) -> set[int]:
        """The keys of ``source_id``'s rows; rows of lower ids, not asked for, are passed by."""
        keys: set[int] = set()
        while self._head is not None and self._head[0] <= source_id:
            if self._head[0] == source_id:
                keys.add(self._head[1])
            self._head = next(self._rows, None)
        return keys


def check_sources(store: Store) -> Iterator[Problem]:
    """Each source's bytes, extract and index rows, one source in memory at a time."""
    settings = store.settings()
    bands, paragraphs = _BySource(store.index_rows("lsh")), _BySource(store.index_rows("paragraph"))
    for source_id, sha256, status, raw_extract, minhash, size, compression, data in store.each_stored_source():
        found = [*check_bytes(store, source_id, sha256, size, compression, data)]
        band_rows, paragraph_rows = bands.keys_of(source_id), paragraphs.keys_of(source_id)
        if status == "ok":  # rows of a failed source are strays (check_index_strays)
            found += check_bands(source_id, minhash, band_rows, settings)
            found += check_paragraph_index(source_id, raw_extract, paragraph_rows)
        if found:
            path = next(iter(store.locations(source_id)), None)
            yield from (replace(p, path=path) for p in found)


def check_bytes(
    store: Store, source_id: int, sha256: str, size: int | None, compression: str | None, data: bytes | None
) -> Iterator[Problem]:
    """The stored bytes decompress to the recorded size and hash to the sha256 that names them."""
    if data is None:
        wrong = "no bytes are stored for it"
    else:
        try:
            raw = zlib.decompress(data) if compression == "zlib" else bytes(data)
        except zlib.error as exc:
            raw, wrong = b"", f"its stored bytes do not decompress ({exc})"
        else:
            if hashlib.sha256(raw).hexdigest() != sha256:
                wrong = f"its stored bytes do not match its sha256 {sha256[:16]}…"
            elif len(raw) != size:
                wrong = f"its stored bytes are {len(raw)} bytes, the store records {size}"
            else:
                return
    here = file_with(sha256, store.locations(source_id))
    advice = (
        f"--repair puts them back from {here}, which has them"
        if here
        else "the store cannot rebuild them, and no file where it was found has them: "
        "put its file back there and run `corpus check --repair`"
    )
    yield Problem("bytes", wrong, source_id, advice=advice, fix=Fix("restore-bytes", source_id) if here else None)


def file_with(sha256: str, locations: tuple[str, ...]) -> Path | None:
    """The first of a source's locations that is a file with these bytes, if any is."""
    for location in locations:
        path = Path(location)
        try:
            if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == sha256:
                return path
        except OSError:
            continue
    return None


def check_bands(
    source_id: int, minhash: bytes | None, rows: set[int], settings: fp.FingerprintSettings
) -> Iterator[Problem]:
    """The source's LSH rows are the band keys of its stored signature (none for a short text)."""
    expected: set[int] = set()
    if minhash is not None:
        from corpus.minhash import Signature  # numpy, only once there is a signature to read

        try:
            signature = Signature.deserialise(bytes(minhash))
        except ValueError as exc:
            yield Problem(
                "extract",
                f"its stored MinHash signature cannot be read ({exc})",
                source_id,
                advice="it cannot be rebuilt from the store",
            )
            return
        if len(signature) != settings.num_perm:
            yield Problem(
                "extract",
                f"its signature has {len(signature)} values, the store's settings {settings.num_perm}",
                source_id,
                advice="it cannot be rebuilt from the store",
            )
            return
        expected = set(fp.band_keys(signature, settings))
    yield from _index_problem("lsh", "LSH index", source_id, expected, rows, "band keys its stored signature gives")


def check_paragraph_index(source_id: int, raw_extract: str | None, rows: set[int]) -> Iterator[Problem]:
    """The source's paragraph-index rows are the keys of its extract's title and paragraphs."""
    extract = read_extract(raw_extract)
    if extract is None:
        yield Problem("extract", "its extract cannot be read", source_id, advice="it cannot be rebuilt from the store")
        return
    expected = boilerplate.paragraph_keys([extract.title or "", *extract.paragraphs])
    yield from _index_problem(
        "paragraph", "paragraph index", source_id, expected, rows, "paragraph keys its extract gives"
    )


def read_extract(raw: str | None) -> Extract | None:
    try:
        return Extract.from_dict(json.loads(raw)) if raw else None
    except (ValueError, TypeError, KeyError, AttributeError, CorpusError):
        return None


def _index_problem(
    index: str, name: str, source_id: int, expected: set[int], rows: set[int], what: str
) -> Iterator[Problem]:
    missing, extra = expected - rows, rows - expected
    if not missing and not extra:
        return
    parts = [f"lacks {len(missing)} of the {len(expected)} {what}"] if missing else []
    parts += [f"has {plural(len(extra), 'row')} it does not give"] if extra else []
    yield Problem(
        "lsh" if index == "lsh" else "paragraph-index",
        f"the {name} {' and '.join(parts)}",
        source_id,
        advice=f"--repair rewrites its rows from its stored {'signature' if index == 'lsh' else 'extract'}",
        fix=Fix("index", source_id, index=index, add=frozenset(missing), remove=frozenset(extra)),
    )


def check_index_strays(store: Store) -> Iterator[Problem]:
    """No index rows of a source that failed or is not in the store."""
    for index, check, name in (("lsh", "lsh", "LSH index"), ("paragraph", "paragraph-index", "paragraph index")):
        for source_id, count in store.index_strays(index):
            yield Problem(
                check,
                f"the {name} has {plural(count, 'row')} of it, but it is not an added source",
                source_id,
                advice="--repair drops them",
                fix=Fix("unindex-strays", index=index),
            )


# -- provenance and events --------------------------------------------------------------------
def check_provenance(store: Store) -> Iterator[Problem]:
    """Every ok source in one live document, every live document with a source, nothing else."""
    claimed: set[int] = set()  # documents a source can be put back into
    for source_id, document_id, exists in store.unattached_sources():
        where = (
            "it belongs to no document"
            if document_id is None
            else f"it belongs to document {document_id}, which "
            + ("was merged into another" if exists else "does not exist")
        )
        target = store.resolve_document(document_id) if exists and document_id is not None else None
        added = store.source_event(source_id, "add")
        if target is None and added is not None and added.get("document_id") is not None:
            target = store.resolve_document(int(added["document_id"]))
        if target is None:
            yield Problem(
                "provenance",
                where,
                source_id,
                path=_path(store, source_id),
                advice="no live document it joined is known: add its file to another store",
            )
            continue
        claimed.add(target)
        action = "attach" if document_id is None else "move"
        yield Problem(
            "provenance",
            where,
            source_id,
            path=_path(store, source_id),
            advice=f"--repair puts it in document {target}, which it joined, and rebuilds that",
            fix=Fix(action, source_id, target),
        )
    for source_id, document_id in store.stray_provenance():
        yield Problem(
            "provenance",
            f"it is not an added source (failed or missing), yet document {document_id} counts it as a source",
            source_id,
            advice=f"--repair drops it from document {document_id} and rebuilds that",
            fix=Fix("detach", source_id, document_id),
        )
    for document_id in store.documents_without_sources():
        mendable = document_id in claimed
        yield Problem(
            "provenance",
            "no source attests it",
            document_id=document_id,
            advice="--repair puts back the sources that joined it" if mendable else "nothing in the store can",
            fix=Fix("rebuild", None, document_id) if mendable else None,
        )
    for source_id in store.sources_without_location():
        event = store.source_event(source_id, "add") or store.source_event(source_id, "failed")
        location = event.get("location") if event else None
        if location:
            yield Problem(
                "provenance",
                "no location is recorded for it",
                source_id,
                advice=f"--repair records {location}, where its add event says it was found",
                fix=Fix("locate", source_id),
            )
        else:
            yield Problem("provenance", "no location is recorded for it, nor in the event log", source_id)
    for table, document_id in store.stray_document_rows():
        what = "canonical paragraphs" if table == "paragraphs" else "a kept canonical build"
        yield Problem(
            "provenance",
            f"it has {what}, but it was merged into another or does not exist",
            document_id=document_id,
            advice="--repair drops them",
            fix=Fix("drop-strays"),
        )


def _path(store: Store, source_id: int) -> str | None:
    return next(iter(store.locations(source_id)), None)


def check_event_log(store: Store) -> Iterator[Problem]:
    """Every ok source and live document was added by an add event; every merge was logged."""
    for what, ident in store.unlogged():
        if what == "source":
            yield Problem(
                "events", "no add event records its adding", ident, path=_path(store, ident), advice=APPEND_ONLY
            )
        elif what == "document":
            yield Problem("events", "no add event records its making", document_id=ident, advice=APPEND_ONLY)
        else:
            yield Problem(
                "events",
                "it was merged into another, but no merge event records it",
                document_id=ident,
                advice=APPEND_ONLY,
            )


# -- documents: canonical texts ---------------------------------------------------------------
class _Latest:
    """Each document's latest canonical event, read alongside the documents in id order."""

    def __init__(self, rows: Iterator[tuple[int, dict[str, Any]]]) -> None:
        self._rows = rows
        self._head = next(rows, None)

    def of(self, document_id: int) -> dict[str, Any] | None:
        while self._head is not None and self._head[0] < document_id:
            self._head = next(self._rows, None)
        return self._head[1] if self._head is not None and self._head[0] == document_id else None


def check_documents(store: Store, host: PluginHost) -> Iterator[Problem]:
    """Each live document's canonical text, kept build and latest canonical event."""
    latest = _Latest(store.latest_events("canonical"))
    for document_id, title, text, chars in store.each_live_document():
        found = list(check_canonical(store, host, document_id, title, text, chars))
        yield from found
        if not found:  # a rebuild logs a new canonical event anyway
            yield from check_canonical_event(store, document_id, text, latest.of(document_id))


def rebuilt(host: PluginHost, title: str | None, sources: list[SourceText]) -> tuple[Build | None, Canonical]:
    """The canonical text of ``sources``, as adding them gives it (and the build kept with it)."""
    if host.builtin_canonical:
        build = Build.of(sources)
        return build, build.canonical()
    return None, host.canonical_text(title, sources)


def save_rebuilt(
    store: Store, document_id: int, sources: list[SourceText], build: Build | None, canonical: Canonical, **event: Any
) -> None:
    """Store a rebuilt canonical text as adding keeps one, measure each source against it, log ``canonical``.

    The build is kept where a later source can fold into it (:mod:`corpus.commit`);
    ``event`` says how it was built (``built=``) and why.
    """
    store.save_canonical(document_id, canonical)
    keep = build is not None and len(build.sources) >= FIRST_SOURCES
    store.save_canonical_build(document_id, build.to_bytes() if build is not None and keep else None)
    settings = store.settings()
    text_fp = fp.fingerprint([p.text for p in canonical.paragraphs], settings)
    store_shingles.save(store.db, document_id, text_fp)
    for source in sources:
        source_fp = fp.fingerprint_source(source.title, source.paragraphs, settings)
        store.set_similarity(source.source_id, round(shingle_similarity(source_fp, text_fp), 4))
    store.log(
        "canonical",
        document_id=document_id,
        paragraphs=len(canonical.paragraphs),
        chars=len(canonical.text),
        sources=[s.source_id for s in sources],
        **event,
    )


def check_canonical(
    store: Store, host: PluginHost, document_id: int, title: str | None, text: str, chars: int
) -> Iterator[Problem]:
    """The stored canonical text, its length and kept build are what its sources give."""
    mend = Fix("rebuild", None, document_id)
    try:
        sources = store.source_texts(document_id)
    except (ValueError, TypeError, KeyError, AttributeError, CorpusError):
        yield Problem(
            "canonical",
            "it cannot be rebuilt: the extract of one of its sources cannot be read",
            document_id=document_id,
            advice="--repair rebuilds it if that source is not one of its own (a failed one)",
            fix=mend,
        )
        return
    if not sources:
        return  # check_provenance says so
    stored = store.paragraphs(document_id)
    strangers = sorted({s for _, attesting in stored for s in attesting} - {s.source_id for s in sources})
    if strangers:
        yield Problem(
            "provenance",
            f"its canonical paragraphs are attested by {_sources(strangers)}, not among its sources",
            document_id=document_id,
            advice="--repair rebuilds it from its sources",
            fix=mend,
        )
    try:
        build, canonical = rebuilt(host, title, sources)
    except Exception as exc:  # a plugin's policy failing is reported, never fatal
        yield Problem(
            "canonical",
            f"it cannot be rebuilt: the canonical policy failed: {type(exc).__name__}: {exc}",
            document_id=document_id,
        )
        return
    difference = canonical_difference(title, text, stored, canonical)
    if difference:
        yield Problem(
            "canonical",
            f"its canonical text is not what its sources give: {difference}",
            document_id=document_id,
            advice="--repair rebuilds it from its sources",
            fix=mend,
        )
    if chars != len(text):
        yield Problem(
            "canonical",
            f"its length is recorded as {plural(chars, 'character')}, its text has {len(text)}",
            document_id=document_id,
            advice="--repair rebuilds it from its sources",
            fix=mend,
        )
    # A text found wrong above is rebuilt with its shingles: they are looked at when the text is right.
    texts = [t for t, _ in stored]
    shingled = store_shingles.load(store.db, document_id, lambda: texts) if not difference else None
    if shingled is not None and not _same_shingles(shingled, texts, store.settings()):
        yield Problem(
            "canonical",
            "its stored shingles are not those of its canonical text (matching would see another text)",
            document_id=document_id,
            advice="--repair rebuilds it from its sources, and its shingles with it",
            fix=mend,
        )
    kept = store.canonical_build(document_id)
    if kept is not None and (build is None or kept != build.to_bytes()):
        yield Problem(
            "canonical",
            "its kept canonical build is not the build of its sources",
            document_id=document_id,
            advice="--repair keeps the build of its sources",
            fix=mend,
        )


def _same_shingles(shingled: fp.Shingled, paragraphs: list[str], settings: fp.FingerprintSettings) -> bool:
    made = fp.fingerprint(paragraphs, settings)
    return (shingled.hashes, shingled.exact_key, shingled.is_short) == (made.hashes, made.exact_key, made.is_short)


def canonical_difference(
    title: str | None, text: str, stored: list[tuple[str, tuple[int, ...]]], canonical: Canonical
) -> str | None:
    """The first way the stored canonical text differs from the rebuilt one, in words; None if it does not."""
    if title != canonical.title:
        return f"its title is {_quote(title)}, a rebuild gives {_quote(canonical.title)}"
    if len(stored) != len(canonical.paragraphs):
        return f"it has {plural(len(stored), 'paragraph')}, a rebuild gives {len(canonical.paragraphs)}"
    for n, ((here, attesting), there) in enumerate(zip(stored, canonical.paragraphs, strict=True), start=1):
        if here != there.text:
            ours, theirs = _quotes(here, there.text)
            return f"paragraph {n} reads {ours}, a rebuild gives {theirs}"
        if tuple(attesting) != tuple(there.sources):
            return f"paragraph {n} lists {_sources(attesting)} as attesting it, a rebuild lists {_ids(there.sources)}"
    if text != canonical.text:
        return "its text is not its paragraphs joined"
    return None


def check_canonical_event(store: Store, document_id: int, text: str, event: dict[str, Any] | None) -> Iterator[Problem]:
    """The latest canonical event of a document gives the paragraph count and length stored."""
    fix = Fix("log-canonical", None, document_id)
    advice = "--repair logs a canonical event of the text it has"
    if event is None:
        yield Problem("events", "no canonical event records its text", document_id=document_id, advice=advice, fix=fix)
        return
    count = len(store.paragraphs(document_id))
    if (event.get("paragraphs"), event.get("chars")) != (count, len(text)):
        yield Problem(
            "events",
            f"its latest canonical event records {event.get('paragraphs')} paragraphs and "
            f"{event.get('chars')} characters, its text has {count} and {len(text)}",
            document_id=document_id,
            advice=advice,
            fix=fix,
        )


def _quotes(a: str, b: str) -> tuple[str, str]:
    """Two texts quoted from a little before where they first differ, so the quotes show the difference."""
    a, b = " ".join(a.split()), " ".join(b.split())
    same = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    start = max(0, same - QUOTE // 4)
    lead = "…" if start else ""
    return _quote(lead + a[start:]), _quote(lead + b[start:])


def _quote(text: str | None) -> str:
    return "none" if text is None else json.dumps(clip(" ".join(text.split()), QUOTE), ensure_ascii=False)


def _sources(ids: Sequence[int]) -> str:
    return ("source " if len(ids) == 1 else "sources ") + _ids(ids) if ids else "no source"


def _ids(ids: Sequence[int]) -> str:
    return ", ".join(map(str, ids)) or "none"
