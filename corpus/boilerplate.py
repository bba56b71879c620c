"""Paragraph keys: which documents attest a paragraph, word for word.

Every paragraph a source attests is indexed by a key of its normal form. The index
finds candidates a MinHash band may miss (two versions of a law share most of their
articles verbatim even when an amendment moves their shingle sets apart), and tells
a paragraph that many documents share (a licence block, a site's footer, a
template's standard sentence) from one that identifies a document: a paragraph in
more than ``COMMON_DOCUMENTS_MAX`` documents is common, and says nothing about which
document a source belongs to. Shared text never decides a match on its own: copies
and versions are decided on the whole text (:mod:`corpus.match`).
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable

from corpus.normalise import normal_form

# A paragraph found in more documents than this is common: it finds no candidates.
COMMON_DOCUMENTS_MAX = 20
# A document is a candidate when it attests this share of the source's paragraphs (two at least).
CANDIDATE_SHARE = 0.3
# Lines shorter than this (in tokens) are not indexed: "推荐", "Share", a date are
# common everywhere, and too short to weigh much in a match anyway.
MIN_TOKENS = 4


def paragraph_key(text: str) -> int | None:
    """A signed 64-bit key of a paragraph's normal form, or None for a paragraph too short to index."""
    form = normal_form(text)
    if not form or form.count(" ") + 1 < MIN_TOKENS:  # tokens counted without a list of them
        return None
    return int(struct.unpack("<q", hashlib.blake2b(form.encode("utf-8"), digest_size=8).digest())[0])


def paragraph_keys(texts: Iterable[str]) -> set[int]:
    """The keys of the paragraphs long enough to index."""
    return {key for key in map(paragraph_key, texts) if key is not None}
