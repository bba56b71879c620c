"""Web archives: `corpus add crawl.warc[.gz]` takes each document record as a source, as a user sees it.

The WARCs are real: tests/fixtures/warc/crawl.warc.gz was made by wget crawling the pages
beside it (its README says how), and the live crawls at the end run wget here and now
against a local server (Python's http.server on 127.0.0.1, benchmarks/local_crawl.py)
serving real pages of ../shared/data. Without wget those are skipped, with the reason;
under CI=true they fail instead (.ci/run installs wget).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, WEB_SEED, CliRunner, Run, in_ci, run_corpus, shared, shared_files

from corpus import Corpus
from corpus.decode.declared import declared_charset
from corpus.inputs import Input
from corpus.inputs.select import Selection
from corpus.inputs.warc import records
from corpus.limits import Limits

sys.path.insert(0, str(ROOT / "benchmarks"))

from local_crawl import Canned, chunked, crawl, serve
from warc_libraries import brotli_compress

FIXTURE = ROOT / "tests" / "fixtures" / "warc"
CRAWL = FIXTURE / "crawl.warc.gz"
SITE = FIXTURE / "site"
BASE = "http://127.0.0.1:8741/"
# The document records of the fixture crawl, in the order wget fetched them (index.html twice:
# as / and as index.html, linked from notice.html; notice.html twice: again after old.html's redirect).
DOCUMENTS = ["", "notice.html", "notice.txt", "gbk.html", "gzip.html", "notice.html", "index.html"]
# What the crawl holds besides: wget's requests and its own records, a stylesheet, a redirect, two 404s.
NOT_DOCUMENTS = ("robots.txt", "style.css", "old.html", "missing.html", "metadata://")
GBK_TITLE = "页面编码测试"


def add(
    cli: CliRunner, db: Path, *paths: str | Path, options: tuple[str, ...] = ()
) -> tuple[int, list[dict[str, Any]], str]:
    run = cli("--db", db, "add", *paths, "--json", *options)
    return run.returncode, run.json_lines(), run.stderr


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def needs_wget() -> str:
    """wget's path; the test is skipped without it (failed under CI, where .ci/run installs it)."""
    wget = shutil.which("wget")
    if wget is None:
        reason = "wget is not installed: these tests crawl a local server with it (apt-get install wget)"
        if in_ci():
            pytest.fail(f"{reason}; CI=true requires it", pytrace=False)
        pytest.skip(reason)
    return wget


# -- the fixture crawl --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run]:
    """A store with the fixture crawl added once, and that add's run."""
    db = tmp_path_factory.mktemp("warc") / "corpus.db"
    return db, run_corpus("--db", db, "add", CRAWL, "--json")


def test_each_document_record_is_a_source_located_by_its_url(
    fixture_db: tuple[Path, Run],
) -> None:
    _, run = fixture_db
    lines, stderr = run.json_lines(), run.stderr
    assert run.returncode == 0, stderr
    assert [line["path"] for line in lines] == [BASE + name for name in DOCUMENTS]
    assert [line["status"] for line in lines] == ["new", "new", "copy", "new", "new", "exists", "exists"]
    assert not any(skipped in line["path"] for line in lines for skipped in NOT_DOCUMENTS)
    # What was left out is said, by why: requests, wget's own records, a stylesheet, a redirect, the 404s.
    assert "skipped 19 web-archive records that hold no document" in stderr
    for reason in ("11 request", "2 HTTP 404", "1 HTTP 301", "1 text/css", "1 warcinfo", "1 metadata"):
        assert reason in stderr


