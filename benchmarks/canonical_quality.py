"""Quality of the canonical text built from every form of one document, and of each form read alone.

Why this exists: issue 3 asks that the canonical text of each ``zh-web-vs-pdf``
document (its web page, the page re-encoded, the page's text dump, two PDFs
and four PDF extractions, all added to one corpus) scores char-3-gram F1 ≥ 0.95
against the human main text. When it does not, the figure for each form read
alone (one form, one fresh corpus) shows which reader output hurts.

Data: ``../shared/data/zh-web-vs-pdf/D*/``: the rows of ``groundtruth.csv`` of
kind ``document``, scored against ``groundtruth.main-text.txt``. A folder without
one (D08) is scored on the ``with`` and ``without`` snippets of its
``trafilatura-annotation.json`` instead: share of ``with`` snippets kept and of
``without`` snippets dropped, after NFKC and removing all whitespace.

Figure: precision, recall and F1 of the multisets of character 3-grams after
NFKC and removing all whitespace. The canonical text scored is
``corpus.document(id).text`` of the document holding the most sources; the
number of documents the forms landed in is shown beside it (1 is right).

Leftovers (issue 8): of the canonical paragraphs after the title, how many are
not in the main text (compared on :func:`corpus.normalise.normal_form`, by
containment; 0 is right), and how much of the main text the canonical text
covers (the recall above; ≥ 0.97 is asked). Each document is in the tuning or
the checking half of ``benchmarks/split.py``; the means of both halves are shown
side by side, and a gap of more than 0.02 means a rule fits its files.

Usage::

    .venv/bin/python benchmarks/canonical_quality.py [--data DIR] [--write FILE] [--only D04]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from scoring import flat as _flat
from scoring import prf
from split import half

from corpus import Corpus
from corpus.normalise import normal_form

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "canonical_quality.md"


@dataclass(frozen=True)
class Truth:
    """What a folder's text is scored against: the main text, or snippets it must and must not hold."""

    text: str | None = None
    with_: tuple[str, ...] = ()
    without: tuple[str, ...] = ()

    def score(self, text: str) -> str:
        if self.text is not None:
            p, r, f = prf(text, self.text)
            return f"{p:.3f} | {r:.3f} | **{f:.3f}**"
        flat = _flat(text)
        kept = sum(1 for s in self.with_ if _flat(s) in flat)
        dropped = sum(1 for s in self.without if _flat(s) not in flat)
        return f"with {kept}/{len(self.with_)} | without {dropped}/{len(self.without)} | —"

    def f1(self, text: str) -> float | None:
        return prf(text, self.text)[2] if self.text is not None else None

    def stray(self, paragraphs: list[str]) -> list[str]:
        """The paragraphs that are not in the main text (None to compare against: none)."""
        if self.text is None:
            return []
        truth = normal_form(self.text)
        return [p for p in paragraphs if normal_form(p) not in truth]


@dataclass
class Folder:
    name: str
    files: list[Path]
    truth: Truth
    canonical: str = ""
    body: list[str] = field(default_factory=list)  # the canonical paragraphs after the title
    documents: int = 0
    sources: int = 0
    alone: dict[str, tuple[str, str]] = field(default_factory=dict)  # file name → (reader, text)


def folders(data: Path, only: str | None) -> list[Folder]:
    base = data / "zh-web-vs-pdf"
    rows = list(csv.DictReader((base / "groundtruth.csv").open(encoding="utf-8")))
    out: list[Folder] = []
    for folder in sorted(base.glob("D*")):
        if only and not folder.name.startswith(only):
            continue
        files = [base / r["file"] for r in rows if r["kind"] == "document" and r["file"].startswith(folder.name + "/")]
        main = folder / "groundtruth.main-text.txt"
        annotation = folder / "trafilatura-annotation.json"
        if main.exists():
            truth = Truth(text=main.read_text(encoding="utf-8"))
        elif annotation.exists():
            item = json.loads(annotation.read_text(encoding="utf-8"))
            truth = Truth(with_=tuple(item["with"]), without=tuple(item["without"]))
        else:
            continue
        out.append(Folder(folder.name, files, truth))
    return out


