"""The C kernel corpus._minhash: exactly the values of xxhash, datasketch and the numpy code it replaces.

Every comparison is with values computed without the kernel: xxhash's own xxh32 of the
shingles that ``corpus.shingle.iter_shingles`` makes, datasketch's MinHash of them, and
corpus.minhash's numpy path (the kernel switched off by setting ``corpus.minhash._kernel``
to None, as ``CORPUS_NO_KERNEL=1`` does at import). The texts are real: the seed pair (a
Chinese web page and its PDF's text), a law, *Alice*, RFC 2616 and English and Chinese
text extracted from PDFs.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Collection, Iterator
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
import xxhash
from conftest import PDF_SEED, ROOT, SHARED_DATA, WEB_SEED, shared
from datasketch import MinHash

from corpus import minhash as mh
from corpus.fingerprint import FingerprintSettings, fingerprint
from corpus.shingle import iter_shingles, shingles

TEXTS = [
    WEB_SEED,
    PDF_SEED,
    SHARED_DATA / "zh-laws" / "versions" / "会计法" / "经济法__会计法(2024-06-28).md",
    SHARED_DATA / "gutenberg" / "alice-11" / "11-0.txt",
    SHARED_DATA / "ietf-rfc" / "rfc2616" / "rfc2616.depaginated.txt",
    SHARED_DATA / "pdf-text-layer" / "extracted" / "en__federal-register-2020-17221.pdfminer.txt",
    SHARED_DATA / "pdf-text-layer" / "extracted" / "zh__yancheng-bond-prospectus-p251.pymupdf-2.0.txt",
]
PERMUTATIONS = [(256, 1), (128, 42), (97, 0), (1, 7), (513, 2**32 - 1)]
NOT_BUILT = "corpus._minhash is not built (no C compiler at install?): only the numpy code is tested"


@pytest.fixture
def kernel(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The C kernel, in use by corpus.minhash (even under CORPUS_NO_KERNEL=1)."""
    built: ModuleType = pytest.importorskip("corpus._minhash", reason=NOT_BUILT)
    monkeypatch.setattr(mh, "_kernel", built)
    return built


@pytest.fixture
def numpy_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """corpus.minhash without its kernel: the numpy and Python code."""
    monkeypatch.setattr(mh, "_kernel", None)


def paragraphs(path: Path) -> list[str]:
    """A real file's text split into paragraphs at blank lines."""
    if path.is_relative_to(SHARED_DATA):
        shared(str(path.relative_to(SHARED_DATA)))  # skipped (failed under CI) without the shared data
    return path.read_text(encoding="utf-8-sig").split("\n\n")


def text_tokens(path: Path) -> tuple[str, ...]:
    """A real file's tokens as fingerprint() makes them."""
    return fingerprint(paragraphs(path), FingerprintSettings()).tokens


def xxhash_of_shingles(tokens: tuple[str, ...], size: int) -> list[int]:
    """The reference: xxhash's xxh32 of each shingle's UTF-8, in order."""
    return [xxhash.xxh32_intdigest(s.encode("utf-8")) for s in iter_shingles(tokens, size)]


def datasketch_values(tokens: tuple[str, ...], size: int, num_perm: int, seed: int) -> np.ndarray:
    """datasketch's MinHash of the shingles, with the pinned scheme and hash function."""
    m = MinHash(num_perm=num_perm, seed=seed, scheme="affine32", hashfunc=mh.hash_function("xxh32"))
    m.update_batch([s.encode("utf-8") for s in shingles(tokens, size)])
    return np.asarray(m.hashvalues)


def test_the_extension_is_built_in_this_install() -> None:
    # `pip install -e .` (the Makefile's) builds it; a silent fallback to numpy is 7 times slower.
    try:
        from corpus import _minhash
    except ImportError as error:
        pytest.fail(f"corpus._minhash did not build or does not import ({error}): rebuild with `pip install -e .`")
    assert _minhash.__file__ is not None and Path(_minhash.__file__).resolve().is_relative_to(ROOT)
    if os.environ.get("CORPUS_NO_KERNEL", "") in ("", "0"):
        assert mh._kernel is _minhash


