"""MinHash signatures computed with numpy, value for value what datasketch computes.

A signature of a set of shingles is exactly what

    MinHash(num_perm, seed, scheme="affine32", hashfunc=hash_function(name))
    .update_batch([s.encode("utf-8") for s in shingles])

gives in datasketch 2, but without importing datasketch (which pulls in scipy: half a
second of start-up) and without its per-shingle Python work: each shingle is hashed
once, then every permutation is applied to every hash in a few array operations.
datasketch's ``affine32`` scheme is pinned: the hash is mixed once by the 32-bit
MurmurHash3 finalizer, then permutation ``k`` maps it to ``a[k] * h + b[k] mod 2**32``
(uint32 arithmetic, whose wraparound is the modulo), and the signature keeps the least
value per permutation. The permutations ``(a, b)`` are drawn as datasketch draws them
from ``numpy.random.RandomState(seed)``.

A :class:`Signature` is a small frozen value (seed and hash values as bytes): cheap to
pickle across processes, and turned into a real ``datasketch.LeanMinHash`` with
:meth:`Signature.to_leanminhash` for a user who wants to query it with datasketch.
:meth:`Signature.serialise` writes LeanMinHash's own byte format, so
``datasketch.LeanMinHash.deserialize`` reads a stored signature back.

The per-shingle work (xxh32 of each shingle, the minimum per permutation) is done by the C
extension ``corpus._minhash`` when it is built, with the same values: from tokens to
signature (a fingerprint's path, distinct sorted hashes kept) about 12 times faster than the
numpy code, 1.3 to 1.6 times rensa's time per document; from the shingle strings, as rensa is
given them (:func:`signature` of a list, tuple or set), 0.85 to 1.05 times rensa's time
(benchmarks/results/signatures.md). Without it (no compiler at install, or
``CORPUS_NO_KERNEL=1`` in the environment at import) the numpy code below computes them.
SHA-1 (old stores) is always hashed in Python.
"""

from __future__ import annotations

import hashlib
import os
import struct
import sys
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import xxhash

from corpus.errors import SettingsError
from corpus.shingle import iter_shingles

if TYPE_CHECKING:
    from datasketch import LeanMinHash


def _load_kernel() -> ModuleType | None:
    """The C kernel ``corpus._minhash``, or None when it is not built or ``CORPUS_NO_KERNEL`` is set (not "0")."""
    if os.environ.get("CORPUS_NO_KERNEL", "") not in ("", "0"):
        return None
    try:
        from corpus import _minhash
    except ImportError:
        return None
    # A kernel built from an older corpus/_minhash.c (an editable install not built again) lacks
    # what this code calls: the numpy code does it all then, rather than failing every add.
    if not all(hasattr(_minhash, name) for name in _KERNEL_FUNCTIONS):
        return None
    return _minhash


_KERNEL_FUNCTIONS = ("shingle_hashes", "distinct_shingle_hashes", "string_hashes", "minhash", "shared_count")


# The C kernel in use, or None for the numpy code; tests set it to None to test that code.
_kernel = _load_kernel()

SCHEME = "affine32"
# The scheme's code in LeanMinHash's byte format (datasketch.minhash._SCHEME_CODES).
_SCHEME_CODE = 1
# seed, negated number of values (negative: the post-2.0 format), scheme code, padding
# to align the values: the head of LeanMinHash.serialize's native "@qiB%dI" layout.
_HEAD = struct.Struct("@qiB0I")
_MAX = np.uint32(0xFFFFFFFF)
# Permutations × shingles computed per block: 512 KiB of uint32, so the products stay
# in the core's cache between the multiply, the add and the minimum.
_BLOCK = 1 << 17
# Below this many shingles numpy's buffering is the faster way through a row.
_SHORT_ROWS = 256

Hashes = npt.NDArray[np.uint32]

# Tokens the kernel hashes in one call: a long text goes in windows of this many, so that
# what the kernel holds for it (UTF-8 and offsets, some 12 bytes a token) stays near 3 MB.
_WINDOW_TOKENS = 1 << 18

# The collections of shingles the kernel hashes in C (``_kernel.string_hashes``): it reads their
# items in place, where another iterable would first be made a list.
_KERNEL_COLLECTIONS = (list, tuple, set, frozenset)


def sha1_hash32(data: bytes) -> int:
    """The first 4 bytes of SHA-1, little-endian: datasketch's default ``sha1_hash32``."""
    return int.from_bytes(hashlib.sha1(data).digest()[:4], "little")


def xxh32_hash32(data: bytes) -> int:
    """xxHash32 with seed 0 (``xxhash.xxh32_intdigest``): 4 to 10 times faster than SHA-1 on a shingle."""
    return xxhash.xxh32_intdigest(data)


# The hash functions a signature can be made with, by the name the store records.
# Each takes a shingle's UTF-8 bytes, as datasketch's ``hashfunc`` does.
HASHFUNCS: Mapping[str, Callable[[bytes], int]] = {"sha1": sha1_hash32, "xxh32": xxh32_hash32}


