"""The shared test sets with ground truth, as (file, label) lists: files with one label are one document.

Read from ../shared/data (see its README). Used by the matching benchmark and by
the comparison with other dedup tools, so every tool sees the same files.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


@dataclass(frozen=True)
class Dataset:
    name: str
    files: tuple[tuple[Path, str], ...]  # (file, ground-truth document label)
    version_pairs: tuple[tuple[Path, Path], ...] = ()  # pairs that should be linked as versions


def zh_web_vs_pdf(root: Path = SHARED) -> Dataset:
    base = root / "zh-web-vs-pdf"
    rows = csv.DictReader((base / "groundtruth.csv").open(encoding="utf-8"))
    files = tuple((base / r["file"], r["doc_id"]) for r in rows if r["kind"] == "document")
    return Dataset("zh-web-vs-pdf", files)


def zh_laws(root: Path = SHARED) -> Dataset:
    base = root / "zh-laws"
    files = sorted(p for p in base.rglob("*.md") if p.name != "LawRefBook.README.md")
    label = {p: p.relative_to(base).as_posix() for p in files}
    versions = []
    for row in csv.DictReader((base / "pairs.csv").open(encoding="utf-8")):
        a, b = base / row["file_a"], base / row["file_b"]
        if row["relation"].startswith("same document"):
            label[b] = label[a]
        elif row["relation"].startswith("different versions"):
            versions.append((a, b))
    return Dataset("zh-laws", tuple((p, label[p]) for p in files), tuple(versions))


def ietf_rfc(root: Path = SHARED) -> Dataset:
    base = root / "ietf-rfc"
    forms = sorted((base / "rfc2616").iterdir()) + sorted((base / "derived").iterdir())
    negatives = [p for p in sorted((base / "related-negatives").iterdir()) if "LICENSE" not in p.name]
    return Dataset("ietf-rfc", tuple((p, "rfc2616") for p in forms) + tuple((p, p.name) for p in negatives))


def gutenberg(root: Path = SHARED) -> Dataset:
    base = root / "gutenberg"
    skip = {"LICENSE", "metadata.yaml"}
    forms = [p for p in sorted((base / "alice-11").iterdir()) if p.name not in skip]
    forms += sorted((base / "derived").iterdir())
    return Dataset("gutenberg", tuple((p, "alice") for p in forms))


def gne(root: Path = SHARED) -> Dataset:
    base = root / "web-boilerplate" / "gne"
    pages = sorted(base.rglob("*.html"))
    return Dataset("gne", tuple((p, p.relative_to(base).as_posix()) for p in pages))


def seeds() -> Dataset:
    """The case the project started from: one policy document as web-page text and PDF text."""
    folder = Path(__file__).resolve().parents[1] / "seeds"
    return Dataset("seeds", tuple((p, "seed") for p in sorted(folder.glob("*.txt"))))


def all_datasets(root: Path = SHARED) -> list[Dataset]:
    return [seeds(), zh_web_vs_pdf(root), zh_laws(root), ietf_rfc(root), gutenberg(root), gne(root)]
