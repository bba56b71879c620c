"""Peak memory and time of ``corpus add`` on a folder of hostile files beside good ones.

    python benchmarks/hostile.py [--jobs 1,2] [--keep DIR] [-- extra corpus add options]

The folder is built here, for real (``build``, which tests/test_hostile.py uses too):
an empty file, random bytes, random bytes named ``.html``, a file of NUL bytes, a
truncated PDF, text named ``.pdf``, HTML nested 200,000 elements deep, a 9 MB single
line of text, a valid PDF whose page stream inflates to 600 MB (600 KB on disk),
a zip and a gzip of 10 GB of zeros (10 MB each), a zip of 10,000 entries that overlap
(each the same 1 GB of zeros), a zip cut short, zips nested four deep, symbolic-link
loops (two links to each other, a link to its own folder), a link to nothing, a file
and a folder with no permissions (readable anyway when this runs as root), beside the
two seed files, a good PDF and a good zip. Each ``--jobs`` runs one ``corpus add
--json`` into a new store, as a user would.

Memory is that of the whole process tree (the command and its worker processes),
sampled every 20 ms from /proc: the peak of the tree's summed resident sets (RSS;
pages the workers share with the parent count once per process, so this overstates)
and of its summed proportional sets (PSS: shared pages split between the processes
that share them, what the tree really holds), and the largest single process.
Linux only.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
MB = 1024 * 1024
# The page stream of the bomb: one line of text, then this many MiB of spaces.
BOMB_MB = 600
ONE_LINE_BYTES = 9_000_000
NESTING = 200_000
# The words of the varied line: 25 common ones, drawn at random, give 25**5 possible 5-word shingles.
_WORDS = (
    *("the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with"),
    *("be", "by", "on", "not", "he", "this", "are", "or", "his", "from", "at", "which"),
)


# -- the files -----------------------------------------------------------------------


def raw_deflate(parts: Iterable[tuple[bytes, int]]) -> bytes:
    """A raw deflate stream (as in a zip or a gzip) of each ``(data, times)`` part repeated ``times`` times.

    Made in milliseconds: each part is compressed once, alone and flushed to a byte
    boundary, and its blocks repeated; a part's blocks refer to nothing before them,
    so the repetition is a valid stream.
    """
    out = []
    for data, times in parts:
        raw = zlib.compressobj(9, zlib.DEFLATED, -15)
        out.append((raw.compress(data) + raw.flush(zlib.Z_FULL_FLUSH)) * times)
    out.append(zlib.compressobj(9, zlib.DEFLATED, -15).flush())
    return b"".join(out)


def deflate(parts: Iterable[tuple[bytes, int]]) -> bytes:
    """A zlib stream (as in a PDF) of each ``(data, times)`` part repeated ``times`` times (:func:`raw_deflate`).

    zlib checks it, Adler-32 included.
    """
    parts = list(parts)
    adler = 1
    for data, times in parts:
        for _ in range(times):
            adler = zlib.adler32(data, adler)
    return b"\x78\xda" + raw_deflate(parts) + adler.to_bytes(4, "big")


def text_operators(lines: Sequence[str]) -> bytes:
    """A page stream showing ``lines`` (ASCII) in Helvetica, one below the other."""
    shown = " ".join(f"({line.replace('(', '[').replace(')', ']')}) Tj 0 -16 Td" for line in lines)
    return f"BT /F1 12 Tf 72 740 Td {shown} ET\n".encode("ascii")


def pdf(*streams: bytes) -> bytes:
    """A valid PDF with one page per zlib stream in ``streams``, its content (FlateDecode)."""
    pages = len(streams)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(pages)).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, stream in enumerate(streams):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % (5 + 2 * i)
        )
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# -- archives (built by hand where zipfile and gzip would have to compress gigabytes) --

ZEROS_GB = 10
"""What the zip and the gzip bomb decompress to, in GiB of zeros (about 10 MB each on disk)."""
OVERLAPPING = 10_000
"""Entries of the overlapping zip, each the same 1 GiB of zeros."""


def crc32_of_zeros(count: int, crc: int = 0) -> int:
    """``zlib.crc32(bytes(count), crc)`` without the bytes: microseconds for the gigabytes of a bomb.

    The CRC register's step over one zero bit is linear over GF(2), a 32×32 matrix;
    squaring it gives the step over 2, 4, 8… bits, as zlib's ``crc32_combine`` does.
    """
    step = [0xEDB88320, *(1 << bit for bit in range(31))]  # one zero bit: matrix columns
    for _ in range(3):
        step = _square(step)  # one zero byte
    register = crc ^ 0xFFFFFFFF
    while count:
        if count & 1:
            register = _times(step, register)
        count >>= 1
        step = _square(step)
    return register ^ 0xFFFFFFFF


def _times(matrix: list[int], vector: int) -> int:
    out, bit = 0, 0
    while vector:
        if vector & 1:
            out ^= matrix[bit]
        vector >>= 1
        bit += 1
    return out


def _square(matrix: list[int]) -> list[int]:
    return [_times(matrix, column) for column in matrix]


@dataclass(frozen=True)
class ZipEntry:
    """One entry of a zip made by hand: its name, its bytes as stored, the size and CRC they decompress to."""

    name: str
    stored: bytes
    size: int
    crc: int
    method: int = 8  # deflate
    at: int | None = None
    """Where the directory says its local header is; None: where it is written."""


def zip_archive(entries: Sequence[ZipEntry]) -> bytes:
    """A zip of ``entries``, ZIP64 where a size needs it (as ``zip`` writes one of a 10 GB file)."""
    out, directory = bytearray(), bytearray()
    for entry in entries:
        name = entry.name.encode()
        zip64 = max(entry.size, len(entry.stored)) >= 0xFFFFFFFF
        extra = struct.pack("<HHQQ", 1, 16, entry.size, len(entry.stored)) if zip64 else b""
        sizes = (0xFFFFFFFF, 0xFFFFFFFF) if zip64 else (len(entry.stored), entry.size)
        version, at = (45 if zip64 else 20), (len(out) if entry.at is None else entry.at)
        head = (version, 0, entry.method, 0, 0x21, entry.crc, *sizes, len(name), len(extra))
        if entry.at is None:
            out += struct.pack("<4s5H3L2H", b"PK\x03\x04", *head) + name + extra + entry.stored
        directory += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 0x031E, *head, 0, 0, 0, 0o100644 << 16, at)
        directory += name + extra
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), len(out), 0)
    return bytes(out + directory + end)


def zeros_entry(name: str, gigabytes: int) -> ZipEntry:
    size = gigabytes * 1024 * MB
    return ZipEntry(name, raw_deflate([(bytes(MB), size // MB)]), size, crc32_of_zeros(size))


def zeros_zip(gigabytes: int = ZEROS_GB) -> bytes:
    """A valid zip of one file of ``gigabytes`` GiB of zeros: a zip bomb of 1 MB a GiB (``unzip -t`` passes it)."""
    return zip_archive([zeros_entry("zeros.txt", gigabytes)])


def zeros_gzip(gigabytes: int = ZEROS_GB) -> bytes:
    """A valid gzip of ``gigabytes`` GiB of zeros: a gzip bomb of 1 MB a GiB (``gzip -t`` passes it)."""
    size = gigabytes * 1024 * MB
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"
    return header + raw_deflate([(bytes(MB), size // MB)]) + struct.pack("<LL", crc32_of_zeros(size), size % 2**32)


def overlapping_zip(entries: int = OVERLAPPING) -> bytes:
    """A zip whose ``entries`` entries are all one kernel of 1 GiB of zeros (the trick of the "better zip bomb")."""
    kernel = zeros_entry("0.txt", 1)
    return zip_archive([kernel, *(replace(kernel, name=f"{n}.txt", at=0) for n in range(1, entries))])


def zipped(files: dict[str, bytes]) -> bytes:
    """A zip of ``files`` (name → bytes), as Python's zipfile writes one."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def nested_zip(depth: int, name: str, data: bytes) -> bytes:
    """``data`` as ``name`` in a zip, in a zip… ``depth`` zips deep (``level2.zip`` in the outer one, and so on)."""
    for level in range(depth, 1, -1):
        data, name = zipped({name: data}), f"level{level}.zip"
    return zipped({name: data})


