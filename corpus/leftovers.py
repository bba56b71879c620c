"""What a paragraph only some copies of a document have is: content, or a leftover of one copy.

The canonical text is the union of what a document's sources attest, but a copy
carries things the document does not: an ad between two paragraphs of a web
page, a menu word its reader let through, the border of the table the page was
laid out in, a photo's caption, digits an extractor set apart. A paragraph every
source attests is content, whatever it looks like. One that only some attest is
judged, in this order:

1. by its shape, when it has the shape of a page's template (:func:`signature`,
   the reasons in :data:`CHROME`): a table border, a footer line (copyright,
   address, phone), a row of menu links, a byline with the publication date or
   a view counter, a caption closed by a photo credit (a copy without the
   picture has no caption); or by the corpus, when many other documents hold it
   too (``shared``);
2. by the other copies: when more of the copies that hold text on both sides of
   it run straight past it than hold it, it is not part of the document
   (``skipped``): a copy is the same text, so what it inserts is its own;
3. by how many hold it: a paragraph most sources attest is content (an editor's
   credit most copies carry is part of the article as published);
4. by its shape again, when only a minority holds it: a credit, a run of
   numbers, a fragment too short to be a paragraph, words in another script than
   the document's;
5. by what it is: sentence-shaped prose in the document's script, next to
   content, is content (the closing paragraph only the web page kept), and so is
   a line that the same sources hold next to such a block (its dateline). Any
   other line only a minority holds is a ``leftover``: a headline's deck, a
   label the template set there.

Only the document's own sources are seen here; the corpus speaks through
``shared`` alone (see :class:`corpus.canonical.SourceText`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.normalise import tokens
from corpus.text import ends_sentence, script_of

REASONS: dict[str, str] = {
    "border": "the border of a table drawn with box-drawing or ASCII characters",
    "footer": "a site footer: copyright, licence, address, phone or e-mail",
    "menu": "a row of links or a bulleted link: site navigation",
    "byline": "the page's byline: source, publication date, view counter",
    "caption": "a picture's caption, closed by the photographer's credit",
    "credit": "an editor's, author's or reporter's credit",
    "numbers": "a run of numbers with a letter or two at most",
    "fragment": "a piece too short to be a paragraph, or a label with nothing after it",
    "script": "words in another script than the document's",
    "shared": "text many other documents of the corpus also hold",
    "skipped": "the copies that hold the text around it run past it",
    "leftover": "a line only a minority of the sources hold, not prose and not part of a block they add",
    "unplaced": "a paragraph of a source whose structure is degenerate (one giant paragraph) that matches nothing",
}
"""Why a paragraph was left out of the canonical text: the reason words of :class:`corpus.canonical.LeftOut`."""

CHROME = frozenset({"border", "footer", "menu", "byline", "caption", "shared"})
"""Reasons that keep a paragraph out however many sources hold it (short of all): a page's template."""

# A paragraph of this many tokens or fewer is a fragment ("的；", "CPI", "[index_08]").
FRAGMENT_TOKENS = 3
# A label ("关键字：", "热词：") is short and ends with its colon.
LABEL_TOKENS = 8
# Prose is sentence-shaped and holds at least this many tokens.
PROSE_TOKENS = 8
# Credits, menus and footer lines are short; a long line is never one of them.
CREDIT_CHARS = 60
FOOTER_CHARS = 240
CONTACT_CHARS = 160
MENU_ITEM_CHARS = 20

_BOX_RUN = re.compile(r"[\u2500-\u257f]{3,}")
_BOX = re.compile(r"[\u2500-\u257f]")
_ASCII_RULE = re.compile(r"[\s|+]*[-=_~+]{3,}[-=_~+|\s]*")
_CREDIT_LABEL = re.compile(
    r"^[(（【\[]?\s*(?:责任编辑|编辑|责编|主编|审核|审校|校对|编审|终审|初审|复审|作者|记者|通讯员|"
    r"撰稿|撰文|文字|文|摄影|摄像|图片|图|制图|视频|供稿|译者|翻译|"
    r"editor|edited by|author|written by|reporter|photo(?:graph)?s?(?: by)?|images?(?: by)?|credits?)"
    r"\s*[:：/]",
    re.IGNORECASE,
)
_BYLINE_LABEL = re.compile(
    r"(?:^|[\s|｜])(?:来源|稿件来源|出处|发布者|发布人|发布时间|发布日期|发表时间|发表日期|更新时间|"
    r"浏览次数|浏览量|点击数|点击量|点击|阅读量|阅读次数|字号|"
    r"source|posted(?: on| by)?|published(?: on)?|updated(?: on)?|views)\s*[:：]",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^by\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}$")
