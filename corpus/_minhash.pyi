"""Types of corpus._minhash, the C kernel of corpus.minhash (source: corpus/_minhash.c)."""

from collections.abc import Iterable, Sequence
from typing import Final

from typing_extensions import Buffer

# The CPU feature sets the MinHash loop is compiled for; the loader runs the widest the CPU has.
CLONES: Final[str]

def shingle_hashes(tokens: Sequence[str], size: int, /) -> bytes:
    """xxh32 (seed 0) of each shingle's UTF-8, in order, repeats included, as native-order uint32."""

def string_hashes(strings: Iterable[str], /) -> bytes:
    """xxh32 (seed 0) of each str's UTF-8 (``xxhash.xxh32_intdigest(s.encode())``), in order, as native-order uint32."""

def distinct_shingle_hashes(tokens: Sequence[str], size: int, /) -> bytes:
    """The hashes of shingle_hashes, distinct and sorted, as native-order uint32."""

def minhash(hashes: Buffer, a: Buffer, b: Buffer, num_perm: int, baseline: bool = False, /) -> bytes:
    """datasketch's affine32 MinHash of native-order uint32 hashes, as little-endian uint32."""

def shared_count(a: Buffer, b: Buffer, /) -> int:
    """How many values two ascending runs of distinct little-endian uint32 (stored shingle hashes) share."""
