"""Options that more than one command takes: the worker processes and the limits a source is read under.

``corpus add`` and ``corpus reread`` read sources the same way (:mod:`corpus.ingest`),
so they take the same ``--jobs`` and the same limits (:mod:`corpus.limits`), given
to the command as one :class:`~corpus.limits.Limits`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from corpus.limits import DEFAULT_LIMITS, Limits, format_size, parse_size
from corpus.workers import default_jobs

F = TypeVar("F", bound=Callable[..., Any])


class Size(click.ParamType[int | None, Any]):
    """A number of bytes, or one with K, M or G (1024-based); 0 or "none" for no limit."""

    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int | None:
        if value is None or isinstance(value, int):
            return value or None
        try:
            return parse_size(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def _shown(value: float | None) -> str:
    return "none" if value is None else format_size(value) if isinstance(value, int) else f"{value:g}"


_READING = [
    click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=1),
        default=default_jobs,
        show_default="the machine's cores",
        help="Processes that read and fingerprint sources; matching and storing stay in this one, in order.",
    ),
    click.option(
        "--max-file-size",
        type=Size(),
        metavar="SIZE",
        default=DEFAULT_LIMITS.max_file_size,
        show_default=_shown(DEFAULT_LIMITS.max_file_size),
        help="A larger source (a file, an archive member, a WARC record, a download) fails without being read. "
        "Sizes: 100M, 2G (1024-based); 0 for no limit.",
    ),
    click.option(
        "--max-decompressed-size",
        type=Size(),
        metavar="SIZE",
        default=DEFAULT_LIMITS.max_decompressed_size,
        show_default=_shown(DEFAULT_LIMITS.max_decompressed_size),
        help="What one source's compressed content (a PDF's streams, images aside) may decompress to; "
        "more fails the source, as a decompression bomb. An archive may expand past it only at under "
        "200:1. 0 for no limit (and no ratio check).",
    ),
    click.option(
        "--max-pages",
        type=click.IntRange(min=0),
        default=DEFAULT_LIMITS.max_pages,
        show_default=True,
        help="A document (a PDF) with more pages fails. 0 for no limit.",
    ),
    click.option(
        "--timeout",
        type=click.FloatRange(min=0),
        metavar="SECONDS",
        default=DEFAULT_LIMITS.timeout,
        show_default=_shown(DEFAULT_LIMITS.timeout) + " s",
        help="Time one source may take to be read (or fetched); its reader is stopped then, and the source "
        "fails. 0 for no limit.",
    ),
    click.option(
        "--max-memory",
        type=Size(),
        metavar="SIZE",
        default=DEFAULT_LIMITS.max_memory,
        show_default=_shown(DEFAULT_LIMITS.max_memory),
        help="Memory reading one source may take, in the process that reads it; a reader that needs more is "
        "refused it, and the source fails. 0 for no limit.",
    ),
]


def reading_options(func: F) -> F:
    """``--jobs`` and the limits, handed to ``func`` as ``jobs`` and one ``limits``."""

    @wraps(func)
    def wrapper(
        *args: Any,
        max_file_size: int | None,
        max_decompressed_size: int | None,
        max_pages: int,
        timeout: float,
        max_memory: int | None,
        **kwargs: Any,
    ) -> Any:
        limits = Limits(max_file_size, max_decompressed_size, max_pages or None, timeout or None, max_memory)
        return func(*args, limits=limits, **kwargs)

    decorated: Any = wrapper
    for option in reversed(_READING):
        decorated = option(decorated)
    return decorated  # type: ignore[no-any-return]
