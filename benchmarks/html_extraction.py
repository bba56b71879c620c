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

"ours" runs the real pipeline, one page per fresh corpus, and scores the
document's canonical text (the title line included, which the magic-html
ground truth leaves out). "ours, paragraphs" scores the reader's paragraphs
alone, the closest match to what the other extractors return. Every extractor
gets the same text: the page as the core decodes it.

The alternatives are imported only here; a missing one is reported and skipped.

Usage::

    .venv/bin/python benchmarks/html_extraction.py [--data DIR] [--write FILE] [--per-page]
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
from split import half, unit_of

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


@dataclass(frozen=True)
class Scored:
    """A page with a human main text."""

    page: Page
    truth: str


@dataclass(frozen=True)
class Snippets:
    page: Page
    present: tuple[str, ...]
    absent: tuple[str, ...]


@dataclass
class Result:
    name: str
    note: str
    magic: list[tuple[float, float, float]] = field(default_factory=list)
    zh: list[tuple[float, float, float]] = field(default_factory=list)
    kept: int = 0
    dropped: int = 0
    seconds: float = 0.0
    per_page: dict[str, float] = field(default_factory=dict)


# -- metric ---------------------------------------------------------------------------
# P/R/F1 is scoring.prf; snippets are looked up as phrases, so unlike scoring.flat
# this keeps one space where the text had any.


def _flat(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


# -- data -----------------------------------------------------------------------------


def _page(path: Path, url: str | None = None) -> Page:
    return Page(path, decode(path.read_bytes()).text, url)


def magic_pages(data: Path) -> list[Scored]:
    folder = data / "web-boilerplate" / "magic-html"
    truth = json.loads((folder / "groundtruth.json").read_text(encoding="utf-8"))
    return [
        Scored(_page(folder / "htmls" / f"{key}.html", item.get("url")), item["content"])
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
                pages.append(Scored(_page(folder / name), truth))
    return pages


def snippet_pages(data: Path) -> list[Snippets]:
    folder = data / "web-boilerplate" / "trafilatura"
    items = json.loads((folder / "evaldata.subset.json").read_text(encoding="utf-8"))
    return [
        Snippets(_page(folder / "pages" / item["file"], url), tuple(item["with"]), tuple(item["without"]))
        for url, item in sorted(items.items())
    ]


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


def available() -> Iterator[tuple[str, str, Extractor]]:
    for name, module, note, make in CANDIDATES:
        try:
            importlib.import_module(module)
            extractor = make()
        except ImportError as exc:
            print(f"skipping {name}: {exc} (pip install it to compare)", file=sys.stderr)
            continue
        yield name, note, extractor


# -- run ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sets:
    """The three test sets, read and decoded once for every extractor."""

    magic: list[Scored]
    zh: list[Scored]
    snippets: list[Snippets]


def measure(name: str, note: str, extract: Extractor, sets: Sets) -> Result:
    result = Result(name, note)
    start = time.perf_counter()
    for scored in sets.magic:
        result.magic.append(prf(extract(scored.page), scored.truth))
        result.per_page[scored.page.path.stem[:12]] = result.magic[-1][2]
    for scored in sets.zh:
        result.zh.append(prf(extract(scored.page), scored.truth))
        result.per_page[f"{scored.page.path.parent.name[:3]}/{scored.page.path.name}"] = result.zh[-1][2]
    for item in sets.snippets:
        text = _flat(extract(item.page))
        result.kept += sum(_flat(s) in text for s in item.present)
        result.dropped += sum(_flat(s) not in text for s in item.absent)
    result.seconds = time.perf_counter() - start
    return result


def _mean(values: list[tuple[float, float, float]], index: int) -> float:
    return sum(v[index] for v in values) / len(values) if values else float("nan")


def _shown(path: Path) -> str:
    """The data folder as the project's docs name it, without this machine's absolute path."""
    try:
        return str(Path("..") / path.resolve().relative_to(ROOT.parent))
    except ValueError:
        return str(path)


def report(results: list[Result], sets: Sets, data: Path, per_page: bool) -> str:
    present = sum(len(s.present) for s in sets.snippets)
    absent = sum(len(s.absent) for s in sets.snippets)
    magic_n, zh_n = len(sets.magic), len(sets.zh)
    lines = [
        "# HTML main-text extraction",
        "",
        f"Produced by `benchmarks/html_extraction.py` on `{_shown(data)}`.",
        "Char-3-gram P/R/F1: multisets of character 3-grams after NFKC and removing all whitespace, mean over pages.",
        "",
        f"| extractor | magic-html P | R | **F1** ({magic_n} pages) | zh-web-vs-pdf P | R | **F1** ({zh_n} pages) "
        f"| `with` kept ({present}) | `without` dropped ({absent}) | time (s) | how |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {_mean(r.magic, 0):.3f} | {_mean(r.magic, 1):.3f} | **{_mean(r.magic, 2):.3f}** "
            f"| {_mean(r.zh, 0):.3f} | {_mean(r.zh, 1):.3f} | **{_mean(r.zh, 2):.3f}** "
            f"| {r.kept / present:.1%} ({r.kept}) | {r.dropped / absent:.1%} ({r.dropped}) "
            f"| {r.seconds:.1f} | {r.note} |"
        )
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
    parser.add_argument("--write", type=Path, help="also write the Markdown report to this file")
    parser.add_argument("--per-page", action="store_true", help="add a table of F1 per page")
    parser.add_argument(
        "--half", choices=["tuning", "checking"], help="only the pages of one half, by site (benchmarks/split.py)"
    )
    args = parser.parse_args(argv)
    if not (args.data / "web-boilerplate").is_dir():
        print(f"no web-boilerplate data under {args.data}; pass --data", file=sys.stderr)
        return 2
    sets = Sets(magic_pages(args.data), zh_pages(args.data), snippet_pages(args.data))
    if args.half:

        def kept(page: Page) -> bool:
            return bool(half(*unit_of(page.path, args.data)) == args.half)

        sets = Sets(
            [s for s in sets.magic if kept(s.page)],
            [s for s in sets.zh if kept(s.page)],
            [s for s in sets.snippets if kept(s.page)],
        )
    results = [measure(name, note, extract, sets) for name, note, extract in available()]
    text = report(results, sets, args.data, args.per_page)
    print(text, end="")
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
