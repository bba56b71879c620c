"""The audit as one self-contained HTML page a person reads (``corpus audit --html FILE``).

The page needs nothing but itself: CSS, script and the SVG chart are inline and a
Content-Security-Policy forbids every fetch, so it works from ``file://``, offline,
attached to a mail. Every piece of text from the corpus goes through :func:`esc`.

:func:`collect` gathers what the page shows from a :class:`~corpus.api.Corpus`;
:func:`render` turns that into HTML and touches nothing else.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from corpus.api import Corpus, source_info
from corpus.audit import LARGE_CLUSTER, LEFT_OUT_CHARS, DocumentAudit, SourceAudit
from corpus.leftovers import REASONS
from corpus.records import SourceInfo
from corpus.text.scripts import script_of
from corpus.textdiff import Block, Changed, Segment, Unchanged, diff_paragraphs
from corpus.wording import clip, plural, removed_rows, similarity_text, similarity_value

# Up to this many collapsed copies the chart has one bar per copy; above, a histogram.
BARS_UP_TO = 60
# Removed lines shown before the rest goes into a collapsed list.
REMOVED_SHOWN = 40
# Unchanged paragraphs kept around a change in a version diff.
DIFF_CONTEXT = 1
# Copies less alike than this get an amber bar: worth a look.
LOW_SIMILARITY = 0.8
PALETTE = ("#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2", "#65a30d", "#dc2626")


@dataclass(frozen=True)
class VersionDiff:
    """The word-level (in Chinese: character-level) difference between two linked documents."""

    old_id: int
    new_id: int
    old_title: str | None
    new_title: str | None
    relation: str
    similarity: float | None
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class DocumentPage:
    audit: DocumentAudit
    # What the store records of each source beyond the audit (media type, sha256, metadata…), by id.
    sources: dict[int, SourceInfo]
    # Diffs against related documents with a higher id (a pair is diffed once, on the lower id).
    diffs: tuple[VersionDiff, ...]


@dataclass(frozen=True)
class FailedSource:
    source_id: int
    path: str
    error: str | None


@dataclass(frozen=True)
class Report:
    store: str
    generated: str
    counts: dict[str, int]
    documents: tuple[DocumentPage, ...]
    failed: tuple[FailedSource, ...]


def collect(corpus: Corpus, *, large_cluster: int = LARGE_CLUSTER) -> Report:
    """Everything the page shows: the audit, and the source records it does not carry."""
    audits = corpus.audit(large_cluster=large_cluster)
    # Relations are stored both ways between live documents, so a related document is audited too.
    by_id = {a.document_id: a for a in audits}
    pages = []
    for audit in audits:
        diffs = tuple(
            _version_diff(audit, by_id[other_id], relation, sim)
            for other_id, relation, sim in audit.related
            if other_id > audit.document_id
        )
        sources = {row.id: source_info(row) for row in corpus.store.sources(document_id=audit.document_id)}
        pages.append(DocumentPage(audit, sources, diffs))
    failed = tuple(FailedSource(row.id, row.path, row.error) for row in corpus.failed_sources())
    return Report(
        store=str(corpus.store.path),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        counts=corpus.counts(),
        documents=tuple(pages),
        failed=failed,
    )


def _version_diff(old: DocumentAudit, new: DocumentAudit, relation: str, similarity: float | None) -> VersionDiff:
    blocks = diff_paragraphs(old.paragraphs, new.paragraphs)
    return VersionDiff(old.document_id, new.document_id, old.title, new.title, relation, similarity, tuple(blocks))


def write_html(corpus: Corpus, path: Path, *, large_cluster: int = LARGE_CLUSTER) -> Report:
    """Write the audit page of ``corpus`` to ``path``; return what it shows."""
    report = collect(corpus, large_cluster=large_cluster)
    path.write_text(render(report), encoding="utf-8")
    return report


# -- rendering -----------------------------------------------------------------------


def esc(text: object) -> str:
    """Escape text for HTML content and attribute values alike."""
    return html.escape(str(text), quote=True)


def lang_attr(text: str | None) -> str:
    """A ``lang`` attribute for text in a CJK script, so the browser picks the right glyphs."""
    if not text:
        return ""
    scripts = set(map(script_of, text))
    if "kana" in scripts:
        return ' lang="ja"'
    if "hangul" in scripts:
        return ' lang="ko"'
    if "han" in scripts:
        return ' lang="zh"'
    return ""


def _title(title: str | None) -> str:
    return esc(title) if title else '<span class="muted">(untitled)</span>'


def _name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1] or path


def render(report: Report) -> str:
    """The whole page as one string."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # Nothing may be fetched: the page must be complete in itself.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">",
        f"<title>corpus audit — {esc(_name(report.store))}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        "<h1>corpus audit</h1>",
        f'<p class="muted">store <code>{esc(report.store)}</code> · generated {esc(report.generated)}</p>',
        "</header>",
        "<main>",
        _overview(report),
    ]
    parts += [_document(page) for page in report.documents]
    parts += ["</main>", f"<script>{SCRIPT}</script>", "</body>", "</html>", ""]
    return "\n".join(parts)


