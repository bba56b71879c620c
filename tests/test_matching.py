"""Matching decisions on real documents: copies collapse, versions stay apart but linked,
look-alikes stay apart, short texts match exactly, no chaining. Files from ../shared/data
(Chinese laws from the national law database, RFC 2616, Alice in Wonderland) and seeds/."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import PDF_SEED, WEB_SEED

from corpus import Corpus
from corpus.audit import audit
from corpus.fingerprint import FingerprintSettings, fingerprint
from corpus.match import Relation, compare, decide


def law_pairs(shared: Path, relation_prefix: str) -> list[tuple[Path, Path]]:
    base = shared / "zh-laws"
    rows = csv.DictReader((base / "pairs.csv").open(encoding="utf-8"))
    return [(base / r["file_a"], base / r["file_b"]) for r in rows if r["relation"].startswith(relation_prefix)]


def test_a_law_filed_twice_collapses(shared_data: Path, tmp_path: Path) -> None:
    pairs = law_pairs(shared_data, "same document")
    assert len(pairs) == 2
    with Corpus.open(tmp_path / "c.db") as corpus:
        for a, b in pairs:
            first, second = corpus.add([a, b])
            # Byte-identical files are recognised before reading; others are read and matched.
            expected = "exists" if a.read_bytes() == b.read_bytes() else "copy"
            assert (first.status, second.status) == ("new", expected)
            assert first.document_id == second.document_id
            assert second.similarity == pytest.approx(1.0)


def test_two_versions_of_a_law_stay_apart_and_are_linked(shared_data: Path, tmp_path: Path) -> None:
    pairs = law_pairs(shared_data, "different versions")
    assert len(pairs) == 5
    with Corpus.open(tmp_path / "c.db") as corpus:
        for a, b in pairs:
            first, second = corpus.add([a, b])
            assert second.status == "version", (a.name, b.name)
            assert first.document_id != second.document_id
            related = corpus.document(second.document_id or 0).related
            assert [(r.document_id, r.relation) for r in related] == [(first.document_id, "version")]
        audited = {a.document_id: a for a in corpus.audit()}
        assert len(audited) == 10 and all(a.related for a in audited.values())
        # The audit says what changed between the versions, paragraph by paragraph.
        for entry in audited.values():
            (changes,) = entry.versions
            assert changes.other_id == entry.related[0][0]
            assert changes.changed or changes.added or changes.removed
            assert all(here != there for _, _, here, there in changes.changed)


def test_same_template_amendments_stay_apart(shared_data: Path, tmp_path: Path) -> None:
    amendments = sorted((shared_data / "zh-laws" / "same-template").rglob("*.md"))
    assert len(amendments) >= 10
    with Corpus.open(tmp_path / "c.db") as corpus:
        results = corpus.add(amendments)
        assert [r.status for r in results] == ["new"] * len(amendments)
        assert not any(corpus.document(r.document_id or 0).related for r in results)


def test_an_older_transcription_of_a_book_is_a_copy(shared_data: Path) -> None:
    # Project Gutenberg's current Alice and its 1994 transcription: a different licence
    # header and a few words differ; the book is the same.
    settings = FingerprintSettings()
    book = shared_data / "gutenberg" / "alice-11"
    new = fingerprint(book.joinpath("11-0.txt").read_text(encoding="utf-8-sig").split("\n\n"), settings)
    old = fingerprint(book.joinpath("old__alice30.txt").read_text(encoding="latin-1").split("\n\n"), settings)
    comparison = compare(new, old)
    assert decide(comparison) is Relation.COPY
    assert comparison.substituted < 0.01


def test_two_books_sharing_only_a_licence_block_do_not_match(shared_data: Path) -> None:
    # The licence of a Gutenberg book appended to two different short texts (the first
    # and last chapters of Alice): most of each text is the shared licence, yet the
    # bodies differ entirely, so they are not copies.
    text = (shared_data / "gutenberg" / "alice-11" / "11-0.txt").read_text(encoding="utf-8-sig")
    licence = text[text.index("*** END OF") :]
    chapters = text.split("CHAPTER ")
    settings = FingerprintSettings()
    a = fingerprint([chapters[2][:3000], licence], settings)
    b = fingerprint([chapters[-1][:3000], licence], settings)
    comparison = compare(a, b)
    assert comparison.containment > 0.7  # the licence dominates both
    assert decide(comparison) is not Relation.COPY


def test_every_form_of_rfc2616_is_one_document(shared_data: Path, tmp_path: Path) -> None:
    base = shared_data / "ietf-rfc"
    forms = [base / "rfc2616" / "rfc2616.paginated.txt", base / "rfc2616" / "rfc2616.depaginated.txt"]
    forms += sorted((base / "derived").glob("*.txt"))
    with Corpus.open(tmp_path / "c.db") as corpus:
        results = corpus.add(forms)
        assert [r.status for r in results] == ["new"] + ["copy"] * (len(forms) - 1)
        (negative,) = corpus.add([base / "related-negatives" / "rfc7230.ja-en.html"])
        assert negative.status == "new"


def test_short_texts_match_exactly_on_their_normal_form(tmp_path: Path) -> None:
    # Two real notices too short for MinHash: the seed's dateline in two typographies.
    (tmp_path / "a.txt").write_text("（新华社北京7月9日电）\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("(新华社北京7月9日电)\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("(新华社北京7月10日电)\n", encoding="utf-8")
    with Corpus.open(tmp_path / "c.db") as corpus:
        a, b, c = corpus.add([tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"])
    assert (a.status, b.status, c.status) == ("new", "copy", "new")
    assert a.document_id == b.document_id != c.document_id


def test_large_clusters_are_flagged_in_the_audit(tmp_path: Path) -> None:
    with Corpus.open(tmp_path / "c.db") as corpus:
        corpus.add([WEB_SEED, PDF_SEED])
        assert corpus.audit()[0].flags == ()
        (entry,) = audit(corpus.store, large_cluster=2)
        assert entry.flags and "2 sources" in entry.flags[0]


def test_a_block_many_documents_share_at_their_edge_makes_no_versions(shared_data: Path, tmp_path: Path) -> None:
    # Six different chapters of Alice, each followed by the same long Project Gutenberg
    # licence block: they share one block at their end and differ everywhere else, so
    # they are different texts, not versions of one, however often the licence recurs.
    text = (shared_data / "gutenberg" / "alice-11" / "11-0.txt").read_text(encoding="utf-8-sig")
    licence = text[text.index("*** END OF") :]
    chapters = text.split("CHAPTER ")[2:8]
    files = []
    for n, chapter in enumerate(chapters):
        path = tmp_path / f"chapter{n}.txt"
        path.write_text(chapter[:2500] + "\n\n" + licence, encoding="utf-8")
        files.append(path)
    with Corpus.open(tmp_path / "c.db") as corpus:
        results = corpus.add(files)
        assert all(r.status == "new" for r in results)
        assert len({r.document_id for r in results}) == len(files)
        late = results[-1]
        assert late.status == "new" and not corpus.document(late.document_id or 0).related
