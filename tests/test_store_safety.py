"""A store that cannot be taken by mistake: what each command does with a path that is not a usable store.

Every test runs the real ``corpus`` command on real files and checks what a user sees (the exit
code and the one-line message) and that files that are not a store are left exactly as they were,
with no SQLite ``-wal``, ``-shm`` or ``-journal`` beside them. Permissions are tested as a user
who is not root (root may write anything), through ``setpriv`` when the tests run as root.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SEEDS, TITLE, Run, run_corpus

from corpus.migrations import latest_version

READS = [["docs"], ["docs", "--json"], ["show", "1"], ["audit"], ["export"], ["source", "1"]]
ADD = ["add", str(SEEDS), "--json"]
EVERY_COMMAND = [ADD, *READS]
IDS = [" ".join(c[:2]) if c[0] != "add" else "add" for c in EVERY_COMMAND]
JOURNALS = ("-wal", "-shm", "-journal")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def assert_one_line_error(run: Run, code: int, *fragments: str) -> None:
    """The command failed with ``code`` and said so in one line naming every fragment, without a traceback."""
    assert run.returncode == code, (run.returncode, run.stdout, run.stderr)
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith("error: ") and run.stderr.strip().count("\n") == 0, run.stderr
    for fragment in fragments:
        assert fragment in run.stderr, (fragment, run.stderr)
    assert run.stdout == ""


@pytest.fixture(scope="module")
def store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus store with the two seed files (one document), closed cleanly: one file, no journal beside it."""
    db = tmp_path_factory.mktemp("store") / "corpus.db"
    run = run_corpus("--db", db, "add", SEEDS, "--json")
    assert run.returncode == 0, run.stderr
    assert listing(db.parent) == ["corpus.db"]
    return db


def other_programs_database(path: Path, *, wal: bool = False) -> Path:
    """An SQLite database as another program keeps one: its own tables and rows."""
    con = sqlite3.connect(path)
    if wal:
        con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT, email TEXT)")
    con.execute("CREATE TABLE notes (contact_id INTEGER, body TEXT)")
    con.execute("INSERT INTO contacts VALUES (1, 'Ada', 'ada@example.org')")
    con.execute("INSERT INTO notes VALUES (1, 'call back on Monday')")
    con.commit()
    con.close()
    assert listing(path.parent) == [path.name]
    return path


# -- a missing store -------------------------------------------------------------------


@pytest.mark.parametrize("command", READS, ids=IDS[1:])
def test_a_read_command_on_a_missing_store_creates_nothing_and_names_the_path(
    tmp_path: Path, command: list[str]
) -> None:
    db = tmp_path / "typo.db"
    run = run_corpus("--db", db, *command)
    assert_one_line_error(run, 2, f"no corpus store at {db}", "nothing was created")
    assert listing(tmp_path) == []


def test_a_missing_store_named_by_the_environment_is_not_created_either(tmp_path: Path) -> None:
    run = run_corpus("docs", env={"CORPUS_DB": "typo.db"}, cwd=tmp_path)
    assert_one_line_error(run, 2, "no corpus store at typo.db", "$CORPUS_DB")
    assert listing(tmp_path) == []


def test_add_creates_a_missing_store(tmp_path: Path) -> None:
    # The check above can fail: the same command line does create a store when asked to add.
    db = tmp_path / "new.db"
    assert run_corpus("--db", db, *ADD).returncode == 0
    assert listing(tmp_path) == ["new.db"]


# -- an empty file ---------------------------------------------------------------------


@pytest.mark.parametrize("command", READS, ids=IDS[1:])
def test_reading_an_empty_file_is_refused_and_writes_nothing(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "empty.db"
    db.touch()
    run = run_corpus("--db", db, *command)
    assert_one_line_error(run, 2, f"{db} is empty, not a corpus store yet", "add FILE")
    assert db.stat().st_size == 0 and listing(tmp_path) == ["empty.db"]


def test_adding_to_an_empty_file_makes_it_a_store(tmp_path: Path) -> None:
    """What `mktemp` leaves holds nothing to lose: adding makes it the store."""
    db = Path(tempfile.mkstemp(dir=tmp_path, suffix=".db")[1])
    run = run_corpus("--db", db, *ADD)
    assert run.returncode == 0, run.stderr
    assert [r["status"] for r in run.json_lines()] == ["new", "copy"]
    listed = run_corpus("--db", db, "docs", "--json").json_lines()
    assert [(d["title"], d["source_count"]) for d in listed] == [(TITLE, 2)]


# -- files that are not a corpus store -------------------------------------------------


def _not_sqlite_text(path: Path) -> Path:
    path.write_text("my notes, not a database\n" * 40, encoding="utf-8")
    return path


def _not_sqlite_binary(path: Path) -> Path:
    path.write_bytes(bytes(range(256)) * 16)
    return path


def _seed_as_db(path: Path) -> Path:
    shutil.copy(SEEDS / "000_c0c16b73368775be.txt", path)
    return path


@pytest.mark.parametrize("make", [_not_sqlite_text, _not_sqlite_binary, _seed_as_db])
@pytest.mark.parametrize("command", EVERY_COMMAND, ids=IDS)
def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path: Path, command: list[str], make: Any) -> None:
    db = make(tmp_path / "notes.db")
    before = sha256(db)
    run = run_corpus("--db", db, *command)
    assert_one_line_error(run, 2, f"{db} is not an SQLite database", "left untouched")
    assert sha256(db) == before and listing(tmp_path) == ["notes.db"]