def _overview(report: Report) -> str:
    c = report.counts
    cards = [
        ("documents", c.get("documents", 0)),
        ("sources", c.get("sources", 0)),
        ("copies collapsed", c.get("copies", 0)),
        ("versions linked", c.get("versions", 0)),
        ("failed sources", c.get("failed", 0)),
    ]
    out = ['<section id="overview">', '<div class="counts">']
    for label, value in cards:
        warn = " warn" if label == "failed sources" and value else ""
        out.append(f'<div class="count{warn}"><b>{value}</b><span>{esc(label)}</span></div>')
    out.append("</div>")
    out.append(_chart(report.documents))
    if report.failed:
        out.append('<h2 class="section">Failed sources</h2><table class="failed"><thead><tr>')
        out.append("<th>source</th><th>path</th><th>why</th></tr></thead><tbody>")
        for f in report.failed:
            out.append(
                f"<tr><td>#{f.source_id}</td><td><code>{esc(f.path)}</code></td>"
                f"<td{lang_attr(f.error)}>{esc(f.error or '')}</td></tr>"
            )
        out.append("</tbody></table>")
    out.append(_index(report.documents))
    out.append("</section>")
    return "\n".join(out)


# A collapsed copy in the chart: (its document's id, the copy, its similarity to the canonical text).
_Copy = tuple[int, SourceAudit, float]


def _chart(pages: Sequence[DocumentPage]) -> str:
    # Rounded as it is shown, so that a copy shown as 0.800 is not drawn amber as below 0.8.
    copies: list[_Copy] = [
        (p.audit.document_id, s, sim)
        for p in pages
        for s in p.audit.sources
        if s.joined_as not in (None, "new") and (sim := similarity_value(s.similarity)) is not None
    ]
    caption = "Similarity of every collapsed copy to the canonical text of its document"
    if not copies:
        return f'<figure class="chart"><figcaption>{caption}</figcaption><p class="muted">None.</p></figure>'
    svg = _bars(copies) if len(copies) <= BARS_UP_TO else _histogram([sim for _, _, sim in copies])
    low = sum(1 for _, _, sim in copies if sim < LOW_SIMILARITY)
    note = f' <span class="muted">· {low} below {LOW_SIMILARITY} (amber): worth a look</span>' if low else ""
    return f'<figure class="chart"><figcaption>{caption} ({len(copies)}){note}</figcaption>{svg}</figure>'


def _bars(copies: Sequence[_Copy]) -> str:
    label_w, bar_w, row_h, top = 400, 420, 24, 8
    width = label_w + bar_w + 70
    height = top + row_h * len(copies) + 30
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="similarity of each collapsed copy">'
    ]
    for tick in range(0, 11, 2):
        x = label_w + bar_w * tick / 10
        out.append(f'<line class="grid" x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - 24}"/>')
        out.append(f'<text class="tick" x="{x:.1f}" y="{height - 8}" text-anchor="middle">{tick / 10:.1f}</text>')
    for row, (document_id, s, sim) in enumerate(copies):
        y = top + row * row_h
        label = clip(f"#{s.source_id} {_name(s.path)} → doc {document_id}", 56)
        out.append(f'<a href="#doc-{document_id}">')
        out.append(f"<title>{esc(s.path)}: similarity {similarity_text(sim)}</title>")
        out.append(
            f'<text class="label" x="{label_w - 8}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end"'
            f"{lang_attr(label)}>{esc(label)}</text>"
        )
        low = " low" if sim < LOW_SIMILARITY else ""
        out.append(
            f'<rect class="bar{low}" x="{label_w}" y="{y + 4}" width="{bar_w * sim:.1f}" height="{row_h - 8}" rx="2"/>'
        )
        out.append(
            f'<text class="value" x="{label_w + bar_w * sim + 6:.1f}" y="{y + row_h / 2 + 4:.1f}">'
            f"{similarity_text(sim)}</text>"
        )
        out.append("</a>")
    out.append("</svg>")
    return "".join(out)


