"""The built-in canonical-text policy (``corpus_canonical_text``, runs last).

The canonical text is the union of the content paragraphs that a document's sources
attest, in document order, each paragraph in the wording most sources agree on
(the longer one on a tie: a truncated variant lost text) and its best-formed
typography: full-width punctuation in Chinese, no line-wrap or hyphenation
artefacts. Sources are aligned paragraph by paragraph against the text
built so far, starting from the source with the most content, so a paragraph only
one source has (a closing paragraph the PDF lost) lands where that source puts it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from corpus.align import GRAM, Link, align
from corpus.canonical import Canonical, CanonicalParagraph, SourceText
from corpus.hookspecs import hookimpl
from corpus.normalise import normal_form
from corpus.shingle import shingles
from corpus.text.scripts import is_unspaced
from corpus.typography import ascii_marks_in_cjk, fullwidth_punctuation

# An unmatched paragraph whose token trigrams are this much in the text already is
# not added again; it attests the paragraphs holding at least PART_SHARE of it.
COVERED_SHARE = 0.6
PART_SHARE = 0.2

# Runs of ASCII whitespace are wrap artefacts; an ideographic space (U+3000, as after
# 第一条 in a law) is typography and stays.
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_LATIN_HYPHEN_WRAP = re.compile(r"[a-z]- [a-z]")


@hookimpl(trylast=True)
def corpus_canonical_text(title: str | None, sources: Sequence[SourceText]) -> Canonical:
    return build_canonical(sources)


@dataclass
class _Slot:
    key: str
    variants: list[tuple[int, str]] = field(default_factory=list)
    attested: set[int] = field(default_factory=set)

    def add(self, source_id: int, text: str) -> None:
        self.variants.append((source_id, text))
        self.attested.add(source_id)


def build_canonical(sources: Sequence[SourceText]) -> Canonical:
    title_key = _most_attested_key([s.title for s in sources if s.title and normal_form(s.title)])
    title_slot = _Slot(title_key or "")
    contents: list[tuple[int, list[str]]] = []
    for source in sources:
        texts = [p for p in source.paragraphs if normal_form(p)]
        if title_key and source.title and normal_form(source.title) == title_key:
            title_slot.add(source.source_id, source.title)
        # A reader that also kept the title as the first paragraph attests it there.
        if title_key and texts and normal_form(texts[0]) == title_key:
            title_slot.add(source.source_id, texts.pop(0))
        contents.append((source.source_id, texts))

    slots = _merge(contents)
    paragraphs: list[CanonicalParagraph] = [
        CanonicalParagraph(_best_variant(slot.variants), tuple(sorted(slot.attested)))
        for slot in slots
        if slot.variants
    ]
    canonical_title: str | None = None
    if title_slot.variants:
        canonical_title = _best_variant(title_slot.variants)
        paragraphs.insert(0, CanonicalParagraph(canonical_title, tuple(sorted(title_slot.attested))))
    return Canonical(canonical_title, tuple(paragraphs))


def _most_attested_key(titles: list[str]) -> str | None:
    if not titles:
        return None
    counts = Counter(normal_form(t) for t in titles)
    # most_common keeps first-seen order among ties: the oldest source's title wins.
    return counts.most_common(1)[0][0]


def _merge(contents: list[tuple[int, list[str]]]) -> list[_Slot]:
    """Align every source against the slots built so far, richest source first."""
    order = sorted(
        range(len(contents)),
        key=lambda k: -sum(len(normal_form(p)) for p in contents[k][1]),
    )
    slots: list[_Slot] = []
    for k in order:
        source_id, paragraphs = contents[k]
        keys = [normal_form(p) for p in paragraphs]
        pairs = align([s.key for s in slots], keys)
        hosts = {p.right for p in pairs if p.link is Link.LEFT_IN_RIGHT}
        coverage = _Coverage(slots)
        merged: list[_Slot] = []
        for pair in pairs:
            if pair.left is not None:
                slot = slots[pair.left]
                if pair.link is Link.RIGHT_IN_LEFT:
                    # A piece of a slot that has (or will get) a pair of its own.
                    slot.attested.add(source_id)
                    continue
                if pair.right is not None:
                    if pair.link in (Link.SAME, Link.SIMILAR):
                        slot.add(source_id, paragraphs[pair.right])
                    else:  # the slot is a piece of the new paragraph: attested, not a variant
                        slot.attested.add(source_id)
                merged.append(slot)
            elif pair.right is not None and pair.right not in hosts:
                covering = coverage.slots_covering(keys[pair.right])
                if covering:  # already in the text, elsewhere or split differently
                    for slot in covering:
                        slot.attested.add(source_id)
                    continue
                new = _Slot(keys[pair.right])
                new.add(source_id, paragraphs[pair.right])
                merged.append(new)
        slots = merged
    return slots


class _Coverage:
    """Which slots already hold the text of a paragraph the alignment left unmatched.

    The alignment pairs paragraphs in order and within a window; a paragraph that
    one source splits differently, or places elsewhere (a caption, a footnote),
    would otherwise enter the canonical text twice.
    """

    def __init__(self, slots: list[_Slot]) -> None:
        self._slots = slots
        self._index: dict[str, list[int]] | None = None

    def _grams_index(self) -> dict[str, list[int]]:
        if self._index is None:
            self._index = {}
            for n, slot in enumerate(self._slots):
                for gram in shingles(slot.key.split(), GRAM):
                    self._index.setdefault(gram, []).append(n)
        return self._index

    def slots_covering(self, key: str) -> list[_Slot]:
        grams = shingles(key.split(), GRAM)
        if not grams:
            return []
        index = self._grams_index()
        hits: dict[int, int] = {}
        found = 0
        for gram in grams:
            where = index.get(gram)
            if where:
                found += 1
                for n in set(where):
                    hits[n] = hits.get(n, 0) + 1
        if found < COVERED_SHARE * len(grams):
            return []
        return [self._slots[n] for n, count in sorted(hits.items()) if count >= PART_SHARE * len(grams)]


def _defects(text: str) -> int:
    """Typographic defects of a variant: ASCII marks in Chinese, wrap and hyphenation artefacts."""
    wraps = text.count("\n") + len(_LATIN_HYPHEN_WRAP.findall(text))
    wraps += sum(
        1
        for a, gap, b in zip(text, text[1:], text[2:], strict=False)
        if gap.isspace() and is_unspaced(a) and is_unspaced(b)
    )
    return ascii_marks_in_cjk(text) + wraps


def _best_variant(variants: list[tuple[int, str]]) -> str:
    """The wording most sources agree on, in its best-formed typography.

    Variants are grouped by normal form: the group with most sources wins, a tie
    goes to the longer wording (a truncated variant lost text), then to the
    richest source. Within the group, the variant with the fewest defects wins.
    """
    groups: dict[str, list[str]] = {}
    for _, text in variants:
        groups.setdefault(normal_form(text), []).append(text)
    # max() keeps the first of equals: the group of the richest source.
    wording = max(groups, key=lambda key: (len(groups[key]), len(key.split())))
    return _tidy(min(groups[wording], key=_defects))


def _tidy(text: str) -> str:
    """Collapse whitespace runs and make punctuation between Chinese characters full width.

    Spaces between Chinese characters stay: rejoining hard wraps is the readers' job,
    and a space there is often meant (第一条 为了…, a headline's two clauses).
    """
    return fullwidth_punctuation(_SPACES.sub(" ", text).strip())
