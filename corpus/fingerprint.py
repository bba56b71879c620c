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
from itertools import chain
from typing import TYPE_CHECKING, Protocol

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


class Shingled(Protocol):
    """What comparing a text with another needs (:func:`corpus.match.compare`).

    A :class:`Fingerprint` is one; so is a canonical text's row in the store
    (:class:`corpus.store_shingles.StoredShingles`), whose tokens are made only when
    an alignment needs them.
    """

    @property
    def hashes(self) -> bytes: ...
    @property
    def exact_key(self) -> str: ...
    @property
    def is_short(self) -> bool: ...
    @property
    def shingle_count(self) -> int: ...
    @property
    def tokens(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Fingerprint:
    """What matching needs to know about one text; small and picklable (it crosses processes).

    The shingles are kept as their hashes (the store's hash function, as the MinHash
    takes them): 4 bytes a shingle, where a set of strings would take some 80, and a
    long text has millions. Two texts' shingle overlap is measured on them; two
    distinct shingles of two ordinary texts share a 32-bit hash about once in a
    hundred pairs of documents, which moves a similarity by less than 0.0001.
    """

    tokens: tuple[str, ...]  # the normalised token stream, for alignment
    hashes: bytes  # the shingles' 32-bit hashes, distinct, sorted, little-endian uint32
    exact_key: str
    is_short: bool  # too few shingles for MinHash: matched exactly on the normal form
    # The MinHash signature, only when asked for, never for a short text;
    # ``minhash.to_leanminhash()`` gives it as a datasketch LeanMinHash.
    minhash: Signature | None = None
    shingle_size: int = 5
    # How many tokens each paragraph fingerprinted gave (``tokens`` is them end to end).
    paragraph_sizes: tuple[int, ...] = ()

    @property
    def shingle_count(self) -> int:
        """How many distinct shingles the text has."""
        return len(self.hashes) // 4

    @property
    def shingles(self) -> frozenset[str]:
        """The shingles themselves, made again from the tokens (to hand them to datasketch, say)."""
        return frozenset(shingles(self.tokens, self.shingle_size))


def fingerprint(paragraphs: Sequence[str], settings: FingerprintSettings, *, signature: bool = False) -> Fingerprint:
    """Fingerprint a text given as paragraphs (title included when it is content).

    ``signature`` also computes the MinHash, which only the index needs; comparing
    two texts uses the real shingles.
    """
    from corpus import minhash as mh  # numpy: imported by the first fingerprint, not by this module

    per_paragraph = [normalise.token_tuple(paragraph) for paragraph in paragraphs]
    toks = tuple(chain.from_iterable(per_paragraph))
    size = settings.shingle_size
    # Never a set of all the shingles: hashed in the joined tokens (C kernel), or one string at a time.
    hashes = mh.distinct_shingle_hashes(toks, size, settings.hash_function)
    # The SHA-256 of all tokens joined by spaces, a paragraph at a time (never the whole text as one string).
    exact = hashlib.sha256()
    for n, paragraph in enumerate(p for p in per_paragraph if p):
        exact.update(((" " if n else "") + " ".join(paragraph)).encode("utf-8"))
    short = len(hashes) < settings.min_shingles
    minhash: Signature | None = None
    if signature and not short:
        minhash = mh.signature_of(hashes, num_perm=settings.num_perm, seed=settings.seed)
    sizes = tuple(map(len, per_paragraph))
    return Fingerprint(toks, mh.to_bytes(hashes), exact.hexdigest(), short, minhash, size, sizes)


def fingerprint_source(
    title: str | None, paragraphs: Sequence[str], settings: FingerprintSettings, *, signature: bool = False
) -> Fingerprint:
    """A source's fingerprint covers its title too, as the canonical text does."""
    return fingerprint(source_paragraphs(title, paragraphs), settings, signature=signature)


def source_paragraphs(title: str | None, paragraphs: Sequence[str]) -> list[str]:
    """What a source's fingerprint covers: its title (when it has one), then its paragraphs."""
    return ([title] if title else []) + list(paragraphs)


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