def _histogram(values: Sequence[float]) -> str:
    bins = [0] * 20
    for v in values:
        bins[min(int(max(v, 0.0) * 20), 19)] += 1
    peak = max(bins) or 1
    bar_w, plot_h, left, top = 34, 180, 40, 10
    width, height = left + bar_w * 20 + 10, top + plot_h + 40
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="histogram of the similarity of collapsed copies">'
    ]
    for i, n in enumerate(bins):
        h = plot_h * n / peak
        x = left + i * bar_w
        out.append(f"<g><title>{i / 20:.2f}–{(i + 1) / 20:.2f}: {plural(n, 'copy', 'copies')}</title>")
        low = " low" if (i + 1) / 20 <= LOW_SIMILARITY else ""
        out.append(
            f'<rect class="bar{low}" x="{x + 2}" y="{top + plot_h - h:.1f}" width="{bar_w - 4}" height="{h:.1f}"/>'
        )
        if n:
            out.append(
                f'<text class="value" x="{x + bar_w / 2}" y="{top + plot_h - h - 3:.1f}" '
                f'text-anchor="middle">{n}</text>'
            )
        out.append("</g>")
    for tick in range(0, 11, 2):
        x = left + bar_w * 2 * tick
        out.append(f'<text class="tick" x="{x}" y="{top + plot_h + 16}" text-anchor="middle">{tick / 10:.1f}</text>')
    out.append(f'<text class="tick" x="{left + bar_w * 10}" y="{height - 4}" text-anchor="middle">similarity</text>')
    out.append("</svg>")
    return "".join(out)


def _index(pages: Sequence[DocumentPage]) -> str:
    if not pages:
        return '<p class="muted">No document has two or more sources or a related version.</p>'
    out = [
        '<h2 class="section">Documents with copies or versions</h2>',
        '<p class="noprint"><input id="filter" type="search" placeholder="filter by title or path…" '
        'aria-label="filter documents"></p>',
        '<table class="index"><thead><tr><th>document</th><th>title</th><th>sources</th>'
        "<th>lowest similarity</th><th>paragraphs lacking somewhere</th><th>related</th></tr></thead><tbody>",
    ]
    for page in pages:
        a = page.audit
        sims = [s.similarity for s in a.sources if s.similarity is not None]
        partial = len(_partial(a))
        related = ", ".join(f"{esc(r)} of {d}" for d, r, _ in a.related) or "—"
        out.append(
            f'<tr data-search="{esc(_search_key(page))}"><td><a href="#doc-{a.document_id}">{a.document_id}</a></td>'
            f"<td{lang_attr(a.title)}>{_title(a.title)}</td><td>{len(a.sources)}</td>"
            f"<td>{similarity_text(min(sims) if sims else None)}</td><td>{partial}</td><td>{related}</td></tr>"
        )
    out.append("</tbody></table>")
    return "\n".join(out)


def _partial(a: DocumentAudit) -> set[int]:
    """Positions of the canonical paragraphs some source lacks."""
    return {i for s in a.sources for i in s.lacks}


def _search_key(page: DocumentPage) -> str:
    words = [str(page.audit.document_id), page.audit.title or "", *(s.path for s in page.audit.sources)]
    return " ".join(words).lower()


