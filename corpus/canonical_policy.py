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

import hashlib
import json
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from corpus.align import GRAM, PART_CONTAINMENT, Link, align
from corpus.boilerplate import paragraph_key
from corpus.canonical import Canonical, CanonicalParagraph, LeftOut, SourceText
from corpus.hookspecs import hookimpl
from corpus.leftovers import PROSE_TOKENS, Candidate, judge
from corpus.normalise import normal_form
from corpus.shingle import containment, shingles
from corpus.text.scripts import UNSPACED_CLASS, HanVariant, han_variant
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
# A document's first sources are built together, the best-structured shaping the
# paragraphs; each later one is folded into what they built (see Build).
FIRST_SOURCES = 8
BUILD_FORMAT = 1

# Runs of ASCII whitespace are wrap artefacts; an ideographic space (U+3000, as after
# 第一条 in a law) is typography and stays.
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_LATIN_HYPHEN_WRAP = re.compile(r"[a-z]- [a-z]")
# A space between two characters of an unspaced script (each such pair once, overlapping).
_UNSPACED_GAP = re.compile(f"[{UNSPACED_CLASS}](?=\\s[{UNSPACED_CLASS}])")


@hookimpl(trylast=True)
def corpus_canonical_text(title: str | None, sources: Sequence[SourceText]) -> Canonical:
    return build_canonical(sources)


@dataclass(slots=True)
class _Slot:
    key: str
    variants: list[tuple[int, str]] = field(default_factory=list)
    attested: set[int] = field(default_factory=set)

    def add(self, source_id: int, text: str) -> None:
        self.variants.append((source_id, text))
        self.attested.add(source_id)

    def to_json(self) -> list[object]:
        wordings: dict[str, list[int]] = {}
        for source_id, text in self.variants:
            wordings.setdefault(text, []).append(source_id)
        return [self.key, list(wordings.items()), sorted(self.attested)]

    @classmethod
    def from_json(cls, item: list[Any]) -> _Slot:
        key, wordings, attested = item
        variants = [(int(source_id), text) for text, ids in wordings for source_id in ids]
        return cls(key, variants, {int(source_id) for source_id in attested})


_Content = tuple[int, list[str]]  # a source's id and its content paragraphs


def build_canonical(sources: Sequence[SourceText]) -> Canonical:
    """The canonical text of ``sources``, in the order they joined the document (oldest first).

    The first :data:`FIRST_SOURCES` are built together, the best-structured first;
    each later source is folded into what they built (:class:`Build`), as
    :class:`corpus.commit.Committer` does when one joins, so this gives the text
    the store holds.
    """
    return Build.of(sources).canonical()


