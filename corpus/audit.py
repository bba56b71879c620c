"""The audit of duplicate sources: which files are copies of which, and how they differ.

For every document with two or more sources, or with a related version: each
source's similarity to the canonical text and to each other source, the canonical
paragraphs it lacks and the ones only it attests, and what its reader removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any

from corpus import fingerprint as fp
from corpus.match import shingle_similarity
from corpus.store import SourceRow, Store


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

    def to_dict(self, paragraphs: list[str]) -> dict[str, Any]:
        return {
            "source_id": self.source_id,
            "path": self.path,
            "reader": self.reader,
            "encoding": self.encoding,
            "similarity": self.similarity,
            "joined_as": self.joined_as,
            "attests": self.attests,
            "lacks": [{"position": i, "text": paragraphs[i]} for i in self.lacks],
            "adds": [{"position": i, "text": paragraphs[i]} for i in self.adds],
            "removed": [{"kind": k, "text": t} for k, t in self.removed],
        }


@dataclass(frozen=True)
class DocumentAudit:
    document_id: int
    title: str | None
    paragraphs: tuple[str, ...]
    sources: tuple[SourceAudit, ...]
    pairs: tuple[tuple[int, int, float], ...]  # (source a, source b, similarity)
    related: tuple[tuple[int, str, float | None], ...]
    flags: tuple[str, ...] = ()  # what a person should look at, e.g. a cluster grown suspiciously large

    def to_dict(self) -> dict[str, Any]:
        paragraphs = list(self.paragraphs)
        return {
            "document_id": self.document_id,
            "title": self.title,
            "flags": list(self.flags),
            "paragraph_count": len(paragraphs),
            "sources": [s.to_dict(paragraphs) for s in self.sources],
            "pairs": [{"a": a, "b": b, "similarity": s} for a, b, s in self.pairs],
            "related": [{"document_id": d, "relation": r, "similarity": s} for d, r, s in self.related],
        }


# A document with this many sources or more is flagged: a real document is rarely
# copied that often, while a matching error that chains look-alikes grows without bound.
LARGE_CLUSTER = 50


def audit(store: Store, *, large_cluster: int = LARGE_CLUSTER) -> list[DocumentAudit]:
    settings = store.settings()
    out = []
    for doc, count in store.documents():
        related = tuple(store.related(doc.id))
        if count < 2 and not related:
            continue
        paragraphs = store.paragraphs(doc.id)
        rows = store.sources(document_id=doc.id)
        fingerprints = {row.id: _fingerprint(row, settings) for row in rows}
        pairs = tuple(
            (a, b, round(shingle_similarity(fingerprints[a], fingerprints[b]), 4))
            for a, b in combinations(sorted(fingerprints), 2)
        )
        out.append(
            DocumentAudit(
                document_id=doc.id,
                title=doc.title,
                paragraphs=tuple(t for t, _ in paragraphs),
                sources=tuple(_source_audit(row, paragraphs) for row in rows),
                pairs=pairs,
                related=related,
                flags=(f"large-cluster: {count} sources (flagged from {large_cluster})",)
                if count >= large_cluster
                else (),
            )
        )
    return out


def _fingerprint(row: SourceRow, settings: fp.FingerprintSettings) -> fp.Fingerprint:
    if row.extract is None:
        return fp.fingerprint([], settings)
    return fp.fingerprint_source(row.extract.title, row.extract.paragraphs, settings)


def _source_audit(row: SourceRow, paragraphs: list[tuple[str, tuple[int, ...]]]) -> SourceAudit:
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
        adds=adds if len(paragraphs) and len(lacks) < len(paragraphs) else (),
        removed=removed,
    )
