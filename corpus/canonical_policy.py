"""The built-in canonical-text policy (``corpus_canonical_text``, runs last).

The canonical text is the union of the content paragraphs that a document's sources
attest, in document order, each paragraph in the wording most sources agree on
(the longer one on a tie: a truncated variant lost text) and its best-formed
typography: full-width punctuation in Chinese, no line-wrap or hyphenation
artefacts. Sources are aligned paragraph by paragraph against the text built so
far, starting from the best-structured source (the one whose paragraphs other
sources split the same way; then the one with the most content), so a paragraph
only one source has (a closing paragraph the PDF lost) lands where that source
puts it.

What one copy brings and the document does not have stays out:

- a degenerate structure: a source read as one giant paragraph (a whole-page
  dump, a table's text in one block) would make the whole document one
  paragraph. Such a source is merged after the others and only attests the
  paragraphs its text covers; it adds none (unless the others hold too little of
  its text to be the same document's structure);
- leftovers: a paragraph only some sources attest is judged by
  :mod:`corpus.leftovers` (an ad, a credit, a menu word, a table border stays out;
  the closing paragraph and dateline only the web page kept stay in), and what
  stays out is listed in :attr:`Canonical.left_out` with its reason.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import median

from corpus.align import GRAM, PART_CONTAINMENT, Link, align
from corpus.boilerplate import paragraph_key
from corpus.canonical import Canonical, CanonicalParagraph, LeftOut, SourceText
from corpus.hookspecs import hookimpl
from corpus.leftovers import PROSE_TOKENS, Candidate, judge
from corpus.normalise import normal_form
from corpus.shingle import containment, shingles
from corpus.text.scripts import HanVariant, han_variant, is_unspaced
from corpus.typography import ascii_marks_in_cjk, fullwidth_punctuation

# An unmatched paragraph whose token trigrams are this much in the text already is
# not added again; it attests the paragraphs holding at least PART_SHARE of it.
COVERED_SHARE = 0.6
PART_SHARE = 0.2
# A paragraph is giant when it holds GIANT_FACTOR times the tokens of the document's
# typical paragraph (the median over all its sources' paragraphs), and GIANT_TOKENS
# at least; a source whose giant paragraphs hold DEGENERATE_SHARE of its text has
# a degenerate structure.
GIANT_FACTOR = 10
GIANT_TOKENS = 1000
DEGENERATE_SHARE = 0.5

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


_Content = tuple[int, list[str]]  # a source's id and its content paragraphs


def build_canonical(sources: Sequence[SourceText]) -> Canonical:
    title_key = _most_attested_key([s.title for s in sources if s.title and normal_form(s.title)])
    title_slot = _Slot(title_key or "")
    contents: list[_Content] = []
    for source in sources:
        texts = [p for p in source.paragraphs if normal_form(p)]
        if title_key and source.title and normal_form(source.title) == title_key:
            title_slot.add(source.source_id, source.title)
        # A reader that also kept the title as the first paragraph attests it there.
        if title_key and texts and normal_form(texts[0]) == title_key:
            title_slot.add(source.source_id, texts.pop(0))
        contents.append((source.source_id, texts))

    slots, flat, unplaced = _merge_all(contents)
    paragraphs, left_out = _judged(slots, sum(1 for _, texts in contents if texts), flat, sources)
    canonical_title: str | None = None
    if title_slot.variants:
        canonical_title = _best_variant(title_slot.variants)
        paragraphs.insert(0, CanonicalParagraph(canonical_title, tuple(sorted(title_slot.attested))))
    return Canonical(canonical_title, tuple(paragraphs), tuple(left_out + unplaced))


def _merge_all(contents: list[_Content]) -> tuple[list[_Slot], frozenset[int], list[LeftOut]]:
    """The slots of every source's paragraphs; the sources that only attest; what of theirs matched nothing."""
    structured, degenerate = _split_degenerate(contents)
    slots = _merge(structured)
    flat: set[int] = set()
    unplaced: list[LeftOut] = []
    for source_id, texts in degenerate:
        if _Coverage(slots).share(" ".join(map(normal_form, texts))) >= COVERED_SHARE:
            unplaced += _attest_only(slots, source_id, texts)
            flat.add(source_id)
        else:  # the others hold too little of it: its paragraphs are the only ones there are
            slots = _merge_source(slots, source_id, texts)
    return [slot for slot in slots if slot.variants], frozenset(flat), unplaced