def hash_function(name: str) -> Callable[[bytes], int]:
    """The hash function ``name`` (``"sha1"`` or ``"xxh32"``), to pass to ``datasketch.MinHash(hashfunc=…)``.

    Example, comparing a text with a stored signature in datasketch::

        m = MinHash(num_perm=256, seed=1, scheme="affine32", hashfunc=hash_function("xxh32"))
        m.update_batch([s.encode("utf-8") for s in fingerprint.shingles])
        m.jaccard(signature.to_leanminhash())
    """
    if name not in HASHFUNCS:
        raise unknown_hash_function(name)
    return HASHFUNCS[name]


def unknown_hash_function(name: str) -> SettingsError:
    return SettingsError(
        f"fingerprint settings: unknown hash function {name!r}; use one of {', '.join(sorted(HASHFUNCS))}"
    )


@dataclass(frozen=True)
class Signature:
    """A MinHash signature: the seed of its permutations and its hash values.

    ``values`` holds the hash values as little-endian uint32, one per permutation.
    """

    seed: int
    values: bytes
    scheme: str = SCHEME

    def __post_init__(self) -> None:
        if self.scheme != SCHEME:
            raise ValueError(f"signature: only the {SCHEME!r} scheme is supported, got {self.scheme!r}")
        if not self.values or len(self.values) % 4:
            raise ValueError(f"signature: hash values must be a non-empty run of uint32, got {len(self.values)} bytes")

    def __len__(self) -> int:
        return len(self.values) // 4

    @property
    def hashvalues(self) -> Hashes:
        """The hash values as a uint32 array, as ``LeanMinHash.hashvalues`` holds them."""
        return np.frombuffer(self.values, dtype="<u4").astype(np.uint32, copy=False)

    def to_leanminhash(self) -> LeanMinHash:
        """This signature as a ``datasketch.LeanMinHash`` (imports datasketch)."""
        from datasketch import LeanMinHash

        return LeanMinHash(seed=self.seed, hashvalues=self.hashvalues, scheme=self.scheme)

    def serialise(self) -> bytes:
        """LeanMinHash's byte format, native byte order: what ``LeanMinHash.serialize(buf)`` writes."""
        values = self.values if sys.byteorder == "little" else _swapped(self.values)
        return _HEAD.pack(self.seed, -len(self), _SCHEME_CODE) + values

    @classmethod
    def deserialise(cls, buf: bytes) -> Signature:
        """Read what :meth:`serialise` (or ``LeanMinHash.serialize`` of an affine32 sketch) wrote."""
        if len(buf) < _HEAD.size:
            raise ValueError(f"not an {SCHEME} LeanMinHash: {len(buf)} bytes")
        seed, count, code = _HEAD.unpack_from(buf)
        if count >= 0 or code != _SCHEME_CODE or len(buf) != _HEAD.size - 4 * count:
            raise ValueError(f"not an {SCHEME} LeanMinHash of {len(buf)} bytes (count {count}, scheme code {code})")
        values = bytes(buf[_HEAD.size :])
        return cls(seed, values if sys.byteorder == "little" else _swapped(values))


def _swapped(values: bytes) -> bytes:
    return np.frombuffer(values, dtype=np.uint32).byteswap().tobytes()


def signature(shingles: Iterable[str], *, num_perm: int, seed: int, hashfunc: str) -> Signature:
    """The signature of a set of shingles (an empty set gives datasketch's empty sketch: all 2**32 - 1).

    Repeats change nothing, so a list of shingles with repeats gives its set's signature. With the
    kernel (xxh32, ``shingles`` a list, tuple, set or frozenset of str) the strings are hashed and
    signed in C, their hashes never made a numpy array.
    """
    if hashfunc == "xxh32" and _kernel is not None and isinstance(shingles, _KERNEL_COLLECTIONS):
        a, b = permutations(num_perm, seed)
        return Signature(seed, _kernel.minhash(_kernel.string_hashes(shingles), a, b, num_perm))
    return signature_of(hash_shingles(shingles, hashfunc), num_perm=num_perm, seed=seed)


def signature_of(hashes: Hashes, *, num_perm: int, seed: int) -> Signature:
    """The signature of shingles given as their hashes (repeats change nothing; ``hashes`` is not changed)."""
    a, b = permutations(num_perm, seed)
    if _kernel is not None:
        values = _kernel.minhash(np.ascontiguousarray(hashes, dtype=np.uint32), a, b, num_perm)
        return Signature(seed, values)
    return Signature(seed, _numpy_signature(hashes, a, b))


