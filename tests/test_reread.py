"""`corpus reread`: sources read again with the readers installed now, on the real seeds and shared files.

A reader's version changes the two ways it does for a user: a plugin registered in code is
replaced by its next version (or uninstalled), or the store records an older version of a
built-in reader than the one installed. What is checked is what a user sees: which sources
were read again and what moved (document, status), which documents changed, the texts
equal to what adding the files afresh gives, ids kept, `corpus check` clean, and a
re-read cut short finished by the next one.
"""

from __future__ import annotations

import hashlib
import sqlite3
import zipfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import corpus_pdftext
import pytest
from conftest import PDF_SEED, WEB_SEED, Run, registered, run_corpus, shared

import corpus.reread as reread_module
from corpus import Corpus, Extract, ReaderError, SourceFile, hookimpl
from corpus.check import check_store
from corpus.reread import RereadSource

OLD_LAW = "zh-laws/versions/反垄断法/经济法__反垄断法(2007-08-30).md"
NEW_LAW = "zh-laws/versions/反垄断法/经济法__反垄断法(2022-06-24).md"
ID_LAW = "zh-laws/same-law-same-date/宪法相关法__居民身份证法(2011-10-29).md"
PICTURE = "encoding-detection/char-dataset/None/sample-1.png"
# A rewritten paragraph: the PDF text with it is an edited version of the seed, not a copy.
REWRITTEN = (
    "本意见自印发之日起施行，由中央组织部会同有关部门负责解释，各地区各部门应当结合实际制定具体实施办法并报备案。"
)


class Scrambled:
    """Version 1.0 claims the seed's PDF text and reads every paragraph backwards: another text."""

    name = "scrambled"
    version = "1.0"
    media_types = ("text/plain",)

    def sniff(self, source: SourceFile) -> float | None:
        return 1.0 if source.path.name == PDF_SEED.name else None

    def read(self, source: SourceFile) -> Extract:
        assert source.text is not None
        return Extract(paragraphs=[p.strip()[::-1] for p in source.text.split("\n\n") if p.strip()], title=None)


class Unscrambled(Scrambled):
    """Version 2.0 leaves the file to the built-in reader."""

    version = "2.0"

    def sniff(self, source: SourceFile) -> float | None:
        return None


class Failing(Scrambled):
    """Version 2.0 claims the file and cannot read it."""

    version = "2.0"

    def read(self, source: SourceFile) -> Extract:
        raise ReaderError(f"{source.path.name}: version 2.0 cannot read this")


class Editing:
    """Reads the seed's PDF text as the built-in reader does, with one paragraph rewritten: a version."""

    name = "editing"
    version = "1.0"
    media_types = ("text/plain",)

    def sniff(self, source: SourceFile) -> float | None:
        return 1.0 if source.path.name == PDF_SEED.name else None

    def read(self, source: SourceFile) -> Extract:
        extract = registered(corpus_pdftext).read(source)
        paragraphs = list(extract.paragraphs)
        middle = len(paragraphs) // 2
        paragraphs[middle] = REWRITTEN
        return Extract(paragraphs=paragraphs, title=extract.title)


class Captions:
    """Reads a PNG as a caption of it: a reader installed after the picture failed."""

    name = "captions"
    version = "1.0"
    media_types = ("image/png",)

    def sniff(self, source: SourceFile) -> float | None:
        return 1.0 if source.media_type == "image/png" else None

    def read(self, source: SourceFile) -> Extract:
        return Extract(paragraphs=[f"A PNG picture of {len(source.data)} bytes, named {source.path.name}."])


def plugin(*readers: object) -> object:
    class Plugin:
        @hookimpl
        def corpus_register_readers(self, register):  # type: ignore[no-untyped-def]
            for reader in readers:
                register(reader)

    return Plugin()


def corpus(db: Path, *args: str | Path) -> Run:
    return run_corpus("--db", db, *args)


def view(c: Corpus, document_id: int) -> dict[str, Any]:
    """A document as a user reads it: title, text, paragraphs with the sources attesting them, relations."""
    shown = c.document(document_id).to_dict()
    return {key: shown[key] for key in ("document_id", "title", "text", "paragraphs", "related")}


def everything(c: Corpus) -> list[dict[str, Any]]:
    return [view(c, d.document_id) for d in c.documents()]


def assert_clean(c: Corpus) -> None:
    checked = check_store(c.store, c.host)
    assert checked.clean, checked.lines()


