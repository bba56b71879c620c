"""MinHash signatures: numpy-computed, yet exactly datasketch's, in its byte format, on real texts.

A user must be able to take a stored signature into datasketch and query it, and a
store built before the hash function became a setting (it hashed with SHA-1) must
keep working: its band keys are the ones the old datasketch code path made.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xxhash
from conftest import PDF_SEED, ROOT, SEEDS, SHARED_DATA, WEB_SEED, shared
from datasketch import LeanMinHash, MinHash

from corpus import Corpus, SettingsError, SettingsMismatchError
from corpus import minhash as mh
from corpus.fingerprint import HASH_FUNCTIONS, Fingerprint, FingerprintSettings, band_keys, fingerprint, serialise

# Real texts of several scripts and sizes: the seed pair, every law of zh-laws, Alice, RFC 2616.
TEXTS = [
    *sorted(SEEDS.glob("*.txt")),
    *sorted(p for p in SHARED_DATA.glob("zh-laws/**/*.md") if "README" not in p.name),
    SHARED_DATA / "gutenberg" / "alice-11" / "11-0.txt",
    SHARED_DATA / "ietf-rfc" / "rfc2616" / "rfc2616.depaginated.txt",
]
# datasketch's hash function for each supported name: its own default for sha1, the
# xxhash library itself for xxh32, so that neither side of the comparison is ours.
REFERENCE_HASHFUNCS = {"sha1": None, "xxh32": xxhash.xxh32_intdigest}


def paragraphs(path: Path) -> list[str]:
    """The text of a real file split into paragraphs at blank lines."""
    if path.is_relative_to(SHARED_DATA):
        shared(str(path.relative_to(SHARED_DATA)))  # skips the test when the shared data is not there
    return path.read_text(encoding="utf-8-sig").split("\n\n")


def datasketch_minhash(fp: Fingerprint, settings: FingerprintSettings, hashfunc: str) -> MinHash:
    """The MinHash datasketch computes for the same shingles, with the same settings."""
    m = MinHash(
        num_perm=settings.num_perm, seed=settings.seed, scheme="affine32", hashfunc=REFERENCE_HASHFUNCS[hashfunc]
    )
    m.update_batch([s.encode("utf-8") for s in fp.shingles])
    return m


def old_band_keys(minhash: LeanMinHash, settings: FingerprintSettings) -> list[int]:
    """Band keys as the code before numpy signatures made them, from a datasketch LeanMinHash."""
    values = minhash.hashvalues
    keys: list[int] = []
    for band in range(settings.bands):
        chunk = values[band * settings.rows : (band + 1) * settings.rows]
        digest = hashlib.blake2b(struct.pack("<I", band) + chunk.tobytes(), digest_size=8).digest()
        keys.append(struct.unpack("<q", digest)[0])
    return keys


@pytest.mark.parametrize("hashfunc", sorted(REFERENCE_HASHFUNCS))
@pytest.mark.parametrize("text", TEXTS, ids=lambda p: p.stem)
def test_signature_is_the_datasketch_minhash_of_the_same_shingles(text: Path, hashfunc: str) -> None:
    settings = FingerprintSettings(hashfunc=hashfunc)
    fp = fingerprint(paragraphs(text), settings, signature=True)
    assert fp.minhash is not None and len(fp.shingles) >= settings.min_shingles
    expected = datasketch_minhash(fp, settings, hashfunc)
    assert fp.minhash.hashvalues.dtype == expected.hashvalues.dtype == np.uint32
    assert np.array_equal(fp.minhash.hashvalues, expected.hashvalues)
    assert fp.minhash.seed == expected.seed and len(fp.minhash) == settings.num_perm


@pytest.mark.parametrize("hashfunc", sorted(REFERENCE_HASHFUNCS))
@pytest.mark.parametrize(("num_perm", "seed"), [(128, 42), (97, 0), (512, 2**32 - 1)])
def test_other_permutation_counts_and_seeds_are_datasketch_too(num_perm: int, seed: int, hashfunc: str) -> None:
    settings = FingerprintSettings(num_perm=num_perm, seed=seed, bands=num_perm // 4, rows=4, hashfunc=hashfunc)
    fp = fingerprint(paragraphs(WEB_SEED), settings, signature=True)
    assert fp.minhash is not None
    assert np.array_equal(fp.minhash.hashvalues, datasketch_minhash(fp, settings, hashfunc).hashvalues)


@pytest.mark.parametrize("hashfunc", sorted(REFERENCE_HASHFUNCS))
@pytest.mark.parametrize("text", TEXTS[:3] + TEXTS[-2:], ids=lambda p: p.stem)
def test_serialised_signature_is_a_leanminhash(text: Path, hashfunc: str) -> None:
    settings = FingerprintSettings(hashfunc=hashfunc)
    fp = fingerprint(paragraphs(text), settings, signature=True)
    assert fp.minhash is not None
    lean = LeanMinHash(datasketch_minhash(fp, settings, hashfunc))
    written = bytearray(lean.bytesize())
    lean.serialize(written)
    data = serialise(fp.minhash)
    assert data == bytes(written)
    loaded = LeanMinHash.deserialize(data)
    assert loaded == lean and loaded.scheme == "affine32"
    assert fp.minhash.to_leanminhash() == lean
    assert mh.Signature.deserialise(bytes(written)) == fp.minhash


def test_a_stored_signature_answers_a_datasketch_query() -> None:
    # What a user does: load a stored signature and compare a text with it in datasketch.
    settings = FingerprintSettings()
    web = fingerprint(paragraphs(WEB_SEED), settings, signature=True)
    pdf = fingerprint(paragraphs(PDF_SEED), settings, signature=True)
    assert web.minhash is not None and pdf.minhash is not None
    stored = LeanMinHash.deserialize(serialise(web.minhash))
    query = MinHash(num_perm=256, seed=1, scheme="affine32", hashfunc=mh.hash_function(settings.hash_function))
    query.update_batch([s.encode("utf-8") for s in pdf.shingles])
    assert query.jaccard(stored) == pdf.minhash.to_leanminhash().jaccard(stored)
    assert query.jaccard(stored) > 0.3  # the PDF copy of the seed: an estimate, not exact


@pytest.mark.parametrize("text", TEXTS, ids=lambda p: p.stem)
def test_band_keys_of_sha1_signatures_are_the_old_ones(text: Path) -> None:
    # The old code: datasketch's MinHash with its default (SHA-1) hash function, as a LeanMinHash.
    settings = FingerprintSettings(hashfunc="sha1")
    fp = fingerprint(paragraphs(text), settings, signature=True)
    assert fp.minhash is not None
    old = MinHash(num_perm=settings.num_perm, seed=settings.seed, scheme=settings.scheme)
    old.update_batch([s.encode("utf-8") for s in fp.shingles])
    assert band_keys(fp.minhash, settings) == old_band_keys(LeanMinHash(old), settings)
    assert serialise(fp.minhash) == _serialised(LeanMinHash(old))


def _serialised(lean: LeanMinHash) -> bytes:
    buf = bytearray(lean.bytesize())
    lean.serialize(buf)
    return bytes(buf)


def test_the_two_hash_functions_give_different_signatures() -> None:
    # Signatures of one store must all come from one hash function: they are not comparable.
    text = paragraphs(WEB_SEED)
    sha1 = fingerprint(text, FingerprintSettings(hashfunc="sha1"), signature=True).minhash
    xxh32 = fingerprint(text, FingerprintSettings(hashfunc="xxh32"), signature=True).minhash
    assert sha1 is not None and xxh32 is not None
    assert np.count_nonzero(sha1.hashvalues == xxh32.hashvalues) < 10
    assert FingerprintSettings().hash_function == "xxh32"


def test_an_unknown_hash_function_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(SettingsError, match=r"'md5'.*sha1, xxh32"):
        FingerprintSettings(hashfunc="md5")
    with pytest.raises(SettingsError, match=r"'md5'.*sha1, xxh32"):
        mh.hash_function("md5")
    # The names the settings accept are the functions a signature can be made with.
    assert set(HASH_FUNCTIONS) == set(mh.HASHFUNCS)


def test_a_fingerprint_is_small_picklable_and_equal_after_the_trip() -> None:
    fp = fingerprint(paragraphs(WEB_SEED), FingerprintSettings(), signature=True)
    assert fp.minhash is not None
    back = pickle.loads(pickle.dumps(fp))
    assert back == fp and back.minhash == fp.minhash
    assert np.array_equal(back.minhash.hashvalues, fp.minhash.hashvalues)
    assert len(pickle.dumps(fp.minhash)) < 2 * 4 * 256


def test_signatures_are_made_without_importing_datasketch() -> None:
    # datasketch pulls in scipy: half a second of start-up for every command.
    code = (
        "import sys; from pathlib import Path; from corpus.fingerprint import FingerprintSettings, fingerprint, "
        "band_keys, serialise; s = FingerprintSettings(); "
        f"f = fingerprint(Path({str(WEB_SEED)!r}).read_text().split('\\n\\n'), s, signature=True); "
        "band_keys(f.minhash, s); serialise(f.minhash); "
        "print(sorted(m for m in ('datasketch', 'scipy') if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert run.stdout.strip() == "[]"


# -- stores from before the hash function was a setting --------------------------------


def _old_store(db: Path) -> None:
    """A store as the code before this setting wrote it: SHA-1 signatures, no hashfunc row."""
    with Corpus.open(db, settings=FingerprintSettings(hashfunc="sha1")) as corpus:
        [result] = corpus.add([WEB_SEED])
        assert result.status == "new"
    con = sqlite3.connect(db)
    with con:
        con.execute("DELETE FROM settings WHERE key = 'hashfunc'")
    con.close()


def test_a_store_from_before_the_hash_setting_keeps_sha1_and_finds_a_new_copy(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    _old_store(db)
    with Corpus.open(db) as corpus:  # the defaults, as the command line opens it
        settings = corpus.store.settings()
        assert settings.hash_function == "sha1"
        # The new copy's band keys, made with the store's settings, find the stored document.
        copy = fingerprint(paragraphs(PDF_SEED), settings, signature=True)
        assert copy.minhash is not None
        [(document, _)] = corpus.store.documents()
        assert document.id in corpus.store.candidate_documents(band_keys(copy.minhash, settings))
        [result] = corpus.add([PDF_SEED])
        assert result.status == "copy" and result.document_id == document.id
    stored = dict(sqlite3.connect(db).execute("SELECT key, value FROM settings").fetchall())
    assert "hashfunc" not in stored  # opening did not rewrite what the store was built with


def test_a_store_from_before_the_hash_setting_refuses_another_hash_naming_both(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    _old_store(db)
    with pytest.raises(SettingsMismatchError, match=r"hashfunc: store has 'sha1', asked for 'xxh32'"):
        Corpus.open(db, settings=FingerprintSettings(hashfunc="xxh32"))
    Corpus.open(db, settings=FingerprintSettings(hashfunc="sha1")).close()


def test_a_new_store_records_its_hash_function(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    Corpus.open(db).close()
    stored = dict(sqlite3.connect(db).execute("SELECT key, value FROM settings").fetchall())
    assert stored["hashfunc"] == "xxh32"
    with pytest.raises(SettingsMismatchError, match=r"hashfunc: store has 'xxh32', asked for 'sha1'"):
        Corpus.open(db, settings=FingerprintSettings(hashfunc="sha1"))


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.name)
def test_tokens_cut_at_ascii_separators_first_are_the_tokens_of_a_character_at_a_time(path: Path) -> None:
    # The tokeniser cuts a text at runs of ASCII punctuation and spaces and takes an ASCII
    # piece as one word without looking at its characters; the reference walks the whole
    # folded text a character at a time. Real texts: Chinese laws, the seed pair, English.
    from corpus import normalise

    text = path.read_text(encoding="utf-8")
    reference: list[str] = []
    han = normalise._tokenise_piece(normalise.fold(text), reference, {})
    expected = tuple(normalise._fold_han(reference, {}) if han else reference)
    assert normalise._tokenise(text) == expected
    assert len(expected) > 100
