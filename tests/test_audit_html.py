"""`corpus audit --html FILE`: one self-contained page, checked in a real headless Chromium.

The browser is Debian's ``chromium`` driven over the DevTools protocol on a pipe (tests/browser.py):
the page must render with no console error or uncaught exception, show the seed facts as visible
text, strike through what the readers removed, and give a screenshot that is not blank. Without
Chromium the browser tests are skipped, except under CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import Chromium, decode_png, find_chromium
from conftest import CLOSING, DATELINE, PDF_SEED, REMOVED_CHROME, SEEDS, TITLE, WEB_SEED, run_corpus

from corpus.api import Corpus
from corpus.textdiff import Changed, Unchanged, diff_paragraphs, diff_text, tokens

README_SHOT = Path(__file__).resolve().parents[1] / "docs" / "audit.png"
README_SHOT_HEIGHT = 1500


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    executable = find_chromium()
    if executable is None:
        message = "Chromium is not installed (apt-get install chromium; .ci/run does it)"
        if in_ci():
            pytest.fail(f"{message}, and CI=true: the browser test must run in CI")
        pytest.skip(message)
    with Chromium(executable, width=1280, height=900) as chromium:
        yield chromium


def write_page(db: Path, page: Path) -> Path:
    run = run_corpus("--db", db, "audit", "--html", page)
    assert run.returncode == 0, run.stderr
    assert f"wrote {page}" in run.stdout
    return page


@pytest.fixture(scope="module")
def seed_page(seed_db: tuple[Path, list[dict[str, Any]]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    db, _ = seed_db
    return write_page(db, tmp_path_factory.mktemp("page") / "audit.html")


@pytest.fixture(scope="module")
def seed_ids(seed_db: tuple[Path, list[dict[str, Any]]]) -> dict[str, Any]:
    db, records = seed_db
    (audit,) = run_corpus("--db", db, "audit", "--json").json_lines()
    by_name = {Path(r["path"]).name: r["source_id"] for r in records}
    return {"web": by_name[WEB_SEED.name], "pdf": by_name[PDF_SEED.name], "audit": audit}


@pytest.fixture
def shown_seed_page(browser: Chromium, seed_page: Path) -> Chromium:
    """The browser showing the seed page, freshly loaded for each test."""
    browser.open(seed_page.as_uri())
    return browser


def card(browser: Chromium, source_id: int) -> dict[str, Any]:
    """The side-by-side card of one source, as the browser renders it."""
    result: dict[str, Any] = browser.evaluate(
        f"""(() => {{
        const card = [...document.querySelectorAll("article.source")]
            .find(a => a.querySelector(".sid").textContent === "#{source_id}");
        const dels = [...card.querySelectorAll(".removed del")];
        return {{
            text: card.innerText,
            lacks: [...card.querySelectorAll(".lacks li")].map(li => li.innerText),
            removed: dels.map(d => d.textContent),
            struck: dels.every(d => getComputedStyle(d).textDecorationLine.includes("line-through")),
            visible: dels.every(d => d.getBoundingClientRect().width > 0 && d.getBoundingClientRect().height > 0),
            left: card.getBoundingClientRect().left,
            top: card.getBoundingClientRect().top,
        }};
    }})()"""
    )
    return result


# -- the file itself ---------------------------------------------------------------------


def test_page_is_one_self_contained_file(seed_page: Path) -> None:
    page = seed_page.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    # Nothing is fetched: no stylesheet, script or image by reference, every link is an anchor in the page.
    assert not re.search(r"<link|@import|url\(", page, re.IGNORECASE)
    assert re.findall(r"\b(?:src|href)\s*=\s*\"([^\"]*)\"", page) == ["#doc-1", "#doc-1"]
    assert "<svg" in page and "<style>" in page and "<script>" in page


HOSTILE = 'The <script>alert("owned")</script> & <b>bold</b> claim "quoted" in a paragraph long enough to be read.'


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page of a corpus whose text is full of markup, which must come out as text."""
    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "corpus.db"
    body = "\n\n".join(
        f"Paragraph {i}: {HOSTILE} Numbers {i * 7} and {i * 13} keep the lines apart." for i in range(1, 9)
    )
    (folder / "a.txt").write_text(f"A <title> & test\n\n{body}\n", encoding="utf-8")
    (folder / "b.md").write_text(
        f"A <title> & test\n\n{body}\n\nA closing line only this copy has <i>.\n", encoding="utf-8"
    )
    with Corpus.open(db) as corpus:
        results = corpus.add([folder / "a.txt", folder / "b.md"])
    assert results[0].status == "new" and results[1].status in ("copy", "version")  # audited either way
    return write_page(db, folder / "page.html")


