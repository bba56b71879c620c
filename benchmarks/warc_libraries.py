"""warcio or FastWARC? Their speed and robustness on real crawls, to choose the WARC library of ``corpus add``.

    python benchmarks/warc_libraries.py [--repeat N] [--runs 3] [--keep DIR] [--out FILE]

A local HTTP server (Python's ``http.server``, on 127.0.0.1, in a thread) serves a
folder of real pages: ``seeds/``, the HTML, PDF and text files of
``../shared/data/zh-web-vs-pdf`` and the pages of ``../shared/data/web-boilerplate``.
wget crawls it (``--recursive --warc-file``) twice: once as wget writes by default
(each record its own gzip member) and once uncompressed (``--no-warc-compression``);
the uncompressed WARC gzipped as a whole is the third variant (one gzip stream over
all the records, as ``gzip crawl.warc`` makes). ``--repeat N`` concatenates each
crawl N times (still a valid WARC) so that the timings are long enough to compare.

Speed: each library iterates every record of each variant and reads every payload
(the HTTP body, de-chunked and decoded by the library where it can), median of
``--runs`` runs, all in this one process; ``corpus.inputs.warc.records`` (FastWARC
under corpus's own decompression, HTTP parsing and limits) is timed beside them.

Robustness: the same readers on damaged copies of the crawl: cut short, random
bytes inserted between records or inside one, a wrong ``Content-Length``, a file
that is not a WARC at all, and HTTP payloads a server may really send (chunked,
gzip, deflate, brotli, a gzip bomb, a gzip body that is not gzip). For each: how
many records came out, and whether the damage was reported (an exception) or
passed over in silence, and what the library wrote to stderr.

The results go to ``benchmarks/results/warc_libraries.md``. The server and the crawl
are :mod:`local_crawl`'s, as the tests' are.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import importlib
import io
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from local_crawl import Canned, chunked, crawl, serve

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results" / "warc_libraries.md"
# What the benchmark site is made of: (folder, the globs of the files taken from it).
SITE_SOURCES = (
    (ROOT / "seeds", ("*.txt",)),
    (SHARED_DATA / "zh-web-vs-pdf", ("**/*.html", "**/*.pdf", "**/*.txt")),
    (SHARED_DATA / "web-boilerplate", ("**/*.html",)),
)
MB = 1024 * 1024


# -- the benchmark's site -------------------------------------------------------------------


def build_site(folder: Path) -> int:
    """Copy the benchmark's real pages into ``folder`` (their folders kept); the number of files."""
    count = 0
    for source, patterns in SITE_SOURCES:
        if not source.is_dir():
            raise SystemExit(f"{source} is missing: the benchmark crawls the shared test data")
        for pattern in patterns:
            for path in sorted(source.glob(pattern)):
                target = folder / source.name / path.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
                count += 1
    return count


# -- the readers ------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a reader made of one WARC: records and payload bytes read, the exception it ended on, its stderr."""

    records: int = 0
    payload_bytes: int = 0
    error: str | None = None
    stderr: str = ""
    seconds: float = 0.0


def _drain(stream: Callable[[int], bytes]) -> int:
    size = 0
    while chunk := stream(1 << 16):
        size += len(chunk)
    return size


def _warcio_iterator() -> Any:
    """warcio's ArchiveIterator; warcio ships no type information (and is installed for this benchmark only)."""
    return importlib.import_module("warcio.archiveiterator").ArchiveIterator


def read_warcio(path: Path, outcome: Outcome) -> None:
    """warcio: every record, every payload through ``content_stream()`` (de-chunked, decoded)."""
    ArchiveIterator = _warcio_iterator()

    with open(path, "rb") as file:
        for record in ArchiveIterator(file):
            outcome.records += 1
            outcome.payload_bytes += _drain(record.content_stream().read)


