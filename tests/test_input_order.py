"""The documents an add makes depend on its set of sources, not on the order they are named in, nor on --jobs.

The case where an order could matter, built from the web seed (a Chinese law as a web
page's text): A and C are the law with a different middle passage each (versions of each
other), B is the law with neither passage, so B is a copy of both A and C while A and C
are not copies of each other. Whichever of A and C it met first, B would join; sources
are matched in the order of their locations, so every order of naming them gives one
result, and the audit shows the case: B joined the document it is most like, and the
other was not merged into it.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from conftest import WEB_SEED, CliRunner

from corpus import Corpus
from corpus.text import display_width


def law_paragraphs() -> list[str]:
    text = WEB_SEED.read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()][4:64]  # the law, without the site's menus


def write_triple(folder: Path) -> dict[str, Path]:
    """part1 = A (passage X in the middle), part2 = C (passage Y there), part3 = B (neither)."""
    law = law_paragraphs()
    head, x, y, tail = law[:24], law[24:32], law[32:40], law[40:]
    folder.mkdir(parents=True, exist_ok=True)
    files = {"A": folder / "part1.txt", "C": folder / "part2.txt", "B": folder / "part3.txt"}
    for name, parts in (("A", head + x + tail), ("C", head + y + tail), ("B", head + tail)):
        files[name].write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return files


def store_contents(db: Path) -> dict[str, Any]:
    """Documents with their canonical paragraphs, their sources (by location) and their relations."""
    with Corpus.open(db, read_only=True) as corpus:
        documents = []
        for summary in corpus.documents():
            view = corpus.document(summary.document_id)
            documents.append(
                {
                    "id": view.document_id,
                    "paragraphs": [p.text for p in view.paragraphs],
                    "sources": sorted((Path(s.path).name, s.joined_as) for s in view.sources),
                    "related": [(r.document_id, r.relation) for r in view.related],
                }
            )
    return {"documents": documents}


def test_every_order_and_both_job_counts_give_one_store(cli: CliRunner, tmp_path: Path) -> None:
    files = write_triple(tmp_path / "in")
    results = []
    for n, order in enumerate(itertools.permutations(files.values())):
        listing = tmp_path / f"order{n}.txt"
        listing.write_text("".join(f"{p}\n" for p in order), encoding="utf-8")
        db = tmp_path / f"order{n}.db"
        run = cli("--db", db, "add", "--json", "--jobs", str(1 + n % 2), "--files-from", listing)
        assert run.returncode == 0, run.stderr
        results.append(store_contents(db))
    assert all(r == results[0] for r in results[1:])
    # What that one result is: B joined A's document; C is a version of it, not merged into it.
    documents = results[0]["documents"]
    assert [d["sources"] for d in documents] == [[("part1.txt", "new"), ("part3.txt", "copy")], [("part2.txt", "new")]]
    assert documents[1]["related"] == [(documents[0]["id"], "version")]


def test_named_as_folder_or_as_files_in_any_order_the_same(cli: CliRunner, tmp_path: Path) -> None:
    files = write_triple(tmp_path / "in")
    folder_db, files_db = tmp_path / "folder.db", tmp_path / "files.db"
    assert cli("--db", folder_db, "add", tmp_path / "in").returncode == 0
    assert cli("--db", files_db, "add", files["B"], files["C"], files["A"]).returncode == 0
    assert store_contents(folder_db) == store_contents(files_db)


def test_the_audit_shows_the_source_that_is_a_copy_of_two_documents(cli: CliRunner, tmp_path: Path) -> None:
    write_triple(tmp_path / "in")
    db = tmp_path / "c.db"
    assert cli("--db", db, "add", tmp_path / "in").returncode == 0
    audits = {a["document_id"]: a for a in cli("--db", db, "audit", "--json").json_lines()}
    with Corpus.open(db, read_only=True) as corpus:
        by_name = {Path(s.path).name: s for d in corpus.documents() for s in corpus.document(d.document_id).sources}
    b, a, c = by_name["part3.txt"], by_name["part1.txt"], by_name["part2.txt"]
    assert (a.joined_as, b.joined_as, c.joined_as) == ("new", "copy", "new")
    joined, other = audits[1], audits[2]
    assert b.similarity is not None
    case = {
        "source_id": b.source_id,
        "joined": 1,
        "also_copy_of": 2,
        "similarity": round(b.similarity, 3),
        "similarity_to_other": joined["ambiguous"][0]["similarity_to_other"],
    }
    assert joined["ambiguous"] == [case] and other["ambiguous"] == [case]
    assert 0.7 < case["similarity_to_other"] < case["similarity"]  # it joined the one it is more like
    assert c.source_id in [s["source_id"] for s in other["sources"]]

    printed = cli("--db", db, "audit", env={"COLUMNS": "80"}).stdout
    assert f"  ambiguous: #{b.source_id} is a copy of this document" in printed
    assert f"  ambiguous: #{b.source_id} (in document 1) is also a copy of this document" in printed
    assert max(display_width(line) for line in printed.splitlines()) <= 80  # Chinese counts two columns

    page = tmp_path / "audit.html"
    assert cli("--db", db, "audit", "--html", page).returncode == 0
    assert page.read_text(encoding="utf-8").count("<strong>ambiguous:</strong>") == 2