def read_all(folder: Folder) -> None:
    """Add every form to one fresh corpus; keep the canonical text of the largest document."""
    with tempfile.TemporaryDirectory() as tmp, Corpus.open(Path(tmp) / "c.db") as corpus:
        results = corpus.add(folder.files)
        docs = Counter(r.document_id for r in results if r.document_id is not None)
        folder.documents = len(docs)
        if docs:
            biggest, folder.sources = docs.most_common(1)[0]
            document = corpus.document(biggest)
            folder.canonical = document.text
            texts = [p.text for p in document.paragraphs]
            folder.body = texts[1:] if document.title is not None and texts[:1] == [document.title] else texts


def read_alone(folder: Folder) -> None:
    """Add each form to a corpus of its own: what that form's reader makes of it."""
    for path in folder.files:
        with tempfile.TemporaryDirectory() as tmp, Corpus.open(Path(tmp) / "c.db") as corpus:
            (result,) = corpus.add([path])
            text = corpus.document(result.document_id).text if result.document_id is not None else ""
            folder.alone[path.name] = (result.reader or f"failed: {result.error}", text)


def report(found: list[Folder], data: Path) -> str:
    lines = [
        "# Canonical text quality on zh-web-vs-pdf",
        "",
        f"Produced by `benchmarks/canonical_quality.py` on `{data}`.",
        "Char-3-gram P/R/F1: multisets of character 3-grams after NFKC and removing all whitespace,",
        "against `groundtruth.main-text.txt` (D08 has none: its `trafilatura-annotation.json` snippets instead).",
        "Stray: canonical paragraphs after the title that are not in the main text (normal form, containment).",
        "",
        "## All forms of a document in one corpus",
        "",
        "| document | half | forms | documents made | sources in the largest | stray | P | R | **F1** |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    by_half: dict[str, list[tuple[float, float, int]]] = {"tuning": [], "checking": []}
    for folder in found:
        which = half("zh-web-vs-pdf", folder.name)
        stray = folder.truth.stray(folder.body)
        shown = str(len(stray)) if folder.truth.text is not None else "—"
        lines.append(
            f"| {folder.name} | {which} | {len(folder.files)} | {folder.documents} | {folder.sources} "
            f"| {shown} | {folder.truth.score(folder.canonical)} |"
        )
        if folder.truth.text is not None:
            _, recall, f1 = prf(folder.canonical, folder.truth.text)
            by_half[which].append((f1, recall, len(stray)))
    for name, rows in by_half.items():
        if rows:
            mean_f1 = sum(f for f, _, _ in rows) / len(rows)
            lines.append(
                f"| **{name} half** ({len(rows)} with a main text) | | | | | {sum(n for _, _, n in rows)} "
                f"| | min {min(r for _, r, _ in rows):.3f} | **{mean_f1:.3f}** |"
            )
    scores = [f for rows in by_half.values() for f, _, _ in rows]
    if scores:
        lines.append(
            f"| **mean** ({len(scores)} with a main text) | | | | | | | | **{sum(scores) / len(scores):.3f}** |"
        )
    lines += [
        "",
        "## Each form read alone",
        "",
        "| document | form | reader | P | R | **F1** |",
        "|---|---|---|---|---|---|",
    ]
    for folder in found:
        for name, (reader, text) in folder.alone.items():
            lines.append(f"| {folder.name[:3]} | {name} | {reader} | {folder.truth.score(text)} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--write", type=Path, default=DEFAULT_OUT, help="Markdown file for the tables")
    parser.add_argument("--only", help="one folder, by its prefix (D04)")
    parser.add_argument("--no-alone", action="store_true", help="skip reading each form alone")
    args = parser.parse_args(argv)
    found = folders(args.data, args.only)
    for folder in found:
        read_all(folder)
        if not args.no_alone:
            read_alone(folder)
        print(f"{folder.name}: {folder.documents} document(s), {folder.truth.score(folder.canonical)}", file=sys.stderr)
    text = report(found, args.data.relative_to(ROOT.parent) if args.data.is_relative_to(ROOT.parent) else args.data)
    print(text)
    if not args.only:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