def _judged(
    slots: list[_Slot], source_count: int, flat: frozenset[int], sources: Sequence[SourceText]
) -> tuple[list[CanonicalParagraph], list[LeftOut]]:
    """The slots that are content, as canonical paragraphs, and each source's variants of the others, left out."""
    common = frozenset[int]().union(*(s.common for s in sources))
    candidates = [
        Candidate(
            _best_variant(slot.variants),
            frozenset(slot.attested),
            shared=bool(common) and any(paragraph_key(t) in common for _, t in slot.variants),
        )
        for slot in slots
    ]
    paragraphs: list[CanonicalParagraph] = []
    left_out: list[LeftOut] = []
    for slot, candidate, reason in zip(slots, candidates, judge(candidates, source_count, flat), strict=True):
        if reason is None:
            paragraphs.append(CanonicalParagraph(candidate.text, tuple(sorted(slot.attested))))
        else:
            left_out += [LeftOut(source_id, text, reason) for source_id, text in slot.variants]
    return paragraphs, left_out


def _most_attested_key(titles: list[str]) -> str | None:
    if not titles:
        return None
    counts = Counter(normal_form(t) for t in titles)
    # most_common keeps first-seen order among ties: the oldest source's title wins.
    return counts.most_common(1)[0][0]


def _split_degenerate(contents: list[_Content]) -> tuple[list[_Content], list[_Content]]:
    """The sources with a paragraph structure, and those whose text is mostly giant paragraphs.

    A giant paragraph is measured against the document's typical paragraph, pooled
    over all its sources: one source's one paragraph says nothing when it is the
    only source, and a long paragraph of a law is not giant beside its neighbours.
    """
    sizes = [[len(normal_form(p).split()) for p in texts] for _, texts in contents]
    pool = [n for source in sizes for n in source]
    if not pool:
        return contents, []
    giant = max(GIANT_TOKENS, GIANT_FACTOR * median(pool))
    structured: list[_Content] = []
    degenerate: list[_Content] = []
    for content, source in zip(contents, sizes, strict=True):
        big = sum(n for n in source if n >= giant)
        (degenerate if big and big >= DEGENERATE_SHARE * sum(source) else structured).append(content)
    return (structured, degenerate) if structured else (contents, [])


def _merge(contents: list[_Content]) -> list[_Slot]:
    """Align every source against the slots built so far, the best-structured source first.

    The first source shapes the paragraphs: the others' paragraphs land in its
    slots or between them. The best-structured source is the one with the most
    paragraphs that some other source also has as a paragraph of its own (split
    the same way, so not merged by a reader nor cut by a page break); short
    lines do not count, as menus repeat across copies too. Then the richest.
    """
    keys = [[normal_form(p) for p in texts] for _, texts in contents]
    holders: Counter[str] = Counter(key for source in keys for key in set(source))

    def corroborated(k: int) -> int:
        return sum(1 for key in keys[k] if holders[key] > 1 and key.count(" ") + 1 >= PROSE_TOKENS)

    order = sorted(range(len(contents)), key=lambda k: (-corroborated(k), -sum(len(key) for key in keys[k])))
    slots: list[_Slot] = []
    for k in order:
        slots = _merge_source(slots, *contents[k])
    return slots


def _merge_source(slots: list[_Slot], source_id: int, paragraphs: list[str]) -> list[_Slot]:
    keys = [normal_form(p) for p in paragraphs]
    if not slots:  # the first source: a slot per paragraph, as aligning it against nothing gives
        pairs_of = zip(keys, paragraphs, strict=True)
        return [_Slot(key, [(source_id, paragraph)], {source_id}) for key, paragraph in pairs_of]
    pairs = align([s.key for s in slots], keys)
    hosts = {p.right for p in pairs if p.link is Link.LEFT_IN_RIGHT}
    # The slot each paragraph is a variant of, when it is one.
    own = {p.right: p.left for p in pairs if p.link in (Link.SAME, Link.SIMILAR) and p.left is not None}
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
                elif pair.right not in own or not _echoes(slot, slots[own[pair.right]]):
                    # The slot is a piece of the new paragraph: attested, not a variant.
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
    return merged