def test_every_text_is_escaped(hostile_page: Path) -> None:
    page = hostile_page.read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<b>bold" not in page and "<title> &" not in page
    assert "&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert page.count("<script>") == 1


def test_escaped_text_reads_as_written_in_the_browser(browser: Chromium, hostile_page: Path) -> None:
    browser.open(hostile_page.as_uri())
    assert browser.page_log.errors() == []
    assert f"Paragraph 3: {HOSTILE}" in browser.evaluate("document.body.innerText")
    assert browser.evaluate("document.scripts.length") == 1
    assert browser.evaluate("[...document.querySelectorAll('b')].filter(b => b.textContent === 'bold').length") == 0
    assert browser.evaluate("document.querySelectorAll('body title, body i').length") == 0


# -- the seed corpus in Chromium -------------------------------------------------------------


def test_seed_page_renders_without_console_errors(shown_seed_page: Chromium) -> None:
    assert shown_seed_page.page_log.errors() == []
    assert shown_seed_page.evaluate("document.title").startswith("corpus audit")
    assert shown_seed_page.evaluate("document.querySelectorAll('section.document').length") == 1


def test_seed_page_shows_both_files_and_their_similarity(shown_seed_page: Chromium, seed_ids: dict[str, Any]) -> None:
    text = shown_seed_page.evaluate("document.body.innerText")
    assert TITLE in text and WEB_SEED.name in text and PDF_SEED.name in text
    sims = {s["source_id"]: s["similarity"] for s in seed_ids["audit"]["sources"]}
    pdf = card(shown_seed_page, seed_ids["pdf"])
    assert f"{sims[seed_ids['pdf']]:.3f}" in pdf["text"] and "pdftext" in pdf["text"]
    (pair,) = seed_ids["audit"]["pairs"]
    assert f"are {pair['similarity']:.3f} alike" in text
    # The overview counts and the chart of collapsed copies.
    counts = shown_seed_page.evaluate(
        "[...document.querySelectorAll('.count')].map(c => c.innerText.replace(/\\s+/g, ' '))"
    )
    assert counts == ["1 documents", "2 sources", "1 copies collapsed", "0 versions linked", "0 failed sources"]
    bars = shown_seed_page.evaluate(
        "[...document.querySelectorAll('figure.chart svg rect.bar')].map(r => r.getBBox().width)"
    )
    assert len(bars) == 1 and bars[0] > 0
    assert f"#{seed_ids['pdf']} {PDF_SEED.name}" in shown_seed_page.evaluate(
        "document.querySelector('figure.chart').textContent"
    )


def test_sources_are_side_by_side(shown_seed_page: Chromium, seed_ids: dict[str, Any]) -> None:
    web, pdf = card(shown_seed_page, seed_ids["web"]), card(shown_seed_page, seed_ids["pdf"])
    assert web["top"] == pdf["top"] and web["left"] < pdf["left"]


def test_pdf_copy_lacks_the_closing_paragraph_and_the_dateline(
    shown_seed_page: Chromium, seed_ids: dict[str, Any]
) -> None:
    lacks = card(shown_seed_page, seed_ids["pdf"])["lacks"]
    total = seed_ids["audit"]["paragraph_count"]
    assert len(lacks) == 2
    assert lacks[0].startswith(f"¶{total - 1}") and CLOSING in lacks[0]
    assert lacks[1].startswith(f"¶{total}") and DATELINE in lacks[1]
    assert card(shown_seed_page, seed_ids["web"])["lacks"] == []


def test_removed_chrome_is_struck_through(shown_seed_page: Chromium, seed_ids: dict[str, Any]) -> None:
    web = card(shown_seed_page, seed_ids["web"])
    removed = " | ".join(web["removed"])
    for chrome in REMOVED_CHROME:
        assert chrome in removed, chrome
    assert len(web["removed"]) == 9 and web["struck"] and web["visible"]
    assert "Removed by the reader: 9 line(s)".upper() in web["text"].upper()
    assert card(shown_seed_page, seed_ids["pdf"])["removed"] == []


def test_canonical_paragraphs_are_marked_with_their_sources(
    shown_seed_page: Chromium, seed_ids: dict[str, Any]
) -> None:
    rows = shown_seed_page.evaluate(
        """[...document.querySelectorAll("table.paragraphs tbody tr")].map(tr =>
            [...tr.querySelectorAll("td.mark")].map(td => td.classList.contains("yes")))"""
    )
    order = [s["source_id"] for s in seed_ids["audit"]["sources"]]
    web, pdf = order.index(seed_ids["web"]), order.index(seed_ids["pdf"])
    assert len(rows) == seed_ids["audit"]["paragraph_count"]
    assert all(row[web] for row in rows)
    assert [row[pdf] for row in rows[-2:]] == [False, False] and all(row[pdf] for row in rows[:-2])


