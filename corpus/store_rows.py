"""What the store gives back: a source's row, where it was seen, a document's row."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from corpus.extract import Extract


@dataclass(frozen=True)
class SourceRow:
    """A stored source, as the rest of the core reads it back."""

    id: int
    sha256: str
    status: str
    media_type: str | None
    encoding: str | None
    encoding_confidence: float | None
    reader: str | None
    reader_version: str | None
    error: str | None
    added_at: str
    extract: Extract | None
    document_id: int | None
    joined_as: str | None
    joined_similarity: float | None
    similarity: float | None
    locations: tuple[str, ...]
    seen: tuple[Seen, ...] = ()
    """Each location with when it was first seen and its details (HTTP headers, a WARC record's)."""

    @property
    def path(self) -> str:
        return self.locations[0] if self.locations else ""


class Seen(NamedTuple):
    """One place a source's bytes were found, when first, and what came with them."""

    location: str
    first_seen: str
    details: Mapping[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {"location": self.location, "first_seen": self.first_seen, "details": dict(self.details)}


@dataclass(frozen=True)
class DocumentRow:
    id: int
    title: str | None
    text: str
    created_at: str
    updated_at: str
