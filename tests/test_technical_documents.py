"""Technical documents across renderings: one RFC or Internet-Draft is one document however it was rendered.

Two Internet-Drafts on one topic (HTTP status codes 451 and 308), each rendered by xml2rfc as
HTML of its v3 and of its v2 writer, paginated text of both writers and text without pages
(tests/fixtures/ietf, see its README), and RFC 2616 as published, de-paginated, as rfcmarkup HTML,
as a PDF and extracted from it, with RFC 7230 as a Japanese/English page on the same topic
(../shared/data/ietf-rfc).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import corpus_html
import corpus_pdftext
import corpus_text
import corpus_webtext
import pytest
from conftest import CliRunner, registered, run_corpus, shared

from corpus import Extract, SourceFile

FIXTURES = Path(__file__).parent / "fixtures" / "ietf"
LEGAL = FIXTURES / "draft-ietf-httpbis-legally-restricted-status-01"
REDIRECT = FIXTURES / "draft-ietf-httpbis-rfc7238bis"
DRAFTS = (LEGAL, REDIRECT)
RENDERINGS = ("paginated.txt", "raw.txt", "v2-paginated.txt", "v2.html", "v3.html")
TEXT_RENDERINGS = tuple(name for name in RENDERINGS if name.endswith(".txt"))


def source_of(path: Path) -> SourceFile:
    data = path.read_bytes()
    media_type = "text/html" if path.suffix == ".html" else "text/plain"
    return SourceFile(path, data, data.decode("utf-8"), media_type, "utf-8")


def read(plugin: object, path: Path) -> Extract:
    return registered(plugin).read(source_of(path))


@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    """A store with every rendering of both drafts added in one run, and the records of that run."""
    db = tmp_path_factory.mktemp("ietf") / "corpus.db"
    run = run_corpus("--db", db, "add", "--json", *(draft / name for draft in DRAFTS for name in RENDERINGS))
    assert run.returncode == 0, run.stderr
    return db, run.json_lines()


def records_of(records: list[dict[str, Any]], draft: Path) -> list[dict[str, Any]]:
    return [r for r in records if Path(r["path"]).parent == draft]


@pytest.mark.parametrize("draft", DRAFTS, ids=lambda d: d.name)
def test_every_rendering_of_a_draft_is_one_document(drafts: tuple[Path, list[dict[str, Any]]], draft: Path) -> None:
    _, records = drafts
    mine = records_of(records, draft)
    assert sorted(Path(r["path"]).name for r in mine) == sorted(RENDERINGS)
    assert len({r["document_id"] for r in mine}) == 1, [(Path(r["path"]).name, r["status"]) for r in mine]
    assert sorted(r["status"] for r in mine) == ["copy"] * (len(RENDERINGS) - 1) + ["new"]


def test_two_drafts_on_one_topic_stay_apart(drafts: tuple[Path, list[dict[str, Any]]], cli: CliRunner) -> None:
    db, records = drafts
    (legal,) = {r["document_id"] for r in records_of(records, LEGAL)}
    (redirect,) = {r["document_id"] for r in records_of(records, REDIRECT)}
    assert legal != redirect
    # Not versions of each other either: two specifications that share the IETF's boilerplate.
    (shown,) = cli("--db", db, "show", str(legal), "--json").json_lines()
    assert redirect not in [r["document_id"] for r in shown["related"]]
    docs = cli("--db", db, "docs", "--json").json_lines()
    assert len(docs) == len(DRAFTS)


def test_every_text_rendering_is_read_by_one_reader(drafts: tuple[Path, list[dict[str, Any]]]) -> None:
    _, records = drafts
    readers = {Path(r["path"]).parent.name + "/" + Path(r["path"]).name: r["reader"] for r in records}
    texts = {name: reader for name, reader in readers.items() if name.endswith(".txt")}
    assert len(texts) == len(DRAFTS) * len(TEXT_RENDERINGS)
    assert len(set(texts.values())) == 1, texts


@pytest.mark.parametrize(
    "path", [d / n for d in DRAFTS for n in TEXT_RENDERINGS], ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_text_renderings_are_claimed_by_the_reader_of_printed_text(path: Path) -> None:
    # Paginated or not, v2 or v3, with an ASCII table or without: the same reader, whatever the
    # plain-text and web-page-text readers make of the file.
    source = source_of(path)
    printed = registered(corpus_pdftext).sniff(source) or 0.0
    assert printed > (registered(corpus_text).sniff(source) or 0.0)
    assert printed > (registered(corpus_webtext).sniff(source) or 0.0)


def test_html_of_the_v3_writer_loses_its_navigation_and_keeps_its_structure() -> None:
    extract = read(corpus_html, LEGAL / "v3.html")
    joined = "\n".join(extract.paragraphs)
    assert "¶" not in joined  # a pilcrow links every paragraph to itself
    assert "[Page]" not in joined and "Expires 17 October 2015" not in joined  # the print running heads
    assert "Table of Contents" not in extract.paragraphs
    # Headings, list items and references, which the article extractor drops in <section>s.
    for paragraph in ("1. Introduction", "4.1. 451 Unavailable for Legal Reasons", "Code: 451", "[RFC4924]"):
        assert paragraph in extract.paragraphs
    assert extract.paragraphs.count("1. Introduction") == 1  # the table of contents is not its second copy
    assert {"table-of-contents", "running-header"} <= {r.kind for r in extract.removed}


def test_html_of_the_v2_writer_loses_its_masthead_and_contents() -> None:
    extract = read(corpus_html, LEGAL / "v2.html")
    assert extract.title == "An HTTP Status Code to Report Legal Obstacles"
    assert "T. Bray" not in extract.paragraphs  # the masthead table: metadata, cut
    assert extract.paragraphs.count("6. Normative References") == 1
    assert "Code: 451" in extract.paragraphs


@pytest.mark.parametrize("name", TEXT_RENDERINGS)
def test_text_loses_its_contents_and_masthead(name: str) -> None:
    path = REDIRECT / name
    text = path.read_text(encoding="utf-8")
    extract = read(corpus_pdftext, path)
    joined = "\n".join(extract.paragraphs)
    assert "Table of Contents" not in joined
    assert not re.search(r"\. \. \.|\[Page \d+\]", joined)
    assert "greenbytes" not in extract.paragraphs[0]  # the masthead's right column
    assert "1. Introduction" in extract.paragraphs and "7.1. Normative References" in extract.paragraphs
    kinds = {r.kind for r in extract.removed}
    assert {"table-of-contents", "masthead", "table-rule"} <= kinds
    for removed in extract.removed:
        assert removed.start is not None and removed.end is not None
        assert text[removed.start : removed.end] == removed.text


@pytest.mark.parametrize("name", TEXT_RENDERINGS)
def test_text_tables_are_read_row_by_row(name: str) -> None:
    extract = read(corpus_pdftext, REDIRECT / name)
    # A cell wraps inside its column: read line by line its words interleave with the next cell's.
    assert "Allows changing the request method from POST to GET 301 302" in extract.paragraphs
    assert "308 Permanent Redirect Section 3 of this specification" in extract.paragraphs
    assert not [p for p in extract.paragraphs if p.startswith(("+--", "+==", "|"))]


def test_rfc2616_in_every_form_is_one_document_and_rfc7230_another(tmp_path: Path, cli: CliRunner) -> None:
    base = shared("ietf-rfc")
    forms = sorted((base / "rfc2616").iterdir()) + sorted((base / "derived").iterdir())
    negative = base / "related-negatives" / "rfc7230.ja-en.html"
    run = cli("--db", tmp_path / "c.db", "add", "--json", *forms, negative)
    assert run.returncode == 0, run.stderr
    records = {Path(r["path"]).name: r for r in run.json_lines()}
    rfc2616 = [records[p.name] for p in forms]
    assert len({r["document_id"] for r in rfc2616}) == 1, [(r["path"], r["status"]) for r in rfc2616]
    assert sorted(r["status"] for r in rfc2616) == ["copy"] * (len(forms) - 1) + ["new"]
    assert records[negative.name]["status"] == "new"
    assert records[negative.name]["document_id"] != rfc2616[0]["document_id"]
    # The RFC as published and without its pages is one kind of file, read by one reader, and
    # the same one as the drafts' text renderings.
    text_forms = ("rfc2616.paginated.txt", "rfc2616.depaginated.txt")
    assert {records[name]["reader"] for name in text_forms} == {registered(corpus_pdftext).name}
