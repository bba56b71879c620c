"""Worker processes: --jobs 2 gives the store --jobs 1 gives, and a reader that crashes its process fails one file.

Real files: seeds/ and ../shared/data/zh-web-vs-pdf (five documents in up to eleven forms).
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

from conftest import PDF_SEED, SEEDS, WEB_SEED, CliRunner, shared

from corpus import Corpus, Extract, SourceFile, hookimpl
from corpus.records import AddResult
from corpus.workers import Pool


def store_contents(db: Path) -> dict[str, Any]:
    """What a user can read of a store: documents, canonical texts, paragraphs, provenance, relations."""
    with Corpus.open(db) as corpus:
        documents = [corpus.document(d.document_id).to_dict() for d in corpus.documents()]
    for document in documents:
        for source in document["sources"]:
            source.pop("locations", None)
            source.pop("seen", None)  # when each location was first seen differs from run to run
    return {"documents": documents}


def test_two_jobs_give_the_store_one_job_gives(cli: CliRunner, tmp_path: Path) -> None:
    inputs = [SEEDS, shared("zh-web-vs-pdf")]
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    first = cli("--db", one, "add", "--json", "--jobs", "1", *inputs)
    second = cli("--db", two, "add", "--json", "--jobs", "2", *inputs)
    assert first.returncode == second.returncode
    assert [(r["path"], r["status"], r["document_id"]) for r in first.json_lines()] == [
        (r["path"], r["status"], r["document_id"]) for r in second.json_lines()
    ]
    assert store_contents(one) == store_contents(two)
    assert len(store_contents(one)["documents"]) >= 6


class CrashingReader:
    """Reads the seed web page by killing its own process, as a PDF library's segfault would."""

    name = "crashing"
    version = "1.0"
    media_types = ("text/plain",)

    def sniff(self, source: SourceFile) -> float | None:
        return 1.0 if source.path.name == WEB_SEED.name else None

    def read(self, source: SourceFile) -> Extract:
        os.kill(os.getpid(), signal.SIGSEGV)
        raise AssertionError("unreachable")


class CrashingPlugin:
    @hookimpl
    def corpus_register_readers(self, register):  # type: ignore[no-untyped-def]
        register(CrashingReader())


def test_a_reader_that_kills_its_worker_fails_that_file_only(tmp_path: Path) -> None:
    other = tmp_path / "note.txt"
    other.write_text("A note with a few words in it, read by the plain text reader.\n", encoding="utf-8")
    with Corpus.open(tmp_path / "c.db", plugins=[CrashingPlugin()]) as corpus:
        results = corpus.add([WEB_SEED, PDF_SEED, other], jobs=2)
        by_name = {Path(r.path).name: r for r in results}
        crashed = by_name[WEB_SEED.name]
        assert crashed.status == "failed" and "SIGSEGV" in (crashed.error or "")
        assert by_name[PDF_SEED.name].status == "new" and by_name[other.name].status == "new"
        # The crashed file's bytes are kept with the reason, as for any failed source.
        (failed,) = corpus.failed_sources()
        assert corpus.source_bytes(failed.id) == WEB_SEED.read_bytes()
        assert json.dumps(crashed.to_dict())  # its record is ordinary JSON like the others


def test_an_add_that_keeps_no_results_hands_each_to_on_result(tmp_path: Path) -> None:
    """``keep_results=False``: the same results, in order, to ``on_result`` only; the list returned is empty."""
    handed: list[AddResult] = []
    with Corpus.open(tmp_path / "kept.db") as corpus:
        kept = corpus.add([SEEDS], jobs=1)
    with Corpus.open(tmp_path / "handed.db") as corpus:
        assert corpus.add([SEEDS], jobs=1, on_result=handed.append, keep_results=False) == []
    assert len(kept) >= 2
    assert [(r.path, r.status, r.document_id, r.sha256) for r in handed] == [
        (r.path, r.status, r.document_id, r.sha256) for r in kept
    ]


def _square_but_die_on_threes(n: int) -> int:
    """A task whose worker dies (killed, as a segfault kills it) on every item ending in 3."""
    if n % 10 == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return n * n


def test_a_worker_killed_with_items_sent_ahead_fails_its_own_item_only() -> None:
    # Each worker is sent items ahead (Pool.depth); the ones queued behind the item that
    # killed it go to a fresh worker, and every result still comes back in input order.
    # A worker's results sent before it died may still be in its pipe when its death shows
    # (poll(2) can see the sentinel first): they are results, not failures. Repeated, since
    # that is a race.
    want = [-n if n % 10 == 3 else n * n for n in range(40)]
    for jobs, depth in ((1, 3), (2, 3), (2, 1)) * 5:
        pool = Pool(jobs, _square_but_die_on_threes, lambda n, reason: -n, depth=depth)
        assert list(pool.map(range(40))) == want, (jobs, depth)


def _kilobytes(n: int) -> bytes:
    return bytes([n % 256]) * (n * 1024)


def test_results_past_the_byte_window_wait_and_still_all_come_back_in_order() -> None:
    # With a window of one byte, no item is read ahead while a result waits for an earlier one.
    pool = Pool(2, _kilobytes, lambda n, reason: b"", window_bytes=1)
    assert [len(r) for r in pool.map(range(30))] == [n * 1024 for n in range(30)]