def _document(page: DocumentPage) -> str:
    a = page.audit
    colors = {s.source_id: PALETTE[i % len(PALETTE)] for i, s in enumerate(a.sources)}
    out = [
        f'<section class="document" id="doc-{a.document_id}" data-search="{esc(_search_key(page))}">',
        f'<h2><span class="docid">document {a.document_id}</span> '
        f"<span{lang_attr(a.title)}>{_title(a.title)}</span></h2>",
        f'<p class="muted">{len(a.paragraphs)} canonical paragraphs · {len(a.sources)} source(s){_pairs_line(a)}</p>',
    ]
    out += [f'<p class="flag"><strong>flag:</strong> {esc(flag)}</p>' for flag in a.flags]
    out += [f'<p class="flag"><strong>ambiguous:</strong> {esc(c.describe(a.document_id))}</p>' for c in a.ambiguous]
    if len(a.sources) > 2:
        out.append(_pair_matrix(a, colors))
    out.append('<div class="sources">')
    out += [_source_card(a, s, page.sources[s.source_id], colors[s.source_id]) for s in a.sources]
    out.append("</div>")
    out.append(_paragraph_table(a, colors))
    for related_id, relation, sim in a.related:
        if related_id < a.document_id:
            out.append(
                f'<p class="related">{esc(relation)} of <a href="#doc-{related_id}">document {related_id}</a> '
                f"(similarity {similarity_text(sim)}): the differences are shown there.</p>"
            )
    out += [_diff(d) for d in page.diffs]
    out.append("</section>")
    return "\n".join(out)


def _pairs_line(a: DocumentAudit) -> str:
    if len(a.pairs) != 1:
        return ""
    x, y, sim = a.pairs[0]
    return f" · #{x} and #{y} are {similarity_text(sim)} alike"


def _pair_matrix(a: DocumentAudit, colors: dict[int, str]) -> str:
    sims = {(x, y): s for x, y, s in a.pairs} | {(y, x): s for x, y, s in a.pairs}
    ids = [s.source_id for s in a.sources]
    out = ['<p class="muted">Pairwise similarity of the sources:</p><table class="matrix"><thead><tr><th></th>']
    out += [f'<th style="color:{colors[i]}">#{i}</th>' for i in ids]
    out.append("</tr></thead><tbody>")
    for i in ids:
        out.append(f'<tr><th style="color:{colors[i]}">#{i}</th>')
        out += [f"<td>{'—' if i == j else similarity_text(sims.get((i, j)))}</td>" for j in ids]
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _source_card(a: DocumentAudit, s: SourceAudit, info: SourceInfo, color: str) -> str:
    total = len(a.paragraphs)
    sim = s.similarity or 0.0
    out = [
        f'<article class="source" style="--c:{color}">',
        f'<h3><span class="sid">#{s.source_id}</span> <code{lang_attr(s.path)}>{esc(s.path)}</code></h3>',
        '<dl class="meta">',
        f'<dt>similarity to canonical</dt><dd><span class="meter"><span style="width:{sim * 100:.1f}%">'
        f"</span></span> <b>{similarity_text(s.similarity)}</b></dd>",
        f"<dt>joined as</dt><dd>{esc(s.joined_as or '—')}</dd>",
        f"<dt>attests</dt><dd>{s.attests} of {total} paragraphs</dd>",
    ]
    reader = f"{info.reader} {info.reader_version}" if info.reader and info.reader_version else info.reader
    confidence = f" ({info.encoding_confidence:.2f})" if info.encoding_confidence is not None else ""
    out += [
        f"<dt>reader</dt><dd>{esc(reader or '—')}</dd>",
        f"<dt>media type</dt><dd>{esc(info.media_type or '—')}</dd>",
        f"<dt>encoding</dt><dd>{esc(info.encoding or '—')}{esc(confidence)}</dd>",
        f'<dt>sha256</dt><dd><code title="{esc(info.sha256)}">{esc(info.sha256[:16])}…</code></dd>',
    ]
    out += [f"<dt>{esc(k)}</dt><dd{lang_attr(v)}>{esc(v)}</dd>" for k, v in sorted(info.metadata.items())]
    out += [f"<dt>also at</dt><dd><code>{esc(loc)}</code></dd>" for loc in info.locations[1:]]
    out.append("</dl>")
    out.append(_positions("lacks", "Lacks", s.lacks, a.paragraphs))
    out.append(_positions("adds", "Only this source has", s.adds, a.paragraphs))
    out.append(_removed(s.removed))
    out.append(_left_out(s.left_out))
    out.append("</article>")
    return "\n".join(out)


def _positions(css: str, label: str, positions: Sequence[int], paragraphs: Sequence[str]) -> str:
    if not positions:
        return ""
    items = "".join(
        f'<li><span class="pno">¶{i + 1}</span> '
        f"<span{lang_attr(paragraphs[i])}>{esc(clip(paragraphs[i], 240))}</span></li>"
        for i in positions
    )
    return f'<div class="{css}"><h4>{esc(label)} {len(positions)} paragraph(s)</h4><ul>{items}</ul></div>'


