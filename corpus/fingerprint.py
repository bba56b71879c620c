"""Fingerprints of a text: shingles, a MinHash signature, LSH band keys, an exact key.

The settings are part of the store: signatures made with other settings are not
comparable, so a store remembers the settings it was built with and refuses others
(:class:`corpus.SettingsMismatchError`).

Signatures are datasketch MinHashes (scheme ``affine32``) computed by
:mod:`corpus.minhash` with numpy; datasketch itself is imported only to hand a user a
``datasketch.LeanMinHash`` (:meth:`corpus.minhash.Signature.to_leanminhash`).
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
    # numpy is imported with the first signature, not with this module.
    from corpus.minhash import Signature

# The hash function of new stores: xxHash32, several times faster than SHA-1 per shingle.
DEFAULT_HASHFUNC = "xxh32"
# The hash functions a store may name: corpus.minhash.HASHFUNCS, named here without importing numpy.
HASH_FUNCTIONS = ("sha1", "xxh32")
# What a setting meant in the stores written before it existed: they hashed with SHA-1.
_BEFORE_IT_EXISTED = {"hashfunc": "sha1"}


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
    # The 32-bit hash of a shingle's UTF-8 bytes that the permutations act on: "sha1"
    # (datasketch's default) or "xxh32". Both stay supported, so None means "the
    # store's own": a store keeps the one it was built with, a new store gets
    # DEFAULT_HASHFUNC. Naming one asks for exactly that one.
    hashfunc: str | None = None

    def __post_init__(self) -> None:
        if self.bands * self.rows > self.num_perm:
            raise SettingsError(
                f"fingerprint settings: bands × rows must not exceed num_perm, got "
                f"{self.bands}×{self.rows} > {self.num_perm}; lower bands or rows, or raise num_perm"
            )
        if self.hashfunc is not None and self.hashfunc not in HASH_FUNCTIONS:
            raise SettingsError(
                f"fingerprint settings: unknown hash function {self.hashfunc!r}; use one of {', '.join(HASH_FUNCTIONS)}"
            )

    @property
    def hash_function(self) -> str:
        """The hash function signatures are made with: ``hashfunc``, or the default when that is None."""
        return self.hashfunc or DEFAULT_HASHFUNC

    def to_strings(self) -> dict[str, str]:
        values = {k: str(v) for k, v in asdict(self).items()}
        values["hashfunc"] = self.hash_function
        return values

    @classmethod
    def from_strings(cls, values: Mapping[str, str]) -> FingerprintSettings:
        """Settings as a store's settings table has them; a key it lacks means what it did before it existed."""
        values = {**_BEFORE_IT_EXISTED, **values}
        kwargs: dict[str, object] = {}
        for f in fields(cls):
            if f.name in values:
                raw = values[f.name]
                kwargs[f.name] = int(raw) if f.type in ("int", int) else raw
        return cls(**kwargs)  # type: ignore[arg-type]

    def mismatches(self, stored: Mapping[str, str]) -> dict[str, tuple[str | None, str]]:
        """The settings a store's settings table disagrees with, each as (the store's, asked for).

        A key the table lacks means what it did before the setting existed; the hash
        function is compared only when one was asked for (``hashfunc`` not None).
        """
        have = {**_BEFORE_IT_EXISTED, **stored}
        wanted = self.to_strings()
        if self.hashfunc is None:
            del wanted["hashfunc"]
        return {k: (have.get(k), v) for k, v in wanted.items() if have.get(k) != v}


@dataclass(frozen=True)
class Fingerprint:
    """What matching needs to know about one text; small and picklable (it crosses processes)."""

    tokens: tuple[str, ...]  # the normalised token stream, for alignment
    shingles: frozenset[str]
    exact_key: str
    is_short: bool  # too few shingles for MinHash: matched exactly on the normal form
    # The MinHash signature, only when asked for, never for a short text;
    # ``minhash.to_leanminhash()`` gives it as a datasketch LeanMinHash.
    minhash: Signature | None = None


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
    minhash: Signature | None = None
    if signature and not short:
        from corpus import minhash as mh

        minhash = mh.signature(
            shingle_set, num_perm=settings.num_perm, seed=settings.seed, hashfunc=settings.hash_function
        )
    return Fingerprint(tuple(toks), shingle_set, exact_key, short, minhash)


def fingerprint_source(
    title: str | None, paragraphs: Sequence[str], settings: FingerprintSettings, *, signature: bool = False
) -> Fingerprint:
    """A source's fingerprint covers its title too, as the canonical text does."""
    return fingerprint(([title] if title else []) + list(paragraphs), settings, signature=signature)


def band_keys(minhash: Signature, settings: FingerprintSettings) -> list[int]:
    """One signed 64-bit key per LSH band: (band index, that band's hash values) hashed.

    Stored in one indexed column, so finding candidates is one indexed lookup per band.
    A band's values are hashed as little-endian uint32: on every machine the bytes that
    the datasketch code path hashed on a little-endian one, so old stores' keys still match.
    """
    values, width = minhash.values, 4 * settings.rows
    keys: list[int] = []
    for band in range(settings.bands):
        chunk = values[band * width : (band + 1) * width]
        digest = hashlib.blake2b(struct.pack("<I", band) + chunk, digest_size=8).digest()
        keys.append(struct.unpack("<q", digest)[0])
    return keys


def serialise(minhash: Signature) -> bytes:
    """The signature in datasketch's LeanMinHash byte format (``LeanMinHash.deserialize`` reads it)."""
    return minhash.serialise()
