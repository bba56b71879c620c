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
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from corpus.api import DB_ENV, Corpus, default_db_path
from corpus.audit import LARGE_CLUSTER, DocumentAudit
from corpus.errors import CorpusError, StoreError, StoreFailedError, UsageError
from corpus.export import write_jsonl, write_parquet
from corpus.limits import DEFAULT_LIMITS, Limits, format_size, parse_size
from corpus.pluginhost import PluginHost
from corpus.records import AddResult, SourceInfo
from corpus.report import write_html
from corpus.store_file import explain
from corpus.wording import clip, plural, removed_rows, similarity_text
from corpus.workers import default_jobs

F = TypeVar("F", bound=Callable[..., Any])

# Piped output is read by people too (logs, `| less`): do not squeeze tables into 80 columns.
out = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
# Messages on stderr are one line each, whatever their length: the terminal wraps them, a log keeps them whole.
err = Console(stderr=True, highlight=False, soft_wrap=True)


# A paragraph quoted on one terminal line is clipped to this many characters.
CLIP = 60


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


class _Size(click.ParamType[int | None, Any]):
    """A number of bytes, or one with K, M or G (1024-based); 0 or "none" for no limit."""

    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int | None:
        if value is None or isinstance(value, int):
            return value or None
        try:
            return parse_size(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def _limit_default(value: float | None) -> str:
    return "none" if value is None else format_size(value) if isinstance(value, int) else f"{value:g}"


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=default_jobs,
    show_default="the machine's cores",
    help="Processes that read and fingerprint files; matching and storing stay in this one, in order.",
)
@click.option(
    "--max-file-size",
    type=_Size(),
    metavar="SIZE",
    default=DEFAULT_LIMITS.max_file_size,
    show_default=_limit_default(DEFAULT_LIMITS.max_file_size),
    help="A larger file fails without being read. Sizes: 100M, 2G (1024-based); 0 for no limit.",
)
@click.option(
    "--max-decompressed-size",
    type=_Size(),
    metavar="SIZE",
    default=DEFAULT_LIMITS.max_decompressed_size,
    show_default=_limit_default(DEFAULT_LIMITS.max_decompressed_size),
    help="What one file's compressed content (a PDF's streams, images aside) may decompress to; "
    "more fails the file, as a decompression bomb. 0 for no limit.",
)
@click.option(
    "--max-pages",
    type=click.IntRange(min=0),
    default=DEFAULT_LIMITS.max_pages,
    show_default=True,
    help="A document (a PDF) with more pages fails. 0 for no limit.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    default=DEFAULT_LIMITS.timeout,
    show_default=_limit_default(DEFAULT_LIMITS.timeout) + " s",
    help="Time one file may take to be read; its reader is stopped then, and the file fails. 0 for no limit.",
)
@click.option(
    "--max-memory",
    type=_Size(),
    metavar="SIZE",
    default=DEFAULT_LIMITS.max_memory,
    show_default=_limit_default(DEFAULT_LIMITS.max_memory),
    help="Memory reading one file may take, in the process that reads it; a reader that needs more is "
    "refused it, and the file fails. 0 for no limit.",
)
@json_option
@click.pass_obj
@handles_errors
def add(
    state: State,
    paths: tuple[Path, ...],
    jobs: int,
    max_file_size: int | None,
    max_decompressed_size: int | None,
    max_pages: int,
    timeout: float,
    max_memory: int | None,
    as_json: bool,
) -> None:
    """Add files and folders (recursively); say for each file what it is.

    Every file gets one result; one that cannot be read (missing, unreadable, a
    link loop, broken, over a limit, or crashing its reader) fails alone, with
    the reason, and the exit code is 1.
    """
    limits = Limits(max_file_size, max_decompressed_size, max_pages or None, timeout or None, max_memory)
    with state.open(reads_sources=True) as corpus:
        files = corpus.files(paths)
        if as_json:
            results = corpus.add(files, on_result=lambda r: emit(r.to_dict()), jobs=jobs, limits=limits)
        elif out.is_terminal:
            results = _add_with_progress(corpus, files, jobs, limits)
        else:
            results = corpus.add(files, jobs=jobs, limits=limits)
        if not as_json:
            _print_add_summary(corpus, results)
    if any(r.status == "failed" for r in results):
        sys.exit(1)


