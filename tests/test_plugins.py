"""Plugins: third-party readers installed with pip, broken plugins, disabling, name clashes,
and the canonical-text policy hook."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PDF_SEED, ROOT, SEEDS, TITLE, WEB_SEED, CliRunner, shared

from corpus import Canonical, CanonicalParagraph, Corpus, CorpusError, Extract, PluginError, SourceFile, hookimpl
from corpus.check import check_store

FIXTURES = ROOT / "tests" / "fixtures" / "plugins"
# A real note, written for these tests: title line, then blank-line paragraphs.
NOTE = "Minutes of the reading group\nWe read the first chapter.\n\nNext week: the second chapter.\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The note reader and the broken plugin, pip-installed into a folder of their own."""
    target = tmp_path_factory.mktemp("site")
    for name in ("corpus-note-reader", "corpus-broken-plugin"):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-deps",
                "--no-build-isolation",
                "--target",
                str(target),
                str(FIXTURES / name),
            ],
            check=True,
            capture_output=True,
        )
    return target


def test_builtin_readers_are_listed(cli: CliRunner) -> None:
    run = cli("readers", "--json")
    assert run.returncode == 0
    readers = {r["name"]: r for r in run.json_lines()}
    assert {"text", "webtext", "pdftext"} <= set(readers)
    assert all(readers[n]["plugin"] == "corpus" and readers[n]["version"] for n in ("text", "webtext", "pdftext"))


def test_installed_third_party_reader_is_listed_and_used(cli: CliRunner, site: Path, tmp_path: Path) -> None:
    env = {"PYTHONPATH": str(site)}
    run = cli("readers", "--json", env=env)
    assert run.returncode == 0
    lines = run.json_lines()
    note = next(r for r in lines if r.get("name") == "note")
    assert note == {"name": "note", "version": "1.0", "media_types": ["text/x-note"], "plugin": "corpus-note-reader"}
    broken = next(r for r in lines if r.get("plugin") == "broken" and "error" in r)
    assert "nonexistent-dependency" in broken["error"]
    assert {"text", "webtext", "pdftext"} <= {r.get("name") for r in lines}

    note_file = tmp_path / "meeting.note"
    note_file.write_text(NOTE, encoding="utf-8")
    db = tmp_path / "corpus.db"
    add = cli("--db", db, "add", note_file, WEB_SEED, "--json", env=env)
    assert add.returncode == 0, add.stderr
    records = {Path(r["path"]).name: r for r in add.json_lines()}
    assert records["meeting.note"]["reader"] == "note" and records["meeting.note"]["status"] == "new"
    assert records[WEB_SEED.name]["reader"] == "webtext"
    assert "broken" in add.stderr  # reported, not fatal
    doc = cli("--db", db, "show", str(records["meeting.note"]["document_id"]), "--json", env=env).json_lines()[0]
    assert doc["title"] == "Minutes of the reading group"
    assert [p["text"] for p in doc["paragraphs"]][1:] == [
        "We read the first chapter.",
        "Next week: the second chapter.",
    ]


def test_disabled_plugins_are_not_loaded(cli: CliRunner, site: Path, tmp_path: Path) -> None:
    run = cli("readers", "--json", env={"PYTHONPATH": str(site), "CORPUS_DISABLE_PLUGINS": "note, broken,pdftext"})
    names = {r.get("name") for r in run.json_lines()}
    assert "note" not in names and "pdftext" not in names and "text" in names
    assert not any("error" in r for r in run.json_lines())


class ShoutingReader:
    """Claims every text file with certainty; used to show a later-registered plugin wins."""

    name = "shouting"
    version = "0.1"
    media_types = ("text/plain",)

    def sniff(self, source: SourceFile) -> float | None:
        return 1.0 if source.text is not None else None

    def read(self, source: SourceFile) -> Extract:
        assert source.text is not None
        return Extract(paragraphs=[source.text.strip().upper()], title="SHOUT")


class ShoutingPlugin:
    @hookimpl
    def corpus_register_readers(self, register):  # type: ignore[no-untyped-def]
        register(ShoutingReader())


