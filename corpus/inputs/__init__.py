"""What an ``add`` takes in: files, folders, archives, web archives, URLs, lists of them.

:class:`Listing` turns what the user named into :class:`Input` items, one per
source, in the order of their locations (not the order they were named in, so
that the documents an add makes depend on the set of its sources alone):

- a file is one source, located by its absolute path (:mod:`corpus.inputs.walk`);
- a folder is walked (hidden files, the store's own files and desktop litter left
  out), what it holds filtered by ``--include``/``--exclude`` and the data-file rule
  (:mod:`corpus.inputs.select`, :mod:`corpus.inputs.datafiles`);
- an archive or a web archive found or named (:mod:`corpus.inputs.containers`)
  gives its members or records, each a source of its own;
- an ``http(s)://`` URL is fetched by the per-source stage (:mod:`corpus.inputs.urls`);
- an ``s3://bucket/key`` is an object, read by the per-source stage, and an
  ``s3://bucket/prefix/`` is listed like a folder (:mod:`corpus.inputs.objects`).

Nothing is dropped in silence: what cannot be walked or opened is an input with
its ``error``, so it gets its ``failed`` record; what is left out on purpose is
counted (:meth:`Selection.summary`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from corpus.inputs.containers import container_kind, open_container
from corpus.inputs.datafiles import data_kind, refusal
from corpus.inputs.item import Input, absolute, file_input
from corpus.inputs.objects import find as find_objects
from corpus.inputs.objects import is_object_url
from corpus.inputs.objects import open_container as open_object_container
from corpus.inputs.reading import Opened, read_input
from corpus.inputs.select import Selection
from corpus.inputs.walk import find
from corpus.limits import DEFAULT_LIMITS, Limits

__all__ = [
    "Input",
    "Listing",
    "Opened",
    "Selection",
    "absolute",
    "arguments_from",
    "is_object_url",
    "is_url",
    "read_input",
]


def is_url(argument: str | Path) -> bool:
    """Is ``argument`` a URL to fetch (``http://`` or ``https://``) rather than a path?"""
    return isinstance(argument, str) and argument[:8].lower().startswith(("http://", "https://"))


def url_name(url: str) -> str:
    """The last segment of a URL's path, the sniffer's suffix hint; "" for one urllib cannot split.

    A malformed URL (``http://[::1/``) is still an input: its fetch fails with the reason.
    """
    try:
        return Path(urlsplit(url).path).name
    except ValueError:
        return ""


def arguments_from(stream: IO[str], *, nul: bool = False) -> list[str]:
    """The paths and URLs listed in ``stream``: one a line, or NUL-separated (``find -print0``).

    Blank lines are ignored; a line is taken as it is otherwise (a name may begin or
    end with spaces), but for its line ending.
    """
    text = stream.read()
    entries = text.split("\0") if nul else text.splitlines()
    return [e for e in entries if e.strip()]


class Listing:
    """The sources an add of ``arguments`` means; iterate it for the inputs, containers opened.

    :meth:`found` lists what the arguments name without opening a container (a
    fast count for a progress bar); iterating opens them, and ``on_more(n)`` is told
    when a container turns out to hold ``n`` more sources than the one place it
    took in :meth:`found` (``n`` is -1 for an empty one).
    """

    def __init__(
        self,
        arguments: Iterable[str | Path],
        *,
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self.arguments = list(arguments)
        self.selection = Selection(include, exclude)
        self.limits = limits
        self.on_more: Callable[[int], None] | None = None
        self._found: list[_Found] | None = None

    def found(self) -> list[Input]:
        """Files, URLs and unopened containers, in order; folders walked, patterns and data files applied.

        The order is that of their locations, whatever the order they were named in:
        sources are matched in this order, so the documents an add ends up as depend
        on the set of sources alone (an archive's members, and a web archive's
        records, come in the order the container holds them, which is part of it).
        The arguments are walked once; each call makes the list anew from what the
        listing keeps of it (see :data:`_Found`).
        """
        return [_unpack(entry) for entry in self._entries()]

    def count(self) -> int:
        """How many inputs :meth:`found` lists (a progress bar's total), without making them."""
        return len(self._entries())

    def _entries(self) -> list[_Found]:
        if self._found is None:
            self._found = sorted(map(_pack, self._find()), key=_order)
        return self._found

    def __iter__(self) -> Iterator[Input]:
        for item in map(_unpack, self._entries()):
            if item.error or item.refused or not container_kind(item.name):
                yield item
                continue
            if item.path is not None:
                members = open_container(item, self.selection, self.limits)
            elif item.url is not None and is_object_url(item.url):  # downloaded to be opened
                members = open_object_container(item, self.selection, self.limits)
            else:
                yield item
                continue
            count = 0
            for member in members:
                if count and self.on_more is not None:
                    self.on_more(1)
                count += 1
                yield member
            if not count and self.on_more is not None:
                self.on_more(-1)

    def _find(self) -> Iterator[Input]:
        seen: set[str] = set()
        for argument in self.arguments:
            if is_url(argument):
                url = str(argument)
                yield Input(location=url, url=url, name=url_name(url))
                continue
            if is_object_url(argument):
                yield from find_objects(str(argument), self.selection, seen, self.limits)
                continue
            for path, relative in find([argument], seen):
                item = self._file(path, relative)
                if item is not None:
                    yield item

    def _file(self, path: Path, relative: str | None) -> Input | None:
        taken = self.selection.opens if container_kind(path.name) else self.selection.wants  # an include is for members
        if relative is not None and not taken(relative):
            return None
        kind = data_kind(path)
        if kind is None:
            return file_input(path)
        if relative is not None:  # found in a folder: left out, counted
            self.selection.skip_data(kind)
            return None
        return file_input(path, refused=refusal(absolute(path), kind))


# What a listing keeps of each input it found, for as long as the add goes on: a file
# on disk (nearly every input) as its location, with its path where that is another
# string (a relative one); anything else as the Input itself. Some 100 bytes a file
# (200 with a relative path) instead of an Input's 600: a million files are 100 MB less.
_Found = str | tuple[str, str] | Input


def _pack(item: Input) -> _Found:
    path = item.path
    if path is None or item != Input(item.location, path, name=path.name):
        return item
    return item.location if str(path) == item.location else (item.location, str(path))


def _unpack(entry: _Found) -> Input:
    if isinstance(entry, Input):
        return entry
    location, named = (entry, entry) if isinstance(entry, str) else entry
    path = Path(named)
    return Input(location, path, name=path.name)


def _order(entry: _Found) -> str:
    """The sort key of the inputs: their locations compared part by part (between slashes).

    One string, not a list of the parts: ``/`` becomes ``\\0\\0``, below every other
    character, and a NUL (never in a path, maybe in a URL) ``\\0\\1``, so the strings
    order as the lists of parts do.
    """
    location = entry if isinstance(entry, str) else entry[0] if isinstance(entry, tuple) else entry.location
    return location.replace("\0", "\0\1").replace("/", "\0\0")