def read_fastwarc(path: Path, outcome: Outcome) -> None:
    """FastWARC: every record, every payload with HTTP parsed and decoded by the library (``auto_decode="all"``)."""
    from fastwarc.warc import ArchiveIterator

    for record in ArchiveIterator(str(path), auto_decode="all"):
        outcome.records += 1
        outcome.payload_bytes += _drain(record.reader.read)


def read_corpus(path: Path, outcome: Outcome) -> None:
    """corpus.inputs.warc.records: the sources an add takes from the WARC, and its report of damage.

    Its records are the sources it gives and the records it skipped (requests,
    redirects, stylesheets...), so that they compare with the libraries' counts.
    """
    from corpus.inputs import Input
    from corpus.inputs.select import Selection
    from corpus.inputs.warc import records
    from corpus.limits import DEFAULT_LIMITS

    selection = Selection()
    for item in records(Input(location=str(path), path=path, name=path.name), DEFAULT_LIMITS, selection):
        if item.location == str(path):  # the archive's own failure: what is wrong with it, and where
            outcome.error = item.refused or item.error
            continue
        outcome.records += 1
        outcome.payload_bytes += len(item.data or b"")
    outcome.records += sum(selection.skipped_records.values())


READERS: dict[str, Callable[[Path, Outcome], None]] = {
    "warcio": read_warcio,
    "fastwarc": read_fastwarc,
    "corpus": read_corpus,
}


def run(reader: Callable[[Path, Outcome], None], path: Path) -> Outcome:
    """One reader over one WARC, timed, its exception and its stderr (the file descriptor's) caught."""
    outcome = Outcome()
    with tempfile.TemporaryFile() as err:
        saved = os.dup(2)
        sys.stderr.flush()
        os.dup2(err.fileno(), 2)
        start = time.perf_counter()
        try:
            reader(path, outcome)
        except BaseException as exc:  # a Rust panic is a BaseException: it must be seen, not crash the benchmark
            if isinstance(exc, KeyboardInterrupt):
                raise
            outcome.error = f"{type(exc).__name__}: {_one_line(str(exc))}"
        finally:
            outcome.seconds = time.perf_counter() - start
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
        err.seek(0)
        outcome.stderr = err.read().decode("utf-8", "replace")
    return outcome


