"""Fingerprints of a text: shingles, a datasketch MinHash, LSH band keys, an exact key.

The settings are part of the store: signatures made with other settings are not
comparable, so a store remembers the settings it was built with and refuses others
(:class:`corpus.SettingsMismatchError`).
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING

from corpus import normalise
from corpus.errors import SettingsError
from corpus.shingle import shingles

if TYPE_CHECKING:
    # datasketch pulls in scipy (half a second): imported only where a signature is made.
    from datasketch import LeanMinHash


@dataclass(frozen=True)
class FingerprintSettings:
    """Everything that changes a fingerprint; stored in the store's settings table."""

    normaliser: str = normalise.NORMALISER_VERSION
    shingle_size: int = 5
    num_perm: int = 256
    seed: int = 1
    scheme: str = "affine32"  # datasketch permutation scheme, pinned
    # 85 bands of 3 rows: a pair with Jaccard 0.44 (two versions of a law) becomes a
    # candidate with probability 0.9995, one with 0.2 about half the time; every
    # candidate is verified, so recall is what the index must give.
    bands: int = 85
    rows: int = 3
    # Below this many shingles a MinHash estimate is too coarse to trust; such texts
    # are matched exactly on their normal form instead.
    min_shingles: int = 30

    def __post_init__(self) -> None:
        if self.bands * self.rows > self.num_perm:
            raise SettingsError(
                f"fingerprint settings: bands × rows must not exceed num_perm, got "
                f"{self.bands}×{self.rows} > {self.num_perm}; lower bands or rows, or raise num_perm"
            )

    def to_strings(self) -> dict[str, str]:
        return {k: str(v) for k, v in asdict(self).items()}

    @classmethod
    def from_strings(cls, values: Mapping[str, str]) -> FingerprintSettings:
        kwargs: dict[str, object] = {}
        for f in fields(cls):
            if f.name in values:
                raw = values[f.name]
                kwargs[f.name] = int(raw) if f.type in ("int", int) else raw
        return cls(**kwargs)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Fingerprint:
    """What matching needs to know about one text."""

    tokens: tuple[str, ...]  # the normalised token stream, for alignment
    shingles: frozenset[str]
    exact_key: str
    is_short: bool  # too few shingles for MinHash: matched exactly on the normal form
    minhash: LeanMinHash | None = None  # only when asked for, never for a short text


def fingerprint(paragraphs: Sequence[str], settings: FingerprintSettings, *, signature: bool = False) -> Fingerprint:
    """Fingerprint a text given as paragraphs (title included when it is content).

    ``signature`` also computes the MinHash, which only the index needs; comparing
    two texts uses the real shingles.
    """
    toks: list[str] = []
    for paragraph in paragraphs:
        toks.extend(normalise.tokens(paragraph))
    shingle_set = frozenset(shingles(toks, settings.shingle_size))
    exact_key = hashlib.sha256(" ".join(toks).encode("utf-8")).hexdigest()
    short = len(shingle_set) < settings.min_shingles
    minhash: LeanMinHash | None = None
    if signature and not short:
        from datasketch import LeanMinHash, MinHash

        m = MinHash(num_perm=settings.num_perm, seed=settings.seed, scheme=settings.scheme)
        m.update_batch([s.encode("utf-8") for s in shingle_set])
        minhash = LeanMinHash(m)
    return Fingerprint(tuple(toks), shingle_set, exact_key, short, minhash)


def fingerprint_source(
    title: str | None, paragraphs: Sequence[str], settings: FingerprintSettings, *, signature: bool = False
) -> Fingerprint:
    """A source's fingerprint covers its title too, as the canonical text does."""
    return fingerprint(([title] if title else []) + list(paragraphs), settings, signature=signature)


def band_keys(minhash: LeanMinHash, settings: FingerprintSettings) -> list[int]:
    """One signed 64-bit key per LSH band: (band index, that band's hash values) hashed.

    Stored in one indexed column, so finding candidates is one indexed lookup per band.
    """
    values = minhash.hashvalues
    keys: list[int] = []
    for band in range(settings.bands):
        chunk = values[band * settings.rows : (band + 1) * settings.rows]
        digest = hashlib.blake2b(struct.pack("<I", band) + chunk.tobytes(), digest_size=8).digest()
        keys.append(struct.unpack("<q", digest)[0])
    return keys


def serialise(minhash: LeanMinHash) -> bytes:
    buf = bytearray(minhash.bytesize())
    minhash.serialize(buf)
    return bytes(buf)
