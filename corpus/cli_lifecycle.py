"""The commands that keep a corpus healthy over time: ``corpus remove``, ``corpus reread``, ``corpus stats``.

Registered on the ``corpus`` group by :func:`register` (the last lines of
:mod:`corpus.cli`). They share the group's conventions: ``--json`` prints JSON Lines
only (one object per line, each with a ``type`` for ``remove`` and ``reread``: every
``source``, every ``document`` changed, then the ``summary``; one object for
``stats``); exit 0 on success, 1 when something asked could not be done, 2 on a
usage error (an id that names no source: nothing is removed).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from corpus.cli import State, emit, handles_errors, json_option, out
from corpus.cli_options import reading_options
from corpus.limits import Limits, format_size
from corpus.stats import Stats
from corpus.wording import plural

F = TypeVar("F", bound=Callable[..., Any])


@click.command()
@click.argument("source_ids", nargs=-1, required=True, type=click.IntRange(min=1), metavar="SOURCE_ID…")
@click.option(
    "--purge",
    is_flag=True,
    help="Delete the sources' original bytes too (kept otherwise, for an audit or a later add); "
    "given an id removed earlier, delete the bytes kept for it.",
)
@json_option
@click.pass_obj
@handles_errors
def remove(state: State, source_ids: tuple[int, ...], purge: bool, as_json: bool) -> None:
    """Remove sources: each document they leave is rebuilt from the sources it keeps, or goes with none left.

    All the ids are removed in one transaction, or none: an id that names no source is
    a usage error (exit 2) and nothing is removed. Every removal is logged as an event.
    `corpus source ID` and `corpus show DOC` give the ids.
    """
    with state.open(reads_sources=True) as corpus:
        report = corpus.remove(source_ids, purge=purge)
    if as_json:
        for obj in report.to_dicts():
            emit(obj)
        return
    for line in report.lines():
        out.print(line, markup=False, soft_wrap=True)


@click.command()
@click.option("--reader", "reader_name", metavar="NAME", help="Only the sources this reader read.")
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Every source (of --reader, if given), whatever version of its reader read it.",
)
@click.option(
    "--failed/--no-failed",
    default=True,
    show_default=True,
    help="Also try again the sources that failed (a reader installed since may read them).",
)
@reading_options
@json_option
@click.pass_obj
@handles_errors
def reread(
    state: State,
    reader_name: str | None,
    everything: bool,
    failed: bool,
    jobs: int,
    limits: Limits,
    as_json: bool,
) -> None:
    """Read sources again with the readers installed now, match them again, and say what moved.

    By default the sources whose reader's version changed since they were read (or whose
    reader is gone), and the failed ones. They keep their ids, documents keep theirs
    where they still exist, and the result is what adding their files anew gives.
    Exit 1 when a source read before cannot be read now.
    """
    with state.open(reads_sources=True) as corpus:
        report = corpus.reread(reader=reader_name, everything=everything, failed=failed, jobs=jobs, limits=limits)
    if as_json:
        for obj in report.to_dicts():
            emit(obj)
    else:
        for line in report.lines():
            out.print(line, markup=False, soft_wrap=True)
    if report.newly_failed:
        sys.exit(1)


@click.command()
@json_option
@click.pass_obj
@handles_errors
def stats(state: State, as_json: bool) -> None:
    """Count what the store holds: sources by status, reader and media type; documents by sources; size.

    Read-only, and cheap on a store of any size.
    """
    with state.open(read_only=True) as corpus:
        figures = corpus.stats()
    if as_json:
        emit(figures.to_dict())
        return
    for line in stats_lines(figures):
        out.print(line, markup=False, soft_wrap=True)


def stats_lines(s: Stats) -> list[str]:
    """``corpus stats`` for a person."""
    status = s.sources_by_status
    lines = [
        f"store {s.path}: {format_size(s.store_bytes)} on disk (the file {format_size(s.file_bytes)}, "
        f"its journal {format_size(s.wal_bytes)}"
        + (f"; {format_size(s.free_bytes)} of it free, which VACUUM gives back)" if s.free_bytes else ")"),
        f"sources: {s.sources:,} ({status['ok']:,} read, {status['failed']:,} failed)",
    ]
    for r in s.sources_by_reader:
        note = ""
        if r.outdated:
            now = f"{r.installed_version} is installed" if r.installed_version else "it is not installed"
            note = f" ({now}: `corpus reread` reads them again)"
        lines.append(f"  reader {r.reader or '—'} {r.version or ''}: {r.sources:,}{note}")
    media = ", ".join(f"{m} {n:,}" for m, n in s.sources_by_media_type.items()) or "none"
    lines.append(f"  by media type: {media}")
    counts = ", ".join(f"{label}: {n:,}" for label, n in s.documents_by_source_count.items() if n)
    lines.append(
        f"documents: {s.documents:,}"
        + (f"; by number of sources: {counts}" if counts else "")
        + f"; {s.documents_merged:,} merged into others; {plural(s.versions, 'version link')}"
    )
    if s.removed_bytes_kept:
        lines.append(
            f"original bytes kept of {plural(s.removed_bytes_kept, 'removed source')} "
            "(`corpus remove --purge ID` deletes them)"
        )
    lines.append(f"events logged: {s.events:,}")
    return lines


def register(group: click.Group) -> None:
    """Add ``remove``, ``reread`` and ``stats`` to the ``corpus`` command group."""
    for command in (remove, reread, stats):
        group.add_command(command)
