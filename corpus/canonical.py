"""The canonical text of a document: one clean text built from all its sources."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SourceText:
    """One source of a document, as the canonical-text policy sees it."""

    source_id: int
    title: str | None
    paragraphs: Sequence[str]
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CanonicalParagraph:
    """One paragraph of the canonical text and the ids of the sources that attest it."""

    text: str
    sources: tuple[int, ...]


@dataclass(frozen=True)
class Canonical:
    """A document's canonical text: title first, then the paragraphs in document order."""

    title: str | None
    paragraphs: tuple[CanonicalParagraph, ...]

    @property
    def text(self) -> str:
        """The canonical text: its paragraphs, one a line."""
        return "\n".join(p.text for p in self.paragraphs)
