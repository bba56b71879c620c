"""The article in a printed web page: the run of prose the site's chrome does not cross.

A web page printed to PDF keeps the whole page: the site's menus, a search box,
share buttons, lists of related and popular articles, the footer. The article
is where the prose is: paragraphs that run over several lines or end a
sentence. Everything else (a menu item, a headline in a list, a button label)
counts against a stretch, so the best stretch is the article: a maximum-sum
run in which prose counts for its length and anything else costs a little, so
a heading between two paragraphs is crossed and a menu of twenty items is not.

Then the article's body shows how it is set: its font size, its margin, its
paragraph indent. A second run counts only prose set that way, so a box of
teasers for other articles beside the article (another margin) is not taken
for more of it; the run takes in a line or two set like the body next to it (a
subheading above the first paragraph), and inside it drops what is neither
prose nor at the body's margins (a widget pinned to the edge of the page).

A drop-down menu that the screen hides prints over the article, glyphs over
glyphs, and would cut the article in two. Text never overprints text in a
laid-out page, so a run of menu items printed over other text is neither
prose nor a wall: the article's run crosses it, and it is cut.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.text import ends_sentence, printed_width
from corpus_pdf._lines import TextLine
from corpus_pdf._paragraphs import Paragraph

# What a paragraph that is not prose costs a stretch, in characters of prose.
_COST = 40
_MIN_PROSE_WIDTH = 20
# Punctuation inside sentences; a colon or an enumeration comma also label a
# footer's fields ("总机：…", "地址：…").
_SENTENCE_PUNCT = "，。；！？,.;!?"
# Items of a link bar: "关于我们 | 联系我们 | 广告服务".
_SEPARATORS = "|｜"
# How many paragraphs of a run of non-prose must cover other text to make it an overlay.
_OVERLAY_HITS = 2
_OVERLAY_SHARE = 0.1
# Lines start at the same margin to within this many points.
_SAME_X = 2.0
# How many paragraphs set like the body the article may take in on each side.
_EXTEND = 2


def is_prose(paragraph: Paragraph) -> bool:
    """Running text: it ends a sentence, or it runs over several lines with sentence punctuation inside."""
    text = paragraph.text
    if printed_width(text) < _MIN_PROSE_WIDTH or sum(text.count(ch) for ch in _SEPARATORS) >= 2:
        return False
    return ends_sentence(text) or (len(paragraph.lines) >= 2 and any(ch in _SENTENCE_PUNCT for ch in text))


@dataclass(frozen=True)
class Article:
    """The article's paragraphs: ``[start, end)`` without the ``overprinted`` ones."""

    start: int
    end: int
    overprinted: frozenset[int]

    def __contains__(self, index: int) -> bool:
        return self.start <= index < self.end and index not in self.overprinted


def _overlap(a: TextLine, b: TextLine) -> bool:
    """Do the two lines' glyphs cover the same spot of the page?"""
    horizontal = min(a.x1, b.x1) - max(a.x0, b.x0)
    vertical = min(a.height, b.height) - abs(a.baseline - b.baseline)
    return horizontal > 0.5 * min(a.height, b.height) and vertical > 0.5 * min(a.height, b.height)


def overprinted(paragraphs: Sequence[Paragraph]) -> frozenset[int]:
    """Indices of the paragraphs of an overlay: runs of non-prose printed over other text.

    An overlay menu covers the article and whatever else is there, but most of
    its items land between the lines: a run of non-prose paragraphs counts as
    an overlay when a few of them (not one: a heading may touch a stray mark)
    cover a glyph.
    """
    by_page: dict[int, list[tuple[int, TextLine]]] = defaultdict(list)
    for i, paragraph in enumerate(paragraphs):
        for line in paragraph.lines:
            by_page[line.page].append((i, line))
    covering = {
        i
        for i, paragraph in enumerate(paragraphs)
        if not is_prose(paragraph)
        and any(j != i and _overlap(line, other) for line in paragraph.lines for j, other in by_page[line.page])
    }
    out: set[int] = set()
    run: list[int] = []
    for i in range(len(paragraphs) + 1):
        if i < len(paragraphs) and not is_prose(paragraphs[i]):
            run.append(i)
            continue
        if run and sum(1 for j in run if j in covering) >= max(_OVERLAY_HITS, _OVERLAY_SHARE * len(run)):
            out.update(run)
        run = []
    return frozenset(out)


