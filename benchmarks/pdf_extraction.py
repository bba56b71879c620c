"""PDF text extraction, side by side: the corpus ``pdf`` reader vs the extractors it could be built on.

Why this exists: issue 3 asks for the PDF reader's extractor to be chosen on
figures, measured against at least one alternative, with a licence compatible
with the project's MIT (so not PyMuPDF, AGPL). Candidates: pypdfium2 (PDFium;
Apache-2.0 / BSD-3-Clause), pdfminer.six (MIT), pypdf (BSD-3-Clause),
pdfplumber (MIT, on pdfminer.six). Each gives its plain text, pages joined;
"corpus pdf reader" is the reader itself (pypdfium2 + the clean-up: furniture,
paragraphs, the article of a printed web page), its title and paragraphs joined.

Metric: char-3-gram F1 (F1 of the multisets of character 3-grams after NFKC
and removing all whitespace), mean over the files of a set, against:

- ``pdf-text-layer/en``, ``/zh``: PyMuPDF's extraction in ``extracted/`` (a
  reference, not a truth: it keeps page numbers and running headers, so the
  reader, which cuts them, loses a little there by design);
- ``zh-web-vs-pdf`` official-style and browser-printed PDFs:
  ``groundtruth.main-text.txt``, the human-annotated main text (D08 has none);
- RFC 2616's PDF: ``rfc2616.depaginated.txt`` (the RFC without page furniture);
- Alice's two PDFs: the text edition each was made from (``11.txt``,
  ``old__alice30.txt``); the Gutenberg boilerplate differs between editions.

Time: seconds per page, extraction only (open, text, close), mean over the set.

Usage::

    .venv/bin/python benchmarks/pdf_extraction.py [--data DIR] [--write FILE] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from scoring import f1

from corpus import SourceFile

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
DEFAULT_OUTPUT = ROOT / "benchmarks" / "results" / "pdf_extraction.md"

# An extractor maps a PDF file to (its text, its page count).
Extractor = Callable[[Path], tuple[str, int]]


@dataclass(frozen=True)
class Case:
    pdf: Path
    reference: Path | None  # None: timed, not scored


@dataclass(frozen=True)
class TestSet:
    name: str
    reference: str  # what the figures are measured against
    cases: tuple[Case, ...]


def sets(data: Path) -> list[TestSet]:
    layer = data / "pdf-text-layer"
    zh = data / "zh-web-vs-pdf"

    def layered(lang: str) -> TestSet:
        cases = tuple(
            Case(pdf, layer / "extracted" / f"{lang}__{pdf.stem}.pymupdf-2.0.txt")
            for pdf in sorted((layer / lang).glob("*.pdf"))
        )
        return TestSet(f"pdf-text-layer/{lang}", "PyMuPDF extraction", cases)

    def zh_form(form: str) -> TestSet:
        def truth(pdf: Path) -> Path | None:
            path = pdf.parent / "groundtruth.main-text.txt"
            return path if path.exists() else None

        cases = tuple(Case(pdf, truth(pdf)) for pdf in sorted(zh.glob(f"D*/{form}.pdf")))
        return TestSet(f"zh-web-vs-pdf {form}", "annotated main text", cases)

    alice = data / "gutenberg" / "alice-11"
    rfc = data / "ietf-rfc" / "rfc2616"
    return [
        layered("en"),
        layered("zh"),
        zh_form("official-style"),
        zh_form("web.browser-print"),
        TestSet("RFC 2616", "de-paginated text", (Case(rfc / "rfc2616.pdf", rfc / "rfc2616.depaginated.txt"),)),
        TestSet(
            "Alice",
            "the text edition it was made from",
            (
                Case(alice / "11-pdf.pdf", alice / "11.txt"),
                Case(alice / "old__alice30.pdf", alice / "old__alice30.txt"),
            ),
        ),
    ]


# -- extractors ---------------------------------------------------------------


def corpus_reader(path: Path) -> tuple[str, int]:
    import corpus_pdf

    extract = corpus_pdf.PdfReader().read(SourceFile(path, path.read_bytes(), None, "application/pdf"))
    text = "\n".join(([extract.title] if extract.title else []) + list(extract.paragraphs))
    return text, int(extract.metadata["pages"])


def pypdfium2_text(path: Path) -> tuple[str, int]:
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    document = pdfium.PdfDocument(path)
    try:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "\f".join(texts), len(texts)
    finally:
        document.close()


def pdfminer_text(path: Path) -> tuple[str, int]:
    from pdfminer.high_level import extract_text

    text = extract_text(str(path))
    return text, max(1, text.count("\f"))


def pypdf_text(path: Path) -> tuple[str, int]:
    import pypdf

    reader = pypdf.PdfReader(path)
    return "\f".join(page.extract_text() or "" for page in reader.pages), len(reader.pages)


def pdfplumber_text(path: Path) -> tuple[str, int]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\f".join(page.extract_text() or "" for page in pdf.pages), len(pdf.pages)


EXTRACTORS: dict[str, tuple[Extractor, str]] = {
    "corpus pdf reader": (corpus_reader, "pypdfium2 + furniture, paragraphs, article; title and paragraphs"),
    "pypdfium2": (pypdfium2_text, "5.x, Apache-2.0/BSD-3: `textpage.get_text_range()` per page"),
    "pdfminer.six": (pdfminer_text, "MIT: `high_level.extract_text()`"),
    "pypdf": (pypdf_text, "BSD-3: `page.extract_text()`"),
    "pdfplumber": (pdfplumber_text, "MIT (on pdfminer.six): `page.extract_text()`"),
}


# -- measuring ----------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    f1: float | None
    seconds: float
    pages: int
    error: str | None = None


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """pdfminer and pypdf log a warning per odd font; the table is what this prints."""
    logging.disable(logging.WARNING)
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        try:
            yield
        finally:
            logging.disable(logging.NOTSET)


def run(extractor: Extractor, case: Case) -> Result:
    start = time.perf_counter()
    try:
        with quiet():
            text, pages = extractor(case.pdf)
    except Exception as error:  # an extractor that fails on a file scores 0 there
        return Result(0.0, time.perf_counter() - start, 1, f"{type(error).__name__}: {error}")
    seconds = time.perf_counter() - start
    score = f1(text, case.reference.read_text(encoding="utf-8-sig")) if case.reference else None
    return Result(score, seconds, pages)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def report(data: Path, names: list[str]) -> str:
    test_sets = sets(data)
    warm_up = test_sets[0].cases[0]
    for name in names:  # imports and library start-up are not per-page costs
        run(EXTRACTORS[name][0], warm_up)
    results: dict[tuple[str, str, Path], Result] = {}
    for test_set in test_sets:
        for case in test_set.cases:
            for name in names:
                results[(name, test_set.name, case.pdf)] = run(EXTRACTORS[name][0], case)
                print(f"  {name:18} {case.pdf.relative_to(data)}", file=sys.stderr)

    lines = [
        "# PDF text extraction",
        "",
        f"Produced by `benchmarks/pdf_extraction.py` on `../shared/data` (Python {sys.version.split()[0]}).",
        "Cells: mean char-3-gram F1 against the set's reference (multisets of character 3-grams after NFKC",
        "and removing all whitespace) / seconds per page. References:",
        "",
    ]
    for test_set in test_sets:
        pages = sum(results[(names[0], test_set.name, c.pdf)].pages for c in test_set.cases)
        lines.append(f"- {test_set.name}: {test_set.reference} ({len(test_set.cases)} PDFs, {pages} pages)")
    lines += ["", "| extractor | " + " | ".join(s.name for s in test_sets) + " | how |"]
    lines.append("|---|" + "---|" * (len(test_sets) + 1))
    for name in names:
        cells = []
        for test_set in test_sets:
            rows = [results[(name, test_set.name, c.pdf)] for c in test_set.cases]
            score = _mean([r.f1 for r in rows if r.f1 is not None])
            per_page = sum(r.seconds for r in rows) / max(1, sum(r.pages for r in rows))
            cells.append(f"{'–' if score is None else f'**{score:.3f}**'} / {per_page:.4f} s")
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {EXTRACTORS[name][1]} |")
    lines += ["", "## F1 per file", "", "| file | pages | " + " | ".join(names) + " |"]
    lines.append("|---|---|" + "---|" * len(names))
    for test_set in test_sets:
        for case in test_set.cases:
            row = [results[(name, test_set.name, case.pdf)] for name in names]
            cells = ["–" if r.f1 is None else f"{r.f1:.3f}" + (" (error)" if r.error else "") for r in row]
            lines.append(f"| {case.pdf.relative_to(data)} | {row[0].pages} | " + " | ".join(cells) + " |")
    errors = [(n, p, r.error) for (n, _, p), r in results.items() if r.error]
    if errors:
        lines += ["", "Errors:", ""] + [f"- {n} on {p.relative_to(data)}: {e}" for n, p, e in errors]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--write", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--only", nargs="*", choices=sorted(EXTRACTORS), help="extractors to run (default: all)")
    args = parser.parse_args()
    names = [n for n in EXTRACTORS if not args.only or n in args.only]
    missing = [n for n in names if n != "corpus pdf reader" and _missing(n)]
    for name in missing:
        print(f"skipping {name}: not installed", file=sys.stderr)
    table = report(args.data, [n for n in names if n not in missing])
    print(table)
    args.write.parent.mkdir(parents=True, exist_ok=True)
    args.write.write_text(table, encoding="utf-8")


def _missing(name: str) -> bool:
    import importlib.util

    module = {"pypdfium2": "pypdfium2", "pdfminer.six": "pdfminer", "pypdf": "pypdf", "pdfplumber": "pdfplumber"}[name]
    return importlib.util.find_spec(module) is None


if __name__ == "__main__":
    main()
