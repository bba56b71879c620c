"""Which of the files found inside a folder or an archive an add takes: patterns and data files.

``--include`` and ``--exclude`` take glob patterns (``*``, ``?``, ``[…]``, as in
the shell, with ``*`` crossing ``/``). They apply to what is *found* — files in a
walked folder, members of an archive — by the path relative to that folder or
archive; a file named on the command line is always taken. A pattern without a
``/`` is matched against names: ``--include '*.pdf'`` takes PDFs anywhere below,
``--exclude drafts`` leaves out every folder (or file) named ``drafts`` with what
is in it. A pattern with a ``/`` is matched against the whole relative path:
``--exclude 'site/old/*'``. With includes, only what matches one is taken; an
exclude wins over an include. An archive found is opened unless an exclude
names it (an include names what to take from it: ``--include '*.pdf'`` takes the
PDFs inside ``papers.zip``). Data files (:mod:`corpus.inputs.datafiles`) found
are left out and counted, by kind; so are empty archive members.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase


@dataclass
class Selection:
    """The patterns of one add, and what they and the data-file rule left out."""

    include: Sequence[str] = ()
    exclude: Sequence[str] = ()
    skipped_data: Counter[str] = field(default_factory=Counter)
    """Data files found and left out, by kind ("CSV": 3)."""
    excluded: int = 0
    """Files found and left out by a pattern."""
    skipped_empty: int = 0
    """Empty archive members left out (nothing in them to read)."""
    skipped_records: Counter[str] = field(default_factory=Counter)
    """Web-archive records left out, by why ("request": 30, "HTTP 404": 2, "text/css": 1)."""

    def wants(self, relative: str) -> bool:
        """Is the found file at ``relative`` (``/``-separated, from its folder or archive) taken?"""
        parts = [p for p in relative.split("/") if p]
        included = not self.include or any(_matches(p, relative, names=parts[-1:]) for p in self.include)
        return self._counted(included and not self._excludes(relative, parts))

    def opens(self, relative: str) -> bool:
        """Is the archive found at ``relative`` opened? Only an exclude leaves one out."""
        return self._counted(not self._excludes(relative, [p for p in relative.split("/") if p]))

    def _excludes(self, relative: str, parts: list[str]) -> bool:
        return any(_matches(pattern, relative, names=parts) for pattern in self.exclude)

    def _counted(self, taken: bool) -> bool:
        if not taken:
            self.excluded += 1
        return taken

    def skip_data(self, kind: str) -> None:
        self.skipped_data[kind] += 1

    def skip_empty(self) -> None:
        self.skipped_empty += 1

    def skip_record(self, reason: str) -> None:
        self.skipped_records[reason] += 1

    def summary(self) -> str | None:
        """What was left out, for a person ("skipped 3 data files (2 CSV, 1 JSON)"), or None."""
        said = []
        total = sum(self.skipped_data.values())
        if total:
            kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.skipped_data.items()))
            said.append(f"skipped {total} data file{'s' if total != 1 else ''} ({kinds}): not documents")
        records = sum(self.skipped_records.values())
        if records:
            reasons = sorted(self.skipped_records.items(), key=lambda item: (-item[1], item[0]))
            said.append(
                f"skipped {records} web-archive record{'s' if records != 1 else ''} that hold no document "
                f"({', '.join(f'{n} {why}' for why, n in reasons)})"
            )
        if self.skipped_empty:
            said.append(f"skipped {self.skipped_empty} empty file{'s' if self.skipped_empty != 1 else ''} in archives")
        if self.excluded:
            said.append(f"left out {self.excluded} file{'s' if self.excluded != 1 else ''} by --include/--exclude")
        return "; ".join(said) or None


def _matches(pattern: str, relative: str, *, names: list[str]) -> bool:
    if "/" in pattern.strip("/"):
        body = pattern.strip("/")
        return fnmatchcase(relative, body) or fnmatchcase(relative, body + "/*")
    return any(fnmatchcase(name, pattern.strip("/")) for name in names)
