"""What the Python API returns; ``to_dict`` gives the JSON contract of the command line.

The records keep similarities as computed; ``to_dict`` rounds them as everywhere a person
or a script reads one (:func:`corpus.wording.similarity_value`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from corpus.text.scripts import HanVariant
from corpus.wording import similarity_value


@dataclass(frozen=True)
class AddResult:
    """What happened to one file given to ``add``."""

    path: str
    status: str  # new, copy, version, exists, failed
    document_id: int | None
    source_id: int | None
    sha256: str | None
    reader: str | None
    encoding: str | None
    similarity: float | None
    error: str | None = None
    title: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "similarity": similarity_value(self.similarity)}


@dataclass(frozen=True)
class DocumentSummary:
    document_id: int
    title: str | None
    source_count: int
    chars: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SourceInfo:
    source_id: int
    path: str
    locations: tuple[str, ...]
    sha256: str
    media_type: str | None
    reader: str | None
    reader_version: str | None
    encoding: str | None
    encoding_confidence: float | None
    similarity: float | None
    joined_as: str | None
    title: str | None
    metadata: dict[str, str]
    paragraph_count: int
    removed_count: int
    # The Chinese script of the source's text (corpus.text.scripts.han_variant), None when not Chinese.
    script: HanVariant | None = None
    # Each location with when it was first seen and its details: {location, first_seen, details}.
    seen: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "locations": list(self.locations),
            "similarity": similarity_value(self.similarity),
            "seen": list(self.seen),
        }


@dataclass(frozen=True)
class ParagraphInfo:
    text: str
    sources: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "sources": list(self.sources)}


@dataclass(frozen=True)
class RelatedInfo:
    document_id: int
    relation: str
    similarity: float | None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "similarity": similarity_value(self.similarity)}


@dataclass(frozen=True)
class DocumentView:
    document_id: int
    title: str | None
    text: str
    paragraphs: tuple[ParagraphInfo, ...]
    sources: tuple[SourceInfo, ...]
    related: tuple[RelatedInfo, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "title": self.title,
            "text": self.text,
            "paragraphs": [p.to_dict() for p in self.paragraphs],
            "sources": [s.to_dict() for s in self.sources],
            "related": [r.to_dict() for r in self.related],
        }