# A photo credit closing a caption: "新华社记者 谢环驰 摄", "（张三 摄）", "(Photo by Jane Roe)".
_NAME = r"[\u4e00-\u9fff·]{2,5}"
_PHOTO_CREDIT = re.compile(
    rf"(?:(?:记者|摄影|通讯员)\s*{_NAME}(?:\s*[、，,和]\s*{_NAME})*\s*摄"
    rf"|[\s(（]{_NAME}(?:\s*[、，,和]\s*{_NAME})*\s+摄"
    rf"|[(（]\s*{_NAME}\s*摄"
    r"|[\u4e00-\u9fff]{1,6}社发)\s*[)）]?$"
    r"|\((?:photo|image|picture)s?(?::| by| credit)[^)]{1,60}\)$",
    re.IGNORECASE,
)
_FOOTER = re.compile(
    r"版权所有|版权声明|copyright|©|all rights reserved|icp备|icp证|公网安备|备案号|技术支持|主办单位|"
    r"承办单位|网站标识码|违法和不良信息举报|未经授权|不得转载|转载请注明",
    re.IGNORECASE,
)
_CONTACT = re.compile(
    r"(?:地址|通讯地址|邮编|邮政编码|电话|联系电话|传真|邮箱|电子邮箱|\btel|\bfax|e-?mail|phone)\s*[:：.]"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\(?0\d{2,3}\)?[-\s]?\d{7,8}",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*[•●○□■◆◇▪▫·*]\s*")
_LINK_BAR = re.compile(r"\s*[|｜]\s*")
_SENTENCE_MARKS = "，。；：、！？,.;:!?"
_LABEL_END = (":", "：")
# Scripts that one text mixes freely count as one: Chinese and Japanese text holds
# Han and kana, Korean text Hangul and Han; ASCII letters are Latin.
_SCRIPT_GROUP = {"han": "cjk", "kana": "cjk", "hangul": "cjk", "bopomofo": "cjk", "ascii": "latin"}


@dataclass(frozen=True)
class Candidate:
    """A paragraph of a document's merged text: its text and the sources that attest it."""

    text: str
    sources: frozenset[int]
    shared: bool = False  # many other documents of the corpus hold it too


def judge(
    paragraphs: Sequence[Candidate], source_count: int, degenerate: frozenset[int] = frozenset()
) -> list[str | None]:
    """For each paragraph, ``None`` when it is content, else the reason word (see :data:`REASONS`).

    ``paragraphs`` are in document order; ``source_count`` is how many sources the
    document has (every one of them attests some paragraph or another).
    ``degenerate`` are the sources without a paragraph structure (one giant
    paragraph): they attest a paragraph by holding its words, which a page's
    menu and footer are too, so their attestation counts in a vote but does not
    make a paragraph one every source agrees on unless two others hold it.
    """
    verdict: list[str | None] = [None] * len(paragraphs)
    majority = [len(p.sources) * 2 > source_count for p in paragraphs]
    to_judge = [
        i
        for i, p in enumerate(paragraphs)
        if len(p.sources) < source_count or (degenerate and len(p.sources - degenerate) < 2)
    ]  # the others every source attests
    if not to_judge:
        return verdict  # a document with one source, or whose sources all agree: nothing to judge
    script = main_script(
        [p.text for p, m in zip(paragraphs, majority, strict=True) if m] or [p.text for p in paragraphs]
    )
    shapes: dict[int, str | None] = {}
    for i in to_judge:
        p = paragraphs[i]
        shapes[i] = signature(p.text, script) or ("shared" if p.shared else None)
        if shapes[i] in CHROME:
            verdict[i] = shapes[i]
    judged = [i for i in shapes if verdict[i] is None]
    for i in _skipped(paragraphs, verdict, judged):
        verdict[i] = "skipped"
    pending: set[int] = set()
    for i in judged:
        if verdict[i] is None and not majority[i]:
            verdict[i] = shapes[i]
            if verdict[i] is None:
                pending.add(i)
    for i in pending - _taken_in(paragraphs, verdict, pending):
        verdict[i] = "leftover"
    return verdict


def _taken_in(paragraphs: Sequence[Candidate], verdict: Sequence[str | None], pending: set[int]) -> set[int]:
    """The minority paragraphs that are content: prose next to content, and the lines of such a block.

    A block grows from the content it touches, in both directions, until
    nothing more joins it.
    """
    prose = {i for i in pending if is_prose(paragraphs[i].text)}
    around = {i: _neighbours(verdict, i) for i in pending}
    taken: set[int] = set()
    grown = True
    while grown:
        grown = False
        for order in (sorted(pending), sorted(pending, reverse=True)):
            for i in order:
                if i in taken:
                    continue
                if i in prose and any(j not in pending or j in taken for j in around[i]):
                    taken.add(i)
                    grown = True
                elif any(j in taken and paragraphs[i].sources <= paragraphs[j].sources for j in around[i]):
                    taken.add(i)  # a line of the block those sources add: its dateline, its heading
                    grown = True
    return taken