def test_script_filters_documents_and_paragraphs(shown_seed_page: Chromium) -> None:
    b = shown_seed_page

    def visible(selector: str) -> int:
        count: int = b.evaluate(
            f"[...document.querySelectorAll('{selector}')].filter(e => e.offsetParent !== null).length"
        )
        return count

    def type_filter(text: str) -> None:
        b.evaluate(
            f"(f => {{ f.value = {text!r}; f.dispatchEvent(new Event('input')); }})(document.getElementById('filter'))"
        )

    type_filter("no such title")
    assert visible("section.document") == 0
    type_filter(PDF_SEED.name[:8])
    assert visible("section.document") == 1
    type_filter("")
    b.evaluate("document.querySelector('input.only-partial').click()")
    assert visible("table.paragraphs tbody tr") == 2
    b.evaluate("document.querySelector('input.only-partial').click()")
    assert visible("table.paragraphs tbody tr") > 60
    assert b.page_log.errors() == []


def test_screenshot_is_not_blank(shown_seed_page: Chromium) -> None:
    image = decode_png(shown_seed_page.screenshot(height=1600, scale=0.25))
    assert (image.width, image.height) == (320, 400)
    colors = image.colors()
    background_share = colors.most_common(1)[0][1] / (image.width * image.height)
    assert len(colors) > 50 and background_share < 0.95


def test_console_errors_would_be_caught(browser: Chromium, tmp_path: Path) -> None:
    """The check above can fail: a page with a script error and a console error is reported."""
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><p>x</p><script>console.error("boom"); missing();</script>', encoding="utf-8")
    browser.open(page.as_uri())
    errors = browser.page_log.errors()
    assert any("missing is not defined" in e for e in errors) and any("boom" in e for e in errors)


