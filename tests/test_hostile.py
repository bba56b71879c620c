"""Hostile input: each file gets one record (added, or failed with a reason a user reads), and the rest go in.

Real files, built by benchmarks/hostile.py (the folder its benchmark measures): an empty
file, random bytes (one named .html), NUL bytes, a truncated PDF, text named .pdf, HTML
nested 200,000 deep, a 9 MB single line, a real PDF whose page stream inflates to 600 MB,
zip and gzip bombs of 10 GB of zeros, a zip of overlapping entries, a truncated zip, zips nested
four deep, symbolic-link loops, a link to nothing, a file and a folder without permissions, beside the
seed files and a good PDF. Readers that crash their process (SIGSEGV), hang, delete a file
before it is read, or take all the memory they can are a real plugin, installed for the
real `corpus add` through an entry point on PYTHONPATH. Unreadable means unreadable: as root,
the command runs without the capabilities that let root read anything (setpriv).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import PDF_SEED, ROOT, SEEDS, WEB_SEED

sys.path.insert(0, str(ROOT / "benchmarks"))
from hostile import GOOD_PDF_LINES, build, deflate, pdf, text_operators, unlock

PLUGIN = '''
"""Readers that misbehave on purpose, each claiming the files whose names start with its prefix."""
import os
import signal
import time

from corpus import Extract, hookimpl


class _ByName:
    version = "1.0"
    media_types = ("text/plain",)
    prefix = ""

    def sniff(self, source):
        return 1.0 if source.path.name.startswith(self.prefix) else None


class Crash(_ByName):
    name, prefix = "test-crash", "crash"

    def read(self, source):
        os.kill(os.getpid(), signal.SIGSEGV)


class Hang(_ByName):
    name, prefix = "test-hang", "hang"

    def read(self, source):
        time.sleep(3600)


class Vanish(_ByName):
    """Deletes a file the walk found, before it is read."""

    name, prefix = "test-vanish", "0-vanish"

    def read(self, source):
        (source.path.parent / "zz-vanishes.txt").unlink()
        print("a reader's chatter, which must not reach the JSON on stdout")
        return Extract(paragraphs=[source.text])


class Greedy(_ByName):
    """Takes memory 16 MB at a time, up to 4 GB, unless it is refused."""

    name, prefix = "test-greedy", "greedy"

    def read(self, source):
        hoard = [bytearray(16 * 1024 * 1024) for _ in range(256)]
        return Extract(paragraphs=[str(len(hoard))])


@hookimpl
def corpus_register_readers(register):
    for reader in (Crash(), Hang(), Vanish(), Greedy()):
        register(reader)
'''



def note(name: str) -> str:
    """A few words of text of its own (files with the same bytes are one source)."""
    return f"A note of a few words named {name}, read by a misbehaving reader or the plain text one.\n"


@dataclass
class Added:
    returncode: int
    stderr: str
    records: dict[str, dict[str, Any]]  # path relative to the folder → its record
    count: int  # records printed


def plugin_env(where: Path) -> dict[str, str]:
    """The environment of a `corpus` command that loads the misbehaving readers, registered as any plugin is."""
    where.mkdir(parents=True, exist_ok=True)
    (where / "corpus_test_misbehaving.py").write_text(PLUGIN, encoding="utf-8")
    dist = where / "corpus_test_misbehaving-1.0.dist-info"
    dist.mkdir(exist_ok=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: corpus-test-misbehaving\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[corpus]\nmisbehaving = corpus_test_misbehaving\n")
    env = {k: v for k, v in os.environ.items() if k != "CORPUS_DB"}
    env["PYTHONPATH"] = os.pathsep.join([str(where), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


def without_root_powers() -> list[str] | None:
    """A prefix that runs a command as root without the powers to read what it may not, or None if none is needed.

    Raises pytest's skip when this runs as root and setpriv cannot drop them.
    """
    if os.geteuid() != 0:
        return None
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root, and setpriv is not there to drop the power to read unreadable files")
    caps = "-dac_override,-dac_read_search"
    prefix = [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}", "--"]
    probe = subprocess.run([*prefix, "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"setpriv cannot drop capabilities here: {probe.stderr.decode(errors='replace').strip()}")
    return prefix


def add(folder: Path, db: Path, *args: str | Path, env: dict[str, str], prefix: list[str] | None = None) -> Added:
    command = [*(prefix or []), sys.executable, "-m", "corpus", "--db", str(db), "add", "--json", *map(str, args)]
    proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    records = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    by_path = {}
    for record in records:
        path = Path(record["path"])
        by_path[str(path.relative_to(folder)) if path.is_relative_to(folder) else str(path)] = record
    return Added(proc.returncode, proc.stderr, by_path, len(records))


def assert_outcomes(added: Added, expected: dict[str, str]) -> None:
    """One record per file with the expected status, failures with a reason containing the expected words."""
    assert "Traceback" not in added.stderr, added.stderr
    assert added.count == len(added.records) == len(expected), sorted(added.records)
    assert set(added.records) == set(expected)
    for path, want in expected.items():
        record = added.records[path]
        status, _, words = want.partition(":")
        assert record["status"] == status, (path, record)
        if status == "failed":
            error = record["error"] or ""
            assert record["document_id"] is None
            assert error.startswith(record["path"]), (path, error)  # says which file
            assert "[Errno" not in error and "Traceback" not in error, (path, error)
            assert words.lower() in error.lower(), (path, error)
        else:
            assert record["error"] is None and record["document_id"] is not None, (path, record)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("hostile") / "in"
    build(folder, varied_line=False)
    for name in ("crash.txt", "0-vanish-trigger.txt"):
        (folder / name).write_text(note(name), encoding="utf-8")
    (folder / "zz-vanishes.txt").write_text("Deleted by the time it is read.\n", encoding="utf-8")
    yield folder
    unlock(folder)


def test_every_file_of_a_hostile_folder_gets_one_record_and_the_good_ones_go_in(
    hostile: Path, tmp_path: Path
) -> None:
    prefix = without_root_powers()
    missing = hostile.parent / "no-such-file.txt"
    added = add(hostile, tmp_path / "c.db", "--jobs", "2", hostile, missing, env=plugin_env(tmp_path / "plugin"), prefix=prefix)
    assert added.returncode == 1
    expected = {
        WEB_SEED.name: "new",
        PDF_SEED.name: "copy",
        "good.pdf": "new",
        "text.pdf": "new",  # text named .pdf is text
        "one-line.txt": "new",  # 9 MB without a line break is still text
        "tree/sub/note.txt": "new",
        "0-vanish-trigger.txt": "new",
        "empty.txt": "failed:the file is empty",
        "random.bin": "failed:not text",
        "random.html": "failed:not text",
        "nul.txt": "failed:nothing but NUL bytes",
        "truncated.pdf": "failed:truncated",
        "deep.html": "failed:levels deep",
        "bomb.pdf": "failed:--max-decompressed-size",
        "good.zip!minutes/harbour.txt": "new",
        "bomb.zip!zeros.txt": "failed:decompresses to 10 GB from 10 MB, more than 200 times over",
        "bomb.txt.gz": "failed:a decompression bomb",
        "overlap.zip": "failed:a zip bomb: 9,999 of its 10,000 entries overlap",
        "truncated.zip": "failed:cut short",
        "deep.zip!level2.zip!level3.zip!level4.zip": "failed:nested more than 3 deep",
        "loop-a": "failed:symbolic link loop",
        "loop-b": "failed:symbolic link loop",
        "tree/sub/up": "failed:symbolic link loop",
        "dangling.txt": "failed:which does not exist",
        "unreadable.txt": "failed:permission denied",
        "locked": "failed:the folder cannot be listed",
        "crash.txt": "failed:SIGSEGV",
        "zz-vanishes.txt": "failed:no such file",
        str(missing): "failed:no such file or folder",
    }
    assert_outcomes(added, expected)
    # What went in is in the store: one document per new file, the seeds' two sources in one.
    with_store = subprocess.run(
        [sys.executable, "-m", "corpus", "--db", str(tmp_path / "c.db"), "docs", "--json"],
        capture_output=True, text=True, check=True, env=plugin_env(tmp_path / "plugin"),
    )
    documents = [json.loads(line) for line in with_store.stdout.splitlines()]
    assert len(documents) == sum(1 for want in expected.values() if want == "new")
    assert sorted(d["source_count"] for d in documents)[-1] == 2


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_reader_that_hangs_or_crashes_fails_its_file_only(tmp_path: Path, jobs: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("crash.txt", "hang.txt", "note.txt"):
        (folder / name).write_text(note(name), encoding="utf-8")
    for seed in SEEDS.iterdir():
        shutil.copy(seed, folder / seed.name)
    added = add(folder, tmp_path / "c.db", "--jobs", jobs, "--timeout", "2", folder, env=plugin_env(tmp_path / "p"))
    assert added.returncode == 1
    assert_outcomes(
        added,
        {
            "crash.txt": "failed:the process reading it died (SIGSEGV)",
            "hang.txt": "failed:longer than 2 s, the time limit per file, and was stopped; raise the limit with --timeout",
            "note.txt": "new",
            WEB_SEED.name: "new",
            PDF_SEED.name: "copy",
        },
    )


def test_each_limit_fails_the_file_over_it_naming_the_option_that_raises_it(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "big.txt").write_text("A line of a text that is larger than the limit.\n" * 50_000, encoding="utf-8")
    pages = [deflate([(text_operators([f"Page {n}.", *GOOD_PDF_LINES]), 1)]) for n in (1, 2)]
    (folder / "two-pages.pdf").write_bytes(pdf(*pages))
    # 20 MB of text operators: far below the decompressed limit, but PDFium needs about 700 MB for them.
    dense = deflate([(text_operators(["Dense."]), 1), (b"BT (A) Tj ET\n" * 80_000, 20)])
    (folder / "dense.pdf").write_bytes(pdf(dense))
    (folder / "greedy.txt").write_text(note("greedy.txt"), encoding="utf-8")
    shutil.copy(WEB_SEED, folder / WEB_SEED.name)
    limits = ("--max-file-size", "1M", "--max-pages", "1", "--max-memory", "300M")
    added = add(folder, tmp_path / "c.db", *limits, "--jobs", "1", folder, env=plugin_env(tmp_path / "p"))
    assert added.returncode == 1
    assert_outcomes(
        added,
        {
            "big.txt": "failed:the file is 2.3 MB, more than the 1 MB a file may have; raise the limit with --max-file-size",
            "two-pages.pdf": "failed:the document has 2 pages, more than the 1 a file may have; raise the limit with --max-pages",
            "dense.pdf": "failed:--max-memory",
            "greedy.txt": "failed:needed more than 300 MB of memory, the limit per file",
            WEB_SEED.name: "new",
        },
    )
    # A file over the size limit is not read, so its bytes are not kept; the others' are.
    assert added.records["big.txt"]["sha256"] is None
    assert added.records["two-pages.pdf"]["sha256"] is not None


def test_the_limits_and_their_defaults_are_in_the_help(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "corpus", "add", "--help"], capture_output=True, text=True, check=True)
    text = " ".join(proc.stdout.split())
    for option, default in (
        ("--max-file-size", "100 MB"),
        ("--max-decompressed-size", "256 MB"),
        ("--max-pages", "5000"),
        ("--timeout", "120 s"),
        ("--max-memory", "1 GB"),
    ):
        assert option in text and default in text, (option, default)


def test_killing_the_add_leaves_no_worker_behind_even_one_in_a_hung_reader(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "hang.txt").write_text(note("hang.txt"), encoding="utf-8")
    command = [sys.executable, "-m", "corpus", "--db", str(tmp_path / "c.db"), "add", "--json", str(folder)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=plugin_env(tmp_path / "p"))
    time.sleep(3)  # started, and its worker is in the reader's sleep
    proc.kill()
    # The workers share the command's stdout and stderr: reading them to the end returns once all are gone.
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
