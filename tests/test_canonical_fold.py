"""A document's canonical text is kept up to date without a rebuild from every source.

The first sources of a document are built together; a later one folds into what
they built (kept in the store), unless it is better structured than the source
that shaped the text or changes which title most sources give: then the text is
built anew. Either way the text is the one a rebuild from the sources, in the
order they joined, gives. Real texts: Alice from ../shared/data/gutenberg,
re-wrapped as text extractors leave it, and the ten forms of a zh-web-vs-pdf
news article (PDFs, their text extractions, the web page and a w3m dump).
"""

from __future__ import annotations

import csv
import json
import sqlite3
import textwrap
from pathlib import Path

from conftest import shared

from corpus import Corpus
from corpus.canonical_policy import FIRST_SOURCES, Build
from corpus.store import Store


def alice_copies(folder: Path, count: int) -> list[Path]:
    """``count`` copies of Alice, each hard-wrapped at its own width."""
    text = shared("gutenberg/alice-11/11-0.txt").read_text(encoding="utf-8-sig")
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
    folder.mkdir()
    out = []
    for n in range(count):
        path = folder / f"alice-{n:02d}.txt"
        path.write_text("\n\n".join(textwrap.fill(p, 50 + n) for p in paragraphs) + "\n", encoding="utf-8")
        out.append(path)
    return out


def canonical_events(db: Path) -> list[dict[str, object]]:
    rows = sqlite3.connect(db).execute("SELECT detail FROM events WHERE kind = 'canonical' ORDER BY id")
    return [json.loads(detail) for (detail,) in rows]


def stored_and_rebuilt(db: Path, document_id: int) -> tuple[list[str], list[str], list[str]]:
    """The stored canonical paragraphs, a rebuild's in joining order, and a build of all sources at once."""
    store = Store(sqlite3.connect(db), db)
    sources = store.source_texts(document_id)
    stored = [text for text, _ in store.paragraphs(document_id)]
    replay = [p.text for p in Build.of(sources).canonical().paragraphs]
    at_once = [p.text for p in Build.of(sources, first=len(sources)).canonical().paragraphs]
    return stored, replay, at_once


def test_later_copies_fold_in_and_give_the_text_of_a_rebuild(tmp_path: Path) -> None:
    copies = alice_copies(tmp_path / "alice", FIRST_SOURCES + 3)
    db = tmp_path / "c.db"
    with Corpus.open(db) as corpus:
        results = [r for path in copies for r in corpus.add([path])]
    assert [r.status for r in results] == ["new"] + ["copy"] * (len(copies) - 1)
    built = [event["built"] for event in canonical_events(db)]
    assert built == ["rebuilt"] * FIRST_SOURCES + ["folded"] * 3
    stored, replay, at_once = stored_and_rebuilt(db, results[0].document_id or 0)
    assert stored == replay == at_once
    assert any("Down the Rabbit-Hole" in text for text in stored)


def test_a_better_structured_source_joining_late_reshapes_the_text(tmp_path: Path) -> None:
    base = shared("zh-web-vs-pdf")
    rows = csv.DictReader((base / "groundtruth.csv").open(encoding="utf-8"))
    forms = [base / r["file"] for r in rows if r["kind"] == "document" and r["file"].startswith("D02")]
    assert len(forms) > FIRST_SOURCES  # the web page and its dump come last
    db = tmp_path / "c.db"
    with Corpus.open(db) as corpus:
        results = corpus.add(forms)
    assert {r.document_id for r in results} == {1}
    events = canonical_events(db)
    # The web page's paragraphs are split as the others' are, more than the PDF's that shaped the text.
    assert events[FIRST_SOURCES]["built"] == "rebuilt"
    stored, replay, at_once = stored_and_rebuilt(db, 1)
    assert stored == replay == at_once
    assert stored[0] == "习近平主持召开深入推进长三角一体化发展座谈会"


def test_a_kept_build_that_cannot_be_read_is_built_anew(tmp_path: Path) -> None:
    copies = alice_copies(tmp_path / "alice", FIRST_SOURCES + 1)
    db = tmp_path / "c.db"
    with Corpus.open(db) as corpus:
        corpus.add(copies[:-1])
    before = stored_and_rebuilt(db, 1)[0]
    with sqlite3.connect(db) as con:
        con.execute("UPDATE canonical_builds SET state = x'00ff'")
    with Corpus.open(db) as corpus:
        (result,) = corpus.add(copies[-1:])
    assert result.status == "copy"
    assert canonical_events(db)[-1]["built"] == "rebuilt"
    stored, replay, _ = stored_and_rebuilt(db, 1)
    assert stored == replay and len(stored) >= len(before) - 2