def _removed(removed: Sequence[tuple[str, str]]) -> str:
    """What the reader cut, struck through, so a person can check nothing real went. Repeats once with a
    count; a kind with many different lines (page numbers) on one row."""
    if not removed:
        return '<div class="removed"><h4>Removed by the reader: nothing</h4></div>'
    rows: list[str] = []
    for kind, group in removed_rows(removed):
        shown = " · ".join(_struck(text, n) for text, n in group[:REMOVED_SHOWN])
        more = f' <span class="times">… {len(group) - REMOVED_SHOWN} more</span>' if len(group) > REMOVED_SHOWN else ""
        rows.append(f'<li><span class="kind">{esc(kind)}</span> {shown}{more}</li>')
    out = [f'<div class="removed"><h4>Removed by the reader: {len(removed)} line(s)</h4>']
    out.append(f"<ul>{''.join(rows[:REMOVED_SHOWN])}</ul>")
    if len(rows) > REMOVED_SHOWN:
        rest = rows[REMOVED_SHOWN:]
        out.append(f"<details><summary>{len(rest)} more</summary><ul>{''.join(rest)}</ul></details>")
    out.append("</div>")
    return "".join(out)


def _left_out(left_out: Sequence[tuple[str, str]]) -> str:
    """What the canonical text did not take in from this source (an ad, a credit, a border), with why."""
    if not left_out:
        return '<div class="leftout"><h4>Left out of the canonical text: nothing</h4></div>'
    items = [
        f'<li><span class="kind" title="{esc(REASONS.get(reason, reason))}">{esc(reason)}</span> '
        f"<s{lang_attr(text)}>{esc(clip(' '.join(text.split()), LEFT_OUT_CHARS))}</s></li>"
        for reason, text in left_out
    ]
    out = [f'<div class="leftout"><h4>Left out of the canonical text: {len(left_out)} paragraph(s)</h4>']
    out.append(f"<ul>{''.join(items[:REMOVED_SHOWN])}</ul>")
    if len(items) > REMOVED_SHOWN:
        rest = items[REMOVED_SHOWN:]
        out.append(f"<details><summary>{len(rest)} more</summary><ul>{''.join(rest)}</ul></details>")
    out.append("</div>")
    return "".join(out)


def _struck(text: str, count: int) -> str:
    shown = f"<del{lang_attr(text)}>{esc(text)}</del>" if text.strip() else '<span class="muted">(blank)</span>'
    return shown + (f' <span class="times">×{count}</span>' if count > 1 else "")


def _paragraph_table(a: DocumentAudit, colors: dict[int, str]) -> str:
    ids = [s.source_id for s in a.sources]
    lacking = {s.source_id: set(s.lacks) for s in a.sources}
    partial = _partial(a)
    out = [
        f'<details class="canonical" open><summary>Canonical text, {len(a.paragraphs)} paragraphs, '
        f"each with the sources that attest it ({len(partial)} not attested by every source)</summary>",
        '<p class="noprint"><label><input type="checkbox" class="only-partial"> show only paragraphs '
        "some source lacks</label></p>",
        '<table class="paragraphs"><thead><tr><th>¶</th>',
    ]
    out += [f'<th class="mark" style="color:{colors[i]}">#{i}</th>' for i in ids]
    out.append("<th>text</th></tr></thead><tbody>")
    for n, text in enumerate(a.paragraphs):
        row_class = "partial" if n in partial else "full"
        out.append(f'<tr class="{row_class}"><td class="pno">{n + 1}</td>')
        for i in ids:
            if n not in lacking[i]:
                out.append(f'<td class="mark yes" style="color:{colors[i]}" title="#{i} attests ¶{n + 1}">●</td>')
            else:
                out.append(f'<td class="mark no" title="#{i} lacks ¶{n + 1}">✕</td>')
        out.append(f"<td{lang_attr(text)}>{esc(text)}</td></tr>")
    out.append("</tbody></table></details>")
    return "\n".join(out)


