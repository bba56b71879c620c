"""`corpus check [--repair]` on a real store, damaged for real with sqlite3.

The store is made once through the real command line from the seeds and a few shared files:
a document with two sources (the seed web page and its PDF text), a law filed twice (one
source, two locations), two versions of a law, a file that is not text (a failed source) and
a law added from a file that is then deleted, so its bytes exist only in the store. Each test
damages a copy of it as a bad disk or a careless hand would, and checks what a user sees: the
exit code, the problem lines, what ``--repair`` mends, and that a second check is clean except
for what cannot be mended.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import zlib
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import SEEDS, Run, run_corpus, shared

from corpus.check import Checked, check_store
from corpus.fingerprint import FingerprintSettings
from corpus.pluginhost import PluginHost
from corpus.store import Store

WEB, PDF, ID_LAW, OLD_LAW, NEW_LAW, PICTURE, GONE = range(1, 8)  # source ids, in the order they are added
SEED_DOC, ID_LAW_DOC, OLD_LAW_DOC, NEW_LAW_DOC, GONE_DOC = range(1, 6)  # document ids
PDF_FILE = SEEDS / "003_dba224dbe8b168d4.txt"
LAWS = "zh-laws/versions/反垄断法/经济法__反垄断法({}).md"

Statement = str | tuple[str, tuple[Any, ...]]


@dataclass(frozen=True)
class Built:
    db: Path
    gone: Path  # the file the GONE source was added from, deleted since


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    folder = tmp_path_factory.mktemp("check")
    gone = folder / "gone" / "law.md"
    gone.parent.mkdir()
    shutil.copyfile(shared("zh-laws/versions/公司法/民法商法__公司法(2018-10-26).md"), gone)
    db = folder / "corpus.db"
    files = [
        SEEDS / "000_c0c16b73368775be.txt",
        PDF_FILE,
        shared("zh-laws/same-law-same-date/宪法相关法__居民身份证法(2011-10-29).md"),
        shared("zh-laws/same-law-same-date/行政法__居民身份证法(2011-10-29).md"),
        shared(LAWS.format("2007-08-30")),
        shared(LAWS.format("2022-06-24")),
        shared("encoding-detection/char-dataset/None/sample-1.png"),
        gone,
    ]
    # One add each, so that they go in in this order (one add matches its files in the order of their locations).
    runs = [run_corpus("--db", db, "add", "--json", file) for file in files]
    assert [(r["status"], r["source_id"], r["document_id"]) for run in runs for r in run.json_lines()] == [
        ("new", WEB, SEED_DOC),
        ("copy", PDF, SEED_DOC),
        ("new", ID_LAW, ID_LAW_DOC),
        ("exists", ID_LAW, ID_LAW_DOC),
        ("new", OLD_LAW, OLD_LAW_DOC),
        ("version", NEW_LAW, NEW_LAW_DOC),
        ("failed", PICTURE, None),
        ("new", GONE, GONE_DOC),
    ], [run.stderr for run in runs]
    gone.unlink()
    return Built(db, gone)


@pytest.fixture
def db(built: Built, tmp_path: Path) -> Path:
    """A copy of the built store, to damage."""
    copy = tmp_path / "corpus.db"
    with closing(sqlite3.connect(built.db)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    return copy


def damage(db: Path, statements: list[Statement]) -> None:
    """Change the store behind corpus's back, then close it (its WAL written into the file)."""
    with closing(sqlite3.connect(db)) as conn, conn:
        for statement in statements:
            sql, args = statement if isinstance(statement, tuple) else (statement, ())
            assert conn.execute(sql, args).rowcount != 0, sql


def one(db: Path, sql: str) -> Any:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql).fetchone()[0]


def blob(db: Path, source_id: int) -> bytes:
    return bytes(one(db, f"SELECT b.data FROM blobs b JOIN sources s ON s.sha256 = b.sha256 WHERE s.id = {source_id}"))


def set_blob(source_id: int, data: bytes) -> Statement:
    return ("UPDATE blobs SET data = ? WHERE sha256 = (SELECT sha256 FROM sources WHERE id = ?)", (data, source_id))


def flipped(data: bytes) -> bytes:
    """The bytes with one byte in the middle inverted, as a bad sector leaves them."""
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


def altered(db: Path, source_id: int) -> bytes:
    """Other bytes, well compressed: they decompress, to the wrong bytes."""
    return zlib.compress(flipped(zlib.decompress(blob(db, source_id))))


def check(db: Path, *, repair: bool = False) -> Checked:
    store = Store.open(db, FingerprintSettings(), read_only=not repair)
    try:
        return check_store(store, PluginHost(), repair=repair)
    finally:
        store.close()