def _numpy_signature(hashes: Hashes, a: Hashes, b: Hashes) -> bytes:
    """The hash values of :func:`signature_of` computed with numpy, a block of permutations at a time."""
    num_perm = len(a)
    hashes = hashes.astype(np.uint32)  # a copy: mixed in place below
    out = np.full(num_perm, _MAX, dtype=np.uint32)
    n = len(hashes)
    if n:
        _fmix32(hashes)
        rows = max(1, min(num_perm, _BLOCK // n))
        block = np.empty((rows, n), dtype=np.uint32)
        # numpy's ufuncs pass rows shorter than half their 8192-element buffer through
        # it, which makes the multiply and the add 2 to 3 times slower on a document of
        # a few hundred to a few thousand shingles; a buffer no longer than a row avoids it.
        buffer = np.setbufsize(n // 32 * 16) if _SHORT_ROWS <= n < np.getbufsize() // 2 else None
        try:
            for start in range(0, num_perm, rows):
                stop = min(start + rows, num_perm)
                products = block[: stop - start]
                np.multiply(a[start:stop], hashes, out=products)
                np.add(products, b[start:stop], out=products)
                np.min(products, axis=1, out=out[start:stop])
        finally:
            if buffer is not None:
                np.setbufsize(buffer)
    return out.astype("<u4", copy=False).tobytes()


def hash_shingles(shingles: Iterable[str], hashfunc: str) -> Hashes:
    """Each shingle's UTF-8 bytes hashed once with the named hash function, as a uint32 array, in iteration order.

    With the kernel (xxh32, ``shingles`` a list, tuple, set or frozenset) it is
    ``_kernel.string_hashes``: no bytes object is made per shingle (any other iterable, an
    iterator say, takes the Python path rather than being made a list).
    """
    if hashfunc == "xxh32" and _kernel is not None and isinstance(shingles, _KERNEL_COLLECTIONS):
        return np.frombuffer(_kernel.string_hashes(shingles), dtype=np.uint32)
    encoded = map(str.encode, shingles)
    if hashfunc == "xxh32":
        count = len(shingles) if isinstance(shingles, Collection) else -1
        return np.fromiter(map(xxhash.xxh32_intdigest, encoded), dtype=np.uint32, count=count)
    if hashfunc == "sha1":
        # The first 4 digest bytes of each, read as little-endian uint32 in one go.
        digests = b"".join([hashlib.sha1(data).digest()[:4] for data in encoded])
        return np.frombuffer(digests, dtype="<u4").astype(np.uint32)
    raise unknown_hash_function(hashfunc)


def distinct(hashes: Hashes) -> Hashes:
    """The distinct values, sorted."""
    return np.unique(hashes)


def shingle_hashes(tokens: Sequence[str], size: int, hashfunc: str) -> Hashes:
    """The hash of each ``size``-token shingle of ``tokens``, in order, repeats included.

    ``hash_shingles(iter_shingles(tokens, size), hashfunc)``; with the kernel (xxh32), no
    shingle string is made: each is hashed where it lies in the joined tokens.
    """
    if hashfunc == "xxh32" and _kernel is not None and size >= 1:
        return np.frombuffer(_kernel.shingle_hashes(tokens, size), dtype=np.uint32)
    return hash_shingles(iter_shingles(tokens, size), hashfunc)


def distinct_shingle_hashes(tokens: Sequence[str], size: int, hashfunc: str) -> Hashes:
    """The distinct hashes of the ``size``-token shingles of ``tokens``, sorted: what a fingerprint keeps.

    ``distinct(hash_shingles(iter_shingles(tokens, size), hashfunc))``, in one call to the
    kernel when it is there (xxh32): hashed, sorted and made distinct in C.
    """
    if hashfunc == "xxh32" and _kernel is not None and size >= 1:
        if len(tokens) <= _WINDOW_TOKENS or size >= _WINDOW_TOKENS:
            return np.frombuffer(_kernel.distinct_shingle_hashes(tokens, size), dtype=np.uint32)
        # A long text a window of tokens at a time (each overlapping the last by a shingle less
        # one token): the kernel's buffers (the tokens' UTF-8, their offsets) stay bounded.
        step = _WINDOW_TOKENS - (size - 1)
        parts = [
            np.frombuffer(_kernel.distinct_shingle_hashes(tokens[start : start + _WINDOW_TOKENS], size), np.uint32)
            for start in range(0, len(tokens) - size + 1, step)
        ]
        return distinct(np.concatenate(parts))
    return distinct(hash_shingles(iter_shingles(tokens, size), hashfunc))


def to_bytes(hashes: Hashes) -> bytes:
    return hashes.astype("<u4", copy=False).tobytes()


def from_bytes(data: bytes) -> Hashes:
    return np.frombuffer(data, dtype="<u4")


def shared_count(a: bytes, b: bytes) -> int:
    """How many values two sorted runs of distinct hashes (:func:`to_bytes`) have in common."""
    if _kernel is not None:
        return int(_kernel.shared_count(a, b))
    x, y = from_bytes(a), from_bytes(b)
    if not len(x) or not len(y):
        return 0
    if len(x) > len(y):
        x, y = y, x
    # Each value of the shorter run looked up in the longer by binary search.
    at = np.searchsorted(y, x)
    at[at == len(y)] = 0
    return int(np.count_nonzero(y[at] == x))


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[Hashes, Hashes]:
    """datasketch's affine32 permutation parameters ``(a, b)``, as read-only columns of shape (num_perm, 1)."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    columns = a.reshape(-1, 1), b.reshape(-1, 1)
    for column in columns:
        column.flags.writeable = False
    return columns


def _fmix32(h: Hashes) -> None:
    """The MurmurHash3 32-bit finalizer, in place: datasketch's pre-mix of every input hash."""
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