def test_a_page_declaring_no_charset_is_decoded_with_the_http_charset(
    fixture_db: tuple[Path, Run], cli: CliRunner, tmp_path: Path
) -> None:
    db, run = fixture_db
    lines = run.json_lines()
    (page,) = (line for line in lines if line["path"] == BASE + "gbk.html")
    assert (page["status"], page["encoding"], page["title"]) == ("new", "gb18030", GBK_TITLE)
    shown = cli("--db", db, "show", str(page["document_id"]), "--json").json_lines()[0]
    assert shown["title"] == GBK_TITLE and "编码测试" in shown["text"]
    # The header is what decodes it: the page says nothing of its charset, and its bytes alone mislead
    # (the same file added on its own, with no header, is read as another encoding).
    assert declared_charset((SITE / "gbk.html").read_bytes()) is None
    _, (alone,), _ = add(cli, tmp_path / "file.db", SITE / "gbk.html")
    assert alone["encoding"] != "gb18030" and alone["title"] != GBK_TITLE


def test_the_location_keeps_the_record_date_id_and_http_headers(
    fixture_db: tuple[Path, Run],
) -> None:
    db, run = fixture_db
    lines = run.json_lines()
    (page,) = (line for line in lines if line["path"] == BASE + "gbk.html")
    with Corpus.open(db) as corpus:
        ((location, _, details),) = corpus.store.seen(page["source_id"])
    assert location == BASE + "gbk.html"
    assert details["warc_file"] == str(CRAWL) and details["warc_type"] == "response"
    assert re.fullmatch(r"<urn:uuid:[0-9a-f-]{36}>", details["warc_record_id"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", details["warc_date"])
    assert details["http_status"] == "200" and details["content_type"] == "text/html; charset=gbk"
    headers = json.loads(details["http_headers"])
    assert headers["Content-Type"] == "text/html; charset=gbk" and "Server" in headers
    # The offset is where the record's gzip member starts: the record can be found again there.
    member = CRAWL.read_bytes()[int(details["warc_offset"]) :]
    assert zlib.decompressobj(31).decompress(member).startswith(b"WARC/1.")


@pytest.mark.parametrize("name", ["notice.html", "notice.txt", "gzip.html"])
def test_a_page_in_the_warc_and_the_same_page_as_a_file_are_one_source(
    name: str, tmp_path: Path, cli: CliRunner
) -> None:
    """gzip.html went over the wire gzipped and chunked: its payload is still the file's bytes."""
    warc_db, file_db = tmp_path / "warc.db", tmp_path / "file.db"
    _, from_warc, _ = add(cli, warc_db, CRAWL)
    record = next(line for line in from_warc if line["path"] == BASE + name)
    code, (as_file,), _ = add(cli, warc_db, SITE / name)
    assert code == 0
    assert (as_file["status"], as_file["source_id"], as_file["sha256"]) == (
        "exists",
        record["source_id"],
        sha256(SITE / name),
    )
    # Added on its own into another store, the file reads to the same extract.
    _, (alone,), _ = add(cli, file_db, SITE / name)
    shown = [
        cli("--db", db, "show", str(line["document_id"]), "--json").json_lines()[0]
        for db, line in ((warc_db, record), (file_db, alone))
    ]
    assert [s["title"] for s in shown] == [shown[0]["title"]] * 2 and shown[0]["text"] == shown[1]["text"]
    assert (record["reader"], record["encoding"]) == (alone["reader"], alone["encoding"])


def test_a_record_over_the_size_limit_fails_alone_naming_the_option(tmp_path: Path, cli: CliRunner) -> None:
    code, lines, _ = add(cli, tmp_path / "c.db", CRAWL, options=("--max-file-size", "1K"))
    assert code == 1
    failed = {line["path"]: line["error"] for line in lines if line["status"] == "failed"}
    assert set(failed) == {BASE + "notice.html", BASE + "notice.txt"}  # 1,582 and 1,212 bytes
    assert all("more than the 1 KB a file may have" in e and "--max-file-size" in e for e in failed.values())
    assert {line["path"] for line in lines if line["status"] == "new"} == {BASE, BASE + "gbk.html", BASE + "gzip.html"}


def test_a_warc_in_a_zip_is_opened_as_one_on_disk(tmp_path: Path, cli: CliRunner) -> None:
    archive = tmp_path / "site.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(CRAWL, "crawls/crawl.warc.gz")
    db = tmp_path / "c.db"
    code, lines, _ = add(cli, db, archive)
    assert code == 0 and [line["path"] for line in lines] == [BASE + name for name in DOCUMENTS]
    with Corpus.open(db) as corpus:
        ((_, _, details),) = corpus.store.seen(lines[0]["source_id"])[:1]
    assert details["warc_file"] == f"{archive}!crawls/crawl.warc.gz"


def test_a_warc_inside_a_container_gives_the_same_sources_as_on_disk() -> None:
    on_disk = list(records(Input(location=str(CRAWL), path=CRAWL, name=CRAWL.name), Limits()))
    carried = list(
        records(Input(location="site.zip!crawl.warc.gz", data=CRAWL.read_bytes(), name=CRAWL.name), Limits())
    )
    assert [(i.location, i.data) for i in carried] == [(i.location, i.data) for i in on_disk]
    assert dict(carried[0].details)["warc_file"] == "site.zip!crawl.warc.gz"


# -- damaged web archives ----------------------------------------------------------------------


def members(data: bytes) -> list[tuple[int, bytes]]:
    """Each gzip member of a .warc.gz: where it starts, what it inflates to."""
    found, offset = [], 0
    while offset < len(data):
        inflater = zlib.decompressobj(31)
        found.append((offset, inflater.decompress(data[offset:])))
        offset = len(data) - len(inflater.unused_data)
    return found


def member_of(data: bytes, uri: str) -> int:
    """The index of the member holding the response record of ``uri``."""
    return next(
        i
        for i, (_, record) in enumerate(members(data))
        if b"WARC-Type: response" in record and f"<{uri}>".encode() in record
    )


def test_a_warc_cut_short_gives_the_records_before_and_a_failed_record_with_the_place(
    tmp_path: Path, cli: CliRunner
) -> None:
    data = CRAWL.read_bytes()
    index = member_of(data, BASE + "gzip.html")
    start, end = members(data)[index][0], members(data)[index + 1][0]
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: (start + end) // 2])
    code, lines, _ = add(cli, tmp_path / "c.db", cut)
    assert code == 1
    *added, broken = lines
    assert [line["path"] for line in added] == [BASE + name for name in DOCUMENTS[:4]]
    assert all(line["status"] in ("new", "copy") for line in added)
    assert broken["path"] == str(cut) and broken["status"] == "failed"
    assert f"inside the gzip member that starts at byte {start:,}: it is cut short" in broken["error"]
    assert "The 14 record(s) before were read" in broken["error"]
    # The broken WARC's bytes are kept with its failed record, as any failed file's.
    assert broken["sha256"] == sha256(cut)


def test_garbage_in_the_middle_ends_the_reading_there(tmp_path: Path, cli: CliRunner) -> None:
    data = CRAWL.read_bytes()
    start = members(data)[member_of(data, BASE + "gbk.html")][0]
    garbled = tmp_path / "garbled.warc.gz"
    garbled.write_bytes(data[:start] + b"\x00garbage from a bad disk" * 20 + data[start:])
    code, lines, _ = add(cli, tmp_path / "c.db", garbled)
    assert code == 1
    assert [line["path"] for line in lines] == [BASE + name for name in DOCUMENTS[:3]] + [str(garbled)]
    assert f"byte {start:,} is not the start of a gzip member" in lines[-1]["error"]


def test_a_file_that_is_no_warc_fails_with_its_first_bytes(tmp_path: Path, cli: CliRunner) -> None:
    fake = tmp_path / "page.warc"
    shutil.copyfile(WEB_SEED, fake)
    code, lines, _ = add(cli, tmp_path / "c.db", fake)
    assert code == 1
    ((line),) = lines
    assert line["status"] == "failed" and line["path"] == str(fake)
    assert line["error"].startswith(f"{fake}: not a web archive (WARC) that can be read: it does not begin with a WARC")
    assert "通知公告".encode()[:6].hex() not in line["error"]  # the first bytes are shown as bytes, not hex
    assert "its first bytes are b'" in line["error"]


def uncompressed() -> bytes:
    return gzip.decompress(CRAWL.read_bytes())


def sources_of(data: bytes, name: str = "crawl.warc") -> list[Input]:
    return list(records(Input(location=name, data=data, name=name), Limits(), Selection()))


def record_start(data: bytes, uri: str) -> int:
    """Where the response record of ``uri`` starts in an uncompressed WARC."""
    header = rb"WARC/1\.[01]\r\nWARC-Type: response\r\n(?:[^\r\n]+\r\n)*?WARC-Target-URI: <" + re.escape(uri.encode())
    found = re.search(header + rb">\r\n", data)
    assert found is not None, uri
    return found.start()


def test_a_wrong_content_length_loses_only_that_record_and_says_which() -> None:
    """A record whose Content-Length is wrong looks whole: the header after it shows it is not."""
    data = uncompressed()
    found = re.compile(rb"Content-Length: (\d+)\r\n").search(data, record_start(data, BASE + "gbk.html"))
    assert found is not None
    for wrong in (int(found.group(1)) - 30, int(found.group(1)) + 30):
        damaged = data[: found.start(1)] + str(wrong).encode() + data[found.end(1) :]
        *read, broken = sources_of(damaged)
        assert [i.location for i in read] == [BASE + name for name in DOCUMENTS[:3]]
        assert broken.refused is not None and broken.data == damaged
        assert f"{BASE}gbk.html, just before the damage, may not be whole and was not added" in broken.refused


def test_a_warc_cut_inside_a_record_is_not_read_as_a_record() -> None:
    data = uncompressed()
    start = record_start(data, BASE + "notice.txt")
    header_end = data.index(b"\r\n\r\n", start) + 4
    cuts = {
        "in its first header line": start + 5,
        "before its Content-Length": data.index(b"Content-Length", start) + 3,
        "in its HTTP head": header_end + 10,
        "in its payload": header_end + 300,
    }
    for where, cut in cuts.items():
        *read, broken = sources_of(data[:cut])
        assert [i.location for i in read] == [BASE, BASE + "notice.html"], where
        assert broken.refused is not None and "the web archive is damaged after" in broken.refused, where


# -- live crawls: wget against a local server ----------------------------------------------------


def crawled(site: Path, tmp_path: Path, canned: dict[str, Canned] | None = None, *, compress: bool = True) -> Path:
    needs_wget()
    with serve(site, canned) as url:
        return crawl(url, tmp_path / "crawl", compress=compress)


@pytest.mark.parametrize(
    "page", shared_files("web-boilerplate/trafilatura/pages/*.html", limit=3), ids=lambda p: p.name
)
def test_real_pages_crawled_by_wget_are_the_files_they_were_served_from(
    page: Path, tmp_path: Path, cli: CliRunner
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    pdf = next(shared("zh-web-vs-pdf").glob("*/official-style.pdf"))
    for source in (page, WEB_SEED, pdf):
        shutil.copyfile(source, site / source.name)
    warc = crawled(site, tmp_path)
    db = tmp_path / "c.db"
    code, lines, stderr = add(cli, db, warc)
    by_name = {line["path"].rsplit("/", 1)[-1]: line for line in lines}
    assert {page.name, WEB_SEED.name, pdf.name} <= by_name.keys(), stderr
    for source in (page, WEB_SEED, pdf):
        assert by_name[source.name]["sha256"] == sha256(source)
        assert by_name[source.name]["status"] in ("new", "copy")
    code, again, _ = add(cli, db, page, WEB_SEED, pdf)
    assert code == 0 and [line["status"] for line in again] == ["exists"] * 3


def test_a_warc_gzipped_as_one_stream_reads_as_the_one_wget_wrote(tmp_path: Path) -> None:
    needs_wget()
    site = tmp_path / "site"
    site.mkdir()
    shutil.copyfile(WEB_SEED, site / WEB_SEED.name)
    with serve(site) as url:
        per_record = crawl(url, tmp_path / "crawl")
        plain = crawl(url, tmp_path / "crawl", compress=False)
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes()))
    read = {}
    for warc in (per_record, plain, whole):
        sources = list(records(Input(location=str(warc), path=warc, name=warc.name), Limits()))
        assert all(i.error is None and i.refused is None for i in sources)
        read[warc.name] = [(i.location, hashlib.sha256(i.data or b"").hexdigest()) for i in sources]
    assert read["crawl.warc.gz"] == read["crawl.warc"] == read["whole.warc.gz"]
    assert read["crawl.warc"][-1] == (url + WEB_SEED.name, sha256(WEB_SEED))


def test_the_http_charset_decodes_a_real_gbk_page_without_its_meta(tmp_path: Path, cli: CliRunner) -> None:
    served = shared("zh-web-vs-pdf/D03-people-guoxinban-henan/web.as-served.gb18030.html").read_bytes()
    page = re.sub(rb"<meta[^>]*charset[^>]*>", b"", served, flags=re.I)
    assert declared_charset(page) is None
    canned = {"/page.html": Canned(200, (("Content-Type", "text/html; charset=gbk"),), page)}
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text('<html><body><a href="page.html">page</a></body></html>')
    _, lines, _ = add(cli, tmp_path / "c.db", crawled(site, tmp_path, canned))
    (line,) = (x for x in lines if x["path"].endswith("/page.html"))
    title = re.search(rb"<title>(.*?)</title>", page, re.S)
    assert title is not None
    assert line["status"] == "new" and line["encoding"] == "gb18030"
    assert line["title"] and line["title"] in title.group(1).decode("gb18030")


BOMB_MB = 40


def test_content_codings_are_undone_and_a_gzip_bomb_is_stopped_at_the_limit(tmp_path: Path, cli: CliRunner) -> None:
    page = WEB_SEED.read_bytes()
    text = ("Content-Type", "text/plain; charset=utf-8")
    canned = {
        "/br.txt": Canned(200, (text, ("Content-Encoding", "br")), brotli_compress(page)),
        "/deflate.txt": Canned(200, (text, ("Content-Encoding", "deflate")), zlib.compress(page)),
        "/chunked.txt": Canned(200, (text, ("Transfer-Encoding", "chunked")), chunked(page, 999)),
        "/bomb.html": Canned(
            200, (("Content-Type", "text/html"), ("Content-Encoding", "gzip")), gzip.compress(b" " * (BOMB_MB << 20), 9)
        ),
        "/not-gzip.txt": Canned(200, (text, ("Content-Encoding", "gzip")), page),
        "/after.txt": Canned(200, (text,), page),
        "/robots.txt": Canned(200, (text,), b"User-agent: *\nDisallow:\n"),  # wget asks for it first
    }
    site = tmp_path / "site"
    site.mkdir()
    links = "".join(f'<a href="{path[1:]}">{path}</a>' for path in canned)
    (site / "index.html").write_text(f"<html><body><p>links</p>{links}</body></html>")
    code, lines, stderr = add(
        cli, tmp_path / "c.db", crawled(site, tmp_path, canned), options=("--max-file-size", "10M")
    )
    by_name = {line["path"].rsplit("/", 1)[-1]: line for line in lines}
    assert code == 1
    assert "robots.txt" not in by_name and "1 site file for crawlers (robots.txt…)" in stderr
    for name in ("br.txt", "deflate.txt", "chunked.txt", "after.txt"):
        assert by_name[name]["sha256"] == sha256(WEB_SEED), name
    assert [by_name[n]["status"] for n in ("br.txt", "deflate.txt", "chunked.txt", "after.txt")].count("new") == 1
    bomb = by_name["bomb.html"]
    assert (
        bomb["status"] == "failed"
        and "inflates to more than 10 MB" in bomb["error"]
        and "--max-file-size" in bomb["error"]
    )
    broken = by_name["not-gzip.txt"]
    assert broken["status"] == "failed" and "is not the gzip data its Content-Encoding says" in broken["error"]