def _skipped(paragraphs: Sequence[Candidate], verdict: Sequence[str | None], judged: Sequence[int]) -> list[int]:
    """The judged paragraphs that more copies run past (holding text on both sides) than hold."""
    open_ = [i for i, v in enumerate(verdict) if v is None]
    before: dict[int, frozenset[int]] = {}
    seen: frozenset[int] = frozenset()
    for i in open_:
        before[i] = seen
        seen = seen | paragraphs[i].sources
    after: dict[int, frozenset[int]] = {}
    seen = frozenset()
    for i in reversed(open_):
        after[i] = seen
        seen = seen | paragraphs[i].sources
    out = []
    for i in judged:
        past = (before[i] & after[i]) - paragraphs[i].sources
        if len(past) > len(paragraphs[i].sources):
            out.append(i)
    return out


def _neighbours(verdict: Sequence[str | None], i: int) -> list[int]:
    """The nearest paragraphs before and after ``i`` that are not already left out."""
    out = []
    j = i - 1
    while j >= 0 and verdict[j] is not None:
        j -= 1
    if j >= 0:
        out.append(j)
    j = i + 1
    while j < len(verdict) and verdict[j] is not None:
        j += 1
    if j < len(verdict):
        out.append(j)
    return out


def signature(text: str, script: str | None = None) -> str | None:
    """The reason word when ``text`` has the shape of what a copy carries and a document does not.

    ``script`` is the document's script group (:func:`main_script`); without it,
    the script of the text is not judged.
    """
    stripped = text.strip()
    words = tokens(stripped)
    if _BOX_RUN.search(stripped) or (len(_BOX.findall(stripped)) >= 2 and len(words) <= FRAGMENT_TOKENS):
        return "border"
    if _ASCII_RULE.fullmatch(stripped):
        return "border"
    if len(stripped) <= FOOTER_CHARS and _FOOTER.search(stripped):
        return "footer"
    if len(stripped) <= CONTACT_CHARS and _CONTACT.search(stripped) and not ends_sentence(stripped):
        return "footer"
    if len(stripped) <= CREDIT_CHARS and _BYLINE_LABEL.search(stripped):
        return "byline"
    if _is_menu(stripped):
        return "menu"
    if _PHOTO_CREDIT.search(stripped):
        return "caption"
    if is_credit(stripped):
        return "credit"
    letters = [ch for ch in stripped if ch.isalpha()]
    if len(letters) <= 2 and any(ch.isdigit() for ch in stripped):
        return "numbers"
    if len(words) <= FRAGMENT_TOKENS or (stripped.endswith(_LABEL_END) and len(words) <= LABEL_TOKENS):
        return "fragment"
    if script is not None and letters and script not in {_group(ch) for ch in letters}:
        return "script"
    return None


def is_credit(text: str) -> bool:
    """An editor's, author's or reporter's credit on a line of its own ("（责编：…）", "By Jane Roe")."""
    return len(text) <= CREDIT_CHARS and bool(_CREDIT_LABEL.match(text) or _BYLINE.match(text))


def _is_menu(text: str) -> bool:
    parts = [p for p in _LINK_BAR.split(text) if p.strip()]
    if len(parts) >= 3 and all(len(p) <= MENU_ITEM_CHARS for p in parts):
        return True
    if _BULLET.match(text):
        return len(_BULLET.sub("", text)) <= MENU_ITEM_CHARS
    return False


def is_prose(text: str) -> bool:
    """Sentence-shaped: long enough, and ending as a sentence does or punctuated like one."""
    if len(tokens(text)) < PROSE_TOKENS:
        return False
    return ends_sentence(text) or sum(1 for ch in text if ch in _SENTENCE_MARKS) >= 2


def _group(ch: str) -> str:
    script = script_of(ch)
    return _SCRIPT_GROUP.get(script, script)


def main_script(texts: Sequence[str]) -> str | None:
    """The script group most letters of ``texts`` are in (``cjk``, ``latin``, ``cyrillic``…).

    Characters are counted first (in C), then each distinct letter is given its group:
    the same counts, in the same order of first appearance, as grouping every letter.
    """
    chars: Counter[str] = Counter()
    for text in texts:
        chars.update(text)
    counts: Counter[str] = Counter()
    for ch, n in chars.items():
        if ch.isalpha():
            counts[_group(ch)] += n
    return counts.most_common(1)[0][0] if counts else None
