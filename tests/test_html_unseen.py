"""The HTML reader on real pages of sites it was never tuned on: the article in, the site around it out.

The pages and their expected texts are five of ``benchmarks/unseen_html/`` (its README
says where each comes from: two extractor packages' test suites, the site, the licence);
no site here is in ``../shared/data``.
Every check is made against the expected text, never against output recorded
from the reader: what a user notices is whether the article's sentences are in
the document and whether the site's menus, footer and related links are not.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import lxml.html
import pytest

from corpus import Corpus

UNSEEN = Path(__file__).resolve().parents[1] / "benchmarks" / "unseen_html"
# Small pages, English, Chinese, Japanese and Korean sites, from both collections.
PAGES = [
    UNSEEN / name
    for name in (
        "mozilla-readability/001",
        "mozilla-readability/ars-1",
        "newspaper4k/chinese_article_001",
        "newspaper4k/japanese_article2",
        "newspaper4k/yna_co_kr",
    )
]
# Link texts of at least this many characters (after flattening) are menu items, story
# titles or footer links, not a stray "more": long enough that finding one means it was kept.
_LINK_CHARS = 12
_KEY_SENTENCES = 4
_SPACE = re.compile(r"\s+")


def flat(text: str) -> str:
    """Text compared by content alone: NFKC, no whitespace, case folded."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def expected_lines(page: Path) -> list[str]:
    return [line for line in (page / "expected.txt").read_text(encoding="utf-8").splitlines() if line.strip()]


def key_sentences(page: Path) -> list[str]:
    """The article's first and last lines and its longest ones: what a reader checks first."""
    lines = [line for line in expected_lines(page) if len(flat(line)) >= 20]
    longest = sorted(lines, key=lambda line: -len(line))[:_KEY_SENTENCES]
    return list(dict.fromkeys([lines[0], *longest, lines[-1]]))


def furniture(page: Path) -> list[str]:
    """Link texts of the page that the expected text lacks: its menus, related stories, footer links."""
    root = lxml.html.fromstring((page / "source.html").read_bytes())
    truth = flat("\n".join(expected_lines(page)))
    links = {" ".join("".join(map(str, link.itertext())).split()) for link in root.iter("a") if link.get("href")}
    return sorted(text for text in links if len(flat(text)) >= _LINK_CHARS and flat(text) not in truth)


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, tuple[str, str | None]]:
    """Each page added to a corpus of its own, as ``corpus add page.html`` does: its canonical text and title."""
    found: dict[Path, tuple[str, str | None]] = {}
    for page in PAGES:
        with Corpus.open(tmp_path_factory.mktemp("unseen") / "c.db") as corpus:
            (result,) = corpus.add([page / "source.html"])
            assert result.reader == "html", page
            assert result.document_id is not None, page
            document = corpus.document(result.document_id)
            found[page] = (document.text, document.title)
    return found


def test_the_fixtures_are_there() -> None:
    assert len(PAGES) >= 4
    assert {page.parent.name for page in PAGES} == {"mozilla-readability", "newspaper4k"}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_article_is_in_the_document(page: Path, documents: dict[Path, tuple[str, str | None]]) -> None:
    text, _title = documents[page]
    missing = [line for line in key_sentences(page) if flat(line) not in flat(text)]
    assert not missing, missing


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_site_around_it_is_not(page: Path, documents: dict[Path, tuple[str, str | None]]) -> None:
    text, title = documents[page]
    lines = [line for line in text.splitlines() if line.strip() and line.strip() != (title or "").strip()]
    kept = {flat(line) for line in lines}
    menus = furniture(page)
    assert menus, "the page has links the article does not: the check would check nothing"
    assert [link for link in menus if flat(link) in kept] == []
    # Whatever else the document holds beyond the expected text is a sliver of it.
    truth = flat("\n".join(expected_lines(page)))
    extra = sum(len(flat(line)) for line in lines if flat(line) not in truth)
    assert extra <= 0.05 * len(flat(text)), [line for line in lines if flat(line) not in truth]