def fresh(tmp_path: Path, *files: Path) -> list[dict[str, Any]]:
    """The documents adding ``files``, in this order (one add each), to a new store with the installed readers gives."""
    with Corpus.open(tmp_path / "fresh.db") as c:
        for file in files:
            c.add([file])
        return everything(c)


@pytest.mark.parametrize("now_installed", [[Unscrambled()], []], ids=["next-version", "uninstalled"])
def test_a_source_a_new_reader_version_reads_right_joins_its_document(
    tmp_path: Path, now_installed: list[object]
) -> None:
    db = tmp_path / "corpus.db"
    with Corpus.open(db, plugins=[plugin(Scrambled())]) as c:
        results = {Path(r.path).name: r for r in c.add([WEB_SEED, PDF_SEED])}
        web, pdf = results[WEB_SEED.name], results[PDF_SEED.name]
        assert (web.status, pdf.status, pdf.reader) == ("new", "new", "scrambled")
        assert (web.document_id, pdf.document_id) == (1, 2)

    with Corpus.open(db, plugins=[plugin(*now_installed)]) as c:
        report = c.reread()
        (source,) = report.sources
        assert source.source_id == pdf.source_id and source.moved
        assert (source.status_before, source.document_id_before) == ("new", 2)
        assert (source.status, source.document_id) == ("copy", 1)
        assert (source.reader_before, source.reader_version_before) == ("scrambled", "1.0")
        assert (source.reader, source.error) == ("pdftext", None)
        assert ("2.0" in source.reason) if now_installed else ("not installed" in source.reason)
        # The web page's text is the canonical text either way; now the PDF attests it.
        assert {d.document_id: d.change for d in report.documents} == {1: "sources", 2: "removed"}
        assert report.summary()["status_changes"] == {"new → copy": 1}

        assert everything(c) == fresh(tmp_path, WEB_SEED, PDF_SEED)
        assert_clean(c)
        assert c.reread().sources == ()  # nothing left to read again