def _one_line(text: str, width: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# -- the WARCs: three compressions of one crawl, and damaged copies ----------------------------


@dataclass
class Crawl:
    """One crawl in its three forms, and how many records and files it holds."""

    per_record_gzip: Path
    uncompressed: Path
    whole_file_gzip: Path
    files_served: int = 0
    records: int = 0

    def variants(self) -> dict[str, Path]:
        return {
            ".warc.gz, a gzip member per record (wget)": self.per_record_gzip,
            ".warc, uncompressed": self.uncompressed,
            ".warc.gz, one gzip stream (gzip crawl.warc)": self.whole_file_gzip,
        }


def make_crawl(folder: Path, repeat: int) -> Crawl:
    """Serve the real pages, crawl them with wget both ways, and make the whole-file-gzipped copy."""
    site = folder / "site"
    site.mkdir()
    files = build_site(site)
    with serve(site) as url:
        once_gz = crawl(url, folder / "once", compress=True)
        once_plain = crawl(url, folder / "once-plain", compress=False)
    gz, plain = folder / "crawl.warc.gz", folder / "crawl.warc"
    gz.write_bytes(once_gz.read_bytes() * repeat)  # concatenated gzip members: still a WARC
    plain.write_bytes(once_plain.read_bytes() * repeat)
    whole = folder / "whole.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes(), compresslevel=6))
    return Crawl(gz, plain, whole, files, len(record_starts(plain.read_bytes())))


def record_starts(data: bytes) -> list[int]:
    """Where each record of an uncompressed WARC starts (FastWARC's reading of the good file)."""
    from fastwarc.warc import ArchiveIterator

    return [record.stream_pos for record in ArchiveIterator(io.BytesIO(data), parse_http=False)]


def member_starts(data: bytes) -> list[int]:
    """Where each gzip member of a ``.warc.gz`` starts."""
    starts, offset = [], 0
    while offset < len(data):
        starts.append(offset)
        inflater = zlib.decompressobj(31)
        inflater.decompress(data[offset:])
        offset = len(data) - len(inflater.unused_data)
    return starts


def _is_page_response(header: bytes) -> bool:
    head = header.split(b"\r\n\r\n", 1)[0]
    return b"WARC-Type: response" in head and bool(re.search(rb"WARC-Target-URI: <?\S+\.html>?\r\n", head))


def damaged(crawl: Crawl, folder: Path) -> dict[str, Path]:
    """Damaged copies of the crawl, as downloads and disks damage them; name → file."""
    rng = random.Random(12)
    gz, plain, whole = (p.read_bytes() for p in (crawl.per_record_gzip, crawl.uncompressed, crawl.whole_file_gzip))
    members, starts = member_starts(gz), record_starts(plain)
    middle_member, middle_record = members[len(members) // 2], starts[len(starts) // 2]
    junk = rng.randbytes(500)
    # The wrong length is that of a page's response: the record a reader would give as a source.
    pages = [s for s in starts if _is_page_response(plain[s : s + 2000])]
    length_at = plain.index(b"Content-Length: ", pages[len(pages) // 2]) + len(b"Content-Length: ")
    length_end = plain.index(b"\r\n", length_at)
    length = int(plain[length_at:length_end])

    def wrong_length(delta: int) -> bytes:
        return plain[:length_at] + str(length + delta).encode() + plain[length_end:]

    inside = members[len(members) // 2 + 1] - 40  # 32 bytes of a member's deflate data overwritten
    cases = {
        "cut at 60 % (.warc.gz)": (".warc.gz", gz[: len(gz) * 6 // 10]),
        "cut at 60 % (.warc)": (".warc", plain[: len(plain) * 6 // 10]),
        "cut at 60 % (one gzip stream)": (".warc.gz", whole[: len(whole) * 6 // 10]),
        "cut inside a record's header (.warc)": (".warc", plain[: middle_record + 60]),
        "500 random bytes between records (.warc.gz)": (".warc.gz", gz[:middle_member] + junk + gz[middle_member:]),
        "500 random bytes between records (.warc)": (".warc", plain[:middle_record] + junk + plain[middle_record:]),
        "32 bytes overwritten inside a gzip member": (".warc.gz", gz[:inside] + rng.randbytes(32) + gz[inside + 32 :]),
        "a Content-Length 50 too small (.warc)": (".warc", wrong_length(-50)),
        "a Content-Length 50 too large (.warc)": (".warc", wrong_length(50)),
        "an HTML page named .warc": (".warc", (ROOT / "seeds" / "000_c0c16b73368775be.txt").read_bytes()),
        "random bytes named .warc.gz": (".warc.gz", rng.randbytes(20_000)),
    }
    made = {}
    for number, (name, (suffix, data)) in enumerate(cases.items()):
        path = folder / f"damaged-{number}{suffix}"
        path.write_bytes(data)
        made[name] = path
    return made


# -- HTTP payloads as servers send them ----------------------------------------------------------

PAGE = "<!doctype html><html><head><title>测试页</title></head><body><p>正文：一段中文。</p></body></html>".encode()
BOMB_MB = 300


@functools.cache
def canned_payloads() -> dict[str, Canned]:
    """Responses with each transfer and content coding a crawl meets, and broken ones; path → response."""
    html = ("Content-Type", "text/html; charset=utf-8")
    bomb = gzip.compress(b"<html>" + b" " * (BOMB_MB * MB), 9)
    return {
        "/plain.html": Canned(200, (html,), PAGE),
        "/chunked.html": Canned(200, (html, ("Transfer-Encoding", "chunked")), chunked(PAGE, 7)),
        "/gzip.html": Canned(200, (html, ("Content-Encoding", "gzip")), gzip.compress(PAGE)),
        "/deflate.html": Canned(200, (html, ("Content-Encoding", "deflate")), zlib.compress(PAGE)),
        "/br.html": Canned(200, (html, ("Content-Encoding", "br")), brotli_compress(PAGE)),
        "/chunked-gzip.html": Canned(
            200, (html, ("Transfer-Encoding", "chunked"), ("Content-Encoding", "gzip")), chunked(gzip.compress(PAGE))
        ),
        "/not-gzip.html": Canned(200, (html, ("Content-Encoding", "gzip")), PAGE),
        "/bad-chunks.html": Canned(200, (html, ("Transfer-Encoding", "chunked")), b"zz\r\n" + PAGE),
        "/bomb.html": Canned(200, (html, ("Content-Encoding", "gzip")), bomb),
    }


def brotli_compress(data: bytes) -> bytes:
    compressed: bytes = importlib.import_module("brotli").compress(data)  # FastWARC's dependency, untyped
    return compressed


AFTER = "/after.html"


def payload_crawls(folder: Path) -> dict[str, Path]:
    """A real crawl (wget, a gzip member a record) of each canned response, then of a plain page; path → WARC.

    The plain page after it shows whether a reader goes on after that payload.
    """
    crawls = {}
    for number, (path, answer) in enumerate(canned_payloads().items()):
        links = f'<a href="{path[1:]}">it</a> <a href="{AFTER[1:]}">after</a>'
        index = Canned(200, (("Content-Type", "text/html"),), f"<html><body>{links}</body></html>".encode())
        canned = {"/": index, path: answer, AFTER: Canned(200, (("Content-Type", "text/html"),), PAGE)}
        with serve(folder, canned) as url:
            crawls[path] = crawl(url, folder / f"payload-{number}", compress=True)
    return crawls


PAYLOAD_CAP = 2 * MB  # what each reader reads of a payload at most, as corpus reads under --max-file-size


def payloads_warcio(path: Path) -> dict[str, str]:
    ArchiveIterator = _warcio_iterator()
    seen: dict[str, str] = {}
    with open(path, "rb") as file:
        for record in ArchiveIterator(file):
            if record.rec_type == "response":
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                seen[uri] = _judge(lambda: record.content_stream().read(PAYLOAD_CAP + 1))  # noqa: B023 (called here)
    return seen


def payloads_fastwarc(path: Path) -> dict[str, str]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    seen: dict[str, str] = {}
    for record in ArchiveIterator(str(path), record_types=WarcRecordType.response, auto_decode="all"):
        uri = (record.headers.get("WARC-Target-URI") or "").strip("<>")
        seen[uri] = _judge(lambda: record.reader.read(PAYLOAD_CAP + 1))  # noqa: B023 (called here)
    return seen


def payloads_corpus(path: Path) -> dict[str, str]:
    from corpus.inputs import Input
    from corpus.inputs.warc import records
    from corpus.limits import Limits

    seen: dict[str, str] = {}
    for item in records(Input(location=str(path), path=path, name=path.name), Limits(max_file_size=PAYLOAD_CAP)):
        data = item.data or b""
        seen[item.location] = _judge(lambda: data) if item.error is None else "fails: " + item.error  # noqa: B023
    return seen


PAYLOAD_READERS = {"warcio": payloads_warcio, "fastwarc": payloads_fastwarc, "corpus": payloads_corpus}


def _judge(read: Callable[[], bytes]) -> str:
    try:
        data = read()
    except Exception as exc:
        return f"error: {type(exc).__name__}: {_one_line(str(exc), 60)}"
    if data == PAGE:
        return "right"
    if len(data) > PAYLOAD_CAP:
        return f"read {len(data) // MB} MB, stopped at the cap"
    return f"wrong bytes ({len(data)} bytes: {data[:12]!r})"


def payload_table(crawls: Mapping[str, Path]) -> dict[str, dict[str, str]]:
    """Served path → reader → what the reader gave for that payload, and for the page after it."""
    table: dict[str, dict[str, str]] = {}
    for path, warc in crawls.items():
        row = table[path] = {}
        for name, reader in PAYLOAD_READERS.items():
            try:
                seen, ended = reader(warc), "the iteration ended in silence before it"
            except BaseException as exc:
                if isinstance(exc, KeyboardInterrupt):
                    raise
                seen, ended = {}, f"the iteration stopped: {type(exc).__name__}: {_one_line(str(exc), 60)}"
            it, after = (next((v for uri, v in seen.items() if uri.endswith(p)), ended) for p in (path, AFTER))
            row[name] = it if after == "right" else f"{it}; the page after it: {after}"
    return table


class _Unseekable(io.RawIOBase):
    """A file read as a pipe or an archive member is: it cannot seek, nor tell where it is."""

    def __init__(self, path: Path) -> None:
        self._file = open(path, "rb")  # noqa: SIM115 (closed with this stream)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self._file.readinto(buffer)

    def close(self) -> None:
        self._file.close()
        super().close()


def unseekable_stream(path: Path) -> dict[str, Outcome]:
    """Each library reading a WARC handed to it as a stream that cannot seek (corpus reads its own way)."""

    def with_warcio(path: Path, outcome: Outcome) -> None:
        with _Unseekable(path) as stream:
            for record in _warcio_iterator()(stream):
                outcome.records += 1
                outcome.payload_bytes += _drain(record.content_stream().read)

    def with_fastwarc(path: Path, outcome: Outcome) -> None:
        from fastwarc.warc import ArchiveIterator

        with _Unseekable(path) as stream:
            for record in ArchiveIterator(stream, auto_decode="all"):
                outcome.records += 1
                outcome.payload_bytes += _drain(record.reader.read)

    return {"warcio": run(with_warcio, path), "fastwarc": run(with_fastwarc, path)}


# -- the measurement and its report ------------------------------------------------------------------


@dataclass
class Report:
    crawl: Crawl
    repeat: int
    runs: int
    speed: dict[str, dict[str, list[Outcome]]] = field(default_factory=dict)
    robustness: dict[str, dict[str, Outcome]] = field(default_factory=dict)
    payloads: dict[str, dict[str, str]] = field(default_factory=dict)
    unseekable: dict[str, Outcome] = field(default_factory=dict)


def measure(folder: Path, repeat: int, runs: int) -> Report:
    found = make_crawl(folder, repeat)
    report = Report(found, repeat, runs)
    for variant, path in found.variants().items():
        report.speed[variant] = {name: [] for name in READERS}
        for _ in range(runs):  # interleaved, so that a busy moment of the machine hits every reader alike
            for name, reader in READERS.items():
                report.speed[variant][name].append(run(reader, path))
    for case, path in damaged(found, folder).items():
        report.robustness[case] = {name: run(reader, path) for name, reader in READERS.items()}
    report.unseekable = unseekable_stream(found.per_record_gzip)
    payload_folder = folder / "payloads"
    payload_folder.mkdir()
    report.payloads = payload_table(payload_crawls(payload_folder))
    return report


def _machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu}, {os.cpu_count()} cores, {system}, Python {platform.python_version()}"


def medians(report: Report) -> dict[str, dict[str, float]]:
    """WARC variant → reader → its median time; a reader that failed on the variant has none."""
    return {
        variant: {
            name: statistics.median(o.seconds for o in outcomes)
            for name, outcomes in by_reader.items()
            if not any(o.error for o in outcomes)
        }
        for variant, by_reader in report.speed.items()
    }


def _speed_rows(report: Report) -> list[str]:
    rows = ["| WARC | size | " + " | ".join(f"{name} (s)" for name in READERS) + " |"]
    rows.append("|---|---:|" + "---:|" * len(READERS))
    timed = medians(report)
    for variant, path in report.crawl.variants().items():
        cells = []
        for name in READERS:
            failed = next((o.error for o in report.speed[variant][name] if o.error), None)
            cells.append(f"{timed[variant][name]:.3f}" if failed is None else "fails: " + _one_line(failed, 70))
        rows.append(f"| {variant} | {path.stat().st_size / MB:.1f} MB | " + " | ".join(cells) + " |")
    return rows


def _ratios(report: Report, slower: str, faster: str) -> str:
    """How many times ``faster`` beats ``slower`` over the variants both read: "4.7–15.6"."""
    found = [t[slower] / t[faster] for t in medians(report).values() if slower in t and faster in t]
    return f"{min(found):.1f}–{max(found):.1f}" if found else "?"


def _robustness_rows(report: Report) -> list[str]:
    rows = ["| damage | " + " | ".join(READERS) + " |", "|---|" + "---|" * len(READERS)]
    for case, outcomes in report.robustness.items():
        cells = []
        for outcome in outcomes.values():
            silent = "**no error: it passed in silence**"
            said = _one_line(_without_path(outcome.error), 150) if outcome.error else silent
            noise = " (and wrote to stderr)" if outcome.stderr.strip() else ""
            cells.append(f"{outcome.records} records; {said}{noise}".replace("|", "/"))
        rows.append(f"| {case} | " + " | ".join(cells) + " |")
    return rows


def _without_path(message: str) -> str:
    """What a message says is wrong, without the file and the record it names first (the row says which)."""
    head, colon, rest = message.partition(": ")
    said = rest if colon and head.startswith("/") else message
    return re.sub(r"^the web archive is damaged after .*?\): ", "damaged: ", said)


def _payload_rows(report: Report) -> list[str]:
    rows = ["| served | " + " | ".join(PAYLOAD_READERS) + " |", "|---|" + "---|" * len(PAYLOAD_READERS)]
    for path, seen in report.payloads.items():
        rows.append(f"| `{path}` | " + " | ".join(seen.get(n, "").replace("|", "/") for n in PAYLOAD_READERS) + " |")
    return rows


def _unseekable_line(report: Report) -> str:
    said = []
    for name, outcome in report.unseekable.items():
        how = _one_line(outcome.error, 160) if outcome.error else f"read all {outcome.records} records"
        said.append(f"{name}: {how}")
    return "; ".join(said) + "."


def write(report: Report, out: Path, conclusion: str) -> None:
    crawl = report.crawl
    lines = [
        "# WARC libraries: warcio or FastWARC",
        "",
        f"Produced by `.venv/bin/python benchmarks/warc_libraries.py --repeat {report.repeat} --runs {report.runs}`"
        f" on {datetime.now(UTC):%Y-%m-%d}.",
        f"Machine: {_machine()} (shared with other work while this ran).",
        f"Libraries: warcio {version('warcio')}, FastWARC {version('fastwarc')}, brotli {version('brotli')}.",
        "",
        f"The crawl: wget {_wget_version()} `--recursive --warc-file` against `http.server` on 127.0.0.1 serving"
        f" {crawl.files_served} real files (`seeds/`, `zh-web-vs-pdf`, `web-boilerplate`: HTML, PDF, text),"
        f" {crawl.records // report.repeat} records a crawl (warcinfo, request, response — 404s for the images"
        " the pages link to — and wget's metadata and resource records), concatenated"
        f" {report.repeat} times: {crawl.records} records.",
        "",
        f"## Speed: every record and every payload read, median of {report.runs} runs",
        "",
        *_speed_rows(report),
        "",
        "warcio and FastWARC read each payload as the library decodes it (warcio `content_stream()`,"
        ' FastWARC `auto_decode="all"`); `corpus` is `corpus.inputs.warc.records`, what `corpus add` runs:'
        " FastWARC for the WARC framing under corpus's own gzip reading, HTTP parsing, payload decoding and"
        " limits, giving only the document records (HTML, PDF, text) as sources.",
        "",
        "## Robustness: damaged copies of the crawl",
        "",
        "Records: how many the reader gave before it stopped (for `corpus`, sources and skipped records).",
        "",
        *_robustness_rows(report),
        "",
        "## HTTP payloads as servers send them (a real wget crawl of canned responses)",
        "",
        f"Each reader reads at most {PAYLOAD_CAP // MB} MB of a payload, as corpus does under `--max-file-size`;"
        f" the bomb is {BOMB_MB} MB of spaces gzipped to {len(canned_payloads()['/bomb.html'].body) // 1024} KB."
        " Each response is crawled into a WARC of its own, followed by a plain page: when the reader did not"
        " give that page right after it, the cell says what became of it.",
        "",
        *_payload_rows(report),
        "",
        "The per-record-gzip crawl handed to each library as a stream that cannot seek (a pipe, an archive"
        f" member): {_unseekable_line(report)}",
        "",
        "## The choice",
        "",
        conclusion,
        "",
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines))


def _wget_version() -> str:
    first = subprocess.run(["wget", "--version"], capture_output=True, text=True, check=False).stdout.split("\n")[0]
    return first.split()[2] if len(first.split()) > 2 else "?"


# (slower, faster) pairs of readers the conclusion compares.
PAIRS = (("warcio", "fastwarc"), ("corpus", "fastwarc"), ("warcio", "corpus"))


def conclusion(report: Report) -> str:
    """The choice, with the figures of this run."""
    fastwarc, ours, warcio = (_ratios(report, *pair) for pair in PAIRS)
    return f"""**FastWARC, for the framing only.** It reads the records of a WARC {fastwarc}× faster than warcio,
and reads a WARC gzipped as one stream, which warcio refuses; what it cannot parse it says with an
exception, where warcio also prints warnings on stderr. But neither can be used as it comes:

- neither says when a file is cut short: the last record comes out short, or not at all, and the
  iteration ends as if the file were whole (the first four rows of the robustness table);
- FastWARC's HTTP decoding (`auto_decode`) ends the iteration at a payload it cannot decode (a body
  that is not the gzip its header says, broken chunks), ends it in silence after a chunked gzip body,
  and loses its place after a gzip bomb that was not read to its end; warcio's hands broken chunks on
  with their framing, falls back to the raw body when gzip does not inflate (here that body happened
  to be the page), and fails on brotli 1.2;
- FastWARC panics (a Rust panic: a `BaseException`, not an `Exception`) on a stream that cannot tell
  its position, as a pipe or an archive member is.

So `corpus.inputs.warc` hands FastWARC an uncompressed stream that tells its position (it inflates the
gzip members itself, one a record or one over the whole file, and knows the byte where a cut or garbage
is), lets it parse record headers only (`parse_http=False`), reads every block through and checks it
against its `Content-Length`, holds each source back until the next record header is read (a wrong
`Content-Length` shows only there), and parses and decodes the HTTP payload itself
(`corpus.inputs.httpmessage`) within `--max-file-size`. That costs {ours}× FastWARC's bare time and is
still {warcio}× faster than warcio, with every damage above reported and its place named. warcio is
not a dependency."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=4, help="concatenate each crawl this many times (default 4)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per reader and WARC (default 3)")
    parser.add_argument("--keep", type=Path, help="build the WARCs in this folder and keep them")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"the report (default {RESULTS.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        folder = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        folder.mkdir(parents=True, exist_ok=True)
        report = measure(folder, args.repeat, args.runs)
        write(report, args.out, conclusion(report))  # while the WARCs are there: it gives their sizes
    print(args.out.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