def test_a_registered_reader_is_used(tmp_path: Path) -> None:
    text = tmp_path / "note.txt"
    text.write_text("quiet words\n", encoding="utf-8")
    with Corpus.open(tmp_path / "c.db", plugins=[ShoutingPlugin()]) as corpus:
        (result,) = corpus.add([text])
        assert result.reader == "shouting"
        assert corpus.document(result.document_id or 0).text == "SHOUT\nQUIET WORDS"


def test_two_readers_with_one_name_is_an_error_for_the_second(tmp_path: Path) -> None:
    class Twice:
        @hookimpl
        def corpus_register_readers(self, register):  # type: ignore[no-untyped-def]
            register(ShoutingReader())

    with Corpus.open(tmp_path / "c.db", plugins=[ShoutingPlugin(), Twice()]) as corpus:
        assert [r.name for r in corpus.readers].count("shouting") == 1
        (problem,) = corpus.plugin_problems
        assert "'shouting' is already registered" in problem.error


def test_a_plugin_that_registers_garbage_is_reported(tmp_path: Path) -> None:
    class Garbage:
        @hookimpl
        def corpus_register_readers(self, register):  # type: ignore[no-untyped-def]
            register(object())

    with Corpus.open(tmp_path / "c.db", plugins=[Garbage()]) as corpus:
        (problem,) = corpus.plugin_problems
        assert "without 'name'" in problem.error
        assert {"text", "webtext", "pdftext"} <= {r.name for r in corpus.readers}


def test_a_hook_that_takes_no_arguments_is_not_a_broken_plugin(tmp_path: Path) -> None:
    # pluggy passes an implementation only the arguments it names: one that asks for
    # none (it registers nothing, only takes part) is a valid plugin, not a broken one.
    class Quiet:
        called = False

        @hookimpl
        def corpus_register_readers(self) -> None:
            Quiet.called = True

    with Corpus.open(tmp_path / "c.db", plugins=[ShoutingPlugin(), Quiet()]) as corpus:
        assert not corpus.plugin_problems  # the plugins load when first asked for
        assert Quiet.called
        assert "shouting" in {r.name for r in corpus.readers}


def test_a_reader_that_builds_a_bad_extract_fails_its_source_with_the_reason(tmp_path: Path) -> None:
    class Sloppy(ShoutingReader):
        name = "sloppy"

        def read(self, source: SourceFile) -> Extract:
            return Extract(paragraphs=["fine", 42])  # type: ignore[list-item]

    class Plugin:
        @hookimpl
        def corpus_register_readers(self, register):  # type: ignore[no-untyped-def]
            register(Sloppy())

    with Corpus.open(tmp_path / "c.db", plugins=[Plugin()]) as corpus:
        (result,) = corpus.add([WEB_SEED])
        assert result.status == "failed"
        assert "Extract.paragraphs[1] must be str, got int" in (result.error or "")
    with pytest.raises(CorpusError, match=r"Extract.title must be str or None, got int"):
        Extract(paragraphs=["x"], title=7)  # type: ignore[arg-type]


def test_a_reader_that_crashes_fails_only_its_source(tmp_path: Path) -> None:
    class Crashing(ShoutingReader):
        name = "crashing"

        def read(self, source: SourceFile) -> Extract:
            raise RuntimeError("boom")

    class Plugin:
        @hookimpl
        def corpus_register_readers(self, register):  # type: ignore[no-untyped-def]
            register(Crashing())

    with Corpus.open(tmp_path / "c.db", plugins=[Plugin()]) as corpus:
        results = corpus.add([WEB_SEED])
        assert results[0].status == "failed"
        assert "reader 'crashing'" in (results[0].error or "") and "boom" in (results[0].error or "")
        (failed,) = corpus.failed_sources()
        assert corpus.source_bytes(failed.id) == WEB_SEED.read_bytes()