def _diff(d: VersionDiff) -> str:
    changed = sum(1 for b in d.blocks if isinstance(b, Changed))
    out = [
        '<div class="version">',
        f'<h3>{esc(d.relation)}: document {d.old_id} → <a href="#doc-{d.new_id}">document {d.new_id}</a> '
        f'<span class="muted">similarity {similarity_text(d.similarity)} · {changed} paragraph(s) changed</span></h3>',
        f'<p class="muted"><span{lang_attr(d.old_title)}>{_title(d.old_title)}</span> → '
        f"<span{lang_attr(d.new_title)}>{_title(d.new_title)}</span>. "
        '<del class="old">struck out</del>: only in the first; <ins>underlined</ins>: only in the second.</p>',
        '<ol class="diff">',
    ]
    for i, block in enumerate(d.blocks):
        if isinstance(block, Changed):
            text = "".join(_segment(s) for s in block.segments)
            where = _where(block)
            plain = "".join(s.text for s in block.segments)
            out.append(
                f'<li class="changed"><span class="pno">{where}</span> <span{lang_attr(plain)}>{text}</span></li>'
            )
            continue
        out += _context(block, first=i == 0, last=i == len(d.blocks) - 1)
    out.append("</ol></div>")
    return "\n".join(out)


def _segment(s: Segment) -> str:
    if s.op == "equal":
        return esc(s.text)
    if s.op == "delete":
        return f'<del class="old">{esc(s.text)}</del>'
    return f"<ins>{esc(s.text)}</ins>"


def _where(block: Changed) -> str:
    if block.old_position is None:
        return f"+¶{(block.new_position or 0) + 1}"
    if block.new_position is None:
        return f"−¶{block.old_position + 1}"
    if block.old_position == block.new_position:
        return f"¶{block.old_position + 1}"
    return f"¶{block.old_position + 1}→{block.new_position + 1}"


def _context(block: Unchanged, *, first: bool, last: bool) -> list[str]:
    """Unchanged paragraphs: a little context around the changes, the rest folded into a count."""
    paragraphs = block.paragraphs
    head = 0 if first else DIFF_CONTEXT
    tail = 0 if last else DIFF_CONTEXT
    n = len(paragraphs)
    if n <= head + tail + 1:  # folding would hide one paragraph at most: show them all
        head, tail = n, 0
    out = [_same(block.old_start + k, paragraphs[k]) for k in range(head)]
    if head + tail < n:
        out.append(f'<li class="same folded">… {n - head - tail} unchanged paragraph(s) …</li>')
    out += [_same(block.old_start + k, paragraphs[k]) for k in range(n - tail, n)]
    return out


def _same(position: int, text: str) -> str:
    return f'<li class="same"><span class="pno">¶{position + 1}</span> <span{lang_attr(text)}>{esc(text)}</span></li>'