GOOD_PDF_LINES = (
    "Minutes of the harbour board, third meeting of the year.",
    "The board heard the engineer on the state of the north pier and the dredging of the channel.",
    "It was agreed that the repairs begin in the spring and that tenders be invited at once.",
    "The treasurer reported that the dues collected this quarter exceed those of the last.",
    "The meeting closed at nine with thanks to the chair.",
)


def build(folder: Path, *, varied_line: bool = True) -> dict[str, str]:
    """Make the hostile folder (see the module docstring) in ``folder``; each path in it → what it is.

    The 9 MB line is of words drawn at random, as costly to fingerprint as prose of
    that length (every 5-word shingle new); ``varied_line=False`` makes it one
    sentence over and over, which reads in a fifth of the time (for the tests).
    """
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(10)
    made: dict[str, str] = {}

    def put(name: str, data: bytes, what: str) -> None:
        (folder / name).write_bytes(data)
        made[name] = what

    for seed in sorted(SEEDS.iterdir()):
        put(seed.name, seed.read_bytes(), "good: a seed file")
    good = pdf(deflate([(text_operators(GOOD_PDF_LINES), 1)]))
    put("good.pdf", good, "good: a PDF")
    put("empty.txt", b"", "an empty file")
    put("random.bin", rng.randbytes(MB), "random bytes")
    put("random.html", rng.randbytes(MB), "random bytes named .html")
    put("nul.txt", bytes(MB), "NUL bytes")
    put("truncated.pdf", good[: len(good) // 2], "a truncated PDF")
    put("text.pdf", b"A plain text note, saved with the wrong name: it is not a PDF at all.\n", "text named .pdf")
    deep = "<html><body>" + "<div>" * NESTING + "deep text" + "</div>" * NESTING + "</body></html>"
    put("deep.html", deep.encode(), f"HTML nested {NESTING:,} deep")
    if varied_line:
        line = " ".join(rng.choice(_WORDS) for _ in range(ONE_LINE_BYTES // 3))
    else:
        line = "One sentence said again and again, on a line that never ends. " * (ONE_LINE_BYTES // 63 + 1)
    put("one-line.txt", line[:ONE_LINE_BYTES].encode(), "a 9 MB single line")
    bomb = deflate([(text_operators(["A page of text, then a lot of nothing."]), 1), (b" " * MB, BOMB_MB)])
    put("bomb.pdf", pdf(bomb), f"a PDF whose page stream inflates to {BOMB_MB} MB")
    note = b"Minutes of the harbour board, kept in a zip beside its bombs.\n"
    good_zip = zipped({"minutes/harbour.txt": note})
    put("good.zip", good_zip, "good: a zip of a note")
    put("bomb.zip", zeros_zip(), f"a zip of {ZEROS_GB} GB of zeros")
    put("bomb.txt.gz", zeros_gzip(), f"a gzip of {ZEROS_GB} GB of zeros")
    put("overlap.zip", overlapping_zip(), f"a zip of {OVERLAPPING:,} entries sharing one kernel of 1 GB of zeros")
    put("truncated.zip", good_zip[: len(good_zip) // 2], "a zip cut short")
    put("deep.zip", nested_zip(4, "deep.txt", b"A note four zips down.\n"), "zips nested 4 deep")
    os.symlink("loop-b", folder / "loop-a")
    os.symlink("loop-a", folder / "loop-b")
    made["loop-a"] = made["loop-b"] = "a symbolic-link loop"
    (folder / "tree" / "sub").mkdir(parents=True)
    (folder / "tree" / "sub" / "note.txt").write_text("A note in a folder with a link back up to its parent.\n")
    made["tree/sub/note.txt"] = "good: a note"
    os.symlink("..", folder / "tree" / "sub" / "up")
    made["tree/sub/up"] = "a link to its own parent folder"
    os.symlink("nowhere.txt", folder / "dangling.txt")
    made["dangling.txt"] = "a link to nothing"
    put("unreadable.txt", b"A note nobody may read.\n", "a file without permissions")
    (folder / "unreadable.txt").chmod(0)
    (folder / "locked").mkdir()
    (folder / "locked" / "inside.txt").write_text("A note in a folder nobody may list.\n")
    (folder / "locked").chmod(0)
    made["locked"] = "a folder without permissions"
    return made


def unlock(folder: Path) -> None:
    """Give back the permissions ``build`` took, so that the folder can be removed."""
    for path in (folder / "unreadable.txt", folder / "locked"):
        if path.exists():
            path.chmod(0o755)


# -- measuring -----------------------------------------------------------------------


@dataclass
class Measured:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss: int  # bytes, the tree's summed resident sets at their peak
    peak_pss: int  # bytes, the tree's summed proportional sets at their peak
    largest: int  # bytes, the largest resident set of one process


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from /proc."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo.extend(int(child) for child in children.read().split())
        except OSError:
            continue
    return found


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes; (0, 0) once it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            fields = dict(line.split(":", 1) for line in rollup if ":" in line and not line.startswith(" "))
    except OSError:
        return 0, 0
    kb = {key: int(value.split()[0]) * 1024 for key, value in fields.items() if value.strip().endswith("kB")}
    return kb.get("Rss", 0), kb.get("Pss", 0)


def run_measured(command: Sequence[str], env: dict[str, str] | None = None, interval: float = 0.02) -> Measured:
    """Run ``command``, sampling its process tree's memory every ``interval`` seconds."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peaks = {"rss": 0, "pss": 0, "largest": 0}

    def sample() -> None:
        while proc.poll() is None:
            sizes = [_memory(pid) for pid in _tree(proc.pid)]
            peaks["rss"] = max(peaks["rss"], sum(rss for rss, _ in sizes))
            peaks["pss"] = max(peaks["pss"], sum(pss for _, pss in sizes))
            peaks["largest"] = max(peaks["largest"], max((rss for rss, _ in sizes), default=0))
            time.sleep(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - started
    sampler.join()
    return Measured(proc.returncode, stdout, stderr, seconds, peaks["rss"], peaks["pss"], peaks["largest"])


def _mb(size: int) -> str:
    return f"{size / MB:,.0f} MB"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", default="1,2", help="comma-separated --jobs values to run (default 1,2)")
    parser.add_argument("--keep", type=Path, help="build the folder here and keep it")
    parser.add_argument("--records", action="store_true", help="print each file's status and error")
    parser.add_argument("extra", nargs="*", help="more `corpus add` options, after --")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="corpus-hostile-"))
    folder = args.keep or work / "hostile"
    try:
        made = build(folder)
        print(f"hostile folder {folder}: {len(made)} entries; the whole process tree's memory, sampled every 20 ms")
        print(f"{'jobs':>4}  {'exit':>4}  {'records':>7}  {'seconds':>7}  {'peak RSS':>9}  {'peak PSS':>9}  "
              f"{'largest':>9}  statuses")
        for jobs in args.jobs.split(","):
            db = work / f"jobs{jobs}.db"
            command = [sys.executable, "-m", "corpus", "--db", str(db), "add", "--json", "--jobs", jobs, *args.extra]
            measured = run_measured([*command, str(folder)])
            records = [json.loads(line) for line in measured.stdout.splitlines() if line.strip()]
            statuses = Counter(record["status"] for record in records)
            tally = ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
            print(
                f"{jobs:>4}  {measured.returncode:>4}  {len(records):>7}  {measured.seconds:>7.1f}  "
                f"{_mb(measured.peak_rss):>9}  {_mb(measured.peak_pss):>9}  {_mb(measured.largest):>9}  {tally}"
            )
            if "Traceback" in measured.stderr:
                print(measured.stderr, file=sys.stderr)
            if args.records:
                for record in records:
                    print(f"      {record['status']:<7} {record['path']}  {record['error'] or ''}")
    finally:
        unlock(folder)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
