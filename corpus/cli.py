"""The ``corpus`` command line. With ``--json`` every command prints JSON Lines only.

Exit codes: 0 success, 1 some files failed (the others were added), 2 usage error.
Errors of the corpus (:class:`corpus.CorpusError`) are printed without a traceback.
"""

from __future__ import annotations

import sqlite3
import sys
from collections import Counter
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import IO, Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from corpus import terminal
from corpus.api import DB_ENV, Corpus, default_db_path
from corpus.audit import LARGE_CLUSTER
from corpus.cli_options import reading_options
from corpus.errors import CorpusError, StoreError, StoreFailedError, UsageError
from corpus.export import write_jsonl, write_parquet
from corpus.inputs import Listing, arguments_from, is_object_url
from corpus.inputs.objects import require_library
from corpus.limits import Limits
from corpus.pluginhost import PluginHost
from corpus.ray_engine import require_ray
from corpus.records import AddResult
from corpus.report import write_html
from corpus.store_file import explain
from corpus.wording import plural, similarity_text, similarity_value

F = TypeVar("F", bound=Callable[..., Any])

out = terminal.console()
# Messages on stderr are one line each, whatever their length: the terminal wraps them, a log keeps them whole.
err = Console(stderr=True, highlight=False, soft_wrap=True)


def emit(obj: dict[str, Any]) -> None:
    write_jsonl([obj], sys.stdout)


class State:
    def __init__(self, db: Path | None) -> None:
        self.db = db

    @property
    def db_path(self) -> Path:
        return self.db or default_db_path()

    def open(self, *, reads_sources: bool = False, read_only: bool = False) -> Corpus:
        """The corpus; plugins load on first use, and their problems are told only for a command that reads sources.

        A command that only reads passes ``read_only``: it never creates a store, and works on a read-only one.
        """
        corpus = Corpus.open(self.db_path, read_only=read_only)
        if reads_sources:
            for problem in corpus.plugin_problems:
                err.print(f"[yellow]warning:[/] plugin {problem.plugin!r} skipped: {problem.error}", markup=True)
        return corpus