def _echoes(piece: _Slot, own: _Slot) -> bool:
    """Is ``piece`` only repeating words of ``own``, the slot its host paragraph is a variant of?

    A headline's deck ("…座谈会强调 推动…取得新的重大突破") is made of the lead's
    words: a copy without the deck holds them in its lead, and that is no
    attestation of the deck.
    """
    grams = shingles(piece.key.split(), GRAM)
    return bool(grams) and containment(grams, shingles(own.key.split(), GRAM)) >= PART_CONTAINMENT


def _attest_only(slots: list[_Slot], source_id: int, paragraphs: list[str]) -> list[LeftOut]:
    """Let a source with a degenerate structure attest the slots its paragraphs cover; add nothing.

    A giant paragraph attests each slot it holds; a small one, the slots that hold
    it. What matches nothing is returned as left out.
    """
    coverage = _Coverage(slots)
    slot_grams = [shingles(slot.key.split(), GRAM) for slot in slots]
    out: list[LeftOut] = []
    for text in paragraphs:
        key = normal_form(text)
        grams = shingles(key.split(), GRAM)
        found = coverage.slots_covering(key)
        found += [
            slot
            for slot, own in zip(slots, slot_grams, strict=True)
            if own and len(own) < len(grams) and containment(own, grams) >= PART_CONTAINMENT
        ]
        for slot in found:
            slot.attested.add(source_id)
        if not found:
            out.append(LeftOut(source_id, text, "unplaced"))
    return out


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

    def share(self, key: str) -> float:
        """The share of the token trigrams of ``key`` that some slot holds."""
        grams = shingles(key.split(), GRAM)
        if not grams:
            return 0.0
        index = self._grams_index()
        return sum(1 for gram in grams if gram in index) / len(grams)

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
    """The wording most sources agree on, in its best-formed typography and its sources' script.

    Variants are grouped by normal form, which folds Traditional and Simplified
    Chinese together: the group with most sources wins, a tie goes to the longer
    wording (a truncated variant lost text), then to a group written in the
    sources' script, then to the richest source. Within the group, a variant in
    the script most of the sources use wins (:func:`_majority_script`), then the
    one with the fewest defects.
    """
    if len(variants) == 1:  # what the rest gives for one variant, without measuring it
        return _tidy(variants[0][1])
    variant_script = {text: han_variant(text) for _, text in variants}  # each text's script, once
    script = _majority_script({source_id: variant_script[text] for source_id, text in variants})

    def off_script(text: str) -> bool:
        return variant_script[text] not in (script, None)  # None: the text reads the same in both

    groups: dict[str, list[str]] = {}
    for _, text in variants:
        groups.setdefault(normal_form(text), []).append(text)
    # max() keeps the first of equals: the group of the source first in merge order
    # (the one whose paragraphs shaped the text).
    wording = max(
        groups,
        key=lambda key: (len(groups[key]), len(key.split()), not all(map(off_script, groups[key]))),
    )
    return _tidy(min(groups[wording], key=lambda text: (off_script(text), _defects(text))))


def _majority_script(scripts: dict[int, HanVariant | None]) -> HanVariant | None:
    """The Chinese script (Traditional or Simplified) most of the sources write this text in.

    Each source votes once, with the script of its own variant; a variant that
    reads the same in both scripts does not vote. A tie goes to the first source's
    script (the oldest, lowest id), so a Traditional republication beside its
    Simplified original does not change the canonical text. None when no variant
    tells. ``scripts`` is each source's variant's script, by source id.
    """
    votes = Counter(script for script in scripts.values() if script is not None)
    if not votes:
        return None
    ranked = votes.most_common()
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return next(script for _, script in sorted(scripts.items()) if script is not None)
    return ranked[0][0]


def _tidy(text: str) -> str:
    """Collapse whitespace runs and make punctuation between Chinese characters full width.

    Spaces between Chinese characters stay: rejoining hard wraps is the readers' job,
    and a space there is often meant (第一条 为了…, a headline's two clauses).
    """
    return fullwidth_punctuation(_SPACES.sub(" ", text).strip())
