"""What `audit`, `show` and `source` print for a person, on an 80-column screen and in a log.

An 80-column screen is given as ``COLUMNS=80`` (honoured in a pipe too), or as a rich
``Console(width=80)``; a log is a pipe without ``COLUMNS``. Widths are counted in terminal
columns: a Chinese character takes two.
"""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import PDF_SEED, REMOVED_CHROME, SEEDS, WEB_SEED, run_corpus, shared
from rich.console import Console

from corpus import terminal
from corpus.api import Corpus
from corpus.text import display_width
from corpus.wording import fit, paragraph_ranges, shorten_path, shorten_paths, similarity_text

D03 = "zh-web-vs-pdf/D03-people-guoxinban-henan"
NARROW = {"COLUMNS": "80"}
LOG = {"COLUMNS": ""}  # a pipe told no width, whatever the shell running the tests exports


def run(db: Path, *args: str, env: dict[str, str]) -> str:
    done = run_corpus("--db", db, *args, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def too_wide(text: str, columns: int = 80) -> list[str]:
    return [line for line in text.splitlines() if display_width(line.rstrip()) > columns]


@pytest.fixture(scope="module")
def d03(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The seeds and the twelve copies of D03 (a People's Daily article as page, PDF and dumps), and D03's JSON audit."""
    db = tmp_path_factory.mktemp("d03") / "corpus.db"
    run(db, "add", str(SEEDS), str(shared(D03)), "--json", env=LOG)
    audits = run_corpus("--db", db, "audit", "--json").json_lines()
    (audit,) = [a for a in audits if any(D03 in s["path"] for s in a["sources"])]
    return db, audit


@pytest.fixture(scope="module")
def truncated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, list[int]]:
    """The seeds and the web seed cut after its 45th block: a copy that lacks the last 18 paragraphs.

    Returns the store, the cut copy's source id and the canonical positions it lacks.
    """
    folder = tmp_path_factory.mktemp("truncated")
    blocks = WEB_SEED.read_text(encoding="utf-8").split("\n\n")
    cut = folder / "cut.txt"
    cut.write_text("\n\n".join(blocks[:45]) + "\n", encoding="utf-8")
    db = folder / "corpus.db"
    records = run_corpus("--db", db, "add", SEEDS, cut, "--json").json_lines()
    assert {r["status"] for r in records} == {"new", "copy"} and len({r["document_id"] for r in records}) == 1
    source_id = next(r["source_id"] for r in records if r["path"] == str(cut))
    (audit,) = run_corpus("--db", db, "audit", "--json").json_lines()
    (lacks,) = [[p["position"] for p in s["lacks"]] for s in audit["sources"] if s["source_id"] == source_id]
    return db, source_id, lacks


# -- the audit -----------------------------------------------------------------------


def test_audit_fits_80_columns_with_paths_shortened_from_the_left(d03: tuple[Path, dict[str, Any]]) -> None:
    db, audit = d03
    text = run(db, "audit", env=NARROW)
    assert not too_wide(text)
    assert str(shared(D03)) not in text
    for s in audit["sources"]:
        name = Path(s["path"]).name
        (line,) = [line for line in text.splitlines() if line.startswith(f"#{s['source_id']} ")]
        # The end of the path kept whole: its folder and its name, after an ellipsis.
        assert line.split(maxsplit=1)[1] == f"…/D03-people-guoxinban-henan/{name}", line
    # Its facts are on the lines under it, each said once.
    assert re.search(r"^\s+webtext · utf-8 · similarity \d\.\d{3} · attests \d+/25", text, re.MULTILINE)


def test_audit_in_a_log_keeps_the_table_and_the_whole_paths(d03: tuple[Path, dict[str, Any]]) -> None:
    db, audit = d03
    text = run(db, "audit", env=LOG)
    assert any(line.startswith("source  path") and "left out" in line for line in text.splitlines())
    for s in audit["sources"]:
        assert s["path"] in text


def test_a_paragraph_lacked_by_several_sources_is_quoted_once(d03: tuple[Path, dict[str, Any]]) -> None:
    db, audit = d03
    lacking = [s for s in audit["sources"] if [p["position"] for p in s["lacks"]] == [0]]
    assert len(lacking) >= 3  # the ground truth and the official-style copies have no title line
    title = lacking[0]["lacks"][0]["text"]
    for env in (NARROW, LOG):
        text = run(db, "audit", env=env)
        lines = [line for line in text.splitlines() if re.search(r"\blacks? ¶1:", line)]
        assert lines == [f"  {terminal.sources_text([s['source_id'] for s in lacking])} lack ¶1: {title}"]


def test_a_long_list_of_lacking_paragraphs_is_one_range_said_once(truncated: tuple[Path, int, list[int]]) -> None:
    db, source_id, lacks = truncated
    assert lacks == list(range(lacks[0], lacks[0] + 18))  # the last 18 paragraphs, one run
    for env in (NARROW, LOG):
        text = run(db, "audit", env=env)
        said = [line for line in text.splitlines() if line.startswith(f"  #{source_id} lack")]
        assert said == [f"  #{source_id} lacks 18 paragraphs: ¶{lacks[0] + 1}–{lacks[-1] + 1}"]
        assert not too_wide(text, 80 if env is NARROW else 200)


def test_ranges_of_lacking_paragraphs_are_collapsed_on_an_80_column_console(
    truncated: tuple[Path, int, list[int]],
) -> None:
    """The audit of real text, rendered by a rich Console of 80 columns; the copy made to lack two runs."""
    db, source_id, _ = truncated
    with Corpus.open(db, read_only=True) as corpus:
        (audit,) = corpus.audit()
    gaps = (*range(1, 5), *range(6, 16))  # ¶2–5 and ¶7–16
    sources = tuple(dataclasses.replace(s, lacks=gaps) if s.source_id == source_id else s for s in audit.sources)
    buffer = io.StringIO()
    terminal.print_audit(Console(file=buffer, width=80, highlight=False), dataclasses.replace(audit, sources=sources))
    text = buffer.getvalue()
    assert not too_wide(text)
    assert f"  #{source_id} lacks 14 paragraphs: ¶2–5, ¶7–16" in text.splitlines()
    assert re.search(r"^\s+webtext · utf-8 · similarity [\d.]+ · attests \d+/63 · lacks ¶2–5, ¶7–16$", text, re.M)
    assert not [line for line in text.splitlines() if line.startswith(f"  #{source_id} lacks ¶")]


def test_a_removed_line_is_cut_to_the_width_not_wrapped(seed_db: tuple[Path, list[dict[str, Any]]]) -> None:
    db, _ = seed_db
    text = run(db, "audit", env={"COLUMNS": "60"})
    assert not too_wide(text, 60)
    (footer,) = [line for line in text.splitlines() if "邮编:266071" in line]
    assert footer.endswith("…") and footer.lstrip().startswith("footer")


# -- source ----------------------------------------------------------------------------


def source_of(seed_db: tuple[Path, list[dict[str, Any]]], name: str) -> dict[str, Any]:
    """What `corpus source ID --json` says of the seed file ``name``."""
    db, records = seed_db
    source_id = next(r["source_id"] for r in records if r["path"].endswith(name))
    (info,) = run_corpus("--db", db, "source", str(source_id), "--json").json_lines()
    return info


def test_source_shows_its_paragraphs_and_the_lines_its_reader_removed(
    seed_db: tuple[Path, list[dict[str, Any]]],
) -> None:
    db, _ = seed_db
    info = source_of(seed_db, WEB_SEED.name)
    paragraphs = info["extract"]["paragraphs"]
    lines = run(db, "source", str(info["source_id"]), env=LOG).splitlines()
    assert any(line.split() == ["sha256", info["sha256"]] for line in lines)
    assert f"— {len(paragraphs)} paragraphs read by webtext —" in lines
    label = len(f"¶{len(paragraphs)}") + 2
    for n, paragraph in enumerate(paragraphs, 1):  # whole, one line each in a log
        assert f"¶{n}".ljust(label) + paragraph in lines
    removed = lines[lines.index("— the reader removed 9 lines —") + 1 :]
    for chrome in REMOVED_CHROME:
        assert any(chrome in line for line in removed), chrome
    assert any(re.match(r"menu\s+通知公告$", line) for line in removed)
    assert any(re.match(r"footer\s+版权所有:青岛大学工会妇委会$", line) for line in removed)


def test_source_wraps_its_paragraphs_to_80_columns_under_their_numbers(
    seed_db: tuple[Path, list[dict[str, Any]]],
) -> None:
    db, _ = seed_db
    info = source_of(seed_db, PDF_SEED.name)
    paragraphs = info["extract"]["paragraphs"]
    text = run(db, "source", str(info["source_id"]), env=NARROW)
    assert not too_wide(text)
    label = len(f"¶{len(paragraphs)}") + 2
    numbered: dict[int, list[str]] = {}  # each paragraph's lines, by its number
    for line in text.splitlines():
        if found := re.match(r"¶(\d+) ", line):
            numbered[int(found.group(1))] = [line]
        elif numbered and line.startswith(" " * label) and len(numbered) < len(paragraphs) + 1:
            numbered[max(numbered)].append(line)
    assert sorted(numbered) == list(range(1, len(paragraphs) + 1))
    assert len(numbered[1]) > 1  # the first paragraph is longer than a line
    # Wrapped under its number, nothing lost: each paragraph's lines joined give it back.
    for n, paragraph in enumerate(paragraphs, 1):
        assert "".join(line[label:].rstrip() for line in numbered[n]) == paragraph.replace(" ", ""), n


# -- show ------------------------------------------------------------------------------


def test_show_names_the_document_a_version_is_a_version_of(tmp_path: Path) -> None:
    old, new = sorted(shared("zh-laws/versions/反垄断法").glob("*.md"))
    db = tmp_path / "corpus.db"
    first, second = run_corpus("--db", db, "add", old, new, "--json").json_lines()
    assert second["status"] == "version"
    (related,) = run_corpus("--db", db, "show", str(second["document_id"]), "--json").json_lines()[0]["related"]
    assert related["similarity"] == second["similarity"]
    similarity = similarity_text(second["similarity"])
    for env in (NARROW, LOG):
        lines = run(db, "show", str(second["document_id"]), env=env).splitlines()
        assert lines[1] == "中华人民共和国反垄断法"  # then, under the title, before the text:
        assert lines[2] == f"version of document {first['document_id']} (similarity {similarity})"
        lines = run(db, "show", str(first["document_id"]), env=env).splitlines()
        assert lines[2] == f"version of document {second['document_id']} (similarity {similarity})"


def test_show_fits_80_columns_and_breaks_paths_after_a_slash(d03: tuple[Path, dict[str, Any]]) -> None:
    db, audit = d03
    text = run(db, "show", str(audit["document_id"]), env=NARROW)
    assert not too_wide(text)
    lines = text.splitlines()
    broken = 0
    for s in audit["sources"]:
        label, name = f"#{s['source_id']} ", Path(s["path"]).name
        (at,) = [i for i, line in enumerate(lines) if line.startswith(label + "/")]
        if display_width(label + s["path"]) <= 80:
            assert lines[at] == label + s["path"]
            continue
        broken += 1  # too long for one line: broken after its folder, the name whole below
        assert lines[at] == label + s["path"].removesuffix(name)
        assert lines[at + 1] == " " * len(label) + name
    assert broken >= 6


# -- similarities ----------------------------------------------------------------------


def similarities(obj: Any) -> list[float]:
    """Every ``similarity`` value in a JSON object, however deep."""
    if isinstance(obj, dict):
        found = [v for k, v in obj.items() if k == "similarity" and v is not None]
        return found + [x for v in obj.values() for x in similarities(v)]
    if isinstance(obj, list):
        return [x for v in obj for x in similarities(v)]
    return []


def test_similarities_are_rounded_alike_in_json_terminal_and_page(
    truncated: tuple[Path, int, list[int]], seed_db: tuple[Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    db, source_id, _ = truncated
    outputs = [
        run_corpus("--db", db, *command, "--json").json_lines()
        for command in (["show", "1"], ["audit"], ["export"], ["source", str(source_id)])
    ]
    values = [v for lines in [*outputs, seed_db[1]] for line in lines for v in similarities(line)]  # and `add`
    assert len(values) > 8 and similarities(seed_db[1])
    assert all(round(v, 3) == v for v in values), values  # three decimals, as a person is shown
    (audit,) = outputs[1]
    text = run(db, "audit", env=LOG)
    page = tmp_path / "audit.html"
    run(db, "audit", "--html", str(page), env=LOG)
    html = page.read_text(encoding="utf-8")
    for s in audit["sources"]:
        (row,) = [line for line in text.splitlines() if line.startswith(f"#{s['source_id']} ")]
        assert f" {s['similarity']:.3f} " in row
        assert f"<b>{s['similarity']:.3f}</b>" in html
    for pair in audit["pairs"]:
        assert f"#{pair['a']}~#{pair['b']} {pair['similarity']:.3f}" in text


# -- wording ---------------------------------------------------------------------------


def test_fit_counts_a_chinese_character_as_two_columns() -> None:
    assert fit("中共中央关于加强", 9) == "中共中央…"
    assert display_width(fit("中共中央关于加强", 9)) == 9
    assert fit("(新华社北京7月9日电)", 40) == "(新华社北京7月9日电)"


def test_paths_are_shortened_from_the_left_alike() -> None:
    folder = "/work/shared/data/zh-web-vs-pdf/D03-people-guoxinban-henan"
    assert shorten_path(f"{folder}/page.html", 30) == "…/page.html"
    assert shorten_path(f"{folder}/page.html", 52) == "…/zh-web-vs-pdf/D03-people-guoxinban-henan/page.html"
    paths = [f"{folder}/web.original.html", f"{folder}/web.browser-print.pdftotext-layout.txt"]
    assert shorten_paths(paths, 70) == [
        "…/D03-people-guoxinban-henan/web.original.html",
        "…/D03-people-guoxinban-henan/web.browser-print.pdftotext-layout.txt",
    ]
    assert shorten_paths(["seeds/a.txt", "seeds/b.txt"], 20) == ["seeds/a.txt", "seeds/b.txt"]


def test_paragraph_positions_collapse_to_ranges() -> None:
    assert paragraph_ranges([*range(1, 5), *range(6, 16)]) == "¶2–5, ¶7–16"
    assert paragraph_ranges([0, 2, 4, 6, 8, 10], at_most=4) == "¶1, ¶3, ¶5, ¶7 …"
    assert terminal.sources_text([18, 14, 15, 16, 17, 20]) == "#14–#18, #20"
