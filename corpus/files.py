"""Which files an ``add`` of some paths means: files as given, folders recursively."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from corpus.errors import UsageError

# Files a folder walk never takes: the store itself and editor/OS litter.
_SKIP_SUFFIXES = (".db", ".db-wal", ".db-shm", ".db-journal")
_SKIP_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


def expand(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Each file under ``paths`` once, in a stable order. A missing path is a usage error.

    Hidden files and folders (names starting with a dot) are skipped inside folders
    but taken when named explicitly.
    """
    given = [Path(p) for p in paths]
    missing = [str(p) for p in given if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    seen: set[Path] = set()
    for path in given:
        candidates = [path] if path.is_file() else _walk(path)
        for file in candidates:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                yield file


def _walk(folder: Path) -> list[Path]:
    found = []
    for file in folder.rglob("*"):
        rel = file.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or file.name in _SKIP_NAMES:
            continue
        if file.name.endswith(_SKIP_SUFFIXES) or not file.is_file():
            continue
        found.append(file)
    return sorted(found)
