"""The public text helpers of ``corpus.text``, as a reader author uses them, and the tree's shape.

The seed files are the project's own (see seeds/); the RFC is the shared copy of RFC 2616
(../shared/data/ietf-rfc, from the RFC Editor).
"""

from __future__ import annotations

import ast
from pathlib import Path

import corpus_pdftext
import pytest
from conftest import PDF_SEED, ROOT, TITLE, registered, shared

from corpus import Extract, SourceFile, text
from corpus.prepare import load

PLUGINS = ROOT / "plugins"
BUILT_IN = sorted(p.name for p in PLUGINS.iterdir() if (p / "__init__.py").exists())


def source(path: Path) -> SourceFile:
    return load(path, path.read_bytes())


def test_the_readme_example_reads_the_seed_pdf_text_as_the_built_in_reader_does() -> None:
    # The example of README.md's "Writing a reader plugin": depaginate, then rejoin.
    seed = source(PDF_SEED)
    pages = text.depaginate(seed.text or "")
    body = [text.text_of(lines) for block in text.rejoin(pages.lines) for lines in block]
    built_in = registered(corpus_pdftext).read(seed)
    assert isinstance(built_in, Extract)
    assert body[0] == TITLE == built_in.title  # the example does not tell the title from the text
    assert body[1:] == list(built_in.paragraphs)
    assert "，" in body[1] and "\n" not in body[1]  # full-width punctuation kept, wraps rejoined


@pytest.mark.parametrize(
    ("ch", "script", "cjk", "unspaced"),
    [
        ("中", "han", True, True),
        ("か", "kana", True, True),
        ("，", "cjk-punct", True, False),
        ("Ａ", "cjk-punct", True, False),  # full-width ASCII: wide, but spaced like its ASCII form
        ("ก", "thai", False, True),  # Thai has no spaces between words but is not wide
        ("한", "hangul", False, False),  # Korean marks word boundaries with spaces
        ("é", "latin", False, False),
        ("ж", "cyrillic", False, False),
        ("a", "ascii", False, False),
    ],
)
def test_one_classification_of_characters(ch: str, script: str, cjk: bool, unspaced: bool) -> None:
    assert text.script_of(ch) == script
    assert text.is_cjk(ch) is cjk
    assert text.has_cjk(f"ab{ch}") is cjk
    assert text.is_unspaced(ch) is unspaced


def test_wrapped_pieces_rejoin_by_script() -> None:
    assert text.join("中华人民", "共和国") == "中华人民共和国"
    assert text.join("他说“", "好”") == "他说“好”"  # quotes are looked through
    assert text.join("the exam-", "ple") == "the exam- ple"  # a text browser never hyphenates
    assert text.join("the exam-", "ple", dehyphenate=True) == "the example"
    assert text.join("", "x") == text.join("x", "") == "x"


def test_widths_on_a_terminal_and_on_a_printed_page() -> None:
    assert text.display_width("中文ok") == 6
    # Curly quotes are ambiguous: narrow on a terminal, full-width in a CJK font.
    assert text.display_width("“中”") == 4
    assert text.printed_width("“中”") == 6
    assert text.printed_width("“ok”") == 4


def test_lines_keep_their_offsets_and_page_breaks() -> None:
    raw = "one\r\ntwo\n\fthree\n"
    lines = text.split_lines(raw)
    assert [(line.text, raw[line.start : line.end]) for line in lines] == [
        ("one", "one"),
        ("two", "two"),
        ("\fthree", "\fthree"),
    ]
    paged = text.split_lines(raw, page_breaks=True)
    assert [(line.text, line.page_start) for line in paged] == [("one", False), ("two", False), ("three", True)]
    assert raw[paged[2].start : paged[2].end] == "three"


def test_page_furniture_of_the_paginated_rfc_is_recognised_and_cut() -> None:
    path = shared("ietf-rfc/rfc2616/rfc2616.paginated.txt")
    pages = text.depaginate(path.read_text(encoding="utf-8"))
    kinds = {r.kind for r in pages.removed}
    assert {"running-header", "running-footer", "page-break"} <= kinds
    kept = "\n".join(line.text for line in pages.lines)
    assert "[Page 12]" not in kept and "\f" not in kept
    assert "Fielding, et al.             Standards Track" not in kept
    assert text.is_page_number("[Page 12]") and text.is_page_number("— 3 —") and text.is_page_number("第3页 共10页")
    assert not text.is_page_number("3 ways to go")
    header = "RFC 2616                        HTTP/1.1                       June 1999"
    assert text.mask_numbers(header) == text.mask_numbers(header.replace("2616", "2617"))


def test_recurring_lines_need_enough_pages() -> None:
    from collections import Counter

    seen = Counter({"title": 2, "chapter 7": 2, "footer": 9})
    assert text.recurring(seen, 2) == {"title", "chapter 7", "footer"}
    assert text.recurring(seen, 30) == {"footer"}  # on a page in fifteen: a heading, not furniture
    assert text.recurring(seen, 1) == set()


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("plugin", BUILT_IN)
def test_no_plugin_imports_another_plugin(plugin: str) -> None:
    others = set(BUILT_IN) - {plugin}
    for path in (PLUGINS / plugin).rglob("*.py"):
        assert not _imported_modules(path) & others, f"{path.relative_to(ROOT)} imports another plugin"


def test_the_core_never_imports_a_plugin() -> None:
    for path in (ROOT / "corpus").rglob("*.py"):
        assert not _imported_modules(path) & set(BUILT_IN), f"{path.relative_to(ROOT)} imports a plugin"


def test_no_module_is_a_drawer_of_more_than_700_lines() -> None:
    long = [
        f"{path.relative_to(ROOT)}: {n}"
        for folder in ("corpus", "plugins")
        for path in (ROOT / folder).rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 700
    ]
    assert not long
