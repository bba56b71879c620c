"""The canonical text of a document: one clean text built from all its sources."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SourceText:
    """One source of a document, as the canonical-text policy sees it.

    ``common`` holds the keys (:func:`corpus.boilerplate.paragraph_key`) of this
    source's paragraphs that sources of many other documents of the corpus also
    hold: a site's footer, a licence block. It is empty when the caller does not
    know; a policy may then judge a paragraph on its own and its document only.
    """

    source_id: int
    title: str | None
    paragraphs: Sequence[str]
    metadata: Mapping[str, str] = field(default_factory=dict)
    common: frozenset[int] = frozenset()


@dataclass(frozen=True)
class CanonicalParagraph:
    """One paragraph of the canonical text and the ids of the sources that attest it."""

    text: str
    sources: tuple[int, ...]


@dataclass(frozen=True)
class LeftOut:
    """A paragraph of one source that the canonical text does not take in, and why.

    ``reason`` is one word a person auditing the corpus understands; the built-in
    policy's words are listed in :data:`corpus.leftovers.REASONS` (``credit``,
    ``border``, ``menu``, ``skipped``…).
    """

    source_id: int
    text: str
    reason: str


@dataclass(frozen=True)
class Canonical:
    """A document's canonical text: title first, then the paragraphs in document order.

    ``left_out`` lists what some source has that the canonical text does not take
    in (a leftover of one copy: an ad, a credit, a menu word, a table border), so
    an audit can show it beside what each reader removed.
    """

    title: str | None
    paragraphs: tuple[CanonicalParagraph, ...]
    left_out: tuple[LeftOut, ...] = ()

    @property
    def text(self) -> str:
        """The canonical text: its paragraphs, one a line."""
        return "\n".join(p.text for p in self.paragraphs)
