"""Decisions that hold as the corpus grows: recurring paragraphs, many versions, long texts.

Real texts: the laws of ../shared/data/zh-laws (the national law database), and the
generated corpora of benchmarks/generate.py, whose paragraphs are made of real
sentences of the shared data (Chinese laws and articles, Alice, RFC 2616).
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT, run_corpus, shared

from corpus import Corpus

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import ASCII_PUNCTUATION, generate, hard_wrap
from scoring import pairwise

ARTICLE = re.compile(r"^第[一二三四五六七八九十百零]+条", re.MULTILINE)
def rewrapped(text: str, width: int = 30) -> str:
    """A law as a PDF's extracted text might give it: ASCII punctuation, a hard wrap every ``width`` characters.

    The Markdown file's comment line is not printed text, so the copy leaves it out.
    """
    lines: list[str] = []
    for paragraph in (p.strip() for p in text.split("\n\n") if not p.strip().startswith("<!--")):
        lines += hard_wrap(paragraph.lstrip("#").strip().translate(ASCII_PUNCTUATION), True, width)
    return "\n\n".join(lines) + "\n"


def test_3000_files_of_recurring_paragraphs_collapse_exactly_their_copies(tmp_path: Path) -> None:
    shared("zh-laws")
    truth = generate(3000, tmp_path / "gen")
    with Corpus.open(tmp_path / "c.db") as corpus:
        results = corpus.add([tmp_path / "gen" / "files"])
    predicted = {Path(r.path).name: r.document_id for r in results}
    assert len(predicted) == len(truth) and not [r for r in results if r.status == "failed"]
    precision, recall = pairwise(truth, predicted)
    assert precision >= 0.99 and recall >= 0.99, (precision, recall)
    # Every paragraph is in about five documents, yet no document takes in another.
    with (tmp_path / "gen" / "truth.csv").open(encoding="utf-8") as f:
        copies = [row["file"] for row in csv.DictReader(f) if row["file"].endswith(".copy.txt")]
    statuses = {Path(r.path).name: r.status for r in results}
    pairs = [(statuses[name], statuses[name.replace(".copy.txt", ".txt")]) for name in copies]
    joined = sum(sorted(pair) == ["copy", "new"] for pair in pairs)
    assert joined >= 0.99 * len(copies), Counter(pairs)
    assert Counter(statuses.values())["copy"] == joined


def _three_versions(tmp_path: Path) -> list[Path]:
    """The accounting law of 2017 and of 2024, and between them the 2017 text with its last chapters as in 2024."""
    folder = shared("zh-laws/versions/会计法")
    old = (folder / "经济法__会计法(2017-11-04).md").read_text(encoding="utf-8")
    new = (folder / "经济法__会计法(2024-06-28).md").read_text(encoding="utf-8")
    headings = [h for h in re.findall(r"^## .+$", old, re.MULTILINE) if h in new]
    middle = headings[len(headings) // 2]
    between = old[: old.index(middle)] + new[new.index(middle) :]
    paths = []
    for name, text in (("v1-2017.md", old), ("v2-staged.md", between), ("v3-2024.md", new)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_with_three_versions_stored_a_copy_of_each_joins_exactly_its_own(tmp_path: Path) -> None:
    versions = _three_versions(tmp_path)
    copies = []
    for path in versions:
        copy = tmp_path / f"{path.stem}.rewrapped.txt"
        copy.write_text(rewrapped(path.read_text(encoding="utf-8")), encoding="utf-8")
        copies.append(copy)
    with Corpus.open(tmp_path / "c.db") as corpus:
        stored = corpus.add(versions)
        assert [r.status for r in stored] == ["new", "version", "version"]
        documents = [r.document_id for r in stored]
        assert len(set(documents)) == 3
        joined = corpus.add(copies)
        assert [r.status for r in joined] == ["copy", "copy", "copy"]
        assert [r.document_id for r in joined] == documents
        # Every pair of versions is linked, in both directions.
        for document_id in documents:
            related = {r.document_id for r in corpus.document(document_id or 0).related if r.relation == "version"}
            assert related == set(documents) - {document_id}
        # No canonical text took in another version's wording: each article once, as its version words it.
        for document_id, path in zip(documents, versions, strict=True):
            view = corpus.document(document_id or 0)
            assert len(view.sources) == 2
            numbers = [m.group() for p in view.paragraphs if (m := ARTICLE.match(p.text))]
            assert len(numbers) == len(set(numbers)) == len(ARTICLE.findall(path.read_text(encoding="utf-8")))


def test_one_rewritten_paragraph_in_a_long_law_is_a_linked_version_with_one_wording(tmp_path: Path) -> None:
    law = shared("zh-laws/versions/公司法/民法商法__公司法(2023-12-29).md").read_text(encoding="utf-8")
    paragraphs = law.split("\n\n")
    assert len(paragraphs) >= 120
    # Article 60's paragraph reworded: the same length, other words (from the statistics law).
    target = next(i for i, p in enumerate(paragraphs) if p.startswith("第六十条"))
    stats = shared("zh-laws/versions/统计法/经济法__统计法(2024-09-13).md").read_text(encoding="utf-8")
    replacement = next(p for p in stats.split("\n\n") if p.startswith("第十条"))
    amended = [*paragraphs[:target], "第六十条 " + replacement.split(" ", 1)[1], *paragraphs[target + 1 :]]
    (tmp_path / "law.md").write_text(law, encoding="utf-8")
    (tmp_path / "amended.md").write_text("\n\n".join(amended), encoding="utf-8")
    with Corpus.open(tmp_path / "c.db") as corpus:
        (first,) = corpus.add([tmp_path / "law.md"])
        (second,) = corpus.add([tmp_path / "amended.md"])
        assert (first.status, second.status) == ("new", "version")
        assert first.document_id != second.document_id
        assert [r.document_id for r in corpus.document(second.document_id or 0).related] == [first.document_id]
        for result, text in ((first, paragraphs[target]), (second, amended[target])):
            view = corpus.document(result.document_id or 0)
            articles = [p.text for p in view.paragraphs if p.text.startswith("第六十条")]
            assert articles == [text.strip()]


@pytest.mark.parametrize("order", ["copy first", "original first"])
def test_a_reformatted_copy_of_a_document_of_shared_paragraphs_joins_it_in_either_order(
    tmp_path: Path, order: str
) -> None:
    # A generated corpus whose every paragraph is in five documents: discounting the
    # shared paragraphs once made the original of an already-added copy a new document.
    shared("zh-laws")
    generate(300, tmp_path / "gen", seed=7)
    folder = tmp_path / "gen" / "files"
    copy = sorted(folder.glob("*.copy.txt"))[0]
    original = folder / copy.name.replace(".copy.txt", ".txt")
    others = sorted(p for p in folder.glob("*.txt") if p not in (copy, original))
    pair = [copy, original] if order == "copy first" else [original, copy]
    with Corpus.open(tmp_path / "c.db") as corpus:
        corpus.add(others)
        first, second = corpus.add(pair)
        assert (first.status, second.status) == ("new", "copy")
        assert first.document_id == second.document_id


def test_an_original_joining_its_untitled_copy_brings_its_title(tmp_path: Path) -> None:
    # tests/fixtures/untitled-copy: the copy (pdftext: no title) sorts first and makes the
    # document; the original (the text reader finds its title) joins it as a copy. Its title
    # must be the document's, as a rebuild from both gives it: a shortcut for copies that add
    # nothing once recorded it as attesting only, and `corpus check` found the title missing.
    folder = ROOT / "tests" / "fixtures" / "untitled-copy"
    db = tmp_path / "c.db"
    with Corpus.open(db) as corpus:
        copy, original = corpus.add([folder / "doc000023.txt", folder / "doc000023.copy.txt"])
        assert (copy.status, original.status) == ("new", "copy") and copy.path.endswith(".copy.txt")
        assert corpus.document(copy.document_id or 0).title == "Key words for use in RFCs to Indicate Re (No. 23)"
    checked = run_corpus("--db", db, "check")
    assert checked.returncode == 0 and "no problems" in checked.stdout, checked.stdout