@dataclass
class Build:
    """What building a document's canonical text keeps between its sources.

    Kept beside the canonical text in the store, so that a source joining a
    document with forty copies folds into it at the cost of one alignment against
    the text, not of rebuilding from forty sources. Every paragraph variant is kept
    (each distinct wording once, with the sources that have it), so votes on the
    wording and on leftovers come out as if every source were there.
    """

    title_key: str | None
    title: _Slot
    slots: list[_Slot]
    flat: set[int]  # the sources with a degenerate structure, which only attest
    unplaced: list[LeftOut]  # what of theirs matched nothing
    sizes: Counter[int]  # paragraph sizes in tokens over all sources, for what is giant
    common: set[int]  # paragraph keys other documents share too (SourceText.common)
    sources: list[int]  # the ids folded in, in order
    contents: int  # how many of them had content
    holders: Counter[int]  # prose paragraph (hashed normal form) → how many structured sources have it
    shaper: list[int]  # the prose paragraphs of the source that shaped the paragraphs
    titles: Counter[str]  # the sources' titles (normal forms), in the order first seen

    @classmethod
    def of(cls, sources: Sequence[SourceText], first: int = FIRST_SOURCES) -> Build:
        """The build of ``sources`` in the order they joined: the ``first`` together, then one by one.

        A later source better structured than the one that shaped the paragraphs
        makes a new start from all the sources so far (see :meth:`fold`).
        """
        build = cls.start(sources[:first])
        for n in range(first, len(sources)):
            if not build.fold(sources[n]):
                build = cls.start(sources[: n + 1])
        return build

    @classmethod
    def start(cls, sources: Sequence[SourceText]) -> Build:
        """Build from the first sources together: the best-structured shapes the paragraphs."""
        titles = Counter(normal_form(s.title) for s in sources if s.title and normal_form(s.title))
        title_key = _most_attested(titles)
        build = cls(title_key, _Slot(title_key or ""), [], set(), [], Counter(), set(), [], 0, Counter(), [], titles)
        contents = [build._content(source) for source in sources]
        structured, degenerate = _split_degenerate(contents, build.sizes)
        build.slots, shaper = _merge(structured)
        for _, texts in structured:
            build.holders.update(set(_prose(texts)))
        build.shaper = _prose(structured[shaper][1]) if structured else []
        for source_id, texts in degenerate:
            build._join(source_id, texts, degenerate=True)
        build.slots = [slot for slot in build.slots if slot.variants]
        return build

    def fold(self, source: SourceText) -> bool:
        """Let one more source join, aligned against the slots built so far.

        False (and the build is spent) when the source has more paragraphs that
        other sources split the same way than the source that shaped the slots
        (it would have shaped them, had it come first), or when its title makes
        another title the most attested: the caller then starts anew from all the
        sources. Copies of one rendering do neither, so the 40th copy costs what
        the 9th does.
        """
        if source.title and normal_form(source.title):
            self.titles[normal_form(source.title)] += 1
            if _most_attested(self.titles) != self.title_key:
                return False
        source_id, texts = self._content(source)
        degenerate = _is_degenerate([_size(p) for p in texts], self.sizes)
        if not degenerate:
            prose = _prose(texts)
            self.holders.update(set(prose))
            if _corroborated(prose, self.holders) > _corroborated(self.shaper, self.holders):
                return False
        self._join(source_id, texts, degenerate=degenerate)
        self.slots = [slot for slot in self.slots if slot.variants]
        return True

    def _content(self, source: SourceText) -> _Content:
        """A source's content paragraphs, its title (and a first paragraph repeating it) taken out."""
        self.sources.append(source.source_id)
        self.common |= source.common
        texts = [p for p in source.paragraphs if normal_form(p)]
        if self.title_key and source.title and normal_form(source.title) == self.title_key:
            self.title.add(source.source_id, source.title)
        # A reader that also kept the title as the first paragraph attests it there.
        if self.title_key and texts and normal_form(texts[0]) == self.title_key:
            self.title.add(source.source_id, texts.pop(0))
        self.contents += bool(texts)
        self.sizes.update(_size(p) for p in texts)
        return source.source_id, texts

    def _join(self, source_id: int, texts: list[str], *, degenerate: bool) -> None:
        if degenerate and _Coverage(self.slots).share(" ".join(map(normal_form, texts))) >= COVERED_SHARE:
            self.unplaced += _attest_only(self.slots, source_id, texts)
            self.flat.add(source_id)
        else:  # structured, or the others hold too little of it: its paragraphs are the ones there are
            self.slots = _merge_source(self.slots, source_id, texts)

    def canonical(self) -> Canonical:
        paragraphs, left_out = _judged(self.slots, self.contents, frozenset(self.flat), frozenset(self.common))
        canonical_title: str | None = None
        if self.title.variants:
            canonical_title = _best_variant(self.title.variants)
            paragraphs.insert(0, CanonicalParagraph(canonical_title, tuple(sorted(self.title.attested))))
        return Canonical(canonical_title, tuple(paragraphs), tuple(left_out + self.unplaced))

    # -- kept in the store -------------------------------------------------------------
    def to_bytes(self) -> bytes:
        state = {
            "version": BUILD_FORMAT,
            "title_key": self.title_key,
            "title": self.title.to_json(),
            "slots": [slot.to_json() for slot in self.slots],
            "flat": sorted(self.flat),
            "unplaced": [[u.source_id, u.text, u.reason] for u in self.unplaced],
            "sizes": sorted(self.sizes.items()),
            "common": sorted(self.common),
            "sources": self.sources,
            "contents": self.contents,
            "holders": sorted(self.holders.items()),
            "shaper": self.shaper,
            "titles": list(self.titles.items()),
        }
        return zlib.compress(json.dumps(state, ensure_ascii=False, separators=(",", ":")).encode(), 1)

    @classmethod
    def from_bytes(cls, data: bytes) -> Build | None:
        """The build kept in the store; None when it cannot be read as this format (rebuild then)."""
        try:
            state = json.loads(zlib.decompress(data))
            if state.get("version") != BUILD_FORMAT:
                return None
            return cls(
                state["title_key"],
                _Slot.from_json(state["title"]),
                [_Slot.from_json(slot) for slot in state["slots"]],
                set(state["flat"]),
                [LeftOut(int(sid), text, reason) for sid, text, reason in state["unplaced"]],
                Counter({int(size): int(n) for size, n in state["sizes"]}),
                set(state["common"]),
                [int(s) for s in state["sources"]],
                int(state["contents"]),
                Counter({int(key): int(n) for key, n in state["holders"]}),
                [int(key) for key in state["shaper"]],
                Counter({str(title): int(n) for title, n in state["titles"]}),
            )
        except (zlib.error, ValueError, KeyError, TypeError, AttributeError):
            return None