CSS = """
:root {
  --fg: #1f2328; --muted: #5d6670; --line: #d8dee4; --bg: #ffffff; --panel: #f6f8fa;
  --bad: #b42318; --bad-bg: #fdecea; --good-bg: #e8f5e9;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial,
    "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",
    "WenQuanYi Micro Hei", "Noto Sans CJK JP", "Noto Sans CJK KR", sans-serif;
  color: var(--fg); background: var(--bg); line-height: 1.55; font-size: 15px;
}
:lang(zh) { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB",
  "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; }
:lang(ja) { font-family: "Noto Sans CJK JP", "Source Han Sans JP", "Hiragino Sans", "Yu Gothic", sans-serif; }
:lang(ko) { font-family: "Noto Sans CJK KR", "Source Han Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif; }
body { margin: 0; }
header { padding: 18px 28px 8px; border-bottom: 1px solid var(--line); background: var(--panel); }
header h1 { margin: 0; font-size: 22px; }
main { padding: 8px 28px 40px; max-width: 1500px; }
code { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.92em;
  overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.flag { background: #fff4d6; border-left: 4px solid #d89b00; padding: .4em .8em; }
h2.section { font-size: 18px; margin: 26px 0 8px; }
.counts { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.count { border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; min-width: 120px;
  background: var(--bg); }
.count b { display: block; font-size: 26px; line-height: 1.2; }
.count span { color: var(--muted); }
.count.warn { border-color: var(--bad); } .count.warn b { color: var(--bad); }
figure.chart { margin: 8px 0 16px; overflow-x: auto; }
figure.chart figcaption { font-weight: 600; margin-bottom: 6px; }
svg text { font: 12px system-ui, "Noto Sans", "Noto Sans CJK SC", sans-serif; fill: var(--fg); }
svg .tick { fill: var(--muted); } svg .grid { stroke: var(--line); }
svg .bar { fill: #3b82f6; } svg .bar.low { fill: #f59e0b; } svg a:hover .bar { fill: #1d4ed8; }
table { border-collapse: collapse; }
th, td { text-align: left; vertical-align: top; padding: 4px 10px; border-bottom: 1px solid var(--line); }
thead th { background: var(--panel); font-weight: 600; }
table.index td:nth-child(3), table.index td:nth-child(4), table.index td:nth-child(5) { text-align: right; }
#filter { font: inherit; padding: 5px 10px; width: 22em; max-width: 100%; border: 1px solid var(--line);
  border-radius: 6px; }
section.document { border-top: 3px solid var(--fg); margin-top: 36px; padding-top: 6px; }
section.document > h2 { font-size: 20px; margin: 6px 0 2px; }
.docid { color: var(--muted); font-weight: 500; margin-right: 6px; }
.sources { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 24rem), 1fr)); gap: 14px;
  margin: 14px 0; }
article.source { border: 1px solid var(--line); border-top: 5px solid var(--c); border-radius: 8px;
  padding: 10px 14px; min-width: 0; }
article.source h3 { font-size: 15px; margin: 0 0 8px; }
.sid { color: var(--c); font-weight: 700; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0 0 8px; }
dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; min-width: 0; }
.meter { display: inline-block; width: 120px; height: 9px; background: var(--panel); border: 1px solid var(--line);
  border-radius: 5px; vertical-align: middle; overflow: hidden; }
.meter span { display: block; height: 100%; background: var(--c); }
article.source h4 { font-size: 13px; margin: 10px 0 4px; text-transform: uppercase; letter-spacing: .03em;
  color: var(--muted); }
article.source ul { margin: 0; padding-left: 0; list-style: none; }
article.source li { padding: 2px 0; border-bottom: 1px dashed var(--line); }
.lacks li { background: var(--bad-bg); padding: 3px 6px; }
.lacks h4 { color: var(--bad) !important; }
.adds li { background: var(--good-bg); padding: 3px 6px; }
.removed del { color: #44403c; background: #fef2f2; text-decoration-color: rgba(220, 38, 38, .65);
  text-decoration-thickness: 1.5px; padding: 0 2px; }
.leftout s { color: #57534e; background: #f5f5f4; text-decoration-color: rgba(87, 83, 78, .6); padding: 0 2px; }
.kind { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 9px; background: var(--panel);
  border: 1px solid var(--line); color: var(--muted); margin-right: 4px; }
.times { color: var(--muted); font-size: 12px; }
.pno { color: var(--muted); font-variant-numeric: tabular-nums; margin-right: 4px; white-space: nowrap; }
details.canonical { margin: 10px 0; }
details > summary { cursor: pointer; font-weight: 600; }
table.paragraphs { width: 100%; margin-top: 6px; }
table.paragraphs td.mark, table.paragraphs th.mark { text-align: center; width: 2.5em; padding: 4px 2px; }
td.mark.no { color: var(--bad); background: var(--bad-bg); font-weight: 700; }
tr.partial td:last-child { background: #fff8e6; }
.only-partial tr.full { display: none; }
table.matrix { margin: 0 0 8px; }
table.matrix td { text-align: right; font-variant-numeric: tabular-nums; }
.version { margin: 18px 0; border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; }
.version h3 { font-size: 16px; margin: 4px 0; }
ol.diff { list-style: none; padding: 0; margin: 8px 0; }
ol.diff li { padding: 4px 6px; border-bottom: 1px solid var(--line); }
ol.diff li.changed { background: #fffdf5; }
ol.diff li.folded { color: var(--muted); font-style: italic; text-align: center; }
del.old { background: #ffe4e1; color: #8a1c10; }
ins { background: #dcfce7; color: #14532d; text-decoration: underline; text-decoration-color: #15803d; }
[hidden] { display: none !important; }
@media print { .noprint { display: none; } }
"""

SCRIPT = """
(function () {
  "use strict";
  var filter = document.getElementById("filter");
  if (filter) {
    filter.addEventListener("input", function () {
      var q = filter.value.trim().toLowerCase();
      document.querySelectorAll("[data-search]").forEach(function (el) {
        el.hidden = q !== "" && el.getAttribute("data-search").indexOf(q) < 0;
      });
    });
  }
  document.querySelectorAll("input.only-partial").forEach(function (box) {
    box.addEventListener("change", function () {
      box.closest("details").classList.toggle("only-partial", box.checked);
    });
  });
})();
"""
