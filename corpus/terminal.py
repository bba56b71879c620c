"""What `show`, `audit` and `source` print for a person: at a terminal, or in a log.

The command line (:mod:`corpus.cli`) parses options and opens the corpus; the
read-outs live here, each taking the rich :class:`~rich.console.Console` to print on.

Two kinds of console, told apart by ``console.soft_wrap`` (see :func:`console`): a screen
of known width (a terminal, or ``COLUMNS``), where every line is fitted or wrapped to the
width, so that an 80-column terminal reads as well as a wide one; and a log (a pipe),
200 columns wide, where a paragraph stays on one line to be searched.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from corpus.audit import DocumentAudit, SourceAudit
from corpus.extract import Extract
from corpus.records import DocumentView, SourceInfo
from corpus.text import display_width
from corpus.wording import fit, paragraph_ranges, plural, removed_rows, runs, shorten_paths, similarity_text

# The width of output that is not a terminal and was not told one: a log, `| less`.
PIPE_WIDTH = 200
# A text quoted on one line of the audit (a paragraph lacking, a line removed) takes at
# most this many columns, the screen's width permitting: sixty Chinese characters.
QUOTE_COLUMNS = 120
# A text quoted among others on one line (a removed line beside others of its kind) takes
# at most this many, so that the others show too; and, to be worth quoting, at least the minimum.
SHARED_QUOTE_COLUMNS = 60
MIN_QUOTE_COLUMNS = 8
# Lines of detail per source in the terminal audit; `corpus audit --html` shows everything.
DETAIL_LINES = 12
# Sources lacking this many paragraphs or fewer have each quoted; more are named as ranges.
QUOTED = 3
# Room enough to measure a table's natural width in.
UNBOUNDED = 100_000
# The narrowest path column the audit's table of sources is drawn with; narrower, each
# source gets lines of its own instead.
MIN_PATH_COLUMNS = 24


def console() -> Console:
    """The console for stdout: a screen's own width, ``COLUMNS`` when set, else a log's 200.

    On a terminal every line is fitted to its width. ``COLUMNS`` is honoured in a pipe too
    (``COLUMNS=80 corpus audit | less``): it says how wide the reader's screen is. Without
    either, the output is a log or a file: 200 columns, so that tables are not squeezed into
    80 for nobody, and a paragraph stays on one line (soft wrap), to be searched and diffed.
    """
    columns = os.environ.get("COLUMNS", "")
    screen = sys.stdout.isatty() or (columns.isdigit() and int(columns) > 0)
    return Console(highlight=False, width=None if screen else PIPE_WIDTH, soft_wrap=not screen)


def heading(out: Console, text: str) -> None:
    if out.is_terminal:
        out.rule(text, style="dim")
    else:
        out.print(f"— {text} —", markup=False)


def hanging(out: Console, label: str, body: Text | str, *, label_style: str = "dim", path: bool = False) -> None:
    """``label`` then ``body``, the body's further lines indented under its first.

    A ``path`` breaks after a ``/``, not inside a name. In a log the body stays on one line, whole.
    """
    text = body if isinstance(body, Text) else Text(body)
    indent = display_width(label)
    if out.soft_wrap:
        out.print(Text(label, style=label_style) + text)
        return
    room = max(out.width - indent, 10)
    lines = [Text(line) for line in path_lines(text.plain, room)] if path else text.wrap(out, room, overflow="fold")
    for n, line in enumerate(lines):
        out.print(Text(label if n == 0 else " " * indent, style=label_style) + line, soft_wrap=True)


def path_lines(path: str, columns: int) -> list[str]:
    """``path`` in lines of ``columns``, broken after a ``/``; a name longer than a line, inside it."""
    pieces: list[str] = []
    for part in re.findall(r"[^/]*/|[^/]+$", path):
        while display_width(part) > columns:
            cut = len(fit(part, columns)) - 1  # the characters that fit, without fit's ellipsis
            pieces.append(part[:cut])
            part = part[cut:]
        pieces.append(part)
    return pack(pieces, columns, separator="")


# Facts whose value is a path: wrapped after a `/`.
PATH_FACTS = frozenset({"path", "also at"})


def print_facts(out: Console, facts: Sequence[tuple[str, str]], *, indent: int = 3) -> None:
    """``key  value`` lines, keys in one column, a long value wrapped under itself."""
    width = max((display_width(key) for key, _ in facts), default=0)
    for key, value in facts:
        label = " " * indent + key + " " * (width - display_width(key) + 2)
        hanging(out, label, value, path=key in PATH_FACTS)


# -- show --------------------------------------------------------------------------


def print_document(out: Console, view: DocumentView) -> None:
    """`corpus show`: the title, the documents it is a version of, the canonical text, each source."""
    heading(out, f"document {view.document_id}")
    out.print(Text(view.title or "(untitled)", style="bold"))
    for r in view.related:
        out.print(_related_line(r.relation, r.document_id, r.similarity), markup=False)
    out.print()
    body = (
        view.paragraphs[1:]
        if view.title and view.paragraphs and view.paragraphs[0].text == view.title
        else view.paragraphs
    )
    for p in body:
        out.print(p.text, markup=False)
        out.print()
    heading(out, f"{len(view.sources)} source(s)")
    for s in view.sources:
        print_source_info(out, s)


def _related_line(relation: str, other: int, similarity: float | None) -> str:
    return f"{relation} of document {other} (similarity {similarity_text(similarity)})"


def print_source_info(out: Console, s: SourceInfo) -> None:
    hanging(out, f"#{s.source_id} ", s.path, label_style="bold", path=True)
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
    print_facts(out, facts)
    out.print()


# -- source ------------------------------------------------------------------------


def print_source(out: Console, info: Mapping[str, Any], extract: Extract | None) -> None:
    """`corpus source ID`: what is stored about one source, then its text as the reader read it.

    Its paragraphs in full, numbered from 1 (the source's own paragraphs: the audit's ¶
    number the canonical text's), and every line the reader removed with its kind: the
    audit shows a dozen rows per source, this shows them all, whole.
    """
    heading(out, f"source {info['source_id']}")
    print_facts(out, [(key, _fact(key, value)) for key, value in info.items() if key not in ("extract", "locations")])
    print_facts(out, [("also at", loc) for loc in info.get("locations", [])[1:]])
    if extract is None:
        return
    out.print()
    heading(out, f"{plural(len(extract.paragraphs), 'paragraph')} read by {info.get('reader') or 'its reader'}")
    print_facts(out, [("title", extract.title or "—"), *sorted(extract.metadata.items())])
    out.print()
    label = len(f"¶{len(extract.paragraphs)}") + 2
    for n, paragraph in enumerate(extract.paragraphs, 1):
        hanging(out, f"¶{n}".ljust(label), paragraph)
    if extract.removed:
        out.print()
        heading(out, f"the reader removed {plural(len(extract.removed), 'line')}")
        _print_all_removed(out, [(r.kind, r.text) for r in extract.removed])


def _fact(key: str, value: Any) -> str:
    """A stored value for a person: a dash for none, a similarity as everywhere, a confidence to two decimals."""
    if value is None:
        return "—"
    if key == "similarity":
        return similarity_text(value)
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _print_all_removed(out: Console, removed: Sequence[tuple[str, str]]) -> None:
    """Every distinct line a reader cut, whole, with its kind and how often it was cut."""
    rows = removed_rows((kind, " ".join(text.split())) for kind, text in removed)
    width = max(display_width(kind) for kind, _ in rows)
    for kind, texts in rows:
        for text, count in texts:
            body = Text(text or "(blank)", style="strike" if text else "dim")
            if count > 1:
                body.append(f" ×{count}", style="dim")
            hanging(out, kind + " " * (width - display_width(kind) + 2), body)


# -- audit -------------------------------------------------------------------------


def corpus_summary(counts: Mapping[str, int], audited: int) -> str:
    return (
        f"corpus: {plural(counts['documents'], 'document')}, {plural(counts['sources'], 'source')}, "
        f"{plural(counts['copies'], 'copy', 'copies')} collapsed, {plural(counts['versions'], 'version')} linked, "
        f"{plural(counts['failed'], 'failed source')}; {audited} audited above."
    )


def print_audit(out: Console, a: DocumentAudit) -> None:
    """One document of `corpus audit`: its sources side by side, then what each lacks, adds and had removed."""
    if out.is_terminal:
        out.rule(style="dim")
    out.print(Text.assemble((f"document {a.document_id}  ", "bold"), (a.title or "(untitled)", "bold")))
    counts = f"{plural(len(a.paragraphs), 'canonical paragraph')}, {plural(len(a.sources), 'source')}"
    if len(a.pairs) == 1:  # two sources: their one pair said on the line of the counts
        out.print(f"{counts}; pairwise similarity {_pairs(a)}", markup=False)
    else:
        out.print(counts, markup=False)
        if a.pairs:
            out.print(f"pairwise similarity {_pairs(a)}", markup=False)
    for flag in a.flags:
        out.print(Text(f"flag: {flag}", style="bold yellow"))
    _print_sources(out, a)
    _print_paragraphs(out, a, "lacks", "lack", {s.source_id: s.lacks for s in a.sources}, "red")
    if len(a.sources) > 2:  # with two sources, what one alone has is what the other lacks
        _print_paragraphs(out, a, "alone has", "alone have", {s.source_id: s.adds for s in a.sources}, "green")
    for s in a.sources:
        _print_removed(out, s.source_id, s.removed)
        _print_left_out(out, s.source_id, s.left_out)
    _print_versions(out, a)
    _print_ambiguous(out, a)
    out.print()


def _print_ambiguous(out: Console, a: DocumentAudit) -> None:
    """Sources that are copies of this document and of another that is not a copy of it."""
    for case in a.ambiguous:
        out.print(Text(f"  ambiguous: {case.describe(a.document_id)}", style="yellow"))


def _pairs(a: DocumentAudit) -> str:
    """The pairwise similarities: each pair of a few sources; of many, their range and the least alike pair."""
    if len(a.pairs) <= 3:
        return ", ".join(f"#{x}~#{y} {similarity_text(s)}" for x, y, s in a.pairs)
    x, y, low = min(a.pairs, key=lambda p: p[2])
    high = max(s for _, _, s in a.pairs)
    return f"{similarity_text(low)}–{similarity_text(high)} over {len(a.pairs)} pairs, lowest #{x}~#{y}"


def _print_sources(out: Console, a: DocumentAudit) -> None:
    """The sources side by side: a table where it fits (paths shortened from the left), else a few lines each."""
    paths = [s.path for s in a.sources]
    table = _sources_table(a, paths)
    excess = Measurement.get(out, out.options.update(max_width=UNBOUNDED), table).maximum - out.width
    if excess > 0:
        room = max(display_width(p) for p in paths) - excess
        if room < MIN_PATH_COLUMNS:
            _print_source_lines(out, a)
            return
        table = _sources_table(a, shorten_paths(paths, room))
    out.print(table)


def _sources_table(a: DocumentAudit, paths: Sequence[str]) -> Table:
    """One row a source, its path as given in ``paths`` (whole, or shortened to fit)."""
    table = Table(box=None, header_style="bold", pad_edge=False)
    columns = ("source", "path", "reader", "encoding", "similarity", "attests", "lacks", "adds", "removed", "left out")
    for column in columns:
        table.add_column(column, overflow="fold", justify="right" if column in ("similarity", "attests") else "left")
    total = len(a.paragraphs)
    for s, path in zip(a.sources, paths, strict=True):
        table.add_row(
            f"#{s.source_id}",
            path,
            s.reader or "—",
            s.encoding or "—",
            similarity_text(s.similarity),
            f"{s.attests}/{total}",
            positions(s.lacks),
            positions(s.adds),
            plural(len(s.removed), "line"),
            str(len(s.left_out)),
        )
    return table


def _print_source_lines(out: Console, a: DocumentAudit) -> None:
    """Each source as its shortened path, then its facts packed into the lines under it."""
    label = max(len(f"#{s.source_id}") for s in a.sources) + 2
    paths = shorten_paths([s.path for s in a.sources], out.width - label)
    for s, path in zip(a.sources, paths, strict=True):
        out.print(Text(f"#{s.source_id}".ljust(label), style="bold") + Text(path))
        for line in pack(_source_facts(a, s), out.width - label):
            out.print(" " * label + line, markup=False)


def _source_facts(a: DocumentAudit, s: SourceAudit) -> list[str]:
    """What the table's row says of a source, as short phrases; what it alone has only beside others."""
    facts = [
        s.reader or "no reader",
        s.encoding or "binary",
        f"similarity {similarity_text(s.similarity)}",
        f"attests {s.attests}/{len(a.paragraphs)}",
    ]
    if s.lacks:
        facts.append(f"lacks {paragraph_ranges(s.lacks, at_most=4)}")
    if s.adds and len(a.sources) > 1:
        facts.append(f"alone has {paragraph_ranges(s.adds, at_most=4)}")
    facts.append(f"{plural(len(s.removed), 'line')} removed")
    if s.left_out:
        facts.append(f"{len(s.left_out)} left out")
    return facts


def pack(items: Sequence[str], columns: int, separator: str = " · ") -> list[str]:
    """``items`` joined by ``separator`` into lines of at most ``columns``, an item never split."""
    lines: list[str] = []
    for item in items:
        if lines and display_width(lines[-1] + separator + item) <= columns:
            lines[-1] += separator + item
        else:
            lines.append(item)
    return lines


def positions(positions: tuple[int, ...]) -> str:
    """How many paragraphs, and which, runs collapsed: ``2: ¶62–63``; the first four runs named."""
    return f"{len(positions)}: {paragraph_ranges(positions, at_most=4)}" if positions else "0"


def sources_text(ids: Sequence[int]) -> str:
    """Source ids as people read them, runs collapsed: ``#14–#18, #20``."""
    return ", ".join(f"#{a}" if a == b else f"#{a}–#{b}" for a, b in runs(sorted(ids)))


def _print_paragraphs(
    out: Console, a: DocumentAudit, verb: str, verbs: str, by_source: Mapping[int, tuple[int, ...]], style: str
) -> None:
    """What sources lack (or alone have), said once for all the sources it is true of.

    A few paragraphs are quoted, one line each; more are named as ranges, ``lacks 14
    paragraphs: ¶2–5, ¶7–16``, once: not a line per paragraph per source.
    """
    groups: dict[tuple[int, ...], list[int]] = {}
    for source_id, found in by_source.items():
        if found:
            groups.setdefault(found, []).append(source_id)
    for found, ids in groups.items():
        who = f"  {sources_text(ids)} {verb if len(ids) == 1 else verbs} "
        if len(found) > QUOTED:
            hanging(out, who, f"{plural(len(found), 'paragraph')}: {paragraph_ranges(found)}", label_style=style)
            continue
        for i in found:
            prefix = f"{who}¶{i + 1}: "
            out.print(Text(prefix, style=style) + Text(quote(out, prefix, a.paragraphs[i])))


def quote(out: Console, prefix: str, text: str) -> str:
    """``text`` on one line after ``prefix``: its spacing collapsed, cut to what is left of the line."""
    return fit(" ".join(text.split()), min(out.width - display_width(prefix), QUOTE_COLUMNS))


def _print_removed(out: Console, source_id: int, removed: tuple[tuple[str, str], ...]) -> None:
    """What a reader cut, struck through, one line a row; repeated lines (running headers) once, with a count."""
    if not removed:
        return
    rows = removed_rows((kind, " ".join(text.split())) for kind, text in removed)
    out.print(f"  #{source_id}: the reader removed {plural(len(removed), 'line')}:", markup=False)
    width = max(display_width(kind) for kind, _ in rows)
    for n, (kind, row) in enumerate(rows):
        if n == DETAIL_LINES:
            out.print(f"    … (`corpus source {source_id}` lists everything removed)", markup=False)
            return
        label = f"    {kind}" + " " * (width - display_width(kind) + 2)
        out.print(_removed_row(label, row, out.width))


def _removed_row(label: str, row: Sequence[tuple[str, int]], columns: int) -> Text:
    """One row of removed lines in ``columns``: a line alone gets the room, several share it."""
    line = Text(label, style="dim")
    more = f" … ({len(row)} different)" if len(row) > 3 else ""
    room = columns - display_width(label) - display_width(more)
    for n, (text, count) in enumerate(row[:3]):
        separator = " · " if n else ""
        times = f" ×{count}" if count > 1 else ""
        space = room - display_width(separator + times)
        if n and space < MIN_QUOTE_COLUMNS:  # no room left for another line worth reading
            break
        piece = fit(text, min(space, SHARED_QUOTE_COLUMNS if len(row) > 1 else QUOTE_COLUMNS)) if text else "(blank)"
        line.append(separator, style="dim")
        line.append(piece, style="strike" if text else "dim")
        line.append(times, style="dim")
        room -= display_width(separator + piece + times)
    line.append(more, style="dim")
    return line


def _print_left_out(out: Console, source_id: int, left_out: tuple[tuple[str, str], ...]) -> None:
    """What the canonical text did not take in from this source, with the reason word."""
    if not left_out:
        return
    out.print(f"  #{source_id}: the canonical text left out {plural(len(left_out), 'paragraph')}:", markup=False)
    width = max(display_width(reason) for reason, _ in left_out)
    for n, (reason, text) in enumerate(left_out):
        if n == DETAIL_LINES:
            more = len(left_out) - DETAIL_LINES
            out.print(f"    … {more} more (`corpus audit --json` lists them all)", markup=False)
            return
        label = f"    {reason}" + " " * (width - display_width(reason) + 2)
        out.print(Text(label, style="dim") + Text(quote(out, label, text)))


def _print_versions(out: Console, a: DocumentAudit) -> None:
    """The documents this one is a version of, and the first paragraphs that changed."""
    changes = {v.other_id: v for v in a.versions}
    for d, relation, sim in a.related:
        out.print(f"  {_related_line(relation, d, sim)}", markup=False)
        version = changes.get(d)
        if version is None:
            continue
        out.print(
            f"    {plural(len(version.changed), 'paragraph')} changed, {len(version.removed)} only here, "
            f"{len(version.added)} only in document {d}:",
            markup=False,
        )
        for i, j, here, there in version.changed[:3]:
            for prefix, text, style in ((f"    ¶{i + 1}: ", here, "red"), (f"    → ¶{j + 1}: ", there, "green")):
                out.print(Text(prefix, style=style) + Text(quote(out, prefix, text)))
        out.print("    `corpus audit --html FILE` shows a word-level diff", markup=False)