def found(checked: Checked) -> set[tuple[str, int | None, int | None]]:
    return {(p.check, p.source_id, p.document_id) for p in checked.problems}


def lines(run: Run) -> list[str]:
    return run.stdout.splitlines()


# -- a clean store ----------------------------------------------------------------------------
def test_a_store_as_added_checks_clean(built: Built) -> None:
    run = run_corpus("--db", built.db, "check")
    assert run.returncode == 0, run.stdout + run.stderr
    assert len(lines(run)) == 1
    assert lines(run)[0].startswith("no problems: checked 7 sources (1 failed) and 5 documents in ")

    as_json = run_corpus("--db", built.db, "check", "--json")
    assert as_json.returncode == 0
    (summary,) = as_json.json_lines()
    assert summary["type"] == "summary"
    assert (summary["clean"], summary["problems"], summary["sources"], summary["documents"]) == (True, 0, 7, 5)


def test_check_creates_no_store(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    run = run_corpus("--db", missing, "check")
    assert run.returncode == 2
    assert f"no corpus store at {missing}" in run.stderr
    assert not list(tmp_path.iterdir())


# -- what a user sees -------------------------------------------------------------------------
def test_a_damaged_store_is_listed_repaired_and_what_cannot_be_stays(db: Path, built: Built) -> None:
    third = one(db, "SELECT text FROM paragraphs WHERE document_id = 1 AND position = 2")
    changed = third + "（有改动）"
    original = run_corpus("--db", built.db, "show", str(SEED_DOC), "--json").json_lines()[0]
    gone_sha = one(db, f"SELECT sha256 FROM sources WHERE id = {GONE}")
    damage(
        db,
        [
            set_blob(PDF, flipped(blob(db, PDF))),  # its file is still in seeds/
            set_blob(GONE, altered(db, GONE)),  # its file was deleted
            f"DELETE FROM lsh_bands WHERE source_id = {OLD_LAW}",
            "INSERT INTO paragraph_index (key, source_id) VALUES (42, 9999)",
            ("UPDATE paragraphs SET text = ? WHERE document_id = 1 AND position = 2", (changed,)),
            f"DELETE FROM provenance WHERE source_id = {NEW_LAW}",
            f"UPDATE documents SET chars = 1 WHERE id = {ID_LAW_DOC}",
        ],
    )

    before = hashlib.sha256(db.read_bytes()).hexdigest()
    run = run_corpus("--db", db, "check")
    assert run.returncode == 1
    # Without --repair nothing is written, nor left beside the store.
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert [p.name for p in db.parent.iterdir()] == ["corpus.db"]
    shown = lines(run)
    # Where a flipped byte breaks the zlib stream decides zlib's own words.
    assert shown[0].startswith(f"source {PDF} ({PDF_FILE}): its stored bytes do not decompress (Error -3 ")
    assert shown[0].endswith(f"); --repair puts them back from {PDF_FILE}, which has them")
    assert third == "一、新形势下加强和改进党的群团工作的重要性和紧迫性"
    unrepairable = (
        f"source {GONE} ({built.gone}): its stored bytes do not match its sha256 {gone_sha[:16]}…; the store "
        "cannot rebuild them, and no file where it was found has them: put its file back there and run "
        "`corpus check --repair`"
    )
    assert shown[1:-1] == [  # sources in id order, then the store's rows, provenance, documents
        f"source {OLD_LAW} ({shared(LAWS.format('2007-08-30'))}): the LSH index lacks 85 of the 85 band keys its "
        "stored signature gives; --repair rewrites its rows from its stored signature",
        unrepairable,
        "source 9999: the paragraph index has 1 row of it, but it is not an added source; --repair drops them",
        f"source {NEW_LAW} ({shared(LAWS.format('2022-06-24'))}): it belongs to no document; --repair puts it in "
        f"document {NEW_LAW_DOC}, which it joined, and rebuilds that",
        f"document {NEW_LAW_DOC}: no source attests it; --repair puts back the sources that joined it",
        f"document {SEED_DOC}: its canonical text is not what its sources give: paragraph 3 reads "
        '"…工作的重要性和紧迫性（有改动）", a rebuild gives "…工作的重要性和紧迫性"; --repair rebuilds it from its sources',
        f"document {ID_LAW_DOC}: its length is recorded as 1 character, its text has 3326; "
        "--repair rebuilds it from its sources",
    ]
    assert shown[-1].startswith("8 problems, checked 7 sources (1 failed) and 5 documents in ")
    assert shown[-1].endswith(": `corpus check --repair` mends 7, 1 it cannot")

    repaired = run_corpus("--db", db, "check", "--repair")
    assert repaired.returncode == 1, repaired.stderr  # one problem is left
    said = lines(repaired)
    assert [line.split(": ", 1)[0] for line in said[:-1]] == ["repaired", "repaired", "not repaired", *["repaired"] * 5]
    assert said[0] == f"repaired: {shown[0].split('; --repair')[0]}"
    assert said[2] == f"not repaired: {unrepairable}"
    assert said[-1].endswith(": 7 repaired, 1 not")
    # The event log says what was repaired, and which canonical texts were built again.
    assert one(db, "SELECT count(*) FROM events WHERE kind = 'repair'") == 7
    rebuilt = "SELECT group_concat(document_id) FROM events WHERE kind = 'canonical' AND detail LIKE '%repaired%'"
    assert sorted(map(int, one(db, rebuilt).split(","))) == [SEED_DOC, ID_LAW_DOC, NEW_LAW_DOC]

    again = run_corpus("--db", db, "check")
    assert again.returncode == 1
    assert lines(again)[:-1] == [unrepairable]
    assert lines(again)[-1].endswith(": `corpus check --repair` mends 0, 1 it cannot")
    # What was repaired is what there was before the damage.
    assert run_corpus("--db", db, "source", str(PDF), "--raw").stdout == PDF_FILE.read_text(encoding="utf-8")
    view = run_corpus("--db", db, "show", str(SEED_DOC), "--json").json_lines()[0]
    assert (view["text"], view["paragraphs"]) == (original["text"], original["paragraphs"])
    docs = {d["document_id"]: d for d in run_corpus("--db", db, "docs", "--json").json_lines()}
    assert (docs[ID_LAW_DOC]["chars"], docs[NEW_LAW_DOC]["source_count"]) == (3326, 1)


def test_json_lines_give_one_object_per_problem_then_a_summary(db: Path) -> None:
    damage(db, [f"DELETE FROM lsh_bands WHERE source_id = {OLD_LAW}", set_blob(GONE, altered(db, GONE))])
    run = run_corpus("--db", db, "check", "--json")
    assert run.returncode == 1
    *problems, summary = run.json_lines()
    assert [(p["type"], p["check"], p["source_id"], p["repairable"], p["repaired"]) for p in problems] == [
        ("problem", "lsh", OLD_LAW, True, False),
        ("problem", "bytes", GONE, False, False),
    ]
    assert all(p["problem"] and p["advice"] and p["path"] and p["document_id"] is None for p in problems)
    assert summary == {
        "type": "summary",
        "clean": False,
        "problems": 2,
        "repairable": 1,
        "repaired": 0,
        "remaining": 2,
        "sources": 7,
        "failed_sources": 1,
        "documents": 5,
        "seconds": summary["seconds"],
    }

    after = run_corpus("--db", db, "check", "--repair", "--json")
    *problems, summary = after.json_lines()
    assert [(p["check"], p["repaired"]) for p in problems] == [("lsh", True), ("bytes", False)]
    assert (summary["clean"], summary["repaired"], summary["remaining"]) == (False, 1, 1)


# -- each kind of damage: found, mended, gone -------------------------------------------------
Damage = Callable[[Path], list[Statement]]
FAILED_PROVENANCE = (
    "INSERT INTO provenance (source_id, document_id, joined_as, settings, joined_at) "
    f"VALUES ({PICTURE}, {SEED_DOC}, 'copy', '{{}}', 'now')"
)
CANONICAL_EVENT = (
    "INSERT INTO events (at, kind, document_id, detail) "
    f"""VALUES ('now', 'canonical', {OLD_LAW_DOC}, '{{"chars": 1, "paragraphs": 1}}')"""
)
SEED_BLOB_SIZE = "UPDATE blobs SET size = size + 1 WHERE sha256 = (SELECT sha256 FROM sources WHERE id = 1)"
SOME_BANDS = (
    f"DELETE FROM lsh_bands WHERE source_id = {OLD_LAW} "
    f"AND key IN (SELECT key FROM lsh_bands WHERE source_id = {OLD_LAW} LIMIT 10)"
)
REPAIRABLE: list[tuple[str, Damage, set[tuple[str, int | None, int | None]]]] = [
    ("flipped-blob", lambda db: [set_blob(WEB, flipped(blob(db, WEB)))], {("bytes", WEB, None)}),
    ("other-bytes", lambda db: [set_blob(PDF, altered(db, PDF))], {("bytes", PDF, None)}),
    ("blob-size", lambda db: [SEED_BLOB_SIZE], {("bytes", WEB, None)}),
    ("lsh-rows-deleted", lambda db: [SOME_BANDS], {("lsh", OLD_LAW, None)}),
    ("lsh-row-added", lambda db: [f"INSERT INTO lsh_bands VALUES (7, {ID_LAW})"], {("lsh", ID_LAW, None)}),
    ("lsh-of-a-failed-source", lambda db: [f"INSERT INTO lsh_bands VALUES (7, {PICTURE})"], {("lsh", PICTURE, None)}),
    (
        "paragraph-index-deleted",
        lambda db: [f"DELETE FROM paragraph_index WHERE source_id = {PDF}"],
        {("paragraph-index", PDF, None)},
    ),
    (
        "paragraph-index-stray",
        lambda db: ["INSERT INTO paragraph_index VALUES (42, 9999)"],
        {("paragraph-index", 9999, None)},
    ),
    (
        "paragraph-text",
        lambda db: ["UPDATE paragraphs SET text = text || '。' WHERE document_id = 3 AND position = 4"],
        {("canonical", None, OLD_LAW_DOC)},
    ),
    (
        "paragraph-deleted",
        lambda db: ["DELETE FROM paragraphs WHERE document_id = 3 AND position = 7"],
        {("canonical", None, OLD_LAW_DOC)},
    ),
    (
        "paragraph-attested-by-a-stranger",
        lambda db: [
            f"UPDATE paragraphs SET sources = '[{WEB}, {PDF}, {OLD_LAW}]' WHERE document_id = 1 AND position = 5"
        ],
        {("provenance", None, SEED_DOC), ("canonical", None, SEED_DOC)},
    ),
    ("title", lambda db: ["UPDATE documents SET title = 'x' WHERE id = 2"], {("canonical", None, ID_LAW_DOC)}),
    ("chars", lambda db: ["UPDATE documents SET chars = chars + 1 WHERE id = 3"], {("canonical", None, OLD_LAW_DOC)}),
    (
        "kept-build",
        lambda db: [("INSERT INTO canonical_builds VALUES (1, ?)", (zlib.compress(b'{"version": 1}'),))],
        {("canonical", None, SEED_DOC)},
    ),
    # Its paragraphs still list the source as attesting them: a source not among its own.
    (
        "provenance-deleted",
        lambda db: [f"DELETE FROM provenance WHERE source_id = {PDF}"],
        {("provenance", PDF, None), ("provenance", None, SEED_DOC), ("canonical", None, SEED_DOC)},
    ),
    (
        "provenance-to-a-missing-document",
        lambda db: [f"UPDATE provenance SET document_id = 99 WHERE source_id = {PDF}"],
        {("provenance", PDF, None), ("provenance", None, SEED_DOC), ("canonical", None, SEED_DOC)},
    ),
    (
        "provenance-of-a-failed-source",
        lambda db: [FAILED_PROVENANCE],
        {("provenance", PICTURE, None), ("canonical", None, SEED_DOC)},
    ),
    (
        "location-deleted",
        lambda db: [f"DELETE FROM locations WHERE source_id = {OLD_LAW}"],
        {("provenance", OLD_LAW, None)},
    ),
    (
        "paragraphs-of-a-missing-document",
        lambda db: ["INSERT INTO paragraphs VALUES (99, 0, 'x', '[]')"],
        {("provenance", None, 99)},
    ),
    ("canonical-event", lambda db: [CANONICAL_EVENT], {("events", None, OLD_LAW_DOC)}),
]


@pytest.mark.parametrize(("damaged", "expected"), [r[1:] for r in REPAIRABLE], ids=[r[0] for r in REPAIRABLE])
def test_each_kind_of_damage_is_found_and_repaired(
    db: Path, damaged: Damage, expected: set[tuple[str, int | None, int | None]]
) -> None:
    before = check(db)
    damage(db, damaged(db))
    checked = check(db)
    assert found(checked) == expected
    assert all(p.fix is not None for p in checked.problems), [p.line() for p in checked.problems]
    repaired = check(db, repair=True)
    assert found(repaired) == expected
    assert repaired.clean, [p.line() for p in repaired.remaining]
    after = check(db)
    assert after.clean and before.clean, [p.line() for p in after.problems]


def test_what_cannot_be_repaired_is_left_and_said(db: Path) -> None:
    damage(db, [("UPDATE sources SET extract = ? WHERE id = ?", ("{not json", OLD_LAW))])
    checked = check(db, repair=True)
    assert found(checked) == {("extract", OLD_LAW, None), ("canonical", None, OLD_LAW_DOC)}
    assert not checked.clean
    assert [p.line() for p in checked.remaining] == [p.line() for p in check(db).problems]
    assert checked.remaining[0].line().endswith("its extract cannot be read; it cannot be rebuilt from the store")
