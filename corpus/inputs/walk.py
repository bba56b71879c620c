"""Which files an ``add`` of some paths means: files as given, folders recursively.

Nothing is left out in silence: a path that does not exist, a folder that cannot
be listed, a symbolic-link loop, a link to nothing are given back like files, so
that each gets a ``failed`` record saying why (:func:`corpus.prepare.unreadable`
tells the reason) while everything else still goes in. What a walk skips on
purpose, it skips by name: hidden files and folders, the store's own files,
desktop litter.

Links to folders are followed, so a tree assembled from links is walked whole;
a link back to a folder it sits in (a loop) is reported, never walked, and a
folder reached twice through links is walked once.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

# Files a folder walk never takes: the store itself and editor/OS litter.
_SKIP_SUFFIXES = (".db", ".db-wal", ".db-shm", ".db-journal")
_SKIP_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", "__MACOSX"})


def expand(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Each file under ``paths`` once, in a stable order, and each path that cannot be walked or read.

    Hidden files and folders (names starting with a dot) are skipped inside folders
    but taken when named explicitly. Expanding the result again gives the result.
    """
    for path, _ in find(paths):
        yield path


def find(paths: Iterable[Path | str], seen: set[str] | None = None) -> Iterator[tuple[Path, str | None]]:
    """:func:`expand`, each file with its path relative to the folder it was found in (None: named itself).

    ``seen`` holds the real paths already given (one add may call this once per argument).
    """
    seen = set() if seen is None else seen
    for path in (Path(p) for p in paths):
        walked = _is_folder(path) and not is_link_loop(path)
        for file in _walk(path) if walked else [path]:
            key = os.path.realpath(file)
            if key not in seen:
                seen.add(key)
                yield file, file.relative_to(path).as_posix() if walked else None


def skipped_name(name: str, *, folder: bool = False) -> bool:
    """Is a file (or a folder) of this name left out when found in a folder or an archive?

    Hidden names, desktop litter, the macOS resource folder ``__MACOSX`` of a zip, and
    the store's own files.
    """
    return name.startswith(".") or name in _SKIP_NAMES or (not folder and name.endswith(_SKIP_SUFFIXES))


def is_link_loop(path: Path) -> bool:
    """Is ``path`` a symbolic link to a folder it sits in (walking it would never end)?"""
    if not path.is_symlink():
        return False
    target = os.path.realpath(path)
    home = os.path.realpath(path.parent)
    return home == target or home.startswith(target.rstrip(os.sep) + os.sep)


def _is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _walk(folder: Path) -> list[Path]:
    """The files under ``folder``, and what under it cannot be walked, sorted by their parts."""
    found: list[Path] = []
    visited: set[tuple[int, int]] = set()

    def visit(directory: Path) -> None:
        try:
            info = os.stat(directory)
        except OSError:
            found.append(directory)  # gone since it was listed: reported, reason from prepare
            return
        if (info.st_dev, info.st_ino) in visited:
            return  # a folder reached again through a link: its files are taken once
        visited.add((info.st_dev, info.st_ino))
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            found.append(directory)  # cannot be listed (permissions, vanished): reported
            return
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()  # follows links
            except OSError:
                is_dir = False
            if skipped_name(entry.name, folder=is_dir):
                continue
            if is_dir and not (entry.is_symlink() and is_link_loop(path)):
                visit(path)
            else:
                found.append(path)  # a file, a link loop, a link to nothing, a FIFO: prepare says which

    visit(folder)
    return sorted(found)