def handles_errors(func: F) -> F:
    """Turn CorpusError, and any SQLite error that escaped as itself, into a one-line message and an exit code.

    2 when the command cannot start: a usage error, or a store it cannot use (missing, not a
    store, newer, other settings, no permission). 1 when the work failed part-way
    (:class:`StoreFailedError`: locked past the wait, disk full) or files failed.
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except sqlite3.Error as exc:
            err.print(f"error: {explain(_db_path(), exc)}", markup=False)
            sys.exit(1)
        except StoreFailedError as exc:
            err.print(f"error: {exc}", markup=False)
            sys.exit(1)
        except (UsageError, StoreError) as exc:  # StoreError includes SettingsMismatchError
            err.print(f"error: {exc}", markup=False)
            sys.exit(2)
        except CorpusError as exc:
            err.print(f"error: {exc}", markup=False)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _db_path() -> Path:
    """The store the running command works on, for a message about it."""
    ctx = click.get_current_context(silent=True)
    state = ctx.find_object(State) if ctx else None
    return state.db_path if state else default_db_path()


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON Lines, one object per line.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar=DB_ENV,
    help=f"The store file (default ./corpus.db, or ${DB_ENV}).",
)
@click.version_option(package_name="corpus")
@click.pass_context
def cli(ctx: click.Context, db: Path | None) -> None:
    """Add source files to a corpus, collapse copies into canonical documents, audit duplicates."""
    ctx.obj = State(db)


@cli.command()
@click.argument("paths", nargs=-1, type=str)
@click.option(
    "--files-from",
    type=click.File("r", encoding="utf-8", errors="surrogateescape"),
    metavar="FILE",
    help="Also add the paths and URLs listed in FILE, one a line ('-': standard input).",
)
@click.option("-0", "--null", "nul", is_flag=True, help="The --files-from list is NUL-separated (find -print0).")
@click.option(
    "--include",
    multiple=True,
    metavar="GLOB",
    help="Of what is found in folders and archives, take only what matches (repeatable). "
    "A pattern without '/' matches names ('*.pdf'), one with '/' the path below the folder.",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="Leave out what is found in folders and archives that matches, folders by name ('drafts') included "
    "(repeatable; wins over --include).",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Where sources are read and fingerprinted: worker processes here (--jobs), or Ray workers "
    "(pip install 'corpus[ray]'; with no --address a local Ray of --jobs CPUs). Matching and storing "
    "stay here either way, so both make the same documents.",
)
@click.option(
    "--address",
    metavar="ADDRESS",
    help="With --engine ray: the Ray cluster to use ('auto', HOST:PORT, ray://HOST:PORT; default $RAY_ADDRESS, "
    "else a local Ray). Its workers must see the paths added, and have corpus and its plugins installed.",
)
@reading_options
@json_option
@click.pass_obj
@handles_errors
def add(
    state: State,
    paths: tuple[str, ...],
    files_from: IO[str] | None,
    nul: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    engine: str,
    address: str | None,
    jobs: int,
    limits: Limits,
    as_json: bool,
) -> None:
    """Add files, folders (walked), archives, web archives (WARC) and URLs; say for each source what it is.

    Every source gets one result; one that cannot be read (missing, unreadable, a
    link loop, broken, over a limit, or crashing its reader) fails alone, with
    the reason, and the exit code is 1. Data files (CSV, JSON, feeds) found in
    folders are skipped and counted; named, they fail.
    """
    arguments = list(paths) + (arguments_from(files_from, nul=nul) if files_from is not None else [])
    if not arguments:
        raise UsageError("nothing to add: name files, folders, archives or URLs, or give --files-from")
    if address is not None and engine != "ray":
        raise UsageError("--address is the Ray cluster of --engine ray; give --engine ray with it")
    if engine == "ray":
        require_ray()  # before the store is opened: without Ray nothing is done
    if any(is_object_url(argument) for argument in arguments):
        require_library()  # s3:// needs pyarrow: without it nothing is done either
    # The results go to the tally as they are committed, not into a list of them all.
    how: dict[str, Any] = {"jobs": jobs, "limits": limits, "engine": engine, "address": address, "keep_results": False}
    tally = _AddTally()
    with state.open(reads_sources=True) as corpus:
        listing = corpus.listing(arguments, include=include, exclude=exclude, limits=limits)
        if as_json:

            def emit_and_count(result: AddResult) -> None:
                emit(result.to_dict())
                tally(result)

            corpus.add(listing, on_result=emit_and_count, **how)
        elif out.is_terminal:
            _add_with_progress(corpus, listing, how, tally)
        else:
            corpus.add(listing, on_result=tally, **how)
        if not as_json:
            _print_add_summary(corpus, tally)
    left_out = listing.selection.summary()
    if left_out:
        err.print(left_out, markup=False)
    if tally.counts["failed"]:
        sys.exit(1)


class _AddTally:
    """What the summary of an add needs of its results, taken as they come: not every result."""

    SHOW_ALL = 50  # up to this many results, every one is shown; past it, the failed ones and the versions

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.first: list[AddResult] = []
        self.notable: list[AddResult] = []

    def __call__(self, result: AddResult) -> None:
        self.counts[result.status] += 1
        if len(self.first) < self.SHOW_ALL:
            self.first.append(result)
        if result.status in ("failed", "version"):
            self.notable.append(result)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def shown(self) -> list[AddResult]:
        return self.first if self.total <= self.SHOW_ALL else self.notable


def _add_with_progress(corpus: Corpus, listing: Listing, how: dict[str, Any], tally: _AddTally) -> None:
    columns = (
        TextColumn("{task.fields[phase]}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} files/s"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=out, transient=True) as progress:
        task = progress.add_task("add", total=listing.count(), rate="0.0", phase="adding")
        # An archive's members are counted when it is opened: the total grows then.
        listing.on_more = lambda more: progress.update(task, total=(progress.tasks[0].total or 0) + more)

        def advance(result: AddResult) -> None:
            tally(result)
            progress.advance(task)
            speed = progress.tasks[0].speed or 0.0
            progress.update(task, rate=f"{speed:.1f}")

        def phase(doing: str) -> None:  # (--engine ray) what the cluster does before a chunk's results come
            progress.update(task, phase=f"adding: {doing}")

        corpus.add(listing, on_result=advance, on_phase=phase, **how)


def _print_add_summary(corpus: Corpus, tally: _AddTally) -> None:
    shown = tally.shown()
    if shown:
        table = Table(show_header=True, header_style="bold", box=None)
        for column in ("file", "status", "document", "reader", "similarity"):
            table.add_column(column)
        for r in shown:
            detail = r.error if r.status == "failed" else similarity_text(r.similarity)
            table.add_row(r.path, r.status, str(r.document_id or "—"), r.reader or "—", detail)
        out.print(table)
    parts = [f"{tally.counts[s]} {s}" for s in ("new", "copy", "version", "exists", "failed") if tally.counts[s]]
    counts = corpus.counts()
    out.print(
        f"{tally.total} file(s): {', '.join(parts) or 'nothing to add'}. "
        f"The corpus {corpus.store.path} holds {counts['sources']} source(s) in "
        f"{counts['documents']} document(s)."
    )
    if tally.counts["copy"] or tally.counts["version"]:
        out.print(
            "`corpus audit` shows which files are copies or versions of which, and how they differ.", markup=False
        )


@cli.command()
@json_option
@click.pass_obj
@handles_errors
def docs(state: State, as_json: bool) -> None:
    """List the documents."""
    with state.open(read_only=True) as corpus:
        documents = corpus.documents()
    if as_json:
        for d in documents:
            emit(d.to_dict())
        return
    table = Table("id", "title", "sources", "chars", box=None, header_style="bold")
    for d in documents:
        table.add_row(str(d.document_id), d.title or "(untitled)", str(d.source_count), str(d.chars))
    out.print(table)


@cli.command()
@click.argument("document_id", type=int)
@json_option
@click.pass_obj
@handles_errors
def show(state: State, document_id: int, as_json: bool) -> None:
    """Show a document: its title, canonical text and sources with their metadata."""
    with state.open(read_only=True) as corpus:
        view = corpus.document(document_id)
    if as_json:
        emit(view.to_dict())
        return
    terminal.print_document(out, view)


@cli.command()
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write the audit as one self-contained page to FILE.",
)
@click.option(
    "--large-cluster",
    type=click.IntRange(min=2),
    default=LARGE_CLUSTER,
    show_default=True,
    help="Flag documents with this many sources or more.",
)
@json_option
@click.pass_obj
@handles_errors
def audit(state: State, as_json: bool, html_file: Path | None, large_cluster: int) -> None:
    """Audit duplicate sources: who copies whom, how close, what each lacks or adds, what readers removed."""
    with state.open(read_only=True) as corpus:
        if html_file is not None:
            report = write_html(corpus, html_file, large_cluster=large_cluster)
            audits = [page.audit for page in report.documents]
            counts = report.counts
        else:
            audits = corpus.audit(large_cluster=large_cluster)
            counts = corpus.counts()
    if as_json:
        for a in audits:
            emit(a.to_dict())
    elif html_file is None:
        for a in audits:
            terminal.print_audit(out, a)
        out.print(terminal.corpus_summary(counts, len(audits)), markup=False)
    if html_file is not None:
        (err if as_json else out).print(
            f"wrote {html_file}: the audit of {plural(len(audits), 'document')} with copies or versions.",
            markup=False,
            soft_wrap=True,
        )


@cli.command()
@click.option(
    "--parquet",
    "parquet_file",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write Parquet to FILE instead of JSON Lines to stdout (needs pyarrow).",
)
@json_option
@click.pass_obj
@handles_errors
def export(state: State, parquet_file: Path | None, as_json: bool) -> None:
    """Export every document with its canonical text and provenance (JSON Lines, or Parquet).

    JSON Lines is what export always writes: --json is taken, as by every command, and changes nothing.
    """
    with state.open(read_only=True) as corpus:
        if parquet_file is None:
            write_jsonl(corpus.export(), sys.stdout)
            return
        count = write_parquet(corpus.export(), parquet_file)
    err.print(f"wrote {plural(count, 'document')} to {parquet_file}", markup=False)


@cli.command()
@click.argument("source_id", type=int)
@click.option("--raw", is_flag=True, help="Write the source's original bytes to stdout.")
@json_option
@click.pass_obj
@handles_errors
def source(state: State, source_id: int, raw: bool, as_json: bool) -> None:
    """Show a source: what is stored about it, its paragraphs, the lines its reader removed.

    With --raw, write its original bytes back out instead.
    """
    with state.open(read_only=True) as corpus:
        if raw:
            sys.stdout.buffer.write(corpus.source_bytes(source_id))
            sys.stdout.flush()
            return
        row = corpus.source(source_id)
    info = {
        "source_id": row.id,
        "path": row.path,
        "locations": list(row.locations),
        "sha256": row.sha256,
        "status": row.status,
        "error": row.error,
        "media_type": row.media_type,
        "reader": row.reader,
        "reader_version": row.reader_version,
        "encoding": row.encoding,
        "encoding_confidence": row.encoding_confidence,
        "document_id": row.document_id,
        "similarity": similarity_value(row.similarity),
        "extract": row.extract.to_dict() if row.extract else None,
    }
    if as_json:  # with each location, when it was first seen and its provenance (HTTP headers, a WARC record's)
        emit({**info, "seen": [place.to_dict() for place in row.seen]})
        return
    terminal.print_source(out, info, row.extract)


@cli.command()
@click.option(
    "--repair",
    is_flag=True,
    help="Rebuild what can be rebuilt (index rows, canonical texts, kept builds, lengths) in one transaction, "
    "and say what cannot be.",
)
@json_option
@click.pass_obj
@handles_errors
def check(state: State, repair: bool, as_json: bool) -> None:
    """Verify the store: bytes against their sha256, the indexes, provenance, events, canonical texts.

    One line per problem, naming its source or document. Exit 0 when nothing is wrong (with
    --repair: when nothing is left wrong), 1 otherwise. Without --repair nothing is written.
    """
    from corpus.check import check_store  # the canonical-text policy: only this command needs it

    with state.open(reads_sources=True, read_only=not repair) as corpus:
        checked = check_store(corpus.store, corpus.host, repair=repair)
    if as_json:
        for problem in checked.problems:
            emit(problem.to_dict(checked.is_repaired(problem)))
        emit(checked.summary())
    else:
        for line in checked.lines():
            out.print(line, markup=False, soft_wrap=True)
    if not checked.clean:
        sys.exit(1)


@cli.command()
@json_option
@handles_errors
def readers(as_json: bool) -> None:
    """List the installed readers, and plugins that failed to load."""
    host = PluginHost()
    rows: list[dict[str, Any]] = [
        {"name": r.name, "version": r.version, "media_types": list(r.media_types), "plugin": r.plugin}
        for r in host.readers
    ]
    problems = [{"plugin": p.plugin, "error": p.error} for p in host.problems]
    if as_json:
        for row in rows:
            emit(row)
        for problem in problems:
            emit(problem)
        return
    table = Table("reader", "version", "media types", "plugin", box=None, header_style="bold")
    for row in rows:
        table.add_row(row["name"], row["version"], ", ".join(row["media_types"]), row["plugin"])
    out.print(table)
    for problem in problems:
        err.print(f"plugin {problem['plugin']!r} failed: {problem['error']}", markup=False)


def main() -> None:
    cli(prog_name="corpus")


def _register_lifecycle() -> None:
    """`corpus remove`, `reread` and `stats` live in their own module, which uses this one's helpers."""
    from corpus.cli_lifecycle import register

    register(cli)


_register_lifecycle()