@pytest.mark.parametrize("wal", [False, True], ids=["rollback-journal", "wal"])
@pytest.mark.parametrize("command", EVERY_COMMAND, ids=IDS)
def test_another_programs_sqlite_database_is_refused_and_left_byte_for_byte(
    tmp_path: Path, command: list[str], wal: bool
) -> None:
    db = other_programs_database(tmp_path / "contacts.db", wal=wal)
    before = sha256(db)
    run = run_corpus("--db", db, *command)
    assert_one_line_error(
        run, 2, f"{db} is an SQLite database but not a corpus store", "contacts, notes", "left untouched"
    )
    assert sha256(db) == before
    assert listing(tmp_path) == ["contacts.db"]  # no -wal, -shm or -journal left beside it
    con = sqlite3.connect(db)
    assert con.execute("SELECT name FROM contacts").fetchall() == [("Ada",)]
    con.close()


def test_a_database_with_a_migrations_table_of_its_own_is_not_taken_for_a_store(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE _migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)")
    con.execute("INSERT INTO _migrations VALUES (1, '0001_create_users', '2024-01-01')")
    con.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
    con.commit()
    con.close()
    before = sha256(db)
    run = run_corpus("--db", db, *ADD)
    assert_one_line_error(run, 2, "not a corpus store", "_migrations, users")
    assert sha256(db) == before and listing(tmp_path) == ["app.db"]


def test_an_sqlite_file_another_program_marked_is_refused_even_without_tables(tmp_path: Path) -> None:
    db = tmp_path / "marked.db"
    con = sqlite3.connect(db)
    con.execute("PRAGMA application_id = 1196444237")  # how SQLite file formats (e.g. GeoPackage) claim a file
    con.commit()
    con.close()
    before = sha256(db)
    run = run_corpus("--db", db, *ADD)
    assert_one_line_error(run, 2, f"{db} is an SQLite database but not a corpus store")
    assert sha256(db) == before and listing(tmp_path) == ["marked.db"]


def test_a_folder_given_as_the_store_is_refused(tmp_path: Path) -> None:
    run = run_corpus("--db", tmp_path, "docs")
    assert run.returncode == 2 and "Traceback" not in run.stderr and str(tmp_path) in run.stderr
    assert listing(tmp_path) == []


# -- stores this corpus cannot use -----------------------------------------------------


@pytest.mark.parametrize("command", EVERY_COMMAND, ids=IDS)
def test_a_store_of_a_newer_schema_is_refused_and_left_untouched(
    store_file: Path, tmp_path: Path, command: list[str]
) -> None:
    db = tmp_path / "future.db"
    shutil.copy(store_file, db)
    newer = latest_version() + 1
    con = sqlite3.connect(db)
    con.execute("INSERT INTO _migrations VALUES (?, 'm999_from_the_future', '2030-01-01T00:00:00+00:00')", (newer,))
    con.commit()
    con.close()
    before = sha256(db)
    run = run_corpus("--db", db, *command)
    assert_one_line_error(
        run, 2, f"the store {db} has schema version {newer}", f"up to {latest_version()}", "install a newer corpus"
    )
    assert sha256(db) == before and listing(tmp_path) == ["future.db"]