def test_corpus_no_kernel_switches_it_off_at_import() -> None:
    code = "import corpus.minhash as m; print(m._kernel is None)"
    env = {**os.environ, "CORPUS_NO_KERNEL": "1"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == "True"


@pytest.mark.parametrize(("num_perm", "seed"), PERMUTATIONS)
@pytest.mark.parametrize("text", TEXTS, ids=lambda p: p.stem)
def test_kernel_signature_is_datasketchs(kernel: ModuleType, text: Path, num_perm: int, seed: int) -> None:
    tokens = text_tokens(text)
    hashes = mh.distinct_shingle_hashes(tokens, 5, "xxh32")
    signature = mh.signature_of(hashes, num_perm=num_perm, seed=seed)
    expected = datasketch_values(tokens, 5, num_perm, seed)
    assert len(hashes) > 100 and len(signature) == num_perm
    assert np.array_equal(signature.hashvalues, expected)


@pytest.mark.parametrize("size", [1, 2, 5, 9])
@pytest.mark.parametrize("text", TEXTS, ids=lambda p: p.stem)
def test_kernel_shingle_hashes_are_xxhashs(kernel: ModuleType, text: Path, size: int) -> None:
    tokens = text_tokens(text)
    expected = xxhash_of_shingles(tokens, size)
    assert mh.shingle_hashes(tokens, size, "xxh32").tolist() == expected
    assert mh.distinct_shingle_hashes(tokens, size, "xxh32").tolist() == sorted(set(expected))
    assert mh.hash_shingles(list(iter_shingles(tokens, size)), "xxh32").tolist() == expected


@pytest.mark.parametrize("window", [5, 6, 64, 1000])
@pytest.mark.parametrize("size", [1, 5])
def test_a_long_text_hashed_a_window_at_a_time_gives_its_distinct_hashes(
    kernel: ModuleType, monkeypatch: pytest.MonkeyPatch, window: int, size: int
) -> None:
    # A text longer than the kernel's window is hashed in windows that overlap by a shingle
    # less one token, so that a 15 MB text costs the kernel a bounded buffer: every shingle
    # is still hashed, none twice counted. Small windows here, on Alice (../shared/data).
    tokens = text_tokens(SHARED_DATA / "gutenberg" / "alice-11" / "11-0.txt")[:5000]
    whole = mh.distinct_shingle_hashes(tokens, size, "xxh32")
    monkeypatch.setattr(mh, "_WINDOW_TOKENS", window)
    for n in (size, size + 1, window, window + 1, 2 * window + 3, len(tokens)):
        expected = sorted(set(xxhash_of_shingles(tokens[:n], size)))
        assert mh.distinct_shingle_hashes(tokens[:n], size, "xxh32").tolist() == expected
    assert mh.distinct_shingle_hashes(tokens, size, "xxh32").tolist() == whole.tolist()


@pytest.mark.parametrize("hashfunc", ["xxh32", "sha1"])
@pytest.mark.parametrize("text", TEXTS, ids=lambda p: p.stem)
def test_fingerprints_with_the_kernel_are_the_numpy_ones(
    monkeypatch: pytest.MonkeyPatch, kernel: ModuleType, text: Path, hashfunc: str
) -> None:
    settings = FingerprintSettings(hashfunc=hashfunc)
    with_kernel = fingerprint(paragraphs(text), settings, signature=True)
    monkeypatch.setattr(mh, "_kernel", None)
    without = fingerprint(paragraphs(text), settings, signature=True)
    assert with_kernel == without and with_kernel.minhash is not None


def real_pieces(rng: random.Random) -> Iterator[str]:
    """Pieces of real text of every UTF-8 length 0 to 64 bytes (every tail path of xxh32), some with emoji."""
    texts = [p.read_text(encoding="utf-8-sig") for p in (WEB_SEED, PDF_SEED)]
    texts.append(shared("gutenberg/alice-11/11-0.txt").read_text(encoding="utf-8-sig"))
    texts.append("".join(rng.choice("αβγ😀🀄𝄞中文\x1f \t") for _ in range(400)))
    for text in texts:
        for length in range(65):
            for _ in range(5):
                start = rng.randrange(len(text) - 70)
                piece = text[start : start + length]
                while len(piece.encode("utf-8")) > length:
                    piece = piece[:-1]
                yield piece


def test_kernel_hashes_every_length_of_real_text_as_xxhash(kernel: ModuleType) -> None:
    pieces = list(real_pieces(random.Random(11)))
    assert {len(p.encode("utf-8")) for p in pieces} == set(range(65))
    expected = [xxhash.xxh32_intdigest(p.encode("utf-8")) for p in pieces]
    assert np.frombuffer(kernel.shingle_hashes(pieces, 1), dtype=np.uint32).tolist() == expected


def test_kernel_shingles_of_random_tokens_are_xxhashs(kernel: ModuleType) -> None:
    rng = random.Random(3)
    alphabet = "ab中文é😀\x1f\x00 ÿ\u0100\uffff\U0010ffff"
    for _ in range(3000):
        tokens = tuple("".join(rng.choices(alphabet, k=rng.randint(0, 9))) for _ in range(rng.randint(0, 12)))
        size = rng.randint(1, 7)
        assert np.frombuffer(kernel.shingle_hashes(tokens, size), dtype=np.uint32).tolist() == xxhash_of_shingles(
            tokens, size
        ), (tokens, size)


EDGE_CASES = {
    "no tokens": (),
    "one token": ("中",),
    "fewer than size": ("the", "cat", "sat"),
    "exactly size": tuple("一二三四五"),
    "one more than size": tuple("一二三四五六"),
    "empty tokens": ("", "", "a", "", "", "", ""),
    "emoji": ("😀", "👍🏽", "𝄞", "家", "👨‍👩‍👧", "🀄", "x"),
    "separator in a token": ("a\x1fb", "c", "d", "e", "f", "g\x1f"),
    "a repeated shingle": tuple("abcde" * 40),
}


@pytest.mark.parametrize("tokens", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_edge_cases_are_the_same_with_the_kernel_as_without(
    monkeypatch: pytest.MonkeyPatch, kernel: ModuleType, tokens: tuple[str, ...]
) -> None:
    expected = xxhash_of_shingles(tokens, 5)
    found = mh.shingle_hashes(tokens, 5, "xxh32"), mh.distinct_shingle_hashes(tokens, 5, "xxh32")
    signature = mh.signature_of(found[1], num_perm=97, seed=3)
    assert found[0].tolist() == expected and found[1].tolist() == sorted(set(expected))
    assert np.array_equal(signature.hashvalues, datasketch_values(tokens, 5, 97, 3))
    monkeypatch.setattr(mh, "_kernel", None)
    assert mh.shingle_hashes(tokens, 5, "xxh32").tolist() == expected
    assert np.array_equal(mh.distinct_shingle_hashes(tokens, 5, "xxh32"), found[1])
    assert mh.signature_of(found[1], num_perm=97, seed=3) == signature


def test_no_tokens_give_datasketchs_empty_sketch(kernel: ModuleType) -> None:
    signature = mh.signature_of(mh.distinct_shingle_hashes((), 5, "xxh32"), num_perm=64, seed=1)
    assert (
        signature.hashvalues.tolist() == [2**32 - 1] * 64 == MinHash(64, seed=1, scheme="affine32").hashvalues.tolist()
    )


def test_a_token_utf8_cannot_encode_is_refused_as_str_encode_refuses_it(kernel: ModuleType) -> None:
    tokens = ("a", "b\ud800", "c")
    with pytest.raises(UnicodeEncodeError):
        "".join(tokens).encode("utf-8")
    with pytest.raises(UnicodeEncodeError):
        kernel.shingle_hashes(tokens, 2)
    with pytest.raises(TypeError, match="tokens must be str, got bytes"):
        kernel.distinct_shingle_hashes(["a", b"b"], 2)
    with pytest.raises(ValueError, match="at least 1"):
        kernel.shingle_hashes(["a"], 0)


def test_a_shingle_size_below_one_keeps_iter_shingles_meaning(kernel: ModuleType) -> None:
    tokens = ("a", "b", "c")
    assert mh.shingle_hashes(tokens, 0, "xxh32").tolist() == xxhash_of_shingles(tokens, 0)


@pytest.mark.parametrize("num_perm", [1, 7, 16, 97, 256, 513])
def test_every_compiled_loop_gives_the_same_signature(kernel: ModuleType, num_perm: int) -> None:
    # The loop the CPU's widest instruction set runs (AVX-512 or AVX2 on x86-64 Linux) and the
    # baseline one, on every count of hashes that the groups of 8 leave a remainder of.
    hashes = mh.distinct_shingle_hashes(text_tokens(WEB_SEED), 5, "xxh32")
    a, b = mh.permutations(num_perm, 5)
    for n in [*range(41), 1000, len(hashes)]:
        part = np.ascontiguousarray(hashes[:n])
        values = kernel.minhash(part, a, b, num_perm)
        assert values == kernel.minhash(part, a, b, num_perm, True)
        assert values == mh._numpy_signature(part, a, b)
    assert kernel.CLONES


def test_minhash_refuses_permutations_shorter_than_num_perm(kernel: ModuleType) -> None:
    a, b = mh.permutations(16, 1)
    with pytest.raises(ValueError, match="num_perm uint32"):
        kernel.minhash(np.zeros(3, dtype=np.uint32), a, b, 17)
    with pytest.raises(ValueError, match="whole uint32"):
        kernel.minhash(b"\0\0\0", a, b, 16)


def test_the_numpy_code_is_datasketch_too(numpy_only: None) -> None:
    # The fallback stays exact: an install without a compiler gives the same signatures.
    tokens = text_tokens(WEB_SEED)
    signature = mh.signature_of(mh.distinct_shingle_hashes(tokens, 5, "xxh32"), num_perm=128, seed=42)
    assert np.array_equal(signature.hashvalues, datasketch_values(tokens, 5, 128, 42))
    assert mh.shingle_hashes(tokens, 5, "xxh32").tolist() == xxhash_of_shingles(tokens, 5)


def real_shingles(path: Path) -> list[str]:
    """A real text's distinct shingles as strings, as fingerprint() makes them (rensa's input)."""
    return sorted(shingles(text_tokens(path), 5))


@pytest.mark.parametrize("text", TEXTS, ids=lambda p: p.stem)
def test_string_hashes_of_real_shingles_are_xxhashs(kernel: ModuleType, text: Path) -> None:
    strings = real_shingles(text)
    expected = [xxhash.xxh32_intdigest(s.encode("utf-8")) for s in strings]
    assert np.frombuffer(kernel.string_hashes(strings), dtype=np.uint32).tolist() == expected
    assert np.frombuffer(kernel.string_hashes(tuple(strings)), dtype=np.uint32).tolist() == expected
    as_set = frozenset(strings)
    assert np.frombuffer(kernel.string_hashes(as_set), dtype=np.uint32).tolist() == [
        xxhash.xxh32_intdigest(s.encode("utf-8")) for s in as_set
    ]


STRING_CASES = {
    "empty": [""],
    "no strings": [],
    "separator": ["\x1f", "a\x1fb", "\x1f\x1f\x1f", "中\x1f文"],
    "emoji and beyond the BMP": ["😀", "👍🏽", "👨‍👩‍👧", "𝄞", "\U0010ffff", "a😀b", "🀄" * 40],
    "Latin-1 and two-byte": ["é", "ÿ" * 17, "\u0100", "\u07ff\u0800", "\uffff", "naïve café"],
    "NUL": ["\x00", "a\x00b"],
    "long": ["x" * 1000, "中" * 700, "é" * 2000 + "😀"],
    "mixed kinds in a row": ["a", "é", "中", "😀", "b", "ü", "文", "🀄"] * 30,
}


@pytest.mark.parametrize("strings", STRING_CASES.values(), ids=STRING_CASES.keys())
def test_string_hashes_of_edge_cases_are_xxhashs(kernel: ModuleType, strings: list[str]) -> None:
    expected = [xxhash.xxh32_intdigest(s.encode("utf-8")) for s in strings]
    assert np.frombuffer(kernel.string_hashes(strings), dtype=np.uint32).tolist() == expected


def test_string_hashes_of_every_length_of_real_text_are_xxhashs(kernel: ModuleType) -> None:
    pieces = list(real_pieces(random.Random(12)))
    expected = [xxhash.xxh32_intdigest(p.encode("utf-8")) for p in pieces]
    assert np.frombuffer(kernel.string_hashes(pieces), dtype=np.uint32).tolist() == expected


def test_string_hashes_refuse_what_str_encode_refuses(kernel: ModuleType) -> None:
    for strings in (["a", "b\ud800"], ["\udfff"], ["中文", "x" * 300 + "\ud83d"], {"\ud800"}):
        with pytest.raises(UnicodeEncodeError):
            kernel.string_hashes(strings)
    with pytest.raises(TypeError, match="strings must be str, got bytes"):
        kernel.string_hashes(["a", b"b"])
    with pytest.raises(TypeError):
        kernel.string_hashes(3)


@pytest.mark.parametrize("text", TEXTS[:4], ids=lambda p: p.stem)
def test_hash_shingles_with_the_kernel_is_the_numpy_fallback(
    monkeypatch: pytest.MonkeyPatch, kernel: ModuleType, text: Path
) -> None:
    strings = real_shingles(text)
    given: dict[str, Collection[str]] = {"list": strings, "tuple": tuple(strings), "set": set(strings)}
    found = {kind: mh.hash_shingles(collection, "xxh32") for kind, collection in given.items()}
    monkeypatch.setattr(mh, "_kernel", None)
    for kind, collection in given.items():
        assert np.array_equal(found[kind], mh.hash_shingles(collection, "xxh32")), kind
    assert np.array_equal(found["list"], mh.hash_shingles(iter(strings), "xxh32"))


@pytest.mark.parametrize(("num_perm", "seed"), PERMUTATIONS)
@pytest.mark.parametrize("text", TEXTS, ids=lambda p: p.stem)
def test_signatures_from_strings_are_datasketchs(kernel: ModuleType, text: Path, num_perm: int, seed: int) -> None:
    strings = real_shingles(text)
    m = MinHash(num_perm=num_perm, seed=seed, scheme="affine32", hashfunc=mh.hash_function("xxh32"))
    m.update_batch([s.encode("utf-8") for s in strings])
    for given in (strings, set(strings), tuple(strings), strings + strings[:50]):
        signature = mh.signature(given, num_perm=num_perm, seed=seed, hashfunc="xxh32")
        assert np.array_equal(signature.hashvalues, m.hashvalues)
    tokens = text_tokens(text)
    from_tokens = mh.signature_of(mh.distinct_shingle_hashes(tokens, 5, "xxh32"), num_perm=num_perm, seed=seed)
    assert from_tokens == mh.signature(strings, num_perm=num_perm, seed=seed, hashfunc="xxh32")


def test_distinct_hashes_of_many_shingles_are_sorted_and_distinct(kernel: ModuleType) -> None:
    # Past 16,384 hashes the kernel sorts by radix passes instead of buckets.
    tokens = text_tokens(SHARED_DATA / "ietf-rfc" / "rfc2616" / "rfc2616.depaginated.txt")
    for n in (16383, 16384, 40000, len(tokens)):
        expected = sorted(set(xxhash_of_shingles(tokens[:n], 5)))
        assert mh.distinct_shingle_hashes(tokens[:n], 5, "xxh32").tolist() == expected


def stored_hashes(path: Path) -> bytes:
    """A real text's shingle hashes as the store keeps them (sorted, distinct, little-endian)."""
    return fingerprint(paragraphs(path), FingerprintSettings()).hashes


def test_shared_shingles_of_real_texts_are_counted_as_without_the_kernel(
    kernel: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every pair of the real texts (a text with itself, texts of one script and of two), each
    # counted by the kernel and by the numpy code; the seed pair shares most of its shingles.
    runs = [stored_hashes(path) for path in TEXTS]
    # A paragraph of the law against whole texts: one run far shorter than the other.
    runs.append(fingerprint(paragraphs(TEXTS[2])[3:4], FingerprintSettings()).hashes)
    pairs = [(a, b) for a in runs for b in runs]
    monkeypatch.setattr(mh, "_kernel", None)
    expected = [mh.shared_count(a, b) for a, b in pairs]
    monkeypatch.setattr(mh, "_kernel", kernel)
    assert [mh.shared_count(a, b) for a, b in pairs] == expected
    web, pdf = runs[0], runs[1]
    assert mh.shared_count(web, pdf) > 0.9 * len(pdf) // 4  # the PDF's text is nearly all in the web page
    assert all(mh.shared_count(run, run) == len(run) // 4 for run in runs)


@pytest.mark.parametrize(
    ("a", "b"),
    [((), ()), ((), (1, 2)), ((7,), (7,)), ((0, 2**32 - 1), (2**31, 2**32 - 1)), ((5,), tuple(range(0, 4000, 3)))],
)
def test_shared_count_of_edge_cases_is_the_numpy_codes(
    kernel: ModuleType, monkeypatch: pytest.MonkeyPatch, a: tuple[int, ...], b: tuple[int, ...]
) -> None:
    x, y = (np.array(run, dtype="<u4").tobytes() for run in (a, b))
    assert kernel.shared_count(x, y) == kernel.shared_count(y, x) == len(set(a) & set(b))
    monkeypatch.setattr(mh, "_kernel", None)
    assert mh.shared_count(x, y) == len(set(a) & set(b))


def test_shared_count_refuses_a_run_of_broken_values(kernel: ModuleType) -> None:
    with pytest.raises(ValueError, match="whole uint32 values, got 5 and 4 bytes"):
        kernel.shared_count(b"12345", b"1234")