def test_canonical_policy_can_be_replaced_by_a_plugin(tmp_path: Path) -> None:
    class FirstSourceOnly:
        @hookimpl
        def corpus_canonical_text(self, title, sources):  # type: ignore[no-untyped-def]
            first = sources[0]
            return Canonical(first.title, tuple(CanonicalParagraph(p, (first.source_id,)) for p in first.paragraphs))

    with Corpus.open(tmp_path / "c.db", plugins=[FirstSourceOnly()]) as corpus:
        first, second = corpus.add([PDF_SEED, WEB_SEED])  # matched in the order of their locations
        assert (Path(first.path).name, second.status) == (WEB_SEED.name, "copy")
        doc = corpus.document(first.document_id or 0)
        assert not doc.text.startswith(TITLE)  # the policy above leaves the title out
        extract = corpus.source(first.source_id or 0).extract
        assert extract is not None and [p.text for p in doc.paragraphs] == list(extract.paragraphs)


def test_reader_validation_names_the_problem() -> None:
    from corpus.readers import validate_reader

    class NoRead:
        name, version, media_types = "x", "1", ("text/plain",)

        def sniff(self, source: SourceFile) -> float:
            return 1.0

    with pytest.raises(PluginError, match="reader 'x' of plugin 'p' has no callable 'read'"):
        validate_reader(NoRead(), "p")


def test_seeds_are_read_by_their_own_readers(tmp_path: Path) -> None:
    with Corpus.open(tmp_path / "c.db") as corpus:
        results = {Path(r.path).name: r.reader for r in corpus.add([SEEDS])}
    assert results == {WEB_SEED.name: "webtext", PDF_SEED.name: "pdftext"}


def test_a_canonical_policy_that_raises_fails_only_that_file(tmp_path: Path) -> None:
    class Broken:
        @hookimpl
        def corpus_canonical_text(self, title, sources):  # type: ignore[no-untyped-def]
            if any("群团" in (s.title or "") for s in sources):
                raise ValueError("policy bug")
            return None

    note = tmp_path / "note.txt"
    note.write_text("A short note that is not the seed document at all, with words enough.\n", encoding="utf-8")
    with Corpus.open(tmp_path / "c.db", plugins=[Broken()]) as corpus:
        results = {Path(r.path).name: r for r in corpus.add([WEB_SEED, note])}
        web, other = results[WEB_SEED.name], results[note.name]
        assert web.status == "failed" and "policy bug" in (web.error or "") and "ValueError" in (web.error or "")
        assert other.status == "new"
        assert [d.source_count for d in corpus.documents()] == [1]
        (failed,) = corpus.failed_sources()
        assert corpus.source_bytes(failed.id) == WEB_SEED.read_bytes()
        # Nothing of the rolled-back source is left in the indexes (its LSH rows wait for the
        # group's commit: they must go with it), so the store checks clean.
        problems = check_store(corpus.store, corpus.host).problems
        assert [p.line() for p in problems] == []


def test_sniff_sees_the_head_and_tail_of_a_long_text_and_read_the_whole(tmp_path: Path) -> None:
    # A reader plugin's sniff runs for every reader on every file: for a long text it
    # gets the first and last lines only, whatever the file's size; read gets it all.
    alice = shared("gutenberg/alice-11/11-0.txt").read_text(encoding="utf-8-sig")
    big = tmp_path / "alice-times-eight.txt"
    big.write_text(alice * 8, encoding="utf-8")
    seen: dict[str, int] = {}

    class Measuring(ShoutingReader):
        name = "measuring"

        def sniff(self, source: SourceFile) -> float:
            seen["sniff"] = len(source.text or "")
            return 1.0

        def read(self, source: SourceFile) -> Extract:
            # Readers run in a worker process: what this one saw comes back in its extract.
            measured = {"sniffed": str(seen["sniff"]), "read": str(len(source.text or ""))}
            paragraphs = [p for p in (source.text or "").split("\n\n") if p.strip()][:5]
            return Extract(paragraphs=paragraphs, metadata=measured)

    class Plugin:
        @hookimpl
        def corpus_register_readers(self, register):  # type: ignore[no-untyped-def]
            register(Measuring())

    with Corpus.open(tmp_path / "c.db", plugins=[Plugin()]) as corpus:
        (result,) = corpus.add([big])
        extract = corpus.source(result.source_id or 0).extract
    assert result.reader == "measuring" and extract is not None
    assert int(extract.metadata["read"]) == len(alice) * 8 > 1_000_000
    assert 70_000 < int(extract.metadata["sniffed"]) <= 80 * 1024
