"""The tuning half and the checking half of ../shared/data, by document.

Thresholds and reader rules are chosen on the tuning half only; every benchmark
reports both halves side by side, and a gap of more than 0.02 between them means a
rule fits the files it was tuned on rather than the kind of file: fix the mechanism.

The unit is a *document* (every file of one document lands in the same half: a PDF
and its extracted text, two versions of one law, the copies of a book), and for web
pages the *site* (pages of one template in both halves would let a rule tuned to the
template pass for general). The half is a hash of the unit's name, so it is fixed
in advance, independent of any result, and the same on every machine.

    from split import half
    half("web-boilerplate/magic-html", "sohu")   # "tuning" or "checking"

``python benchmarks/split.py`` prints the whole split.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"

Half = Literal["tuning", "checking"]
SALT = "corpus-split-2026-12"


def half(dataset: str, unit: str) -> Half:
    """The half a document (or site) of a data set belongs to."""
    digest = hashlib.sha256(f"{SALT}\n{dataset}\n{unit}".encode()).digest()
    return "tuning" if digest[0] % 2 == 0 else "checking"


_LAW_DATE = re.compile(r"\(\d{4}-\d{2}-\d{2}\)$")


def unit_of(path: Path, root: Path = SHARED) -> tuple[str, str]:
    """``(dataset, unit)`` of a shared file: the unit whose half the file is in."""
    rel = path.resolve().relative_to(root.resolve()).parts
    top = rel[0]
    if top == "zh-web-vs-pdf":
        # A document folder (D02-…), or one negative pair's folder.
        return top, "/".join(rel[1:3]) if rel[1] == "negatives" else rel[1]
    if top == "zh-laws":
        if rel[1] == "versions":
            return top, f"versions/{rel[2]}"  # every version of one law
        # A law filed under two codes is one document: its name after the code.
        name = _LAW_DATE.sub("", Path(rel[-1]).stem.split("__")[-1])
        return top, f"{rel[1]}/{name}"
    if top == "web-boilerplate":
        collection = rel[1]
        if collection == "gne":
            return f"{top}/gne", rel[2]  # one site
        return f"{top}/{collection}", _site_of(Path(*rel[2:]))
    if top in ("ietf-rfc", "gutenberg"):
        if rel[1] == "derived":  # text extracted from a form of a document: that document's
            return top, rel[2].split("__")[0]
        return top, rel[1] if len(rel) > 2 else Path(rel[1]).stem.split("__")[0]
    if top == "pdf-text-layer":
        stem = Path(rel[-1]).name.split(".")[0]
        return top, stem.split("__")[-1]
    return top, "/".join(rel[1:])


# Labels that end a host name: the site of ``bbc.com.52241221.html`` is ``bbc.com``.
_TLDS = frozenset(
    {"com", "org", "net", "edu", "gov", "info", "io", "me", "co", "or", "ac"}
    | {"cn", "jp", "kr", "tw", "hk", "uk", "de", "ch", "fr", "it", "ru", "jm"}
)


def _site_of(relative: Path) -> str:
    """The site a saved page comes from: its URL's host (magic-html) or its file name's (trafilatura)."""
    name = relative.name.removesuffix(".html").removesuffix(".htm")
    url = _MAGIC_URLS.get(name)
    if url is not None:
        host = urlsplit(url).hostname or name
        return host.removeprefix("www.")
    labels = name.split("-")[0].split(".")
    last = max((i for i, label in enumerate(labels) if label.lower() in _TLDS), default=len(labels) - 1)
    return ".".join(labels[: last + 1]).lower().removeprefix("www.")


def _magic_urls() -> dict[str, str]:
    truth = SHARED / "web-boilerplate" / "magic-html" / "groundtruth.json"
    if not truth.exists():
        return {}
    return {key: str(value.get("url") or "") for key, value in json.loads(truth.read_text(encoding="utf-8")).items()}


_MAGIC_URLS = _magic_urls()


# -- pages of sites outside ../shared/data (benchmarks/unseen_html/, see its fetch.py) --------

UNSEEN = Path(__file__).resolve().parent / "unseen_html"


def unseen_half(collection: str, site: str) -> Half:
    """The half of a page of ``unseen_html/<collection>``: by its site, like the shared web pages.

    A data set name of its own, so these halves are drawn independently of the shared ones.
    """
    return half(f"unseen_html/{collection}", site)


def unseen_units(root: Path = UNSEEN) -> Iterator[tuple[str, str, Half]]:
    """``(collection, site, half)`` of every site in the unseen collections, from their manifests."""
    for manifest in sorted(root.glob("*/manifest.json")):
        items = json.loads(manifest.read_text(encoding="utf-8"))
        for site in sorted({str(page["site"]) for page in items["pages"]}):
            yield str(items["collection"]), site, unseen_half(str(items["collection"]), site)


def units(root: Path = SHARED) -> Iterator[tuple[str, str, Half]]:
    seen: set[tuple[str, str]] = set()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        key = unit_of(path, root)
        if key not in seen:
            seen.add(key)
            yield key[0], key[1], half(*key)


def main() -> int:
    counts: dict[tuple[str, Half], int] = {}
    for dataset, unit, h in units():
        counts[dataset, h] = counts.get((dataset, h), 0) + 1
        print(f"{h:8}  {dataset:32}  {unit}")
    for collection, site, h in unseen_units():
        counts[f"unseen_html/{collection}", h] = counts.get((f"unseen_html/{collection}", h), 0) + 1
        print(f"{h:8}  {'unseen_html/' + collection:32}  {site}")
    print()
    for dataset in sorted({d for d, _ in counts}):
        tuning, checking = counts.get((dataset, "tuning"), 0), counts.get((dataset, "checking"), 0)
        print(f"{dataset:32}  tuning {tuning:4}  checking {checking:4}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
