"""Archives: each member is a source located inside its archive and read as the unpacked file; bombs fail alone.

Real archives, made here from real documents (the seed law as web-page text and as PDF
text, two w3m dumps of another law, and the shared data's web page and PDF of a Xinhua
article when ../shared is there) by Python's zipfile, tarfile and gzip and by the zip,
tar and gzip commands where they are installed. The hostile ones are built by
benchmarks/hostile.py (the folder its benchmark measures): 10 GB of zeros as a zip and
as a gzip, a zip of 10,000 overlapping entries, a zip cut short, zips nested four deep;
and here: a tar.gz of one 10 GB member, a bzip2 member whose zip directory lies about
its size, a damaged member, an encrypted one, a tar of 100,000 empty members.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import tracemalloc
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pytest
from conftest import PDF_SEED, ROOT, WEB_SEED, CliRunner, Run, in_ci, shared

from corpus.inputs.containers import MAX_DEPTH, open_container
from corpus.inputs.item import Input, file_input
from corpus.inputs.select import Selection
from corpus.limits import MB, Limits

sys.path.insert(0, str(ROOT / "benchmarks"))
from hostile import (
    ZipEntry,
    crc32_of_zeros,
    nested_zip,
    overlapping_zip,
    raw_deflate,
    run_measured,
    zeros_gzip,
    zeros_zip,
    zip_archive,
    zipped,
)

DUMPS = ROOT / "tests" / "fixtures" / "page-dumps"
XHTML = """<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Harbour works</title></head>
<body><h1>Harbour works</h1><p>The board heard the engineer on the state of the north pier and agreed
that the repairs begin in the spring, with tenders invited at once.</p></body></html>
"""
FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
<item><title>Harbour works</title><link>https://example.org/harbour</link></item></channel></rss>
"""
# The members of docs/ an add takes, relative to docs/: the law twice, the dumps twice, the XHTML page.
TAKEN = {
    f"law/{WEB_SEED.name}",
    f"law/{PDF_SEED.name}",
    "dumps/sxmu-jianchafa.w3m.txt",
    "dumps/sxmu-jianchafa.w3m-ascii.txt",
    "page.xml",
}


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A folder of documents with what a walk leaves out: hidden files, desktop litter, data files."""
    root = tmp_path / "docs"
    for folder in ("law", "dumps", "data", ".git"):
        (root / folder).mkdir(parents=True)
    shutil.copy(WEB_SEED, root / "law" / WEB_SEED.name)
    shutil.copy(PDF_SEED, root / "law" / PDF_SEED.name)
    for dump in DUMPS.glob("*.txt"):
        shutil.copy(dump, root / "dumps" / dump.name)
    (root / "page.xml").write_text(XHTML, encoding="utf-8")
    (root / "feed.xml").write_text(FEED, encoding="utf-8")
    (root / "data" / "index.csv").write_text("file,doc_id\nlaw/000.txt,1\n", encoding="utf-8")
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "law" / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    return root


def tool(name: str) -> str:
    """A real command-line tool; its test is skipped without it, and fails under CI (`.ci/run` installs it)."""
    found = shutil.which(name)
    if found is None:
        if in_ci():
            pytest.fail(f"the {name} command is not installed (CI=true: .ci/run installs it)", pytrace=False)
        pytest.skip(f"the {name} command is not installed")
    return found


def run(*command: str | Path, cwd: Path) -> None:
    subprocess.run([str(c) for c in command], cwd=cwd, check=True, capture_output=True)


# How each archive of docs/ is made, and what its members' paths start with.
Maker = Callable[[Path], Path]


def python_zip(docs: Path) -> Path:
    return Path(shutil.make_archive(str(docs.parent / "docs"), "zip", docs.parent, "docs"))


def python_tar_gz(docs: Path) -> Path:
    return Path(shutil.make_archive(str(docs.parent / "docs"), "gztar", docs.parent, "docs"))


def zip_command(docs: Path) -> Path:
    run(tool("zip"), "-qr", "docs.zip", "docs", cwd=docs.parent)
    return docs.parent / "docs.zip"


def tar_command(flag: str, name: str, needs: str | None = None) -> Maker:
    def make(docs: Path) -> Path:
        if needs:
            tool(needs)
        run(tool("tar"), flag, name, "docs", cwd=docs.parent)
        return docs.parent / name

    return make


def tar_of_dot(docs: Path) -> Path:
    """``tar -C docs .``: members named ``./law/…``, shown without the ``./``."""
    run(tool("tar"), "czf", "docs.tgz", "-C", "docs", ".", cwd=docs.parent)
    return docs.parent / "docs.tgz"


ARCHIVERS: dict[str, tuple[Maker, str]] = {
    "python-zipfile": (python_zip, "docs/"),
    "zip-command": (zip_command, "docs/"),
    "python-tarfile-gz": (python_tar_gz, "docs/"),
    "tar-command": (tar_command("cf", "docs.tar"), "docs/"),
    "tar-command-gz": (tar_command("czf", "docs.tar.gz", "gzip"), "docs/"),
    "tar-command-bz2": (tar_command("cjf", "docs.tar.bz2", "bzip2"), "docs/"),
    "tar-command-xz": (tar_command("cJf", "docs.tar.xz", "xz"), "docs/"),
    "tar-command-dot": (tar_of_dot, ""),
}


def by_member(records: list[dict[str, Any]], archive: Path) -> dict[str, dict[str, Any]]:
    """Records by member path; each must be located inside ``archive`` by its absolute path."""
    prefix = f"{archive.resolve()}!"
    assert all(r["path"].startswith(prefix) for r in records), [r["path"] for r in records]
    return {r["path"][len(prefix) :]: r for r in records}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("archiver", ARCHIVERS)
def test_each_member_is_a_source_located_in_its_archive_with_the_bytes_of_the_unpacked_file(
    cli: CliRunner, docs: Path, tmp_path: Path, archiver: str
) -> None:
    make, prefix = ARCHIVERS[archiver]
    archive = make(docs)
    added = cli("--db", tmp_path / "c.db", "add", "--json", archive)
    assert added.returncode == 0, added.stderr
    members = by_member(added.json_lines(), archive)
    assert set(members) == {prefix + relative for relative in TAKEN}
    for relative in TAKEN:
        assert members[prefix + relative]["sha256"] == sha256(docs / relative)
    # The law's web text and PDF text are one document, the two dumps another; the page a third.
    statuses = Counter(r["status"] for r in members.values())
    assert statuses == {"new": 3, "copy": 2}
    assert len({r["document_id"] for r in members.values()}) == 3
    assert "skipped 2 data files (1 CSV, 1 XML)" in added.stderr


def test_adding_the_unpacked_folder_after_its_zip_finds_every_file_there_already(
    cli: CliRunner, docs: Path, tmp_path: Path
) -> None:
    archive = zip_command(docs) if shutil.which("zip") or in_ci() else python_zip(docs)
    db = tmp_path / "c.db"
    zipped_records = by_member(cli("--db", db, "add", "--json", archive).json_lines(), archive)
    unpacked = cli("--db", db, "add", "--json", docs)
    assert unpacked.returncode == 0, unpacked.stderr
    records = {str(Path(r["path"]).relative_to(docs)): r for r in unpacked.json_lines()}
    assert set(records) == TAKEN
    for relative, record in records.items():
        assert record["status"] == "exists", record
        member = zipped_records[f"docs/{relative}"]
        assert (record["source_id"], record["document_id"]) == (member["source_id"], member["document_id"])


def test_an_archive_in_an_archive_and_a_gz_of_one_file_are_opened_too(
    cli: CliRunner, docs: Path, tmp_path: Path
) -> None:
    pages = zipped({f"dumps/{p.name}": p.read_bytes() for p in DUMPS.glob("*.txt")})
    bundle = tmp_path / "bundle.tar.gz"
    with tarfile.open(bundle, "w:gz") as tar:
        add_member(tar, "inner/pages.zip", pages)
        add_member(tar, f"law/{WEB_SEED.name}", WEB_SEED.read_bytes())
    law = tmp_path / f"{PDF_SEED.name}.gz"
    law.write_bytes(gzip.compress(PDF_SEED.read_bytes()))
    tar_gzipped = tmp_path / "dumps.gz"  # a tar, gzipped, named .gz only
    tar_gzipped.write_bytes(gzip.compress(tar_bytes({"a/note.txt": b"A note about the harbour works, in a tar.\n"})))
    added = cli("--db", tmp_path / "c.db", "add", "--json", bundle, law, tar_gzipped)
    assert added.returncode == 0, added.stderr
    records = {r["path"]: r for r in added.json_lines()}
    assert set(records) == {
        f"{bundle}!inner/pages.zip!dumps/sxmu-jianchafa.w3m.txt",
        f"{bundle}!inner/pages.zip!dumps/sxmu-jianchafa.w3m-ascii.txt",
        f"{bundle}!law/{WEB_SEED.name}",
        f"{law}!{PDF_SEED.name}",
        f"{tar_gzipped}!a/note.txt",
    }
    # The law's web text and PDF text, each in its own archive, are one document; so are the two dumps.
    assert records[f"{bundle}!law/{WEB_SEED.name}"]["document_id"] == records[f"{law}!{PDF_SEED.name}"]["document_id"]
    assert Counter(r["status"] for r in records.values()) == {"new": 3, "copy": 2}


@pytest.mark.parametrize("command", [False, True], ids=["python-gzip", "gzip-command"])
def test_a_gz_of_a_real_web_page_is_the_page(cli: CliRunner, tmp_path: Path, command: bool) -> None:
    page = shared("zh-web-vs-pdf/D02-kepu-xinhua-changsanjiao/web.original.html")
    copy = tmp_path / "web.original.html"
    shutil.copy(page, copy)
    if command:
        run(tool("gzip"), "-k", copy, cwd=tmp_path)
    else:
        (tmp_path / "web.original.html.gz").write_bytes(gzip.compress(page.read_bytes()))
    db = tmp_path / "c.db"
    added = cli("--db", db, "add", "--json", tmp_path / "web.original.html.gz")
    (record,) = added.json_lines()
    assert record["path"] == f"{tmp_path}/web.original.html.gz!web.original.html"
    assert record["status"] == "new" and record["sha256"] == sha256(page)
    (unpacked,) = cli("--db", db, "add", "--json", copy).json_lines()
    assert unpacked["status"] == "exists"


def test_a_zip_of_real_pdfs_and_pages_reads_each_member_as_the_file(cli: CliRunner, tmp_path: Path) -> None:
    folder = shared("zh-web-vs-pdf/D02-kepu-xinhua-changsanjiao")
    files = ("web.original.html", "web.browser-print.pdf", "official-style.pdf")
    archive = tmp_path / "d02.zip"
    archive.write_bytes(zipped({f"d02/{name}": (folder / name).read_bytes() for name in files}))
    db = tmp_path / "c.db"
    added = cli("--db", db, "add", "--json", archive)
    assert added.returncode == 0, added.stderr
    members = by_member(added.json_lines(), archive)
    assert {m: r["sha256"] for m, r in members.items()} == {f"d02/{n}": sha256(folder / n) for n in files}
    files_added = cli("--db", db, "add", "--json", *(folder / name for name in files)).json_lines()
    for record in files_added:
        member = members[f"d02/{Path(record['path']).name}"]
        assert (record["status"], record["document_id"]) == ("exists", member["document_id"]), record


def test_include_and_exclude_apply_to_member_paths_and_an_include_does_not_leave_an_archive_out(
    cli: CliRunner, docs: Path, tmp_path: Path
) -> None:
    archive = python_zip(docs)
    shelf = tmp_path / "shelf"
    shelf.mkdir()
    shutil.move(archive, shelf / archive.name)
    added = cli("--db", tmp_path / "c.db", "add", "--json", "--include", "*.txt", "--exclude", "dumps", shelf)
    assert added.returncode == 0, added.stderr
    members = by_member(added.json_lines(), shelf / archive.name)
    assert set(members) == {f"docs/law/{WEB_SEED.name}", f"docs/law/{PDF_SEED.name}"}
    # Left out: the two dumps (the exclude); the page, the feed and the CSV (the include).
    assert "left out 5 files by --include/--exclude" in added.stderr


def test_member_names_are_shown_as_they_are_and_only_files_are_sources(tmp_path: Path) -> None:
    note = b"A note of the harbour board, named oddly in its archive.\n"
    archive = tmp_path / "odd.tar"
    with tarfile.open(archive, "w") as tar:
        add_member(tar, "/etc/absolute.txt", note + b"1")
        add_member(tar, "../up/above.txt", note + b"2")
        add_member(tar, "__MACOSX/._above.txt", b"\x00\x05\x16\x07")
        add_member(tar, "sub/.hidden.txt", note + b"3")
        for kind, name in ((tarfile.DIRTYPE, "sub"), (tarfile.SYMTYPE, "link.txt"), (tarfile.LNKTYPE, "hard.txt"),
                           (tarfile.FIFOTYPE, "fifo"), (tarfile.CHRTYPE, "device")):
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, "/etc/passwd" if kind in (tarfile.SYMTYPE, tarfile.LNKTYPE) else ""
            tar.addfile(info)
    found = list(open_container(file_input(archive), Selection()))
    assert [(m.location, m.data) for m in found] == [
        (f"{archive}!/etc/absolute.txt", note + b"1"),
        (f"{archive}!../up/above.txt", note + b"2"),
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["odd.tar"]  # nothing is written


# -- damage and bombs -----------------------------------------------------------------


def add_member(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def tar_bytes(files: dict[str, bytes], mode: Literal["w", "w:gz"] = "w") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as tar:
        for name, data in files.items():
            add_member(tar, name, data)
    return buffer.getvalue()


def zeros_tar_gz(gigabytes: int) -> bytes:
    """A valid tar.gz of one member of ``gigabytes`` GiB of zeros (10 MB for 10 GiB)."""
    size = gigabytes * 1024 * MB
    info = tarfile.TarInfo("zeros.txt")
    info.size = size
    header = info.tobuf(tarfile.GNU_FORMAT)
    tail = bytes(2 * 512)
    crc = crc32_of_zeros(len(tail), crc32_of_zeros(size, zlib.crc32(header)))
    stream = raw_deflate([(header, 1), (bytes(MB), size // MB), (tail, 1)])
    total = len(header) + size + len(tail)
    return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + stream + struct.pack("<LL", crc, total % 2**32)


def lying_bzip2_zip() -> bytes:
    """A zip whose one bzip2 member is 32 MB of zeros and whose directory says 1,000 bytes (but its CRC is true)."""
    stored = bz2.compress(bytes(32 * MB))
    return zip_archive([ZipEntry("liar.txt", stored, 1000, crc32_of_zeros(32 * MB), method=12)])


def patched_zip(files: dict[str, bytes], name: str, *, flags: int = 0, method: int | None = None) -> bytes:
    """A zip by zipfile whose member ``name`` is marked with ``flags`` (1: encrypted) or another ``method``."""
    data = bytearray(zipped(files))
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name.encode():
                data[at + flag_at] |= flags
                if method is not None:
                    data[at + flag_at + 2 : at + flag_at + 4] = method.to_bytes(2, "little")
            at = data.find(signature, at + 1)
    return bytes(data)


def damaged_zip(files: dict[str, bytes], name: str) -> bytes:
    """A stored zip by zipfile with one byte of member ``name`` changed: its CRC no longer matches."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for member, content in files.items():
            archive.writestr(member, content)
    data = bytearray(buffer.getvalue())
    data[data.find(files[name])] ^= 0x20
    return bytes(data)