@pytest.mark.parametrize("command", EVERY_COMMAND, ids=IDS)
def test_a_store_built_with_other_settings_is_refused_naming_both(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "c.db"
    script = (
        "import sys\nfrom corpus import Corpus\nfrom corpus.fingerprint import FingerprintSettings\n"
        "with Corpus.open(sys.argv[1], settings=FingerprintSettings(num_perm=128, bands=32)) as corpus:\n"
        "    corpus.add([sys.argv[2]])\n"
    )
    subprocess.run([sys.executable, "-c", script, db, SEEDS], check=True, capture_output=True)
    con = sqlite3.connect(db)  # the last connection to close folds the journal into the file and removes it
    assert con.execute("SELECT count(*) FROM sources").fetchone() == (2,)
    con.close()
    assert listing(tmp_path) == ["c.db"]
    before = sha256(db)
    run = run_corpus("--db", db, *command)
    assert_one_line_error(run, 2, f"the store {db} was built with other fingerprint settings")
    assert "num_perm: store has '128', asked for '256'" in run.stderr
    assert sha256(db) == before and listing(tmp_path) == ["c.db"]


@pytest.mark.parametrize(
    "command", [["docs"], ["show", "1"], ["export"], ["add"]], ids=["docs", "show", "export", "add"]
)
def test_a_damaged_store_is_a_one_line_error_not_a_traceback(
    store_file: Path, tmp_path: Path, command: list[str]
) -> None:
    if command == ["add"]:  # a new document, so that adding reads and writes the damaged table
        note = tmp_path / "note.txt"
        note.write_text("Minutes of the reading group.\n\nWe read the first chapter together.\n", encoding="utf-8")
        command = ["add", str(note), "--json"]
    db = tmp_path / "damaged.db"
    shutil.copy(store_file, db)
    con = sqlite3.connect(db)
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'documents'").fetchone()[0]
    page = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    with db.open("r+b") as f:  # the documents table's first page overwritten, as a bad disk sector would
        f.seek((root - 1) * page)
        f.write(b"\xff" * page)
    run = run_corpus("--db", db, *command)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        f"error: the store {db} failed: database disk image is malformed: the file is damaged: restore it from a backup"
    ], run.stderr


