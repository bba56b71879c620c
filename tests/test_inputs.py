"""Choosing inputs and where they are recorded: --files-from, --include/--exclude, data files, absolute locations.

Real files: the two seeds (a Chinese law as a web page's text and as a PDF's text), the
data files of ../shared/data/gutenberg (a CSV and a JSON Lines file of its ground truth),
an RSS feed and an HTML page saved as ``.xml`` from ../shared/data/encoding-detection.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import PDF_SEED, WEB_SEED, CliRunner, shared

FEED = "encoding-detection/char-dataset/euc_kr/blog.empas.com.xml"
PAGE_AS_XML = "encoding-detection/char-dataset/cp932/www2.chuo-u.ac.jp-suishin.xml"


def copy(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def added(run_lines: list[dict[str, object]]) -> list[str]:
    return sorted(Path(str(r["path"])).name for r in run_lines)


def test_a_file_added_from_three_working_folders_is_one_absolute_location_first_seen_once(
    cli: CliRunner, tmp_path: Path
) -> None:
    page = copy(WEB_SEED, tmp_path / "a" / "b" / "page.txt")
    db = tmp_path / "c.db"
    before = datetime.now(UTC)
    runs = [
        cli("--db", db, "add", "--json", "a/b/page.txt", cwd=tmp_path),
        cli("--db", db, "add", "--json", "b/page.txt", cwd=tmp_path / "a"),
        cli("--db", db, "add", "--json", "./../b/../b/page.txt", cwd=tmp_path / "a" / "b"),
    ]
    records = [run.json_lines()[0] for run in runs]
    assert [r["status"] for r in records] == ["new", "exists", "exists"]
    assert {r["path"] for r in records} == {str(page)}  # absolute, `..` and `.` taken out
    source = cli("--db", db, "source", "1", "--json").json_lines()[0]
    assert source["locations"] == [str(page)]
    with sqlite3.connect(db) as con:
        ((location, first_seen),) = con.execute("SELECT location, added_at FROM locations").fetchall()
    assert location == str(page)
    assert before <= datetime.fromisoformat(first_seen) <= datetime.now(UTC)


def test_files_from_a_list_standard_input_and_nul_separated(cli: CliRunner, tmp_path: Path) -> None:
    web, pdf = copy(WEB_SEED, tmp_path / "in" / "web page.txt"), copy(PDF_SEED, tmp_path / "in" / "pdf.txt")
    listing = tmp_path / "list.txt"
    listing.write_text(f"{web}\n\n{pdf}\n", encoding="utf-8")
    run = cli("--db", tmp_path / "one.db", "add", "--json", "--files-from", listing)
    assert run.returncode == 0, run.stderr
    # Sources are matched in the order of their locations, whatever the list's order.
    assert [(Path(r["path"]).name, r["status"]) for r in run.json_lines()] == [("pdf.txt", "new"), ("web page.txt", "copy")]

    proc = subprocess.run(
        [sys.executable, "-m", "corpus", "--db", str(tmp_path / "two.db"), "add", "--json", "-0", "--files-from", "-"],
        input=f"{web}\0{pdf}\0",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(line)["status"] for line in proc.stdout.splitlines()] == ["new", "copy"]
    assert Path(json.loads(proc.stdout.splitlines()[1])["path"]).name == "web page.txt"


def test_nothing_named_is_a_usage_error(cli: CliRunner, tmp_path: Path) -> None:
    run = cli("--db", tmp_path / "c.db", "add")
    assert run.returncode == 2
    assert "nothing to add" in run.stderr and "Traceback" not in run.stderr


def test_include_and_exclude_choose_what_a_walk_takes(cli: CliRunner, tmp_path: Path) -> None:
    site = tmp_path / "site"
    copy(WEB_SEED, site / "keep-web.txt")
    copy(PDF_SEED, site / "drafts" / "keep-pdf.txt")
    copy(PDF_SEED, site / "old" / "other.txt")

    def names(*options: str, db: str) -> list[str]:
        run = cli("--db", tmp_path / db, "add", "--json", *options, site)
        assert run.returncode == 0, run.stderr
        return added(run.json_lines())

    assert names("--exclude", "drafts", db="a.db") == ["keep-web.txt", "other.txt"]
    assert names("--include", "keep-*", db="b.db") == ["keep-pdf.txt", "keep-web.txt"]
    assert names("--include", "keep-*", "--exclude", "drafts/*", db="c.db") == ["keep-web.txt"]
    run = cli("--db", tmp_path / "d.db", "add", "--exclude", "old", site)
    assert "left out 1 file by --include/--exclude" in run.stderr
    # What is named itself is always taken.
    run = cli("--db", tmp_path / "e.db", "add", "--json", "--exclude", "*.txt", site / "keep-web.txt")
    assert [r["status"] for r in run.json_lines()] == ["new"]


def test_a_walk_skips_data_files_and_says_how_many_named_they_fail(cli: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "collection"
    copy(WEB_SEED, folder / "law.txt")
    copy(shared("gutenberg/derived.csv"), folder / "groundtruth.csv")
    copy(shared("gutenberg/provenance.jsonl"), folder / "provenance.jsonl")
    copy(shared(FEED), folder / "feed.xml")
    copy(shared(PAGE_AS_XML), folder / "page.xml")  # an HTML page saved as .xml: a document
    db = tmp_path / "c.db"
    run = cli("--db", db, "add", "--json", folder)
    assert run.returncode == 0, run.stderr
    assert added(run.json_lines()) == ["law.txt", "page.xml"]
    assert "skipped 3 data files (1 CSV, 1 JSON Lines, 1 XML): not documents" in run.stderr

    named = cli("--db", db, "add", "--json", folder / "groundtruth.csv")
    assert named.returncode == 1
    (record,) = named.json_lines()
    assert record["status"] == "failed" and record["source_id"] is not None  # its bytes are kept
    assert record["error"] == (
        f"{folder / 'groundtruth.csv'}: a data file (CSV), not a document; corpus adds documents "
        "(web pages, PDFs, text). A folder walk skips such files"
    )


def test_a_listing_keeps_its_inputs_compactly_and_gives_them_back_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a listing keeps of each file (a location, a relative path) makes the very Input a walk found."""
    from corpus.inputs import Input, Listing, _order
    from corpus.inputs.item import file_input

    for name in ("b/z.txt", "b-c/y.txt", "a/x.txt", "a.txt", "a/b/w.txt", "data.csv"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    listing = Listing(["b", str(tmp_path / "a"), "a.txt", "data.csv", "https://example.org/page.html"])
    found = listing.found()
    walked = [
        file_input(Path("b/z.txt")),
        file_input(tmp_path / "a" / "b" / "w.txt"),
        file_input(tmp_path / "a" / "x.txt"),
        file_input(Path("a.txt")),
    ]
    assert [item for item in found if item.url is None and item.refused is None] == sorted(
        walked, key=lambda item: item.location.split("/")
    )
    assert [item.location for item in found] == sorted((i.location for i in found), key=lambda loc: loc.split("/"))
    assert found[-1] == Input("https://example.org/page.html", url="https://example.org/page.html", name="page.html")
    assert next(item for item in found if item.name == "data.csv").refused  # kept as the Input it is
    assert listing.found() == found and list(listing) == found and listing.count() == len(found)
    # The one key sorts as the parts between slashes do, NULs and all.
    locations = ["/a/b", "/a-b", "/a", "/a/", "/a\0/b", "/a\0", "/a\1", "/", "", "/ab"]
    assert sorted(locations, key=_order) == sorted(locations, key=lambda loc: loc.split("/"))
