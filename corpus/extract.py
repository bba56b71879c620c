"""What a reader returns: the content of one source, and what was cut from it.

These are the plugin contract's data types; third-party readers construct them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from corpus.errors import ExtractError


@dataclass(frozen=True)
class Removed:
    """A piece of the decoded source that the reader judged not to be content.

    ``start``/``end`` are character offsets into the decoded text (``source.text``),
    or ``None`` when the source is binary. ``kind`` names what it was, in a word a
    person auditing the result understands: ``menu``, ``breadcrumb``, ``byline``,
    ``navigation``, ``footer``, ``page-number``, ``running-header``, ``blank``...
    """

    text: str
    kind: str
    start: int | None = None
    end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready data (how the store keeps it)."""
        return {"text": self.text, "kind": self.kind, "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Removed:
        """The record :meth:`to_dict` wrote."""
        return cls(str(data["text"]), str(data["kind"]), data.get("start"), data.get("end"))


@dataclass(frozen=True)
class Extract:
    """The content of one source as a reader sees it.

    ``paragraphs`` are the content paragraphs in reading order, without the title,
    each one logical paragraph on one line (hard wraps already rejoined).
    ``title`` is the document title if the reader found one. ``metadata`` holds
    what else is known (``date``, ``site``, ``language``, ``url``...), as strings.
    ``removed`` records what the reader cut, so an audit can show it.
    """

    paragraphs: Sequence[str]
    title: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    removed: Sequence[Removed] = ()

    def __post_init__(self) -> None:
        # Frozen, but readers may hand us lists or generators: keep immutable copies.
        paragraphs = tuple(self.paragraphs)
        for i, p in enumerate(paragraphs):
            if not isinstance(p, str):
                raise ExtractError(
                    f"Extract.paragraphs[{i}] must be str, got {type(p).__name__}: "
                    "a reader must hand over each paragraph as one string"
                )
        object.__setattr__(self, "paragraphs", paragraphs)
        object.__setattr__(self, "removed", tuple(self.removed))
        object.__setattr__(self, "metadata", dict(self.metadata))
        if self.title is not None and not isinstance(self.title, str):
            raise ExtractError(
                f"Extract.title must be str or None, got {type(self.title).__name__}: "
                "a reader that found no title passes None"
            )

    def to_dict(self) -> dict[str, Any]:
        """The extract as JSON-ready data (how the store keeps it)."""
        return {
            "paragraphs": list(self.paragraphs),
            "title": self.title,
            "metadata": dict(self.metadata),
            "removed": [r.to_dict() for r in self.removed],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Extract:
        """The extract :meth:`to_dict` wrote."""
        return cls(
            paragraphs=list(data["paragraphs"]),
            title=data.get("title"),
            metadata=dict(data.get("metadata") or {}),
            removed=[Removed.from_dict(r) for r in data.get("removed") or ()],
        )