def test_a_source_read_as_an_edited_text_becomes_a_version(tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    with Corpus.open(db) as c:
        c.add([WEB_SEED, PDF_SEED])
    with Corpus.open(db, plugins=[plugin(Editing())]) as c:
        report = c.reread(everything=True)
        moved = {s.source_id: s for s in report.moved}
        (pdf,) = moved.values()
        assert (pdf.status_before, pdf.document_id_before, pdf.status, pdf.document_id) == ("copy", 1, "version", 2)
        assert pdf.reader == "editing"
        assert {d.document_id: d.change for d in report.documents} == {1: "sources", 2: "new"}
        assert report.documents[0].related == (2,) and report.documents[1].related == (1,)
        web = report.sources[0]
        assert (web.status_before, web.status, web.moved) == ("new", "version", False)  # its document gained a link
        assert [r["document_id"] for r in view(c, 2)["related"]] == [1]
        assert REWRITTEN in view(c, 2)["text"]
        web_only = fresh(tmp_path, WEB_SEED)
        assert view(c, 1)["text"] == web_only[0]["text"]
        assert_clean(c)


def test_a_source_the_new_version_cannot_read_leaves_its_document(tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    with Corpus.open(db, plugins=[plugin(Scrambled())]) as c:
        c.add([WEB_SEED, PDF_SEED])
    with Corpus.open(db, plugins=[plugin(Failing())]) as c:
        report = c.reread()
        (pdf,) = report.newly_failed
        assert (pdf.status_before, pdf.status, pdf.document_id) == ("new", "failed", None)
        assert pdf.error is not None and "version 2.0 cannot read this" in pdf.error
        assert {d.document_id: d.change for d in report.documents} == {2: "removed"}
        assert [d.document_id for d in c.documents()] == [1]
        assert c.source(pdf.source_id).status == "failed"
        assert c.source_bytes(pdf.source_id) == PDF_SEED.read_bytes()
        assert_clean(c)


def test_a_failed_source_a_reader_installed_since_reads_is_added(tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    picture = shared(PICTURE)
    with Corpus.open(db) as c:
        (failed,) = c.add([picture])
        assert failed.status == "failed"
    with Corpus.open(db, plugins=[plugin(Captions())]) as c:
        assert c.reread(failed=False).sources == ()
        report = c.reread()
        (source,) = report.sources
        assert (source.source_id, source.status_before, source.status) == (failed.source_id, "failed", "new")
        assert source.moved and report.summary()["recovered"] == 1
        (document,) = report.documents
        assert document.change == "new" and document.sources == (failed.source_id,)
        assert c.source(failed.source_id or 0).locations == (str(picture),)
        assert_clean(c)


@pytest.fixture
def laws(tmp_path: Path) -> Path:
    """The seeds, two versions of a law, a law filed twice, a picture that fails."""
    db = tmp_path / "laws.db"
    files = [WEB_SEED, PDF_SEED, shared(OLD_LAW), shared(NEW_LAW), shared(ID_LAW), shared(PICTURE)]
    # One add each, so that the ids follow this order wherever the checkout lies (one add
    # matches its files in the order of their locations).
    runs = [corpus(db, "add", "--json", file) for file in files]
    assert [run.returncode for run in runs] == [0, 0, 0, 0, 0, 1], [run.stderr for run in runs]  # the picture fails
    return db


def seen(db: Path) -> list[tuple[Any, ...]]:
    """Every source's id, sha256 and added_at, and every location's first-seen time."""
    with closing(sqlite3.connect(db)) as conn:
        sources = conn.execute("SELECT id, sha256, added_at FROM sources ORDER BY id").fetchall()
        locations = conn.execute("SELECT source_id, location, added_at FROM locations ORDER BY 1, 2").fetchall()
    return sources + locations


def test_reading_everything_again_keeps_every_id_text_and_time(laws: Path) -> None:
    with Corpus.open(laws, read_only=True) as c:
        before = everything(c)
    times = seen(laws)

    run = corpus(laws, "reread", "--all", "--json")
    assert run.returncode == 0, run.stderr
    lines = run.json_lines()
    sources = [line for line in lines if line["type"] == "source"]
    assert len(sources) == 6 and not any(s["moved"] for s in sources)
    assert [line for line in lines if line["type"] == "document"] == []
    assert lines[-1]["type"] == "summary" and lines[-1]["reread"] == 6 and lines[-1]["moved"] == 0

    with Corpus.open(laws, read_only=True) as c:
        assert everything(c) == before  # the version link between the two laws too
        assert_clean(c)
    assert seen(laws) == times


def test_an_older_stored_version_is_read_again_and_only_it(laws: Path) -> None:
    with closing(sqlite3.connect(laws)) as conn, conn:
        conn.execute("UPDATE sources SET reader_version = '0.9' WHERE reader = 'pdftext'")
    (pdf_id,) = (i for i, sha, _ in seen(laws)[:6] if sha == corpus_sha(laws, PDF_SEED))

    assert corpus(laws, "stats", "--json").json_lines()[0]["sources_to_reread"] == 1
    run = corpus(laws, "reread", "--no-failed", "--json")
    assert run.returncode == 0, run.stderr
    source, summary = run.json_lines()
    assert source["source_id"] == pdf_id and source["moved"] is False
    assert (source["reader"], source["reader_version_before"], source["reader_version"]) == ("pdftext", "0.9", "1.0")
    assert (source["status_before"], source["status"]) == ("copy", "copy")
    assert source["document_id_before"] == source["document_id"] == 1
    assert summary["reread"] == 1 and summary["documents_changed"] == 0

    quiet = corpus(laws, "reread", "--no-failed")
    assert quiet.returncode == 0 and "nothing to read again" in quiet.stdout
    assert corpus(laws, "reread", "--reader", "webtext").stdout.startswith("nothing to read again")
    only = corpus(laws, "reread", "--reader", "webtext", "--all", "--json").json_lines()
    assert [line["reader"] for line in only if line["type"] == "source"] == ["webtext"]
    unknown = corpus(laws, "reread", "--reader", "nosuch")
    assert unknown.returncode == 2 and "no reader 'nosuch'" in unknown.stderr

    # A reader uninstalled since: its source is read by the reader installed now, and stays put.
    with closing(sqlite3.connect(laws)) as conn, conn:
        conn.execute("UPDATE sources SET reader = 'webpage', reader_version = '3.1' WHERE reader = 'webtext'")
    told = corpus(laws, "reread", "--no-failed")
    assert told.returncode == 0, told.stderr
    assert "read 1 source(s) again: 0 moved, 1 stayed where they were; 0 document(s) changed" in told.stdout
    assert corpus(laws, "source", "1", "--json").json_lines()[0]["reader"] == "webtext"
    assert corpus(laws, "check").returncode == 0


def corpus_sha(db: Path, file: Path) -> str:
    return hashlib.sha256(file.read_bytes()).hexdigest()


def test_a_reread_cut_short_leaves_a_clean_store_and_the_next_one_finishes_it(
    laws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Corpus.open(laws, read_only=True) as c:
        before = everything(c)
    times = seen(laws)

    def killed(*args: Any, **kwargs: Any) -> Iterator[Any]:
        raise KeyboardInterrupt  # as a ^C between taking the sources out and adding them again

    monkeypatch.setattr(reread_module, "add_files", killed)
    with Corpus.open(laws) as c, pytest.raises(KeyboardInterrupt):
        c.reread(everything=True)
    monkeypatch.undo()

    with Corpus.open(laws) as c:
        assert_clean(c)  # the store is consistent between the two steps
        assert c.documents() == []
        failed = c.failed_sources()
        assert len(failed) == 6  # the picture, and the five read sources waiting to be read again
        assert sum(reread_module.REREADING in (s.error or "") for s in failed) == 5
        report = c.reread(failed=False)  # what was cut short is finished whatever is asked
        assert len(report.sources) == 5
        assert {s.reason for s in report.sources} == {reread_module.CUT_SHORT}
        assert everything(c) == before
        assert not report.moved and report.documents == ()
        assert_clean(c)
    assert seen(laws) == times


def test_a_document_that_comes_back_brings_back_the_ids_merged_into_it(tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    with Corpus.open(db) as c:
        c.add([WEB_SEED, PDF_SEED])
        (law,) = c.add([shared(OLD_LAW)])
        assert law.document_id == 2
        # What the commit stage does when a source turns out to be a copy of two documents.
        with c.store.transaction():
            c.store.merge_documents(1, 2)
            c.store.log("merge", document_id=1, absorbed=2, jaccard=1.0)
            from corpus.lifecycle import rebuild

            rebuild(c.store, c.host, 1, after="test")
        assert_clean(c)

        report = c.reread(everything=True)
        # Read again as adding the files gives: the law is no copy of the seed, so it has a document of
        # its own, with a new id (2 names what was merged into document 1, and still resolves to it).
        moved = {s.source_id: (s.document_id_before, s.document_id) for s in report.moved}
        assert moved == {law.source_id: (1, 3)}
        assert c.store.resolve_document(2) == 1
        changes = {d.document_id: (d.sources_before, d.sources) for d in report.documents}
        assert changes == {1: ((1, 2, law.source_id), (1, 2)), 3: (None, (law.source_id,))}
        unnumbered = [{k: v for k, v in d.items() if k != "document_id"} for d in everything(c)]
        assert unnumbered == [
            {k: v for k, v in d.items() if k != "document_id"}
            for d in fresh(tmp_path, WEB_SEED, PDF_SEED, shared(OLD_LAW))
        ]
        assert_clean(c)


def test_archive_members_and_data_files_are_read_again_as_adding_them_did(tmp_path: Path) -> None:
    archive = tmp_path / "seeds.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(WEB_SEED, f"web/{WEB_SEED.name}")
        zipped.write(PDF_SEED, f"pdf/{PDF_SEED.name}")
    data_file = shared("encoding-detection/labels.csv")
    db = tmp_path / "corpus.db"
    with Corpus.open(db) as c:
        results = {r.path: r for r in c.add([archive, data_file])}
        web = results[f"{archive}!web/{WEB_SEED.name}"]
        pdf = results[f"{archive}!pdf/{PDF_SEED.name}"]
        table = results[str(data_file)]
        assert (web.status, pdf.status, table.status) == ("new", "copy", "failed")
        before = everything(c)

        report = c.reread(everything=True)
        by_id: dict[int | None, RereadSource] = {s.source_id: s for s in report.sources}
        assert set(by_id) == {web.source_id, pdf.source_id, table.source_id}
        assert not report.moved and report.documents == ()
        assert (by_id[pdf.source_id].reader, by_id[pdf.source_id].status) == ("pdftext", "copy")
        assert by_id[table.source_id].status == "failed"
        assert "a data file (CSV)" in (by_id[table.source_id].error or "")
        assert everything(c) == before
        assert c.source(pdf.source_id or 0).locations == (f"{archive}!pdf/{PDF_SEED.name}",)
        assert_clean(c)