NOTE = b"The treasurer reported that the dues collected this quarter exceed those of the last.\n"
MINUTES = b"Minutes of the harbour board: the engineer on the north pier, the dredging of the channel.\n"
SEED_TEXT = WEB_SEED.read_bytes()


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def many_empty_members(count: int) -> bytes:
    """A tar.gz of ``count`` empty files and one document, built by hand (tarfile takes 60 us a member)."""
    template = bytearray(tarfile.TarInfo("x").tobuf(tarfile.USTAR_FORMAT))
    blocks = []
    for n in range(count):
        header = bytearray(template)
        header[0:100] = f"empty/{n:07d}.txt".encode().ljust(100, b"\0")
        header[148:156] = b" " * 8
        header[148:156] = b"%06o\0 " % sum(header)
        blocks.append(bytes(header))
    document = tar_bytes({"law/pdf.txt": PDF_SEED.read_bytes()})
    return gzip.compress(b"".join(blocks) + document, 6)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("archives") / "in"
    folder.mkdir()
    good = zipped({"minutes/dues.txt": NOTE, f"law/{WEB_SEED.name}": SEED_TEXT})
    files = {
        "good.zip": good,
        "bomb.zip": zeros_zip(10),
        "bomb.txt.gz": zeros_gzip(10),
        "bomb.tar.gz": zeros_tar_gz(10),
        "overlap.zip": overlapping_zip(),
        "truncated.zip": good[: len(good) // 2],
        "truncated.tar.gz": truncated(tar_bytes({"a/minutes.txt": MINUTES, "b/seed.txt": SEED_TEXT * 40}, "w:gz")),
        "page.zip": b"<!DOCTYPE html><html><body><p>Not found</p></body></html>\n",
        "deep.zip": nested_zip(MAX_DEPTH + 1, "deep.txt", b"A note four zips down.\n"),
        "liar.zip": lying_bzip2_zip(),
        "crc.zip": damaged_zip({"bad.txt": NOTE + b"!", "fine.txt": NOTE + b"?"}, "bad.txt"),
        "locked.zip": patched_zip({"secret.txt": NOTE + b"#", "open.txt": NOTE + b"%"}, "secret.txt", flags=1),
        "deflate64.zip": patched_zip({"d64.txt": NOTE + b"&"}, "d64.txt", method=9),
        "empties.tar.gz": many_empty_members(100_000),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def measured_add(folder: Path, db: Path, *args: str) -> tuple[Run, int, int]:
    """`corpus add --json` of ``folder``; its run, the largest process's peak RSS and the tree's peak PSS (bytes)."""
    wrapper = (
        "import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)"
    )
    command = [sys.executable, "-c", wrapper, sys.executable, "-m", "corpus", "--db", str(db), "add", "--json", *args]
    measured = run_measured([*command, str(folder)])
    *stderr, largest_kb = measured.stderr.rstrip("\n").split("\n")
    return Run(measured.returncode, measured.stdout, "\n".join(stderr)), int(largest_kb) * 1024, measured.peak_pss


def test_each_bomb_and_broken_archive_gets_one_failed_record_and_the_rest_goes_in(hostile: Path, tmp_path: Path) -> None:
    added, largest, tree = measured_add(hostile, tmp_path / "c.db", "--jobs", "2")
    assert added.returncode == 1
    assert "Traceback" not in added.stderr, added.stderr
    records = {str(Path(r["path"]).relative_to(hostile)): r for r in added.json_lines()}
    expected = {  # "added": new, or a copy of another added
        "good.zip!minutes/dues.txt": "added",
        f"good.zip!law/{WEB_SEED.name}": "added",
        "empties.tar.gz!law/pdf.txt": "added",
        "crc.zip!fine.txt": "added",
        "locked.zip!open.txt": "added",
        "truncated.tar.gz!a/minutes.txt": "added",
        "bomb.zip!zeros.txt": "failed:decompresses to 10 GB from 10 MB, more than 200 times over",
        "bomb.txt.gz": "failed:its member bomb.txt decompresses to",
        "bomb.tar.gz": "failed:its member zeros.txt decompresses to",
        "overlap.zip": "failed:a zip bomb: 9,999 of its 10,000 entries overlap",
        "truncated.zip": "failed:not a zip archive, or one cut short",
        "truncated.tar.gz": "failed:truncated",
        "page.zip": "failed:not a zip archive",
        "deep.zip!level2.zip!level3.zip!level4.zip": "failed:an archive nested more than 3 deep; not opened",
        "liar.zip!liar.txt": "failed:damaged in the archive",
        "crc.zip!bad.txt": "failed:damaged in the archive: its bytes do not match its CRC",
        "locked.zip!secret.txt": "failed:encrypted",
        "deflate64.zip!d64.txt": "failed:compressed with Deflate64, which corpus cannot decompress",
    }
    assert len(added.json_lines()) == len(records) == len(expected), sorted(records)
    for path, want in expected.items():
        record = records[path]
        status, _, words = want.partition(":")
        if status == "added":
            assert record["status"] in ("new", "copy") and record["document_id"] is not None, (path, record)
            continue
        assert record["status"] == status, (path, record)
        assert record["error"].startswith(record["path"]) and words in record["error"], (path, record["error"])
        assert "Traceback" not in record["error"] and "[Errno" not in record["error"]
    # A broken archive on disk keeps its bytes with its record; a member that was not read has none.
    assert records["truncated.zip"]["sha256"] == sha256(hostile / "truncated.zip")
    assert records["bomb.txt.gz"]["sha256"] == sha256(hostile / "bomb.txt.gz")
    assert records["bomb.zip!zeros.txt"]["sha256"] is None
    assert "skipped 100000 empty files in archives" in added.stderr
    # 30 GB of bombs, 10 TB of overlapping entries: the whole add stays far below 1 GB.
    assert largest < 400 * MB, largest
    assert tree < 1024 * MB, tree


def test_a_bomb_made_of_many_small_members_stops_at_the_decompressed_size_limit() -> None:
    limits = Limits(max_decompressed_size=8 * MB)
    archive = tar_bytes({f"zeros/{n:02}.txt": bytes(MB) for n in range(20)}, "w:gz")  # 20 MB from 20 KB
    found = list(open_container(Input("/x/zeros.tar.gz", data=archive, name="zeros.tar.gz"), Selection(), limits))
    *members, last = found
    assert 0 < len(members) <= 8 and all(m.data == bytes(MB) for m in members)
    assert last.location == "/x/zeros.tar.gz" and last.error is not None
    assert "decompress to more than 8 MB" in last.error and "--max-decompressed-size" in last.error
    # A zip says its sizes: it is refused whole, before any member is read.
    zipped_zeros = zipped({f"zeros/{n:02}.txt": bytes(MB) for n in range(20)})
    (refused,) = open_container(Input("/x/zeros.zip", data=zipped_zeros, name="zeros.zip"), Selection(), limits)
    assert refused.error is not None and "nothing in it was read" in refused.error


def test_a_member_over_the_size_limit_fails_alone_and_what_follows_it_is_read() -> None:
    limits = Limits(max_file_size=1 * MB)
    big = SEED_TEXT * (2 * MB // len(SEED_TEXT) + 1)
    for name, archive in (("x.tar.gz", tar_bytes({"big.txt": big, "note.txt": NOTE}, "w:gz")),
                          ("x.zip", zipped({"big.txt": big, "note.txt": NOTE}))):
        too_large, note = open_container(Input(f"/x/{name}", data=archive, name=name), Selection(), limits)
        assert too_large.location == f"/x/{name}!big.txt" and too_large.data is None
        assert too_large.error is not None and "more than the 1 MB a file may have" in too_large.error
        assert "--max-file-size" in too_large.error
        assert (note.location, note.data) == (f"/x/{name}!note.txt", NOTE)
    gzipped = gzip.compress(big)
    (member,) = open_container(Input("/x/big.txt.gz", data=gzipped, name="big.txt.gz"), Selection(), limits)
    assert member.error is not None and "decompresses to more than 1 MB" in member.error


def test_zip64_bzip2_and_lzma_members_are_read() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, method in (("deflated.txt", zipfile.ZIP_DEFLATED), ("bzip2.txt", zipfile.ZIP_BZIP2),
                             ("lzma.txt", zipfile.ZIP_LZMA), ("stored.txt", zipfile.ZIP_STORED)):
            info = zipfile.ZipInfo(name)
            info.compress_type = method
            with archive.open(info, "w", force_zip64=True) as member:
                member.write(SEED_TEXT + name.encode())
    found = list(open_container(Input("/x/x.zip", data=buffer.getvalue(), name="x.zip"), Selection()))
    assert [(m.location, m.data) for m in found] == [
        (f"/x/x.zip!{name}", SEED_TEXT + name.encode())
        for name in ("deflated.txt", "bzip2.txt", "lzma.txt", "stored.txt")
    ]


def test_a_bzip2_member_that_lies_about_its_size_costs_no_memory() -> None:
    archive = lying_bzip2_zip()
    tracemalloc.start()
    try:
        (liar,) = open_container(Input("/x/liar.zip", data=archive, name="liar.zip"), Selection())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert liar.error is not None and "damaged in the archive" in liar.error
    assert peak < 4 * MB, peak  # zipfile would have inflated all 64 MB at once


def test_a_tar_damaged_after_its_first_member_says_so_after_giving_what_came_before() -> None:
    good = tar_bytes({"a.txt": NOTE, "b.txt": SEED_TEXT, "c.txt": NOTE + b"c"})
    damaged = bytearray(good)
    second = 512 + 512  # a.txt's header and its one block of data
    damaged[second + 148] ^= 0x01  # b.txt's header checksum
    found = list(open_container(Input("/x/d.tar", data=bytes(damaged), name="d.tar"), Selection()))
    assert [m.location for m in found] == ["/x/d.tar!a.txt", "/x/d.tar"]
    assert found[1].error is not None and "a damaged tar header" in found[1].error
    assert "the member before it was read" in found[1].error


def test_an_archive_that_cannot_be_read_fails_with_the_reason(tmp_path: Path) -> None:
    unreadable = tmp_path / "missing.zip"
    (record,) = open_container(file_input(unreadable), Selection())
    assert record.error is not None and "no such file" in record.error
    fifo = tmp_path / "pipe.tar"
    os.mkfifo(fifo)
    (passed,) = open_container(file_input(fifo), Selection())  # not opened, not waited on: the stage says what it is
    assert passed.path == fifo and passed.error is None