def test_reading_a_store_writes_nothing_and_leaves_no_journal(store_file: Path, tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    shutil.copy(store_file, db)
    before = sha256(db)
    for command in READS:
        run = run_corpus("--db", db, *command)
        assert run.returncode == 0, (command, run.stderr)
    assert sha256(db) == before and listing(tmp_path) == ["corpus.db"]


# -- permissions, as a user who is not root --------------------------------------------


class OtherUser:
    """Runs the command line as an ordinary user, and hands files to that user."""

    def __init__(self) -> None:
        self.root = os.geteuid() == 0
        self.prefix: list[str] = []
        if self.root:
            entry = pwd.getpwnam("nobody")
            self.uid, self.gid = entry.pw_uid, entry.pw_gid
            self.prefix = ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--clear-groups"]
        else:
            self.uid, self.gid = os.getuid(), os.getgid()

    def give(self, *paths: Path) -> None:
        for path in paths:
            os.chown(path, self.uid, self.gid)

    def corpus(self, *args: str | Path, cwd: Path) -> Run:
        env = {k: v for k, v in os.environ.items() if k != "CORPUS_DB"}
        proc = subprocess.run(
            [*self.prefix, sys.executable, "-m", "corpus", *map(str, args)],
            capture_output=True,
            text=True,
            env=env,
            cwd=cwd,
            timeout=300,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="module")
def user() -> OtherUser:
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip(
                "running as root and setpriv (util-linux) is missing: cannot run as a user without root's rights"
            )
        try:
            pwd.getpwnam("nobody")
        except KeyError:
            pytest.skip("running as root and there is no user 'nobody' to run the command as")
    found = OtherUser()
    probe = subprocess.run([*found.prefix, sys.executable, "-c", "import corpus.cli"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"the user {found.uid} cannot run this checkout's Python: {probe.stderr.strip()[-200:]}")
    return found


@pytest.fixture
def place(user: OtherUser) -> Iterator[Path]:
    """A folder outside the root-only pytest temp tree, owned by the user, which that user can reach."""
    folder = Path(tempfile.mkdtemp(prefix="corpus-perm-"))
    folder.chmod(0o755)
    user.give(folder)
    yield folder
    for path in (folder, *folder.iterdir()):  # let cleanup remove what a test made unreadable
        if path.exists():
            path.chmod(stat.S_IRWXU)
    shutil.rmtree(folder)


def test_adding_in_a_folder_the_user_may_not_write_names_the_folder(user: OtherUser, place: Path) -> None:
    place.chmod(0o555)
    db = place / "corpus.db"
    run = user.corpus("--db", db, *ADD, cwd=place)
    assert_one_line_error(
        run, 2, f"cannot create the store {db}: permission denied", f"may not write in the folder {place}"
    )
    assert listing(place) == []


def test_a_read_only_store_file_is_read_but_not_added_to(user: OtherUser, place: Path, store_file: Path) -> None:
    db = place / "corpus.db"
    shutil.copy(store_file, db)
    user.give(db)
    db.chmod(0o444)
    before = sha256(db)
    run = user.corpus("--db", db, *ADD, cwd=place)
    assert_one_line_error(run, 2, f"the store {db} is read-only", "may not write the file", "chmod u+w")
    for command in READS:
        run = user.corpus("--db", db, *command, cwd=place)
        assert run.returncode == 0, (command, run.stderr)
    listed = user.corpus("--db", db, "docs", "--json", cwd=place).json_lines()
    assert [(d["title"], d["source_count"]) for d in listed] == [(TITLE, 2)]
    assert sha256(db) == before and listing(place) == ["corpus.db"]


def test_a_store_in_a_read_only_folder_is_read_but_not_added_to(user: OtherUser, place: Path, store_file: Path) -> None:
    db = place / "corpus.db"
    shutil.copy(store_file, db)
    user.give(db)
    place.chmod(0o555)
    before = sha256(db)
    run = user.corpus("--db", db, *ADD, cwd=place)
    assert_one_line_error(run, 2, f"cannot write the store {db}", f"may not write in its folder {place}", "-wal")
    db.chmod(0o444)  # an archived store: nothing there may be written
    for command in READS:
        run = user.corpus("--db", db, *command, cwd=place)
        assert run.returncode == 0, (command, run.stderr)
    shown = user.corpus("--db", db, "show", "1", "--json", cwd=place).json_lines()
    assert shown[0]["title"] == TITLE and len(shown[0]["sources"]) == 2
    assert sha256(db) == before and listing(place) == ["corpus.db"]


@pytest.mark.parametrize("command", EVERY_COMMAND, ids=IDS)
def test_an_unreadable_store_is_named_as_such(
    user: OtherUser, place: Path, store_file: Path, command: list[str]
) -> None:
    db = place / "corpus.db"
    shutil.copy(store_file, db)
    user.give(db)
    db.chmod(0o000)
    run = user.corpus("--db", db, *command, cwd=place)
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    # The --db option's own check says it first ("File '…' is not readable"); the store says it for the API.
    assert str(db) in run.stderr and ("not readable" in run.stderr or "may not read the file" in run.stderr)
    db.chmod(0o600)
    assert sha256(db) == sha256(store_file)


def test_a_store_in_a_folder_the_user_may_not_enter_is_named_as_such(
    user: OtherUser, place: Path, store_file: Path
) -> None:
    inner = place / "private"
    inner.mkdir(mode=0o700)  # owned by whoever runs the tests, so closed to the other user
    db = inner / "corpus.db"
    shutil.copy(store_file, db)
    if not user.root:
        inner.chmod(0o000)
    run = user.corpus("--db", db, "docs", cwd=place)
    assert_one_line_error(
        run, 2, f"cannot reach the store {db}: permission denied", f"may not enter the folder {inner}"
    )


def test_a_read_only_store_of_an_older_schema_says_it_must_be_upgraded(
    user: OtherUser, place: Path, store_file: Path
) -> None:
    db = place / "corpus.db"
    shutil.copy(store_file, db)
    con = sqlite3.connect(db)
    con.execute("ALTER TABLE documents DROP COLUMN chars")  # the store as schema version 2 left it
    con.execute("DELETE FROM _migrations WHERE version = 3")
    con.commit()
    con.close()
    user.give(db)
    db.chmod(0o444)
    before = sha256(db)
    run = user.corpus("--db", db, "docs", cwd=place)
    assert_one_line_error(run, 2, f"the store {db} is read-only", "older schema", "needs write access")
    assert sha256(db) == before and listing(place) == ["corpus.db"]
    db.chmod(0o644)  # once it may be written, reading it upgrades it and lists its document
    listed = user.corpus("--db", db, "docs", "--json", cwd=place).json_lines()
    assert [d["title"] for d in listed] == [TITLE]


def test_an_unknown_document_in_an_existing_store_is_still_a_usage_error(store_file: Path) -> None:
    run = run_corpus("--db", store_file, "show", "42")
    assert_one_line_error(run, 2, f"no document 42 in {store_file}")


def test_an_add_never_takes_the_store_itself_by_any_name(tmp_path: Path) -> None:
    # The store sits in the folder being added under a name the walk does not skip, and a
    # link to it is named too: neither is read as a source (its bytes would be a SQLite file).
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    store = folder / "notes.corpus"
    (tmp_path / "link-to-store").symlink_to(store)
    from corpus import Corpus

    with Corpus.open(store) as corpus:
        results = corpus.add([folder, tmp_path / "link-to-store"])
        assert sorted(Path(r.path).name for r in results) == sorted(p.name for p in SEEDS.iterdir())
        assert corpus.failed_sources() == []
