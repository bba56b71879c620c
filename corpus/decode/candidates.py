"""Candidates: the encodings worth trying, decoded on the sample and ranked by naturalness.

Every plausible legacy encoding family (each with a small prior: how much rarer
it is in the wild than the commonest one for its script), plus chardet's top
proposals, is decoded on the sample. Families that give the same text are one
candidate, each distinct text is scored once by the naturalness model, a cheap
lower bound prunes the junk before the full scoring, and a long sample is first
scored on its head. chardet is imported here, and only when a guess is needed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from corpus.decode.codec_names import normalise_encoding
from corpus.decode.naturalness import _Reading
from corpus.decode.not_text import _too_many_controls
from corpus.decode.sampling import _SAMPLE_BYTES, _decode_sample, _head, _Sample, _sample, _shortened

# (codecs tried in order, prior cost in bits: how much rarer the encoding is in
# the wild than the commonest one for its script). Priors only break near-ties.
_CANDIDATES: tuple[tuple[tuple[str, ...], float], ...] = (
    (("gb18030",), 0.0),
    (("big5", "cp950", "big5hkscs"), 0.0),
    (("shift_jis", "cp932"), 0.0),
    (("euc_jp", "euc_jis_2004"), 0.0),
    (("euc_kr", "cp949"), 0.0),
    (("johab",), 4.0),
    (("cp1252", "iso8859-1"), 0.0),
    (("iso8859-15",), 1.0),
    (("mac-roman",), 3.0),
    (("cp437",), 4.0),
    (("cp850",), 4.0),
    (("cp1250",), 0.0),
    (("iso8859-2",), 0.0),
    (("cp852",), 3.0),
    (("mac-latin2",), 4.0),
    (("cp1257",), 2.0),
    (("iso8859-13",), 2.0),
    (("iso8859-4",), 3.0),
    (("cp1254", "iso8859-9"), 0.0),
    (("cp1258",), 3.0),
    (("cp1251",), 0.0),
    (("koi8-r",), 1.0),
    (("koi8-u",), 2.0),
    (("iso8859-5",), 2.0),
    (("cp866",), 2.0),
    (("cp855",), 3.0),
    (("mac-cyrillic",), 3.0),
    (("kz1048",), 6.0),
    (("cp1253",), 0.0),
    (("iso8859-7",), 0.0),
    (("mac-greek",), 4.0),
    (("cp737",), 4.0),
    (("cp1255",), 0.0),
    (("iso8859-8",), 1.0),
    (("cp862",), 3.0),
    (("cp1256",), 0.0),
    (("iso8859-6",), 1.0),
    (("cp720",), 4.0),
    (("cp864",), 5.0),
    (("cp874", "tis-620"), 0.0),
)
_EBCDIC: tuple[tuple[tuple[str, ...], float], ...] = (
    (("cp500",), 2.0),
    (("cp037",), 2.0),
    (("cp1140",), 3.0),
    (("cp424",), 3.0),
    (("cp875",), 4.0),
    (("cp1026",), 4.0),
    (("cp273",), 4.0),
)
_WIDE: tuple[tuple[tuple[str, ...], float], ...] = (
    (("utf-16-le",), 6.0),
    (("utf-16-be",), 6.0),
)
_OTHER_PRIOR = 4.0  # an encoding only chardet proposed
_CHARDET_WEIGHT = 4.0  # bits of evidence chardet's confidence is worth
_CHARDET_TOP = 5  # chardet's proposals considered (its tail is noise)


@dataclass(frozen=True)
class _Candidate:
    codecs: tuple[str, ...]
    text: str  # the sample, decoded
    cost: float  # bits; lower is more natural
    per_char: float
    group: list[tuple[str, ...]]  # every family that decoded the sample to this text


def _chardet_votes(sample: bytes) -> dict[str, float]:
    # Imported here: every CLI command imports this module, few decode a legacy encoding.
    import chardet

    votes: dict[str, float] = {}
    for result in chardet.detect_all(sample, ignore_threshold=True)[:_CHARDET_TOP]:
        label = result.get("encoding")
        name = normalise_encoding(label) if isinstance(label, str) else None
        if name is not None and name not in votes:
            votes[name] = float(result.get("confidence") or 0.0)
    return votes


def _ranked(data: bytes, *, ebcdic: bool = False, wide_only: bool = False) -> list[_Candidate]:
    """Every candidate that decodes the sample, cheapest (most natural) first.

    Candidates whose decodings of the sample are identical are one candidate (the
    commonest encoding's name is kept): ISO-8859-15 and Windows-1252 read most
    French the same, and telling them apart there is neither possible nor needed.
    A long sample is first scored on its head, and only the best few candidates
    on the whole of it.
    """
    families: list[tuple[tuple[str, ...], float]]
    sample = _head(data) if wide_only or ebcdic else _sample(data)
    if wide_only:
        families, votes = list(_WIDE), {}
    else:
        # EBCDIC-looking bytes may still be ASCII or UTF-8 text with many "@".
        families = [*(((("utf-8",), 0.0), *_EBCDIC) if ebcdic else ()), *_CANDIDATES]
        if len(data) % 2 == 0 and len(data) <= _SAMPLE_BYTES and not data.isascii():
            # Longer UTF-16 without a BOM has NULs (newlines, spaces) and is
            # handled by _decode_with_nuls.
            families.extend(_WIDE)
        votes = _chardet_votes(b"\n".join(sample))
        known = {name for family, _ in families for name in family}
        extra = [name for name in votes if name not in known and name not in _UNWANTED]
        families.extend(((name,), _OTHER_PRIOR) for name in extra)
    families.sort(key=lambda family: family[1])
    if sum(map(len, sample)) > 2 * _QUICK_BYTES:
        heats = _score(families, _shortened(sample, _QUICK_BYTES), votes)
        finalists = [family for candidate in heats[:_FINALISTS] for family in candidate.group]
        families = [family for family in families if family[0] in finalists]
    return _score(families, sample, votes)


_QUICK_BYTES = 1024
_FINALISTS = 5


def _score(families: list[tuple[tuple[str, ...], float]], sample: _Sample, votes: dict[str, float]) -> list[_Candidate]:
    """Rank the families' readings of the sample, cheapest first.

    Each distinct text is scored once. Texts are visited from the cheapest
    near-lower bound up, and the full (slower) scoring stops once a bound is
    _PRUNE_MARGIN bits worse than the best full cost: most of the fifty readings
    of a page are junk that the bound alone rules out. Pruned readings stay at
    the end of the ranking (by bound), in case the better ones fail to decode
    the whole data.
    """
    readings: dict[str, _Reading] = {}
    entries: list[tuple[float, tuple[str, ...], str, float, _Reading]] = []
    groups: dict[str, list[tuple[str, ...]]] = {}
    for family, prior in families:
        for encoding in family:
            text = _decode_sample(sample, encoding)
            if text is None:
                continue
            if text not in readings:
                if _too_many_controls(text):
                    break
                readings[text] = _Reading(text)
            reading = readings[text]
            vote = max((votes.get(name, 0.0) for name in family), default=0.0)
            adjust = prior - _CHARDET_WEIGHT * vote
            entries.append((reading.bound + adjust, family, encoding, adjust, reading))
            groups.setdefault(text, []).append(family)
            break
    entries.sort(key=lambda entry: entry[0])
    by_text: dict[str, _Candidate] = {}
    pruned: dict[str, _Candidate] = {}
    best = math.inf
    for bound, family, encoding, adjust, reading in entries:
        text = reading.text
        if bound > best + _PRUNE_MARGIN:
            if text not in by_text and text not in pruned:
                pruned[text] = _Candidate(family, text, bound, math.nan, groups[text])
            continue
        cost = reading.cost(encoding) + adjust
        best = min(best, cost)
        known = by_text.get(text)
        if known is None or cost < known.cost:
            by_text[text] = _Candidate(family, text, cost, cost / max(1, len(text)), groups[text])
    ranked = sorted(by_text.values(), key=lambda c: c.cost)
    return ranked + [c for text, c in pruned.items() if text not in by_text]


_PRUNE_MARGIN = 30.0


# Encodings chardet may name that are never a sensible reading of a source here.
_UNWANTED = frozenset({"ascii", "utf-8", "utf-16", "utf-32", "utf-7", "hz"})


def _cost_of(sample: _Sample, encoding: str) -> float:
    text = _decode_sample(sample, encoding)
    return math.inf if text is None else _Reading(text).cost(encoding)
