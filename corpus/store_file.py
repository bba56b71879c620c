"""What a file at a store's path is, and how to connect to it: opening a store without taking by mistake
a file that is not one, and the one-line message a user reads for an SQLite error."""

from __future__ import annotations

import os
import sqlite3
import stat
from importlib import metadata
from pathlib import Path

from corpus.errors import StoreError, StoreFailedError
from corpus.migrations import MIGRATIONS

__all__ = [
    "check_writable",
    "connect_for_reading",
    "connect_for_writing",
    "corpus_version",
    "examine",
    "explain",
]

_SQLITE_MAGIC = b"SQLite format 3\x00"


def _sibling(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _uri(path: Path, **query: str) -> str:
    """An SQLite URI for ``path`` (characters such as ``?`` and ``#`` in the name escaped)."""
    return path.absolute().as_uri() + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def corpus_version() -> str:
    try:
        return f"corpus {metadata.version('corpus')}"
    except metadata.PackageNotFoundError:
        return "this corpus"


def examine(path: Path) -> frozenset[int] | None:
    """The migrations the store at ``path`` has recorded, or None when there is no store yet.

    None means no file, an empty file, or an SQLite file with nothing in it (no table, no
    ``user_version`` or ``application_id`` that another program set). Raises
    :class:`StoreError` for everything else that is not a corpus store. Reads only: no
    file is created or written, not even SQLite's ``-wal`` and ``-shm``.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    except PermissionError:
        raise StoreError(
            f"cannot reach the store {path}: permission denied: this user may not enter the folder {path.parent}"
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise StoreError(f"{path} is a folder; give the path of a store file, e.g. {path / 'corpus.db'}")
    try:
        with path.open("rb") as f:
            header = f.read(len(_SQLITE_MAGIC))
    except PermissionError:
        raise StoreError(f"cannot read the store {path}: permission denied: this user may not read the file") from None
    except OSError as exc:
        raise StoreError(f"cannot read the store {path}: {exc.strerror or exc}") from None
    if not header:
        return None
    if header != _SQLITE_MAGIC:
        raise StoreError(
            f"{path} is not an SQLite database (is it a corpus store? --db names the store file); "
            "it was left untouched"
        )
    tables, migrations, marked = _schema_of(path)
    if "_migrations" not in tables:
        if not tables and not marked:
            return None
        raise _foreign(path, tables)
    if migrations.get(1) == MIGRATIONS[0].__name__:
        return frozenset(migrations)
    if not migrations and tables == ["_migrations"]:
        return frozenset()  # a store whose creation was cut short before its first migration committed
    raise _foreign(path, tables)


def _foreign(path: Path, tables: list[str]) -> StoreError:
    shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
    what = f"it has the tables {shown}" if tables else "it is marked as another program's"
    return StoreError(
        f"{path} is an SQLite database but not a corpus store ({what}); it was left untouched: "
        "give --db a new file name to make a store"
    )


def _schema_of(path: Path) -> tuple[list[str], dict[int, str], bool]:
    """The tables of the SQLite file at ``path``, its ``_migrations`` rows, and whether a program marked it.

    Without a ``-wal`` or ``-shm`` beside it the file alone is the whole database and no one
    has it open, so it is read as immutable: SQLite then creates no ``-wal`` or ``-shm``, which
    another program's database must not gain. With one, a read-only connection reads it
    through the journal.
    """
    query = {"mode": "ro"} if _has_journal(path) else {"mode": "ro", "immutable": "1"}
    try:
        db = sqlite3.connect(_uri(path, **query), uri=True, timeout=30)
    except sqlite3.Error as exc:
        raise explain(path, exc, opening=True) from exc
    try:
        tables = sorted(
            r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        )
        objects = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        marked = bool(objects or db.execute("PRAGMA user_version").fetchone()[0])
        marked = marked or bool(db.execute("PRAGMA application_id").fetchone()[0])
        migrations: dict[int, str] = {}
        if "_migrations" in tables:
            try:
                migrations = {int(v): str(n) for v, n in db.execute("SELECT version, name FROM _migrations")}
            except (sqlite3.Error, ValueError, TypeError):
                migrations = {-1: "not ours"}  # a _migrations table of another shape: another program's
    except sqlite3.Error as exc:
        raise explain(path, exc, opening=True) from exc
    finally:
        db.close()
    return tables, migrations, marked


def _has_journal(path: Path) -> bool:
    """Whether SQLite's ``-wal`` or ``-shm`` is beside the file: part of the database may be in it, or in use."""
    return any(_sibling(path, suffix).exists() for suffix in ("-wal", "-shm"))


def _may_write(path: Path) -> bool:
    return os.access(path, os.W_OK)


def _may_write_in(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


def check_writable(path: Path, *, exists: bool, upgrade_only: bool) -> None:
    """Refuse, naming the permission, to write a store this user may not write."""
    folder = path.parent
    why = (
        "it has an older schema that must be upgraded before it can be read, which needs write access, and "
        if upgrade_only
        else ""
    )
    if not exists:
        if not folder.is_dir():
            raise StoreError(f"cannot create the store {path}: folder {folder} does not exist")
        if not _may_write_in(folder):
            raise StoreError(
                f"cannot create the store {path}: permission denied: this user may not write in the folder {folder}"
            )
        return
    if not _may_write(path):
        raise StoreError(
            f"the store {path} is read-only: {why}this user may not write the file; "
            "make it writable (chmod u+w) or give --db another store"
        )
    if not _may_write_in(folder):
        raise StoreError(
            f"cannot write the store {path}: {why}this user may not write in its folder {folder}, "
            f"where SQLite keeps the store's journal ({path.name}-wal, {path.name}-shm)"
        )


def connect_for_writing(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(_uri(path, mode="rwc"), uri=True, isolation_level=None, timeout=30)


def connect_for_reading(path: Path) -> sqlite3.Connection:
    """A connection that can only read, and leaves nothing behind that was not there.

    Where this user may write the store and its folder, an ordinary connection (told to
    write nothing): on close SQLite removes the ``-wal`` and ``-shm`` it made, and it reads
    safely while another process adds. Where it may not, and no ``-wal`` or ``-shm`` is
    beside it, the file is all there is to read and no one is writing it: immutable, which
    SQLite can open in a read-only folder. Otherwise a read-only connection through the journal.
    """
    if _may_write(path) and _may_write_in(path.parent):
        query = {"mode": "rw"}
    elif not _has_journal(path):
        query = {"mode": "ro", "immutable": "1"}
    else:
        query = {"mode": "ro"}
    return sqlite3.connect(_uri(path, **query), uri=True, isolation_level=None, timeout=30)


# Advice for an SQLite error, by its primary result code.
_ADVICE = {
    "SQLITE_BUSY": "another corpus process held the store for longer than the 30 s wait; try again when it is done",
    "SQLITE_LOCKED": "another connection holds the store; try again when it is done",
    "SQLITE_READONLY": "this user may not write the store or its folder",
    "SQLITE_PERM": "permission denied",
    "SQLITE_AUTH": "permission denied",
    "SQLITE_CANTOPEN": "SQLite could not open the file or the journal it keeps beside it: "
    "check that this user may read the file and write its folder",
    "SQLITE_FULL": "the disk is full: free some space and run the command again",
    "SQLITE_IOERR": "the disk or file system failed to read or write it",
    "SQLITE_CORRUPT": "the file is damaged: restore it from a backup",
    "SQLITE_NOTADB": "the file is not an SQLite database, or it is damaged",
}


def explain(path: Path | str, exc: sqlite3.Error, *, opening: bool = False) -> StoreError:
    """The one-line error a user reads for an SQLite error met on the store at ``path``.

    While opening it is a :class:`StoreError` (the command was given a store it cannot
    use); afterwards a :class:`StoreFailedError` (the store failed during the work).
    """
    name = getattr(exc, "sqlite_errorname", "") or ""
    primary = "_".join(name.split("_")[:2])
    advice = _ADVICE.get(primary)
    detail = f"{exc}: {advice}" if advice else str(exc)
    if opening:
        return StoreError(f"cannot open the store {path}: {detail}")
    return StoreFailedError(f"the store {path} failed: {detail}")
