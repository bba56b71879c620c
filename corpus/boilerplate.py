"""Boilerplate learned from the corpus: paragraphs that many unrelated documents share.

A licence block, a site's footer, a template's standard sentences: text that
repeats across documents says nothing about whether two sources are copies of one
document. Every paragraph a source attests is indexed by a key of its normal
form; a paragraph already found in ``COMMON_DOCUMENTS`` or more other documents is
common, and weighs nothing in a match (it stays in the canonical text: it may be
part of the document, it just cannot tell documents apart).
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable, Sequence

from corpus.normalise import normal_form

COMMON_DOCUMENTS = 3
# Lines shorter than this (in tokens) are not indexed: "推荐", "Share", a date are
# common everywhere, and too short to weigh much in a match anyway.
MIN_TOKENS = 4


def paragraph_key(text: str) -> int | None:
    """A signed 64-bit key of a paragraph's normal form, or None for a paragraph too short to index."""
    form = normal_form(text)
    if len(form.split()) < MIN_TOKENS:
        return None
    return int(struct.unpack("<q", hashlib.blake2b(form.encode("utf-8"), digest_size=8).digest())[0])


def paragraph_keys(texts: Iterable[str]) -> set[int]:
    return {key for key in map(paragraph_key, texts) if key is not None}


def without_common(texts: Sequence[str], common: set[int]) -> list[str]:
    """``texts`` minus common paragraphs; all of them if nothing else would be left."""
    if not common:
        return list(texts)
    kept = [t for t in texts if paragraph_key(t) not in common]
    return kept if any(normal_form(t) for t in kept) else list(texts)