@dataclass(frozen=True)
class _Style:
    """How the article's body is set: font size, left margin, paragraph indent (points)."""

    size: float
    margin: float
    indent: float

    def fits(self, paragraph: Paragraph) -> bool:
        """Is ``paragraph`` set like the body: its size, its first line at the indent or the margin,
        the others at the margin?"""
        if abs(paragraph.size - self.size) > 0.05 * self.size:
            return False
        first, *rest = paragraph.lines
        starts = (self.margin, self.indent)
        return any(abs(first.x0 - x) <= _SAME_X for x in starts) and all(
            abs(line.x0 - self.margin) <= _SAME_X for line in rest
        )

    def aligned(self, paragraph: Paragraph) -> bool:
        """Does ``paragraph`` start at the body's margin or indent, or sit centred over it?"""
        x0 = paragraph.lines[0].x0
        return paragraph.centred or any(abs(x0 - x) <= _SAME_X for x in (self.margin, self.indent))


def _style(paragraphs: Sequence[Paragraph]) -> _Style | None:
    prose = [p for p in paragraphs if is_prose(p)]
    size = body_size(prose)
    body = [p for p in prose if abs(p.size - size) <= 0.05 * size]
    indents = Counter(round(p.lines[0].x0) for p in body)
    margins = Counter(round(line.x0) for p in body for line in p.lines[1:])
    if not indents:
        return None
    indent = float(indents.most_common(1)[0][0])
    return _Style(size, float(margins.most_common(1)[0][0]) if margins else indent, indent)


def _best_run(scores: Sequence[int]) -> tuple[int, int] | None:
    """``[start, end)`` of the run with the largest sum, or ``None`` when nothing scores."""
    best: tuple[int, int, int] | None = None  # (sum, start, end)
    running, start = 0, 0
    for i, score in enumerate(scores):
        if running <= 0 and score > 0:
            running, start = 0, i
        running += score
        if score > 0 and (best is None or running > best[0]):
            best = (running, start, i + 1)
        running = max(running, 0)
    return None if best is None else (best[1], best[2])


def find_article(paragraphs: Sequence[Paragraph]) -> Article | None:
    """The article's paragraphs, or ``None`` when no paragraph is prose.

    A first run finds where the prose is and how its body is set; a second
    counts only prose set that way, so a box of teasers for other articles
    (another margin, another size) next to the article is not taken for it.
    """
    over = overprinted(paragraphs)

    def score(i: int, prose: bool) -> int:
        return 0 if i in over else len(paragraphs[i].text) if prose else -_COST

    first = _best_run([score(i, is_prose(p)) for i, p in enumerate(paragraphs)])
    if first is None:
        return None
    style = _style(paragraphs[first[0] : first[1]])
    if style is None:
        return None
    second = _best_run([score(i, is_prose(p) and style.fits(p)) for i, p in enumerate(paragraphs)]) or first
    start, end = _extend(paragraphs, *second, style)
    # Inside the article, what is neither prose nor set at the body's margins
    # (a widget pinned to the page's edge, a button) is cut too.
    stray = {i for i in range(start, end) if not is_prose(paragraphs[i]) and not style.aligned(paragraphs[i])}
    return Article(start, end, frozenset({i for i in over if start <= i < end} | stray))


def body_size(paragraphs: Sequence[Paragraph]) -> float:
    """The font size most of the prose is set in."""
    sizes: Counter[float] = Counter()
    for paragraph in paragraphs:
        if is_prose(paragraph):
            sizes.update({line.size: len(line.text) for line in paragraph.lines})
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _opens_like_body(paragraph: Paragraph, style: _Style) -> bool:
    """One line in the body's font that starts where the body's paragraphs start, not centred.

    A subheading or a dateline inside the article is set so; a share button,
    a "font size" switch or a related-articles header sits at the bare margin.
    """
    return (
        len(paragraph.lines) == 1
        and abs(paragraph.size - style.size) <= 0.05 * style.size
        and abs(paragraph.lines[0].x0 - style.indent) <= _SAME_X
        and not paragraph.centred
    )


def _extend(paragraphs: Sequence[Paragraph], start: int, end: int, style: _Style) -> tuple[int, int]:
    taken = 0
    while start > 0 and taken < _EXTEND and _opens_like_body(paragraphs[start - 1], style):
        start -= 1
        taken += 1
    taken = 0
    while end < len(paragraphs) and taken < _EXTEND and _opens_like_body(paragraphs[end], style):
        end += 1
        taken += 1
    return start, end
