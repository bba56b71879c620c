"""The ``corpus`` command line. With ``--json`` every command prints JSON Lines only.

Exit codes: 0 success, 1 some files failed (the others were added), 2 usage error.
Errors of the corpus (:class:`corpus.CorpusError`) are printed without a traceback.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from corpus.api import DB_ENV, Corpus, default_db_path
from corpus.audit import DocumentAudit
from corpus.errors import CorpusError, SettingsMismatchError, StoreError, UsageError
from corpus.records import AddResult

F = TypeVar("F", bound=Callable[..., Any])

# Piped output is read by people too (logs, `| less`): do not squeeze tables into 80 columns.
out = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, highlight=False)


def emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


class State:
    def __init__(self, db: Path | None) -> None:
        self.db = db

    def open(self) -> Corpus:
        corpus = Corpus.open(self.db or default_db_path())
        for problem in corpus.plugin_problems:
            err.print(f"[yellow]warning:[/] plugin {problem.plugin!r} skipped: {problem.error}", markup=True)
        return corpus


def handles_errors(func: F) -> F:
    """Turn CorpusError into a one-line message and the contract's exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (UsageError, SettingsMismatchError, StoreError) as exc:
            err.print(f"error: {exc}", markup=False)
            sys.exit(2)
        except CorpusError as exc:
            err.print(f"error: {exc}", markup=False)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


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
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@json_option
@click.pass_obj
@handles_errors
def add(state: State, paths: tuple[Path, ...], as_json: bool) -> None:
    """Add files and folders (recursively); say for each file what it is."""
    with state.open() as corpus:
        files = corpus.files(paths)
        if as_json:
            results = corpus.add(files, on_result=lambda r: emit(r.to_dict()))
        elif out.is_terminal:
            results = _add_with_progress(corpus, files)
        else:
            results = corpus.add(files)
        if not as_json:
            _print_add_summary(corpus, results)
    if any(r.status == "failed" for r in results):
        sys.exit(1)


def _add_with_progress(corpus: Corpus, files: list[Path]) -> list[AddResult]:
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

        return corpus.add(files, on_result=advance)


def _print_add_summary(corpus: Corpus, results: list[AddResult]) -> None:
    shown = results if len(results) <= 50 else [r for r in results if r.status in ("failed", "version")]
    if shown:
        table = Table(show_header=True, header_style="bold", box=None)
        for column in ("file", "status", "document", "reader", "similarity"):
            table.add_column(column)
        for r in shown:
            detail = r.error if r.status == "failed" else _fmt(r.similarity)
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
    for r in results:
        if r.status == "copy":
            out.print(f"  {r.path} is a copy of document {r.document_id} (similarity {_fmt(r.similarity)})")


@cli.command()
@json_option
@click.pass_obj
@handles_errors
def docs(state: State, as_json: bool) -> None:
    """List the documents."""
    with state.open() as corpus:
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
    """Show a document: its canonical text and its sources."""
    with state.open() as corpus:
        view = corpus.document(document_id)
    if as_json:
        emit(view.to_dict())
        return
    out.print(f"[bold]{view.title or '(untitled)'}[/]  (document {view.document_id})", markup=True)
    out.print()
    out.print(view.text, markup=False)
    out.print()
    table = Table("source", "path", "reader", "encoding", "similarity", "joined as", box=None, header_style="bold")
    for s in view.sources:
        table.add_row(
            str(s.source_id), s.path, s.reader or "—", s.encoding or "—", _fmt(s.similarity), s.joined_as or "—"
        )
    out.print(table)
    for r in view.related:
        out.print(f"related: document {r.document_id} ({r.relation}, similarity {_fmt(r.similarity)})")


@cli.command()
@json_option
@click.pass_obj
@handles_errors
def audit(state: State, as_json: bool) -> None:
    """Audit duplicate sources: who copies whom, how close, what each lacks or adds."""
    with state.open() as corpus:
        audits = corpus.audit()
        counts = corpus.counts()
    if as_json:
        for a in audits:
            emit(a.to_dict())
        return
    for a in audits:
        _print_audit(a)
    out.print(
        f"{counts['documents']} document(s), {counts['sources']} source(s), {counts['copies']} copies collapsed, "
        f"{counts['versions']} version link(s), {counts['failed']} failed source(s)."
    )


def _print_audit(a: DocumentAudit) -> None:
    out.print(
        f"[bold]document {a.document_id}[/]: {a.title or '(untitled)'} — {len(a.paragraphs)} paragraphs", markup=True
    )
    table = Table("source", "path", "reader", "encoding", "similarity", "attests", "lacks", "adds", "removed", box=None)
    for s in a.sources:
        table.add_row(
            str(s.source_id),
            s.path,
            s.reader or "—",
            s.encoding or "—",
            _fmt(s.similarity),
            str(s.attests),
            str(len(s.lacks)),
            str(len(s.adds)),
            f"{len(s.removed)} lines",
        )
    out.print(table)
    for s in a.sources:
        for i in s.lacks:
            out.print(f"  source {s.source_id} lacks ¶{i}: {_clip(a.paragraphs[i])}", markup=False)
    for d, relation, sim in a.related:
        out.print(f"  {relation} of document {d} (similarity {_fmt(sim)})")
    out.print()


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@cli.command()
@click.pass_obj
@handles_errors
def export(state: State) -> None:
    """Export every document with its provenance as JSON Lines."""
    with state.open() as corpus:
        for doc in corpus.export():
            emit(doc)


@cli.command()
@click.argument("source_id", type=int)
@click.option("--raw", is_flag=True, help="Write the source's original bytes to stdout.")
@json_option
@click.pass_obj
@handles_errors
def source(state: State, source_id: int, raw: bool, as_json: bool) -> None:
    """Show a source, or write its original bytes back out with --raw."""
    with state.open() as corpus:
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
@json_option
@handles_errors
def readers(as_json: bool) -> None:
    """List the installed readers, and plugins that failed to load."""
    from corpus.pluginhost import PluginHost

    host = PluginHost()
    rows: Iterable[dict[str, Any]] = [
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
