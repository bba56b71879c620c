"""The audit of duplicate sources: which files are copies of which, and how they differ.

For every document with two or more sources, or with a related version: each
source's similarity to the canonical text and to each other source, the canonical
paragraphs it lacks and the ones only it attests, what its reader removed, and
what of it the canonical text left out and why (an ad, a credit, a menu word, a
table border: see :mod:`corpus.leftovers`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from corpus import fingerprint as fp
from corpus.canonical import Canonical, SourceText
from corpus.canonical_policy import build_canonical
from corpus.match import shingle_similarity
from corpus.normalise import normal_form
from corpus.store import SourceRow, Store
from corpus.text.scripts import HanVariant, han_variant
from corpus.textdiff import Changed, diff_paragraphs
from corpus.wording import clip, similarity_text, similarity_value


@dataclass(frozen=True)
class SourceAudit:
    source_id: int
    path: str
    reader: str | None
    encoding: str | None
    similarity: float | None
    joined_as: str | None
    attests: int  # canonical paragraphs this source attests
    lacks: tuple[int, ...]  # positions of canonical paragraphs it does not attest
    adds: tuple[int, ...]  # positions only this source attests
    removed: tuple[tuple[str, str], ...]  # (kind, text) the reader cut
    script: HanVariant | None = None  # the Chinese script of its text, None when not Chinese
    left_out: tuple[tuple[str, str], ...] = ()  # (reason, text) of its paragraphs the canonical text left out

    def to_dict(self, paragraphs: list[str]) -> dict[str, Any]:
        return {
            "source_id": self.source_id,
            "path": self.path,
            "reader": self.reader,
            "encoding": self.encoding,
            "similarity": similarity_value(self.similarity),
            "joined_as": self.joined_as,
            "script": self.script,
            "attests": self.attests,
            "lacks": [{"position": i, "text": paragraphs[i]} for i in self.lacks],
            "adds": [{"position": i, "text": paragraphs[i]} for i in self.adds],
            "removed": [{"kind": k, "text": t} for k, t in self.removed],
            "left_out": [{"reason": r, "text": clip(t, LEFT_OUT_CHARS), "chars": len(t)} for r, t in self.left_out],
        }


@dataclass(frozen=True)
class VersionChanges:
    """What changed from this document to a version of it, paragraph by paragraph."""

    other_id: int
    changed: tuple[tuple[int, int, str, str], ...]  # (position here, position there, text here, text there)
    removed: tuple[tuple[int, str], ...]  # paragraphs only this document has
    added: tuple[tuple[int, str], ...]  # paragraphs only the other has

    def to_dict(self) -> dict[str, Any]:
        return {
            "document_id": self.other_id,
            "changed": [
                {"position": i, "other_position": j, "text": a, "other_text": b} for i, j, a, b in self.changed
            ],
            "only_here": [{"position": i, "text": t} for i, t in self.removed],
            "only_there": [{"position": j, "text": t} for j, t in self.added],
        }


def version_changes(here: list[str], there: list[str], other_id: int) -> VersionChanges:
    changed, removed, added = [], [], []
    for block in diff_paragraphs(here, there):
        if not isinstance(block, Changed):
            continue
        if block.old_position is not None and block.new_position is not None:
            changed.append(
                (block.old_position, block.new_position, here[block.old_position], there[block.new_position])
            )
        elif block.old_position is not None:
            removed.append((block.old_position, here[block.old_position]))
        elif block.new_position is not None:
            added.append((block.new_position, there[block.new_position]))
    return VersionChanges(other_id, tuple(changed), tuple(removed), tuple(added))


@dataclass(frozen=True)
class Ambiguous:
    """A source that is a copy of two documents that are not copies of each other (A≈B, B≈C, A≉C).

    Which of the two it joined is the one thing the order of adding decides: it joins
    the one it is more like (on a tie the older), and the other is not merged into it.
    """

    source_id: int
    joined: int  # the document it joined
    other: int  # the document it is also a copy of
    similarity: float | None  # to the one it joined
    similarity_to_other: float | None

    def describe(self, document_id: int) -> str:
        """What a person reading the audit of ``document_id`` (one of the two) is told."""
        if self.joined == document_id:
            return (
                f"#{self.source_id} is a copy of this document ({similarity_text(self.similarity)}) and of "
                f"document {self.other} ({similarity_text(self.similarity_to_other)}), which is not a copy of "
                "this one: it joined the one it is more like, and the two stay apart"
            )
        return (
            f"#{self.source_id} (in document {self.joined}) is also a copy of this document "
            f"({similarity_text(self.similarity_to_other)}); the two documents are not copies of each other, "
            "so they were not merged"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "source_id": self.source_id,
            "joined": self.joined,
            "also_copy_of": self.other,
            "similarity": similarity_value(self.similarity),
            "similarity_to_other": similarity_value(self.similarity_to_other),
        }


@dataclass(frozen=True)
class DocumentAudit:
    document_id: int
    title: str | None
    paragraphs: tuple[str, ...]
    sources: tuple[SourceAudit, ...]
    pairs: tuple[tuple[int, int, float], ...]  # (source a, source b, similarity), unrounded: to_dict rounds
    related: tuple[tuple[int, str, float | None], ...]
    flags: tuple[str, ...] = ()  # what a person should look at, e.g. a cluster grown suspiciously large
    versions: tuple[VersionChanges, ...] = ()  # what changed against each related version
    ambiguous: tuple[Ambiguous, ...] = ()  # sources that are copies of this and of another document

    def to_dict(self) -> dict[str, Any]:
        paragraphs = list(self.paragraphs)
        return {
            "document_id": self.document_id,
            "title": self.title,
            "flags": list(self.flags),
            "paragraph_count": len(paragraphs),
            "sources": [s.to_dict(paragraphs) for s in self.sources],
            "pairs": [{"a": a, "b": b, "similarity": similarity_value(s)} for a, b, s in self.pairs],
            "related": [
                {"document_id": d, "relation": r, "similarity": similarity_value(s)} for d, r, s in self.related
            ],
            "versions": [v.to_dict() for v in self.versions],
            "ambiguous": [c.to_dict() for c in self.ambiguous],
        }


# A document with this many sources or more is flagged: a real document is rarely
# copied that often, while a matching error that chains look-alikes grows without bound.
LARGE_CLUSTER = 50
# A left-out paragraph's text is clipped to this many characters in the audit (its length is given).
LEFT_OUT_CHARS = 240

Policy = Callable[[str | None, Sequence[SourceText]], Canonical]


def _built_in(title: str | None, sources: Sequence[SourceText]) -> Canonical:
    return build_canonical(sources)


def audit(store: Store, *, large_cluster: int = LARGE_CLUSTER, policy: Policy | None = None) -> list[DocumentAudit]:
    """Audit every document with two or more sources or a related version.

    What the canonical text left out is not stored: ``policy`` (the canonical-text
    policy that built the stored texts; the built-in one by default) is asked
    again, and only what the stored canonical text indeed lacks is listed.
    """
    settings = store.settings()
    policy = policy or _built_in
    texts: dict[int, list[str]] = {}  # paragraphs of each document read so far

    def changes(document_id: int, other: int) -> VersionChanges:
        # Diffed from each side: the paragraph pairing depends on which text is first.
        if other not in texts:
            texts[other] = [t for t, _ in store.paragraphs(other)]
        return version_changes(texts[document_id], texts[other], other)

    ambiguous = _ambiguous(store)
    out = []
    for doc, count in store.documents():
        related = tuple(store.related(doc.id))
        if count < 2 and not related and doc.id not in ambiguous:
            continue
        paragraphs = store.paragraphs(doc.id)
        texts[doc.id] = [t for t, _ in paragraphs]
        rows = store.sources(document_id=doc.id)
        left_out = _left_out(policy, doc.title, rows, [t for t, _ in paragraphs])
        fingerprints = {row.id: _fingerprint(row, settings) for row in rows}
        pairs = tuple(
            (a, b, shingle_similarity(fingerprints[a], fingerprints[b]))
            for a, b in combinations(sorted(fingerprints), 2)
        )
        out.append(
            DocumentAudit(
                document_id=doc.id,
                title=doc.title,
                paragraphs=tuple(t for t, _ in paragraphs),
                sources=tuple(_source_audit(row, paragraphs, left_out.get(row.id, ())) for row in rows),
                pairs=pairs,
                related=related,
                flags=(f"large-cluster: {count} sources (flagged from {large_cluster})",)
                if count >= large_cluster
                else (),
                versions=tuple(changes(doc.id, other) for other, relation, _ in related if relation == "version"),
                ambiguous=tuple(ambiguous.get(doc.id, ())),
            )
        )
    return out


def _ambiguous(store: Store) -> dict[int, list[Ambiguous]]:
    """The refused merges of the store, under both documents each concerns (as they are now, after merges)."""
    found: dict[int, list[Ambiguous]] = {}
    for joined, source_id, other, detail in store.merge_refusals():
        live, live_other = store.resolve_document(joined), store.resolve_document(other)
        if live is None or live_other is None or live == live_other:
            continue  # one of them is gone, or they were merged since
        case = Ambiguous(source_id, live, live_other, detail.get("similarity"), detail.get("similarity_to_other"))
        for document_id in (live, live_other):
            found.setdefault(document_id, []).append(case)
    return found


def _left_out(
    policy: Policy, title: str | None, rows: Sequence[SourceRow], paragraphs: Sequence[str]
) -> dict[int, tuple[tuple[str, str], ...]]:
    """What the canonical text left out of each source, and why: (reason, text) by source id."""
    sources = [
        SourceText(row.id, row.extract.title, row.extract.paragraphs, row.extract.metadata)
        for row in rows
        if row.extract is not None
    ]
    held = {normal_form(p) for p in paragraphs}
    out: dict[int, list[tuple[str, str]]] = {}
    for item in policy(title, sources).left_out:
        if normal_form(item.text) not in held:  # the stored text may be older than the policy
            out.setdefault(item.source_id, []).append((item.reason, item.text))
    return {source_id: tuple(items) for source_id, items in out.items()}


def _fingerprint(row: SourceRow, settings: fp.FingerprintSettings) -> fp.Fingerprint:
    if row.extract is None:
        return fp.fingerprint([], settings)
    return fp.fingerprint_source(row.extract.title, row.extract.paragraphs, settings)


def _source_audit(
    row: SourceRow, paragraphs: list[tuple[str, tuple[int, ...]]], left_out: tuple[tuple[str, str], ...] = ()
) -> SourceAudit:
    lacks = tuple(i for i, (_, ids) in enumerate(paragraphs) if row.id not in ids)
    adds = tuple(i for i, (_, ids) in enumerate(paragraphs) if ids == (row.id,))
    removed = tuple((r.kind, r.text) for r in row.extract.removed) if row.extract else ()
    return SourceAudit(
        source_id=row.id,
        path=row.path,
        reader=row.reader,
        encoding=row.encoding,
        similarity=row.similarity,
        joined_as=row.joined_as,
        attests=len(paragraphs) - len(lacks),
        lacks=lacks,
        adds=adds,
        removed=removed,
        script=han_variant("\n".join([row.extract.title or "", *row.extract.paragraphs])) if row.extract else None,
        left_out=left_out,
    )
