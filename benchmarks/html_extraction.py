"""Main-text extraction from HTML, side by side: the corpus ``html`` reader vs trafilatura alone vs others.

Why this exists: issue 3 asks the HTML reader to be chosen on figures, and to
show them next to trafilatura alone and at least one alternative extractor.

Data (``../shared/data``):

- ``web-boilerplate/magic-html/``: 31 CJK pages, human main text in
  ``groundtruth.json`` (no title). Figure: mean char-3-gram precision, recall
  and F1 (multisets of character 3-grams after NFKC and removing all whitespace).
- ``zh-web-vs-pdf/D0*/web.original.html`` and ``web.as-served.gb18030.html``
  against ``groundtruth.main-text.txt``, same metric.
- ``web-boilerplate/trafilatura/``: pages with ``with`` snippets the main text must
  contain and ``without`` snippets it must not. Figures: share of ``with``
  snippets kept, share of ``without`` snippets dropped (both compared after
  NFKC and whitespace collapsing, for every extractor alike).
- ``benchmarks/unseen_html/<collection>/``: real pages of sites that are not in
  ``../shared/data``, with the text their package's maintainers expect
  (``unseen_html/README.md``), char-3-gram P/R/F1 as above. Nothing in the reader
  was chosen on them except on their tuning half.

Every page has a half (``benchmarks/split.py``, by site); the report shows each set
on its tuning and checking halves side by side.

"ours" runs the real pipeline, one page per fresh corpus, and scores the
document's canonical text (the title line included, which the magic-html
ground truth leaves out). "ours, paragraphs" scores the reader's paragraphs
alone, the closest match to what the other extractors return. Every extractor
gets the same text: the page as the core decodes it.

The alternatives are imported only here; a missing one is reported and skipped.

Usage::

    .venv/bin/python benchmarks/html_extraction.py [--data DIR] [--write FILE] [--per-page]
        [--half tuning|checking] [--extractors "ours,trafilatura"]
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from scoring import prf
from split import UNSEEN, Half, half, unit_of, unseen_half

from corpus import Corpus, SourceFile
from corpus.decode import decode

Extractor = Callable[["Page"], str]

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Page:
    path: Path
    text: str
    url: str | None
    key: str  # how the per-page table names it
    half: Half  # benchmarks/split.py: by site, fixed in advance


@dataclass(frozen=True)
class Scored:
    """A page with a human (or maintainer-reviewed) main text."""

    page: Page
    truth: str


@dataclass(frozen=True)
class Snippets:
    page: Page
    present: tuple[str, ...]
    absent: tuple[str, ...]


PRF = tuple[float, float, float]


@dataclass
class Result:
    """One extractor's figures: per scored set, each page's half and P/R/F1; snippet counts per half."""

    name: str
    note: str
    scores: dict[str, list[tuple[Half, PRF]]] = field(default_factory=dict)
    kept: dict[Half, int] = field(default_factory=dict)
    dropped: dict[Half, int] = field(default_factory=dict)
    seconds: float = 0.0
    per_page: dict[str, float] = field(default_factory=dict)


# -- metric ---------------------------------------------------------------------------
# P/R/F1 is scoring.prf; snippets are looked up as phrases, so unlike scoring.flat
# this keeps one space where the text had any.


def _flat(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


# -- data -----------------------------------------------------------------------------


def _page(path: Path, data: Path, url: str | None, key: str) -> Page:
    return Page(path, decode(path.read_bytes()).text, url, key, half(*unit_of(path, data)))


def magic_pages(data: Path) -> list[Scored]:
    folder = data / "web-boilerplate" / "magic-html"
    truth = json.loads((folder / "groundtruth.json").read_text(encoding="utf-8"))
    return [
        Scored(_page(folder / "htmls" / f"{key}.html", data, item.get("url"), key[:12]), item["content"])
        for key, item in sorted(truth.items())
    ]


def zh_pages(data: Path) -> list[Scored]:
    pages = []
    for folder in sorted((data / "zh-web-vs-pdf").glob("D*")):
        truth_file = folder / "groundtruth.main-text.txt"
        if not truth_file.exists():
            continue
        truth = truth_file.read_text(encoding="utf-8")
        for name in ("web.original.html", "web.as-served.gb18030.html"):
            if (folder / name).exists():
                pages.append(Scored(_page(folder / name, data, None, f"{folder.name[:3]}/{name}"), truth))
    return pages


def snippet_pages(data: Path) -> list[Snippets]:
    folder = data / "web-boilerplate" / "trafilatura"
    items = json.loads((folder / "evaldata.subset.json").read_text(encoding="utf-8"))
    return [
        Snippets(
            _page(folder / "pages" / item["file"], data, url, item["file"]), tuple(item["with"]), tuple(item["without"])
        )
        for url, item in sorted(items.items())
    ]


def unseen_pages(root: Path = UNSEEN) -> dict[str, list[Scored]]:
    """The pages of sites outside ../shared/data, per collection (benchmarks/unseen_html/README.md).

    Each page is ``<collection>/<name>/source.html`` with ``expected.txt``; the manifest names
    its site, which decides its half.
    """
    collections: dict[str, list[Scored]] = {}
    for manifest_path in sorted(root.glob("*/manifest.json")):
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        collection = str(manifest["collection"])
        pages = collections.setdefault(collection, [])
        for item in manifest["pages"]:
            folder = manifest_path.parent / item["name"]
            path = folder / "source.html"
            page = Page(
                path,
                decode(path.read_bytes()).text,
                item["url"] or None,
                f"{collection[:3]}/{item['name']}",
                unseen_half(collection, item["site"]),
            )
            pages.append(Scored(page, (folder / "expected.txt").read_text(encoding="utf-8")))
    return collections


# -- extractors -----------------------------------------------------------------------


def ours_canonical() -> Extractor:
    """The whole pipeline, one page per corpus: what a user gets from ``corpus add page.html``."""

    def run(page: Page) -> str:
        with tempfile.TemporaryDirectory() as tmp, Corpus.open(Path(tmp) / "c.db") as corpus:
            (result,) = corpus.add([page.path])
            if result.document_id is None:
                return ""
            return corpus.document(result.document_id).text

    return run


def ours_paragraphs() -> Extractor:
    import corpus_html

    reader = corpus_html.HtmlReader()

    def run(page: Page) -> str:
        source = SourceFile(page.path, b"", page.text, "text/html", "utf-8")
        return "\n".join(reader.read(source).paragraphs)

    return run


def trafilatura_with(**options: object) -> Extractor:
    import trafilatura

    def run(page: Page) -> str:
        return trafilatura.extract(page.text, url=page.url, **options) or ""  # type: ignore[arg-type]

    return run


def readability_lxml() -> Extractor:
    import lxml.html
    from readability import Document

    def run(page: Page) -> str:
        summary = Document(page.text).summary(html_partial=True)
        if not summary.strip():
            return ""
        root = lxml.html.fromstring(summary)
        texts = cast("Iterator[str]", root.itertext())  # a tree parsed from str yields str, not bytes
        return "\n".join(t.strip() for t in texts if t.strip())

    return run


def resiliparse() -> Extractor:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    def run(page: Page) -> str:
        return str(extract_plain_text(HTMLTree.parse(page.text), main_content=True))

    return run


def justext_independent() -> Extractor:
    import justext

    def run(page: Page) -> str:
        paragraphs = justext.justext(
            page.text.encode("utf-8"), frozenset(), stopwords_low=0, stopwords_high=0, encoding="utf-8"
        )
        return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)

    return run


CANDIDATES: tuple[tuple[str, str, str, Callable[[], Extractor]], ...] = (
    ("ours", "corpus", "canonical text through the pipeline (title line included)", ours_canonical),
    ("ours, paragraphs", "corpus", "the reader's paragraphs, no title", ours_paragraphs),
    ("trafilatura", "trafilatura", "defaults: `extract(html)`", trafilatura_with),
    (
        "trafilatura precision",
        "trafilatura",
        "`favor_precision=True, include_comments=False`",
        lambda: trafilatura_with(favor_precision=True, include_comments=False),
    ),
    (
        "trafilatura recall",
        "trafilatura",
        "`favor_recall=True, include_comments=False`",
        lambda: trafilatura_with(favor_recall=True, include_comments=False),
    ),
    ("readability-lxml", "readability", "`Document(html).summary()` as text", readability_lxml),
    ("resiliparse", "resiliparse", "`extract_plain_text(main_content=True)`", resiliparse),
    ("jusText", "justext", "language-independent mode (no stoplist)", justext_independent),
)


def available(wanted: set[str] | None = None) -> Iterator[tuple[str, str, Extractor]]:
    for name, module, note, make in CANDIDATES:
        if wanted is not None and name not in wanted:
            continue
        try:
            importlib.import_module(module)
            extractor = make()
        except ImportError as exc:
            print(f"skipping {name}: {exc} (pip install it to compare)", file=sys.stderr)
            continue
        yield name, note, extractor


# -- run ------------------------------------------------------------------------------

MAGIC, ZH = "magic-html", "zh-web-vs-pdf"
HALVES: tuple[Half, Half] = ("tuning", "checking")


@dataclass(frozen=True)
class Sets:
    """The test sets, read and decoded once for every extractor.

    ``scored`` maps a set's name to its pages: the two shared sets with a human main text
    first, then the unseen collections.
    """

    scored: dict[str, list[Scored]]
    snippets: list[Snippets]

    @property
    def unseen(self) -> list[str]:
        return [name for name in self.scored if name not in (MAGIC, ZH)]

    def only(self, wanted: Half) -> Sets:
        return Sets(
            {name: [s for s in pages if s.page.half == wanted] for name, pages in self.scored.items()},
            [s for s in self.snippets if s.page.half == wanted],
        )


def measure(name: str, note: str, extract: Extractor, sets: Sets) -> Result:
    result = Result(name, note)
    start = time.perf_counter()
    for set_name, pages in sets.scored.items():
        scores = result.scores.setdefault(set_name, [])
        for scored in pages:
            scores.append((scored.page.half, prf(extract(scored.page), scored.truth)))
            result.per_page[scored.page.key] = scores[-1][1][2]
    for item in sets.snippets:
        text = _flat(extract(item.page))
        h = item.page.half
        result.kept[h] = result.kept.get(h, 0) + sum(_flat(s) in text for s in item.present)
        result.dropped[h] = result.dropped.get(h, 0) + sum(_flat(s) not in text for s in item.absent)
    result.seconds = time.perf_counter() - start
    return result


def _mean(values: list[tuple[Half, PRF]], index: int, wanted: Half | None = None) -> float:
    chosen = [v[index] for h, v in values if wanted in (None, h)]
    return sum(chosen) / len(chosen) if chosen else float("nan")


def _all_unseen(result: Result, sets: Sets) -> list[tuple[Half, PRF]]:
    return [score for name in sets.unseen for score in result.scores.get(name, [])]


def _share(count: int, total: int) -> str:
    return f"{count / total:.1%}" if total else "—"


def _shown(path: Path) -> str:
    """The data folder as the project's docs name it, without this machine's absolute path."""
    try:
        return str(Path("..") / path.resolve().relative_to(ROOT.parent))
    except ValueError:
        return str(path)


def _main_table(results: list[Result], sets: Sets) -> list[str]:
    present = sum(len(s.present) for s in sets.snippets)
    absent = sum(len(s.absent) for s in sets.snippets)
    magic_n, zh_n = len(sets.scored[MAGIC]), len(sets.scored[ZH])
    lines = [
        f"| extractor | magic-html P | R | **F1** ({magic_n} pages) | zh-web-vs-pdf P | R | **F1** ({zh_n} pages) "
        f"| `with` kept ({present}) | `without` dropped ({absent}) | time (s) | how |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        kept, dropped = sum(r.kept.values()), sum(r.dropped.values())
        magic, zh = r.scores.get(MAGIC, []), r.scores.get(ZH, [])
        lines.append(
            f"| {r.name} | {_mean(magic, 0):.3f} | {_mean(magic, 1):.3f} | **{_mean(magic, 2):.3f}** "
            f"| {_mean(zh, 0):.3f} | {_mean(zh, 1):.3f} | **{_mean(zh, 2):.3f}** "
            f"| {_share(kept, present)} ({kept}) | {_share(dropped, absent)} ({dropped}) "
            f"| {r.seconds:.1f} | {r.note} |"
        )
    return lines


def _unseen_table(results: list[Result], sets: Sets) -> list[str]:
    """Per unseen collection, P/R/F1 over all its pages, and F1 over every unseen page."""
    total = sum(len(sets.scored[name]) for name in sets.unseen)
    header = "| extractor | " + " | ".join(
        f"{name} P | R | **F1** ({len(sets.scored[name])} pages)" for name in sets.unseen
    )
    lines = [
        header + f" | all unseen **F1** ({total} pages) |",
        "|---" * (2 + 3 * len(sets.unseen)) + "|",
    ]
    for r in results:
        cells = []
        for name in sets.unseen:
            scores = r.scores.get(name, [])
            cells.append(f"{_mean(scores, 0):.3f} | {_mean(scores, 1):.3f} | **{_mean(scores, 2):.3f}**")
        lines.append(f"| {r.name} | " + " | ".join(cells) + f" | **{_mean(_all_unseen(r, sets), 2):.3f}** |")
    return lines


def _halves_table(results: list[Result], sets: Sets) -> list[str]:
    """Mean F1 of each set on its tuning and its checking half, side by side: the generalisation check."""
    names = [MAGIC, ZH, *sets.unseen]
    counts = {(n, h): sum(s.page.half == h for s in sets.scored[n]) for n in names for h in HALVES}
    present = {h: sum(len(s.present) for s in sets.snippets if s.page.half == h) for h in HALVES}
    absent = {h: sum(len(s.absent) for s in sets.snippets if s.page.half == h) for h in HALVES}
    unseen_n = {h: sum(counts[n, h] for n in sets.unseen) for h in HALVES}
    header = ["extractor"]
    for n in names:
        header += [f"{n} tuning F1 ({counts[n, 'tuning']})", f"checking ({counts[n, 'checking']})"]
    header += [f"all unseen tuning F1 ({unseen_n['tuning']})", f"checking ({unseen_n['checking']})"]
    header += [f"snippets tuning with/without ({present['tuning']}/{absent['tuning']})", "checking"]
    lines = ["| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
    for r in results:
        cells = [r.name]
        for n in names:
            cells += [f"{_mean(r.scores.get(n, []), 2, h):.3f}" for h in HALVES]
        cells += [f"**{_mean(_all_unseen(r, sets), 2, h):.3f}**" for h in HALVES]
        cells += [f"{_share(r.kept.get(h, 0), present[h])} / {_share(r.dropped.get(h, 0), absent[h])}" for h in HALVES]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def report(results: list[Result], sets: Sets, data: Path, per_page: bool) -> str:
    lines = [
        "# HTML main-text extraction",
        "",
        f"Produced by `benchmarks/html_extraction.py` on `{_shown(data)}` and `benchmarks/unseen_html/`.",
        "Char-3-gram P/R/F1: multisets of character 3-grams after NFKC and removing all whitespace, mean over pages.",
        "",
        "## Shared data",
        "",
        *_main_table(results, sets),
    ]
    if sets.unseen:
        lines += [
            "",
            "## Unseen pages: sites outside `../shared/data` (benchmarks/unseen_html/README.md)",
            "",
            *_unseen_table(results, sets),
        ]
    lines += [
        "",
        "## By half (benchmarks/split.py: by site; rules are chosen on the tuning half)",
        "",
        *_halves_table(results, sets),
    ]
    lines += ["", f"Total time: {sum(r.seconds for r in results):.1f} s."]
    if per_page:
        names = [r.name for r in results]
        lines += ["", "## F1 per page", "", "| page | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
        for page in results[0].per_page:
            lines.append(f"| {page} | " + " | ".join(f"{r.per_page.get(page, 0.0):.2f}" for r in results) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--unseen", type=Path, default=UNSEEN, help="the unseen collections (benchmarks/unseen_html)")
    parser.add_argument("--write", type=Path, help="also write the Markdown report to this file")
    parser.add_argument("--per-page", action="store_true", help="add a table of F1 per page")
    parser.add_argument("--half", choices=HALVES, help="only the pages of one half, by site (benchmarks/split.py)")
    parser.add_argument(
        "--extractors", help="comma-separated names of the extractors to run (default: every one installed)"
    )
    args = parser.parse_args(argv)
    if not (args.data / "web-boilerplate").is_dir():
        print(f"no web-boilerplate data under {args.data}; pass --data", file=sys.stderr)
        return 2
    scored = {MAGIC: magic_pages(args.data), ZH: zh_pages(args.data), **unseen_pages(args.unseen)}
    sets = Sets(scored, snippet_pages(args.data))
    if args.half:
        sets = sets.only(args.half)
    wanted = {n.strip() for n in args.extractors.split(",")} if args.extractors else None
    results = [measure(name, note, extract, sets) for name, note, extract in available(wanted)]
    text = report(results, sets, args.data, args.per_page)
    print(text, end="")
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
