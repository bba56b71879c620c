"""Traditional and Simplified Chinese copies of one text are one document (issue 8, point 5).

On real documents: a law from ../shared/data/zh-laws and the seed, and their Traditional
copies made by OpenCC itself (tests/fixtures/script-variants/, see its README): matching
folds the two scripts, the canonical text keeps the script most sources use, `show` and
the audit say which source is in which script, and different texts stay apart.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import opencc
import pytest
from conftest import PDF_SEED, ROOT, SEEDS, WEB_SEED, CliRunner, shared, shared_files

from corpus import Corpus
from corpus.fingerprint import FingerprintSettings
from corpus.normalise import NORMALISER_VERSION
from corpus.text.scripts import han_variant

VARIANTS = ROOT / "tests" / "fixtures" / "script-variants"
LAW_S2TWP = VARIANTS / "statistics-law-2009.s2twp.md"  # Traditional, Taiwan phrasing
LAW_S2TW = VARIANTS / "statistics-law-2009.s2tw.md"  # Traditional, no phrase changes
PDF_SEED_S2TWP = VARIANTS / "seed-003.s2twp.txt"
LAW_TITLE = {"simplified": "中华人民共和国统计法", "traditional": "中華人民共和國統計法"}


def statistics_law_2009() -> Path:
    """The Simplified original of the Traditional fixtures."""
    return shared("zh-laws/versions/统计法/经济法__统计法(2009-06-27).md")


def add(cli: CliRunner, db: Path, *paths: Path) -> list[dict[str, Any]]:
    """Add ``paths`` in this order: one add each (an add matches its files in the order of their locations)."""
    records = []
    for path in paths:
        run = cli("--db", db, "add", "--json", path)
        assert run.returncode == 0, run.stderr
        records += run.json_lines()
    return records


def show(cli: CliRunner, db: Path, document_id: int) -> dict[str, Any]:
    run = cli("--db", db, "show", str(document_id), "--json")
    assert run.returncode == 0, run.stderr
    (doc,) = run.json_lines()
    return doc


def scripts_of_paragraphs(doc: dict[str, Any]) -> Counter[str | None]:
    return Counter(han_variant(p["text"]) for p in doc["paragraphs"])


@pytest.mark.parametrize(
    ("order", "script"),
    [(("simplified", "traditional"), "simplified"), (("traditional", "simplified"), "traditional")],
    ids=["simplified-first", "traditional-first"],
)
def test_a_law_and_its_traditional_republication_are_one_document(
    cli: CliRunner, tmp_path: Path, order: tuple[str, str], script: str
) -> None:
    files = {"simplified": statistics_law_2009(), "traditional": LAW_S2TWP}
    first, second = add(cli, tmp_path / "c.db", *(files[o] for o in order))
    assert (first["status"], second["status"]) == ("new", "copy")
    assert first["document_id"] == second["document_id"]
    assert second["similarity"] >= 0.99
    doc = show(cli, tmp_path / "c.db", first["document_id"])
    # One source in each script: the tie goes to the first source's script, whole.
    assert doc["title"] == LAW_TITLE[script]
    assert han_variant(doc["text"]) == script
    assert scripts_of_paragraphs(doc).keys() <= {script, None}
    assert [s["script"] for s in doc["sources"]] == list(order)


def test_the_republication_leaves_the_simplified_canonical_text_as_it_was(cli: CliRunner, tmp_path: Path) -> None:
    (alone,) = add(cli, tmp_path / "alone.db", statistics_law_2009())
    before = show(cli, tmp_path / "alone.db", alone["document_id"])
    first, _ = add(cli, tmp_path / "both.db", statistics_law_2009(), LAW_S2TWP)
    after = show(cli, tmp_path / "both.db", first["document_id"])
    assert after["text"] == before["text"]
    # Every canonical paragraph is attested by both copies: none is only in one script.
    assert all(p["sources"] == [1, 2] for p in after["paragraphs"])


def test_the_canonical_text_turns_traditional_when_most_sources_are(cli: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    original, taiwan = add(cli, db, statistics_law_2009(), LAW_S2TWP)
    assert show(cli, db, original["document_id"])["title"] == LAW_TITLE["simplified"]
    (second_traditional,) = add(cli, db, LAW_S2TW)
    assert second_traditional["status"] == "copy"
    assert original["document_id"] == taiwan["document_id"] == second_traditional["document_id"]
    doc = show(cli, db, original["document_id"])
    assert doc["title"] == LAW_TITLE["traditional"]
    assert han_variant(doc["text"]) == "traditional"
    assert "simplified" not in scripts_of_paragraphs(doc)
    assert [s["script"] for s in doc["sources"]] == ["simplified", "traditional", "traditional"]


def test_the_seed_with_a_traditional_pdf_copy_stays_one_simplified_document(cli: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    records = add(cli, db, SEEDS, PDF_SEED_S2TWP)
    assert [r["status"] for r in records] == ["new", "copy", "copy"]
    assert len({r["document_id"] for r in records}) == 1
    doc = show(cli, db, records[0]["document_id"])
    # Two Simplified sources to one Traditional: the canonical text is the seed's, in Simplified.
    assert len(doc["paragraphs"]) == 63
    assert scripts_of_paragraphs(doc)["traditional"] == 0
    by_path = {Path(s["path"]).name: s["script"] for s in doc["sources"]}
    assert by_path == {WEB_SEED.name: "simplified", PDF_SEED.name: "simplified", PDF_SEED_S2TWP.name: "traditional"}


def test_the_seed_pair_alone_is_still_one_document_of_63_paragraphs(
    cli: CliRunner, seed_db: tuple[Path, list[dict[str, Any]]]
) -> None:
    db, records = seed_db
    assert [r["status"] for r in records] == ["new", "copy"]
    doc = show(cli, db, records[0]["document_id"])
    assert len(doc["paragraphs"]) == 63
    assert [s["script"] for s in doc["sources"]] == ["simplified", "simplified"]


def test_show_and_the_audit_say_which_source_is_in_which_script(cli: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    alice = shared("gutenberg/alice-11/11-0.txt")
    law, taiwan, english = add(cli, db, statistics_law_2009(), LAW_S2TWP, alice)
    assert han_variant(alice.read_text(encoding="utf-8-sig")) is None
    assert show(cli, db, english["document_id"])["sources"][0]["script"] is None

    human = cli("--db", db, "show", str(law["document_id"]))
    assert human.returncode == 0, human.stderr
    sources = human.stdout.split("source(s)", 1)[1]
    simplified, traditional = sources.split(LAW_S2TWP.name)
    assert "Simplified Chinese" in simplified and "Traditional Chinese" not in simplified
    assert "Traditional Chinese" in traditional and "Simplified Chinese" not in traditional

    run = cli("--db", db, "audit", "--json")
    assert run.returncode == 0, run.stderr
    (audited,) = run.json_lines()
    assert {s["source_id"]: s["script"] for s in audited["sources"]} == {
        law["source_id"]: "simplified",
        taiwan["source_id"]: "traditional",
    }


def test_different_laws_in_different_scripts_stay_apart(tmp_path: Path) -> None:
    accounting = shared("zh-laws/versions/会计法/经济法__会计法(2017-11-04).md")
    statistics_2024 = shared("zh-laws/versions/统计法/经济法__统计法(2024-09-13).md")
    with Corpus.open(tmp_path / "c.db") as corpus:
        (taiwan,) = corpus.add([LAW_S2TWP])
        (other_law,) = corpus.add([accounting])
        assert (taiwan.status, other_law.status) == ("new", "new")
        assert taiwan.document_id != other_law.document_id
        # A later version of the same law, in the other script: linked as a version, not folded into a copy.
        (later,) = corpus.add([statistics_2024])
        assert later.status == "version"
        assert later.document_id not in (taiwan.document_id, other_law.document_id)
        related = corpus.document(later.document_id or 0).related
        assert [(r.document_id, r.relation) for r in related] == [(taiwan.document_id, "version")]
        assert corpus.counts()["documents"] == 3


@pytest.mark.parametrize(
    "law",
    shared_files("zh-laws/*/*/*.md"),
    ids=lambda p: p.stem,
)
def test_han_variant_tells_the_script_of_real_laws(law: Path) -> None:
    text = shared(str(law)).read_text(encoding="utf-8")
    assert han_variant(text) == "simplified"
    assert han_variant(opencc.OpenCC("s2twp").convert(text)) == "traditional"
    assert han_variant(opencc.OpenCC("s2hk").convert(text)) == "traditional"


def test_a_store_built_by_the_previous_normaliser_is_refused_naming_both(cli: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with Corpus.open(db, settings=FingerprintSettings(normaliser="nfkc-casefold-tokens/1")) as corpus:
        corpus.add([WEB_SEED])
    run = cli("--db", db, "add", PDF_SEED)
    assert run.returncode == 2
    assert "nfkc-casefold-tokens/1" in run.stderr and NORMALISER_VERSION in run.stderr
    assert "Traceback" not in run.stderr