def _add_with_progress(corpus: Corpus, files: list[Path], jobs: int, limits: Limits) -> list[AddResult]:
    columns = (
        TextColumn("adding"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} files/s"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=out, transient=True) as progress:
        task = progress.add_task("add", total=len(files), rate="0.0")

        def advance(result: AddResult) -> None:
            progress.advance(task)
            speed = progress.tasks[0].speed or 0.0
            progress.update(task, rate=f"{speed:.1f}")

        return corpus.add(files, on_result=advance, jobs=jobs, limits=limits)


def _print_add_summary(corpus: Corpus, results: list[AddResult]) -> None:
    shown = results if len(results) <= 50 else [r for r in results if r.status in ("failed", "version")]
    if shown:
        table = Table(show_header=True, header_style="bold", box=None)
        for column in ("file", "status", "document", "reader", "similarity"):
            table.add_column(column)
        for r in shown:
            detail = r.error if r.status == "failed" else similarity_text(r.similarity)
            table.add_row(r.path, r.status, str(r.document_id or "—"), r.reader or "—", detail)
        out.print(table)
    tally = Counter(r.status for r in results)
    parts = [f"{tally[s]} {s}" for s in ("new", "copy", "version", "exists", "failed") if tally[s]]
    counts = corpus.counts()
    out.print(
        f"{len(results)} file(s): {', '.join(parts) or 'nothing to add'}. "
        f"The corpus {corpus.store.path} holds {counts['sources']} source(s) in "
        f"{counts['documents']} document(s)."
    )
    if tally["copy"] or tally["version"]:
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
    _heading(f"document {view.document_id}")
    out.print(Text(view.title or "(untitled)", style="bold"))
    out.print()
    body = (
        view.paragraphs[1:]
        if view.title and view.paragraphs and view.paragraphs[0].text == view.title
        else view.paragraphs
    )
    for p in body:
        out.print(p.text, markup=False, soft_wrap=True)
        out.print()
    _heading(f"{len(view.sources)} source(s)")
    for s in view.sources:
        _print_source_info(s)
    for r in view.related:
        out.print(
            f"{r.relation} of document {r.document_id} (similarity {similarity_text(r.similarity)})", markup=False
        )


def _heading(text: str) -> None:
    if out.is_terminal:
        out.rule(text, style="dim")
    else:
        out.print(f"— {text} —", markup=False)


def _print_source_info(s: SourceInfo) -> None:
    out.print(Text.assemble((f"#{s.source_id} ", "bold"), (s.path, "bold")))
    reader = " ".join(x for x in (s.reader, s.reader_version) if x) or "—"
    confidence = f" (confidence {s.encoding_confidence:.2f})" if s.encoding_confidence is not None else ""
    facts = [
        ("joined as", f"{s.joined_as or '—'}, similarity to the canonical text {similarity_text(s.similarity)}"),
        ("reader", f"{reader}: {s.paragraph_count} paragraph(s), {s.removed_count} line(s) removed"),
        ("media type", s.media_type or "—"),
        ("encoding", f"{s.encoding or '—'}{confidence}"),
        ("script", f"{s.script.capitalize()} Chinese" if s.script else "—"),
        ("sha256", s.sha256),
    ]
    if s.title:
        facts.append(("title", s.title))
    facts += [(key, value) for key, value in sorted(s.metadata.items())]
    facts += [("also at", loc) for loc in s.locations[1:]]
    width = max(len(key) for key, _ in facts)
    for key, value in facts:
        out.print(Text(f"   {key:<{width}}  ", style="dim") + Text(value), soft_wrap=True)
    out.print()


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
            _print_audit(a)
        out.print(_corpus_summary(counts, len(audits)), markup=False)
    if html_file is not None:
        (err if as_json else out).print(
            f"wrote {html_file}: the audit of {plural(len(audits), 'document')} with copies or versions.",
            markup=False,
            soft_wrap=True,
        )


def _corpus_summary(counts: dict[str, int], audited: int) -> str:
    return (
        f"corpus: {plural(counts['documents'], 'document')}, {plural(counts['sources'], 'source')}, "
        f"{plural(counts['copies'], 'copy', 'copies')} collapsed, {plural(counts['versions'], 'version')} linked, "
        f"{plural(counts['failed'], 'failed source')}; {audited} audited above."
    )


# Lines of detail per source in the terminal audit; `corpus audit --html` shows everything.
DETAIL_LINES = 12


def _print_audit(a: DocumentAudit) -> None:
    if out.is_terminal:
        out.rule(style="dim")
    out.print(Text.assemble((f"document {a.document_id}  ", "bold"), (a.title or "(untitled)", "bold")))
    pairs = ", ".join(f"#{x}~#{y} {s:.3f}" for x, y, s in a.pairs[:6]) + (" …" if len(a.pairs) > 6 else "")
    out.print(
        f"{plural(len(a.paragraphs), 'canonical paragraph')}, {plural(len(a.sources), 'source')}"
        + (f"; pairwise similarity {pairs}" if a.pairs else ""),
        markup=False,
    )
    for flag in a.flags:
        out.print(Text(f"flag: {flag}", style="bold yellow"))
    table = Table(box=None, header_style="bold", pad_edge=False)
    columns = ("source", "path", "reader", "encoding", "similarity", "attests", "lacks", "adds", "removed", "left out")
    for column in columns:
        table.add_column(column, overflow="fold", justify="right" if column in ("similarity", "attests") else "left")
    total = len(a.paragraphs)
    for s in a.sources:
        table.add_row(
            f"#{s.source_id}",
            s.path,
            s.reader or "—",
            s.encoding or "—",
            similarity_text(s.similarity),
            f"{s.attests}/{total}",
            _positions(s.lacks),
            _positions(s.adds),
            plural(len(s.removed), "line"),
            str(len(s.left_out)),
        )
    out.print(table)
    for s in a.sources:
        _print_paragraphs(a, s.source_id, "lacks", s.lacks, "red")
    if len(a.sources) > 2:  # with two sources, what one alone has is what the other lacks
        for s in a.sources:
            _print_paragraphs(a, s.source_id, "alone has", s.adds, "green")
    for s in a.sources:
        _print_removed(s.source_id, s.removed)
        _print_left_out(s.source_id, s.left_out)
    changes = {v.other_id: v for v in a.versions}
    for d, relation, sim in a.related:
        out.print(f"  {relation} of document {d} (similarity {similarity_text(sim)})", markup=False)
        version = changes.get(d)
        if version is None:
            continue
        out.print(
            f"    {plural(len(version.changed), 'paragraph')} changed, {len(version.removed)} only here, "
            f"{len(version.added)} only in document {d}; `corpus audit --html FILE` shows a word-level diff",
            markup=False,
        )
        for i, j, here, there in version.changed[:3]:
            out.print(Text(f"    ¶{i + 1}: ", style="red") + Text(clip(here, CLIP)))
            out.print(Text(f"    → ¶{j + 1}: ", style="green") + Text(clip(there, CLIP)))
    out.print()


def _print_paragraphs(a: DocumentAudit, source_id: int, verb: str, positions: tuple[int, ...], style: str) -> None:
    for i in positions[:DETAIL_LINES]:
        out.print(Text(f"  #{source_id} {verb} ¶{i + 1}: ", style=style) + Text(clip(a.paragraphs[i], CLIP)))
    if len(positions) > DETAIL_LINES:
        out.print(f"  #{source_id} {verb} {len(positions) - DETAIL_LINES} more paragraph(s)", markup=False)


def _print_removed(source_id: int, removed: tuple[tuple[str, str], ...]) -> None:
    """What a reader cut, struck through; repeated lines (running headers) once, with a count."""
    if not removed:
        return
    rows = removed_rows((kind, " ".join(text.split())) for kind, text in removed)
    out.print(f"  #{source_id}: the reader removed {plural(len(removed), 'line')}:", markup=False)
    width = max(len(kind) for kind, _ in rows)
    for lines, (kind, row) in enumerate(rows):
        if lines == DETAIL_LINES:
            out.print(f"    … (`corpus source {source_id} --json` lists everything removed)", markup=False)
            return
        line = Text(f"    {kind:<{width}}  ", style="dim")
        for n, (text, count) in enumerate(row[:3]):
            if n:
                line.append(" · ", style="dim")
            line.append((clip(text, CLIP) if len(row) > 1 else text) or "(blank)", style="strike" if text else "dim")
            if count > 1:
                line.append(f" ×{count}", style="dim")
        if len(row) > 3:
            line.append(f" … ({len(row)} different)", style="dim")
        out.print(line)


def _print_left_out(source_id: int, left_out: tuple[tuple[str, str], ...]) -> None:
    """What the canonical text did not take in from this source, with the reason word."""
    if not left_out:
        return
    out.print(f"  #{source_id}: the canonical text left out {plural(len(left_out), 'paragraph')}:", markup=False)
    width = max(len(reason) for reason, _ in left_out)
    for n, (reason, text) in enumerate(left_out):
        if n == DETAIL_LINES:
            more = len(left_out) - DETAIL_LINES
            out.print(f"    … {more} more (`corpus audit --json` lists them all)", markup=False)
            return
        out.print(Text(f"    {reason:<{width}}  ", style="dim") + Text(clip(" ".join(text.split()), CLIP)))


def _positions(positions: tuple[int, ...]) -> str:
    """Paragraph positions as people count them (from 1), runs collapsed: ¶3, ¶62–63."""
    if not positions:
        return "0"
    runs: list[list[int]] = []
    for p in positions:
        if runs and p == runs[-1][-1] + 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    shown = [f"¶{r[0] + 1}" if len(r) == 1 else f"¶{r[0] + 1}–{r[-1] + 1}" for r in runs[:4]]
    more = " …" if len(runs) > 4 else ""
    return f"{len(positions)}: {', '.join(shown)}{more}"


@cli.command()
@click.option(
    "--parquet",
    "parquet_file",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write Parquet to FILE instead of JSON Lines to stdout (needs pyarrow).",
)
@click.pass_obj
@handles_errors
def export(state: State, parquet_file: Path | None) -> None:
    """Export every document with its canonical text and provenance (JSON Lines, or Parquet)."""
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
    """Show a source, or write its original bytes back out with --raw."""
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
        "similarity": row.similarity,
        "extract": row.extract.to_dict() if row.extract else None,
    }
    if as_json:
        emit(info)
        return
    for key, value in info.items():
        if key != "extract":
            out.print(f"{key}: {value}", markup=False)


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
