"""The reader contract and the choice of a reader for a source."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol, cast, runtime_checkable

from corpus.errors import PluginError, ReaderError
from corpus.extract import Extract
from corpus.source import SourceFile


@runtime_checkable
class Reader(Protocol):
    """What ``corpus_register_readers`` expects; see :mod:`corpus.hookspecs`."""

    name: str
    version: str
    media_types: tuple[str, ...]

    def sniff(self, source: SourceFile) -> float | None:
        """How sure this reader is that it should read ``source`` (0..1), or ``None``: not mine."""
        ...

    def read(self, source: SourceFile) -> Extract:
        """The content of ``source``; raise :class:`corpus.ReaderError` when it cannot be read."""
        ...


@dataclass(frozen=True)
class RegisteredReader:
    """A validated reader and the plugin that registered it."""

    reader: Reader
    plugin: str

    @property
    def name(self) -> str:
        return self.reader.name

    @property
    def version(self) -> str:
        return self.reader.version

    @property
    def media_types(self) -> tuple[str, ...]:
        return tuple(self.reader.media_types)


def validate_reader(obj: object, plugin: str) -> Reader:
    """Check a registered object has the reader shape, naming what is missing."""
    for attr in ("name", "version", "media_types"):
        if not hasattr(obj, attr):
            raise PluginError(f"plugin {plugin!r} registered a reader without {attr!r}: {obj!r}")
    reader: Any = obj
    name = reader.name
    if not isinstance(name, str) or not name.strip():
        raise PluginError(f"plugin {plugin!r} registered a reader whose name is not a non-empty str")
    if not isinstance(reader.version, str):
        raise PluginError(f"reader {name!r} of plugin {plugin!r}: 'version' must be a str")
    media_types = reader.media_types
    if not isinstance(media_types, list | tuple) or not all(isinstance(m, str) for m in media_types):
        raise PluginError(f"reader {name!r} of plugin {plugin!r}: 'media_types' must be a tuple of str")
    for method in ("sniff", "read"):
        if not callable(getattr(reader, method, None)):
            raise PluginError(f"reader {name!r} of plugin {plugin!r} has no callable {method!r}")
    return cast(Reader, reader)


# What ``sniff`` sees of a long text: its head and its tail, cut at line ends, so that
# choosing a reader costs the same for a 15 MB file as for a page.
SNIFF_HEAD = 64 * 1024
SNIFF_TAIL = 16 * 1024


def sniff_view(source: SourceFile) -> SourceFile:
    """``source`` as ``sniff`` sees it: a long text cut to its first and last lines (at most 80 K characters)."""
    text = source.text
    if text is None or len(text) <= SNIFF_HEAD + SNIFF_TAIL:
        return source
    head = text[:SNIFF_HEAD]
    head = head[: head.rfind("\n") + 1] or head
    tail = text[-SNIFF_TAIL:]
    tail = tail[tail.find("\n") + 1 :] or tail
    return replace(source, text=head + tail)


def choose_reader(readers: Sequence[RegisteredReader], source: SourceFile) -> RegisteredReader:
    """The reader most confident about ``source``; ties go to the later-registered one.

    Readers sniff :func:`sniff_view` of the source: a long text's head and tail.
    A reader whose ``sniff`` raises is skipped for this source (its error is part of
    the message if no reader claims the source).
    """
    best: tuple[float, RegisteredReader] | None = None
    problems: list[str] = []
    view = sniff_view(source)
    for registered in readers:
        try:
            confidence = registered.reader.sniff(view)
        except Exception as exc:  # a plugin's bug must not stop the other readers
            problems.append(f"reader {registered.name!r} failed to sniff: {type(exc).__name__}: {exc}")
            continue
        if confidence is None:
            continue
        confidence = float(confidence)
        if confidence <= 0:
            continue
        if best is None or confidence >= best[0]:
            best = (confidence, registered)
    if best is None:
        detail = f" ({'; '.join(problems)})" if problems else ""
        raise ReaderError(
            f"no reader claims {source.location} (detected media type {source.media_type})"
            f"{detail}; `corpus readers` lists the installed readers"
        )
    return best[1]