def _size(paragraph: str) -> int:
    """A paragraph's length in tokens (counted without a list of them: a paragraph may be a whole book)."""
    form = normal_form(paragraph)
    return form.count(" ") + 1 if form else 0


def _prose(paragraphs: list[str]) -> list[int]:
    """The prose paragraphs (PROSE_TOKENS or more) of a source, as 64-bit keys of their normal forms."""
    forms = (normal_form(p) for p in paragraphs)
    return [_form_key(form) for form in forms if form.count(" ") + 1 >= PROSE_TOKENS]


def _form_key(form: str) -> int:
    return int.from_bytes(hashlib.blake2b(form.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def _corroborated(prose: list[int], holders: Counter[int]) -> int:
    """How many of these prose paragraphs some other source has too, split the same way."""
    return sum(1 for key in prose if holders[key] > 1)


def _judged(
    slots: list[_Slot], source_count: int, flat: frozenset[int], common: frozenset[int]
) -> tuple[list[CanonicalParagraph], list[LeftOut]]:
    """The slots that are content, as canonical paragraphs, and each source's variants of the others, left out."""
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


def _most_attested(titles: Counter[str]) -> str | None:
    """The title most sources have (normal forms counted); a tie goes to the oldest source's."""
    # most_common keeps first-seen order among ties.
    return titles.most_common(1)[0][0] if titles else None


def _split_degenerate(contents: list[_Content], sizes: Counter[int]) -> tuple[list[_Content], list[_Content]]:
    """The sources with a paragraph structure, and those whose text is mostly giant paragraphs.

    A giant paragraph is measured against the document's typical paragraph, pooled
    over all its sources (``sizes``: how many paragraphs of each size in tokens):
    one source's one paragraph says nothing when it is the only source, and a long
    paragraph of a law is not giant beside its neighbours.
    """
    structured: list[_Content] = []
    degenerate: list[_Content] = []
    for content in contents:
        source = [_size(p) for p in content[1]]
        (degenerate if _is_degenerate(source, sizes) else structured).append(content)
    return (structured, degenerate) if structured else (contents, [])


def _is_degenerate(source: list[int], sizes: Counter[int]) -> bool:
    """Do a source's giant paragraphs hold most of its text? ``source``: its paragraphs' sizes."""
    if not sizes:
        return False
    giant = max(GIANT_TOKENS, GIANT_FACTOR * _median(sizes))
    big = sum(n for n in source if n >= giant)
    return bool(big) and big >= DEGENERATE_SHARE * sum(source)


def _median(counts: Counter[int]) -> float:
    """The median of the values counted in ``counts`` (value → how many), as statistics.median gives."""
    total = sum(counts.values())
    values = sorted(counts)
    low = high = None
    seen = 0
    for value in values:
        seen += counts[value]
        if low is None and seen >= (total + 1) // 2:
            low = value
        if seen >= total // 2 + 1:
            high = value
            break
    assert low is not None and high is not None
    return low if total % 2 else (low + high) / 2


def _merge(contents: list[_Content]) -> tuple[list[_Slot], int]:
    """Align every source against the slots built so far, the best-structured source first.

    The first source shapes the paragraphs: the others' paragraphs land in its
    slots or between them. The best-structured source is the one with the most
    paragraphs that some other source also has as a paragraph of its own (split
    the same way, so not merged by a reader nor cut by a page break); short
    lines do not count, as menus repeat across copies too. Then the richest.
    Returns the slots and the index in ``contents`` of the source that shaped them.
    """
    keys = [[normal_form(p) for p in texts] for _, texts in contents]
    holders: Counter[str] = Counter(key for source in keys for key in set(source))

    def corroborated(k: int) -> int:
        return sum(1 for key in keys[k] if holders[key] > 1 and key.count(" ") + 1 >= PROSE_TOKENS)

    order = sorted(range(len(contents)), key=lambda k: (-corroborated(k), -sum(len(key) for key in keys[k])))
    slots: list[_Slot] = []
    for k in order:
        slots = _merge_source(slots, *contents[k])
    return slots, order[0] if order else 0


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
    wraps = text.count("\n") + len(_LATIN_HYPHEN_WRAP.findall(text)) + len(_UNSPACED_GAP.findall(text))
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
        return tidy(variants[0][1])
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
    # dict.fromkeys: each distinct wording measured once (forty copies mostly agree), first seen first.
    return tidy(min(dict.fromkeys(groups[wording]), key=lambda text: (off_script(text), _defects(text))))


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


def tidy(text: str) -> str:
    """Collapse whitespace runs and make punctuation between Chinese characters full width.

    Spaces between Chinese characters stay: rejoining hard wraps is the readers' job,
    and a space there is often meant (第一条 为了…, a headline's two clauses).
    """
    return fullwidth_punctuation(_SPACES.sub(" ", text).strip())