def test_readme_screenshot_is_in_the_repository(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """docs/audit.png is the page of the seed corpus; CORPUS_UPDATE_SCREENSHOT=1 takes it again."""
    if os.environ.get("CORPUS_UPDATE_SCREENSHOT"):
        browser: Chromium = request.getfixturevalue("browser")
        # As `make demo` makes it: relative paths, a store called demo.db.
        shutil.copytree(SEEDS, tmp_path / "seeds")
        assert run_corpus("--db", "demo.db", "add", "seeds", cwd=tmp_path).returncode == 0
        assert run_corpus("--db", "demo.db", "audit", "--html", "audit.html", cwd=tmp_path).returncode == 0
        browser.open((tmp_path / "audit.html").as_uri())
        assert browser.page_log.errors() == []
        README_SHOT.parent.mkdir(exist_ok=True)
        README_SHOT.write_bytes(browser.screenshot(height=README_SHOT_HEIGHT))
    image = decode_png(README_SHOT.read_bytes())
    assert image.width >= 1000 and len(image.colors()) > 100


# -- versions --------------------------------------------------------------------------------

RULES = [
    "Article {n}. The harbour council publishes its decisions within thirty days of each meeting under section {n}.",
    "Article {n}. Every member may inspect the record of votes at the office of the clerk during working hours.",
    "Article {n}. A meeting needs a quorum of half the members, counted at the opening of the session {n}.",
]
ZH_RULES = [
    "第{n}条 港务委员会应当在每次会议后三十日内公布其决定，并报市人民政府备案。",
    "第{n}条 委员可以在工作时间内到秘书处查阅表决记录，秘书处应当提供便利。",
    "第{n}条 委员会会议须有过半数委员出席方可举行，出席人数在会议开始时清点。",
]


def law(title: str, lines: list[str]) -> str:
    return title + "\n\n" + "\n\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def versions_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """Two laws, English and Chinese, each in an old and an amended version, linked as versions."""
    folder = tmp_path_factory.mktemp("versions")
    en_old = [RULES[i % 3].format(n=i + 1) for i in range(9)]
    en_new = list(en_old)
    en_new[0] = en_new[0].replace("thirty days", "sixty days")
    en_new[4] = "Article 5. Members who miss three meetings in a row lose their seat unless the council excuses them."
    en_new.insert(6, "Article 6a. Meetings are open to the public, except when the council decides otherwise.")
    zh_old = [ZH_RULES[i % 3].format(n="一二三四五六七八九"[i]) for i in range(9)]
    zh_new = list(zh_old)
    zh_new[0] = zh_new[0].replace("三十日", "六十日")
    zh_new[4] = "第五条 连续三次缺席会议的委员丧失席位，但委员会以多数表决予以谅解的除外。"
    files = {
        "en-2001": law("Rules of the Harbour Council", en_old),
        "en-2019": law("Rules of the Harbour Council", en_new),
        "zh-2001": law("港务委员会议事规则", zh_old),
        "zh-2019": law("港务委员会议事规则", zh_new),
    }
    ids: dict[str, int] = {}
    db = folder / "corpus.db"
    with Corpus.open(db) as corpus:
        for name, text in files.items():
            (folder / f"{name}.txt").write_text(text, encoding="utf-8")
            (result,) = corpus.add([folder / f"{name}.txt"])
            assert result.document_id is not None, result
            ids[name] = result.document_id
        assert len(set(ids.values())) == 4, "the amended versions must stay documents of their own"
        # The matcher may or may not link them; the page is tested on a link either way.
        corpus.store.relate(ids["en-2001"], ids["en-2019"], "version", 0.7)
        corpus.store.relate(ids["zh-2001"], ids["zh-2019"], "version", 0.7)
    return write_page(db, folder / "page.html"), ids


def test_versions_get_a_word_level_diff(versions_page: tuple[Path, dict[str, int]]) -> None:
    page = versions_page[0].read_text(encoding="utf-8")
    assert '<del class="old">thirty</del><ins>sixty</ins> days' in page
    assert "<ins>Article 6a. Meetings are open to the public" in page


def test_chinese_versions_get_a_character_level_diff(versions_page: tuple[Path, dict[str, int]]) -> None:
    page = versions_page[0].read_text(encoding="utf-8")
    assert '<del class="old">三</del><ins>六</ins>十日内' in page


def test_versions_page_in_the_browser(browser: Chromium, versions_page: tuple[Path, dict[str, int]]) -> None:
    page, ids = versions_page
    browser.open(page.as_uri())
    assert browser.page_log.errors() == []
    diffs = browser.evaluate("[...document.querySelectorAll('.version')].map(v => v.innerText)")
    assert len(diffs) == 2
    assert any(f"document {ids['en-2001']} → document {ids['en-2019']}" in d for d in diffs)
    zh = next(d for d in diffs if f"document {ids['zh-2001']}" in d)
    assert "连续三次缺席会议的委员丧失席位" in zh and "unchanged paragraph" in zh
    counts = browser.evaluate("[...document.querySelectorAll('.count')].map(c => c.innerText.replace(/\\s+/g, ' '))")
    assert "2 versions linked" in counts
    # The later version points back to the diff instead of repeating it.
    later = browser.evaluate(f"document.getElementById('doc-{ids['zh-2019']}').innerText")
    assert f"version of document {ids['zh-2001']}" in later


# -- the diff itself ---------------------------------------------------------------------------


def test_tokens_are_characters_in_chinese_and_words_elsewhere() -> None:
    assert tokens("第3条 The council, 2019年修订") == [
        "第", "3", "条", " ", "The", " ", "council", ",", " ", "2019", "年", "修", "订",
    ]  # fmt: skip


def test_diff_text_marks_only_what_changed() -> None:
    segments = diff_text("within thirty days of the meeting", "within sixty days of each meeting")
    assert [(s.op, s.text) for s in segments] == [
        ("equal", "within "),
        ("delete", "thirty"),
        ("insert", "sixty"),
        ("equal", " days of "),
        ("delete", "the"),
        ("insert", "each"),
        ("equal", " meeting"),
    ]


def test_diff_paragraphs_pairs_edited_paragraphs_and_folds_the_rest() -> None:
    old = ["Title", "One stays.", "Two is edited a little here.", "Three goes away entirely, nothing like it.", "Four."]
    new = ["Title", "One stays.", "Two is edited a bit here.", "A wholly new paragraph.", "Four."]
    blocks = diff_paragraphs(old, new)
    assert isinstance(blocks[0], Unchanged) and blocks[0].paragraphs == ("Title", "One stays.")
    changed = [b for b in blocks if isinstance(b, Changed)]
    assert (changed[0].old_position, changed[0].new_position) == (2, 2)
    assert [s.text for s in changed[0].segments if s.op != "equal"] == ["little", "bit"]
    assert {(c.old_position, c.new_position) for c in changed[1:]} == {(3, None), (None, 3)}
    assert isinstance(blocks[-1], Unchanged) and blocks[-1].paragraphs == ("Four.",)
