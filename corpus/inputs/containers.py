"""Files that hold sources: archives (``.zip``, ``.tar`` plain or compressed, ``.gz``) and web archives.

A container is known by its name (a suffix is what a person goes by, and it costs
nothing to look at on a million files), opened while the add is listed, and gives
one :class:`~corpus.inputs.item.Input` per source in it, bytes included:
:mod:`corpus.inputs.archives` the members of an archive (``archive.zip!inner/path``),
:mod:`corpus.inputs.warc` the response and resource records of a web archive (by
their target URI). An archive in an archive is opened too, down to
:data:`MAX_DEPTH`; a container that cannot be opened, or a member over a limit,
gives an input with its ``error``, so it still gets its one ``failed`` record.
"""

from __future__ import annotations

from collections.abc import Iterator

from corpus.inputs.item import Input
from corpus.inputs.select import Selection
from corpus.limits import DEFAULT_LIMITS, Limits

# Archives within archives are opened down to this depth (the outer archive is depth 1).
MAX_DEPTH = 3

_WARC = (".warc", ".warc.gz")
_ARCHIVES = (".zip", ".tar", ".tar.gz", ".tgz", ".gz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz")


def container_kind(name: str) -> str | None:
    """``"warc"`` or ``"archive"`` for a name a container goes by, else None."""
    lowered = name.lower()
    if lowered.endswith(_WARC):
        return "warc"
    if lowered.endswith(_ARCHIVES):
        return "archive"
    return None


def open_container(
    item: Input, selection: Selection, limits: Limits = DEFAULT_LIMITS, *, depth: int = 1
) -> Iterator[Input]:
    """The sources in the container ``item`` (a file on disk or bytes from another container)."""
    kind = container_kind(item.name or item.location)
    if kind == "warc":
        from corpus.inputs import warc

        yield from warc.records(item, limits, selection)
    else:
        from corpus.inputs import archives

        yield from archives.members(item, selection, limits, depth=depth)
