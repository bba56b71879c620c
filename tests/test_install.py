"""The slow install check: the project installs as a user installs it, and every built-in reader loads.

A fresh virtual environment with the pip that ``python -m venv`` bundles (not upgraded: Python
3.11 ships pip 23.2, which does not resolve an extra such as justext's ``lxml[html_clean]``),
a plain non-editable ``pip install`` of a copy of the checkout, then ``corpus readers --json``
from that environment: every reader the project registers is listed, and no plugin failed.
About half a minute with pip's cache warm. Deselect it with ``-m "not install_check"``. It is
skipped when the package index cannot be reached, except under CI=true, where it fails.
"""

from __future__ import annotations

import ensurepip
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, in_ci

# A fresh venv and an install: collected first (conftest.py), so that it does not run last.
pytestmark = [pytest.mark.install_check, pytest.mark.long]

# What `pip install .` reads: the build configuration, the readme it names, the packages.
BUILD_INPUTS = ("pyproject.toml", "README.md", "corpus", "plugins")
# Fetched before the install to tell an unreachable index from a failed install: small, and a dependency.
PROBE = "lxml_html_clean"


def builtin_plugins() -> set[str]:
    """The built-in reader plugins, as pyproject.toml registers them (each registers the reader of its name)."""
    with (ROOT / "pyproject.toml").open("rb") as f:
        return set(tomllib.load(f)["project"]["entry-points"]["corpus"])


def clean_env() -> dict[str, str]:
    """This environment without what would let the checkout or a user's settings leak into the new one."""
    leaks = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PIP_REQUIRE_VIRTUALENV")
    env = {k: v for k, v in os.environ.items() if k not in leaks and not k.startswith("CORPUS_")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, env=clean_env(), cwd=cwd, timeout=900)


def copy_of_checkout(target: Path) -> Path:
    """The build inputs copied away from the checkout: a build leaves build/ and *.egg-info
    behind, and must not find those of an earlier one (nor the editable install's)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "*.pyc")
    target.mkdir()
    for name in BUILD_INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def fresh_install(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a fresh venv into which a copy of the checkout was pip-installed."""
    base = tmp_path_factory.mktemp("install")
    venv = base / "venv"
    made = run(sys.executable, "-m", "venv", venv, cwd=base)
    assert made.returncode == 0, made.stderr
    bin_dir = venv / "bin"
    pip = run(bin_dir / "python", "-m", "pip", "--version", cwd=base)
    assert pip.stdout.split()[1] == ensurepip.version(), f"not the bundled pip: {pip.stdout}"

    probe = run(
        bin_dir / "python", "-m", "pip", "download", "--quiet", "--no-deps", "-d", base / "probe", PROBE, cwd=base
    )
    if probe.returncode != 0:
        message = f"the package index cannot be reached (pip download {PROBE}): {probe.stderr.strip()[-500:]}"
        if in_ci():
            pytest.fail(f"{message}; CI=true: the install check must run", pytrace=False)
        pytest.skip(message)

    source = copy_of_checkout(base / "src")
    installed = run(bin_dir / "python", "-m", "pip", "install", "--quiet", source, cwd=base)
    assert installed.returncode == 0, f"pip {ensurepip.version()} could not install the project:\n{installed.stderr}"
    return bin_dir


def test_a_plain_install_with_the_bundled_pip_loads_every_builtin_reader(fresh_install: Path, tmp_path: Path) -> None:
    listed = run(fresh_install / "corpus", "readers", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    lines: list[dict[str, Any]] = [json.loads(line) for line in listed.stdout.splitlines() if line.strip()]
    problems = [line for line in lines if "error" in line]
    assert not problems, "plugins that failed to load after `pip install .`:\n" + "\n".join(
        f"{p['plugin']}: {p['error']}" for p in problems
    )
    readers = {line["name"]: line["plugin"] for line in lines}
    assert set(readers) >= builtin_plugins()
    assert all(readers[name] == "corpus" for name in builtin_plugins())
    # Loading is not all: an HTML page goes through trafilatura and justext, whose imports are the fragile ones.
    page = tmp_path / "page.html"
    page.write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Minutes of the reading group</title>"
        "</head><body><nav><a href='/'>Home</a> <a href='/about'>About</a></nav><article>"
        "<h1>Minutes of the reading group</h1><p>We read the first chapter of the book and talked about how"
        " its narrator sets the scene for the rest of the story.</p><p>Next week we read the second chapter,"
        " and everyone brings one question about the way the author handles time.</p></article>"
        "<footer>Copyright the reading group</footer></body></html>",
        encoding="utf-8",
    )
    added = run(fresh_install / "corpus", "--db", tmp_path / "corpus.db", "add", page, "--json", cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    (record,) = [json.loads(line) for line in added.stdout.splitlines() if line.strip()]
    assert (record["status"], record["reader"], record["title"]) == ("new", "html", "Minutes of the reading group")
