"""Shared fixtures: the seed files, the shared test data, and a runner for the real CLI.

The shared test data is ../shared/data beside the checkout, which a plain clone does not have.
Every test reaches it through `shared`, `shared_files` or the `shared_data` fixture: without
it those tests are skipped with the reason, and everything else runs. Under CI=true the data
must be there: a run without it stops at once with one message saying so, and a file missing
from data that is there fails its test instead of skipping it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest

from corpus import Reader

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED_DATA = ROOT.parent / "shared" / "data"
WEB_SEED = SEEDS / "000_c0c16b73368775be.txt"
PDF_SEED = SEEDS / "003_dba224dbe8b168d4.txt"
TITLE = "中共中央关于加强和改进党的群团工作的意见"
# The seed's closing paragraph and dateline: only the web copy has them.
CLOSING = "各省、自治区、直辖市党委"
DATELINE = "（新华社北京7月9日电）"
# Lines the web page reader cuts as site chrome: menu, breadcrumb, previous/next, footer.
REMOVED_CHROME = (
    "通知公告",
    "当前位置: 首页 > 通知公告 > 正文",
    "上一条:",
    "下一条:",
    "版权所有:青岛大学工会妇委会",
    "宁夏路308号",
    "85953372",
)


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    def json_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]


CliRunner = Callable[..., Run]


def in_ci() -> bool:
    """Whether the run is CI's (CI=true, as .ci/run sets it): missing test data fails there."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "install_check: the slow check that a plain `pip install` into a fresh venv loads every reader"
        ' (deselect with -m "not install_check")',
    )
    config.addinivalue_line("markers", "shared_data_missing(reason): a stand-in case for shared data not found")
    config.addinivalue_line(
        "markers", "long: a module that takes minutes; collected first, so that test workers finish together"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The modules marked ``long`` first, each in its own order: `make test` hands modules to its
    workers in the order collected (pytest-xdist, ``--dist loadfile --no-loadscope-reorder``), one
    to each first, so the long ones start at once on different workers instead of one running last
    and alone."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


def pytest_sessionstart(session: pytest.Session) -> None:
    if in_ci() and not SHARED_DATA.is_dir():
        pytest.exit(
            f"the shared test data is missing: {SHARED_DATA} is not beside this checkout, and CI=true requires it"
            " (put the project's shared/ folder beside the checkout, or run without CI=true to skip those tests)",
            returncode=pytest.ExitCode.TESTS_FAILED,
        )


def pytest_runtest_setup(item: pytest.Item) -> None:
    mark = item.get_closest_marker("shared_data_missing")
    if mark is not None:
        missing_shared_data(mark.args[0])


def run_corpus(*args: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """Run the installed command line in a subprocess, as a user would."""
    # The user's own CORPUS_DB must not leak into a test, nor a terminal size the test runner
    # set (pytest-xdist sets COLUMNS=80): the output goes to a pipe, as a user's piped to a file.
    full_env = {k: v for k, v in os.environ.items() if k not in ("CORPUS_DB", "COLUMNS", "LINES")}
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "corpus", *map(str, args)],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=300,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def corpus_bytes(*args: str | Path) -> bytes:
    """Run the command line and return its stdout as bytes (for ``source --raw``)."""
    proc = subprocess.run(
        [sys.executable, "-m", "corpus", *map(str, args)], capture_output=True, check=True, timeout=300
    )
    return proc.stdout


@pytest.fixture
def cli() -> CliRunner:
    return run_corpus


def missing_shared_data(reason: str) -> NoReturn:
    """Skip the running test for want of shared data; fail it under CI, where the data must be there."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: shared test data must be there)", pytrace=False)
    pytest.skip(reason)


def shared(relative: str | Path) -> Path:
    """A file or folder of ../shared/data (relative to it, or a path under it); the test is
    skipped when it is not there (fails under CI)."""
    path = SHARED_DATA / relative
    if not path.exists():
        missing_shared_data(f"shared test data not present: {path}")
    return path


def missing_case(reason: str, *values: object) -> Any:
    """The one stand-in case of a test parametrised over shared data that is not there.

    Its id says so, and it is skipped with the reason (failed under CI) before the test body,
    its fixtures or an ``ids`` function see its values.
    """
    return pytest.param(*values, marks=pytest.mark.shared_data_missing(reason), id="no-shared-data")


def shared_files(pattern: str, limit: int | None = None) -> list[Any]:
    """The files of ../shared/data matching a glob, to parametrise a test over at collection,
    or the one stand-in case when none match."""
    files: list[Any] = sorted(SHARED_DATA.glob(pattern))[:limit]
    return files or [missing_case(f"shared test data not present: no {pattern} under {SHARED_DATA}", SHARED_DATA)]


def registered(plugin: object) -> Reader:
    """The one reader a plugin module registers, through its hook as the core calls it."""
    readers: list[Reader] = []
    plugin.corpus_register_readers(register=readers.append)  # type: ignore[attr-defined]
    (reader,) = readers
    return reader


def words(text: str) -> str:
    """Text without punctuation, width or spacing differences."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text))


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        missing_shared_data(f"shared test data not present: {SHARED_DATA} is not beside this checkout")
    return SHARED_DATA


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    """A store with seeds/ added once through the CLI, and the JSON records of that add."""
    db = tmp_path_factory.mktemp("seed") / "corpus.db"
    run = run_corpus("--db", db, "add", SEEDS, "--json")
    assert run.returncode == 0, run.stderr
    return db, run.json_lines()
