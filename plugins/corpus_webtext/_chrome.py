"""What a line of a page dump is: site chrome, article text, or undecided.

A page's chrome is recognisable from the line alone, in any site's template: a
breadcrumb has separators between short crumbs, a byline has labels such as
``发布时间:`` or ``来源：``, a footer names the copyright holder, the ICP licence,
an address or a phone number, a menu is a run of very short lines or bullets,
a list of teasers for other articles a run of headlines (longer than a menu
item, shorter than a paragraph, ending no sentence, maybe dated), and the
header above such a list names it ("相关阅读", "推荐阅读", "関連記事").
Article text is long and punctuated. Everything else (headings, a dateline,
a subtitle) is neutral: it belongs to the article only when it sits next to it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from corpus.text import Line, display_width
from corpus_webtext._wraps import BULLET


class Role(Enum):
    GOOD = "good"  # article text
    NEUTRAL = "neutral"  # neither: a heading, a dateline, a subtitle, a scrap
    CHROME = "chrome"  # site template
    BLANK = "blank"


# How strongly a kind of chrome separates the article from what is around it.
# A wall (a byline, a footer, "next article") is never part of the article; a
# contact line may be (a notice gives its phone number); an image placeholder
# sits inside articles all the time.
WALL = "wall"
WEAK = "weak"
SOFT = "soft"


@dataclass(frozen=True)
class Classified:
    line: Line
    role: Role
    kind: str = ""  # for chrome: breadcrumb, byline, navigation, footer, share, menu...
    strength: str = ""


SENTENCE_PUNCT = "。！？；，、,.;!?：:"
FINAL_PUNCT = "。！？.!?"
# What may close a line after its last word: quotes and brackets.
_CLOSERS = "”’」』)）\"'"


class _Phrases:
    """An alternation of phrases, searched as two regexes: those without a cased letter, then the others.

    With ``re.IGNORECASE`` Python's regex engine tries every alternative at every
    position of a line; phrases in scripts without case (Chinese, Japanese, Korean,
    digits) need no such flag, and searched on their own they are quick. Only
    whether the line holds one is asked.
    """

    def __init__(self, caseless: str, cased: str) -> None:
        self._caseless = re.compile(caseless)
        self._cased = re.compile(cased, re.IGNORECASE)

    def search(self, text: str) -> bool:
        return self._caseless.search(text) is not None or self._cased.search(text) is not None


_BREADCRUMB_WORDS = _Phrases(
    r"当前位置|您的位置|你的位置|您现在的位置|你现在的位置|所在位置|现在位置",
    r"\byou are here\b|\bcurrent location\b",
)
_CRUMB_SEPARATOR = re.compile(r"\s*(?:>>|>|»|›|＞|→)\s*")
_BYLINE_LABEL = _Phrases(
    r"(?:发布时间|发布日期|发表时间|发表日期|更新时间|更新日期|录入时间|来源|稿件来源|作者|"
    r"责任编辑|编辑|责编|审核|审校|校对|供稿|摄影|通讯员|点击数|点击量|点击率|点击|"
    r"浏览次数|浏览量|浏览|阅读次数|阅读量|阅读数|访问量|字号)\s*[:：]",
    r"(?:\bsource|\bauthor|\bposted(?: on| by)?|\bpublished(?: on)?|\bupdated(?: on)?|\bviews)\s*[:：]",
)
_REPORTER = re.compile(r"^(?:本报|本台|本刊|新华社|人民网)?(?:特约)?记者|^by\s+[A-Z]", re.IGNORECASE)
_DATE = re.compile(r"(?P<y>(?:19|20)\d\d)\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})")
_TIME = re.compile(r"\d{1,2}:\d\d")
_WORD_CHAR = re.compile(r"[^\W_]")
_NAVIGATION = re.compile(
    r"^[\W_]*(?:上一条|下一条|上一篇|下一篇|上一页|下一页|前一篇|后一篇|上篇|下篇|"
    r"返回顶部|返回首页|返回列表|返回上页|打印本页|打印此文|关闭窗口|关闭本页|"
    r"previous|next|prev|back to top)(?:[\s:：】\]]|$)",
    re.IGNORECASE,
)
_FOOTER_STRONG = _Phrases(
    r"版权所有|版权声明|©|公网安备|许可证|备案号|技术支持|主办单位|承办单位|网站标识码|违法和不良信息举报",
    r"copyright|all rights reserved|icp备|icp证",
)
_CONTACT_LABEL = _Phrases(
    r"(?:地址|通讯地址|邮编|邮政编码|电话|联系电话|传真|邮箱|电子邮箱)\s*[:：.]|(?:\(0|0)\d{2,3}\)?[-\s]?\d{7,8}",
    r"(?:\btel|\bfax|e-?mail)\s*[:：.]",
)
# An e-mail address; only looked for in a line with an "@" (the run of word characters
# before it is tried from every position of a line otherwise: slow on a long line of CJK).
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _is_contact(text: str) -> bool:
    """Does the line give an address, a phone or fax number, or an e-mail address?"""
    return _CONTACT_LABEL.search(text) or ("@" in text and _EMAIL.search(text) is not None)


_SHARE = _Phrases(r"分享到|分享：|^分享$|扫一扫|二维码|公众号|关注我们", r"^share\b|\bshare on\b")
_RELATED = re.compile(
    r"^[\W_]*(?:相关新闻|相关阅读|相关文章|相关链接|相关推荐|推荐阅读|延伸阅读|热门文章|热门排行|"
    r"热点推荐|热点新闻|猜你喜欢|编辑推荐|更多|related(?: articles| posts| stories)?|"
    r"read more|more)[\W_]*$",
    re.IGNORECASE,
)
# The header of a block of links to other articles, as a phrase inside a short line:
# "这些文章你可能也喜欢", "この記事を見た人におすすめの記事", "많이 본 뉴스".
_RELATED_HEADER = _Phrases(
    r"相关(?:新闻|阅读|文章|推荐|报道|链接)|推荐阅读|延伸阅读|热门(?:文章|排行|推荐|新闻)|猜你喜欢|"
    r"关联(?:阅读|文章)|関連記事|おすすめの記事|人気記事|記事ランキング|관련\s*기사|많이\s*본\s*뉴스|"
    r"추천\s*기사",
    r"\b(?:related (?:articles|posts|stories|news)|you (?:may|might) also like|"
    r"most (?:read|popular|viewed)|recommended for you)\b",
)
_LINK_BAR = re.compile(r"\s*[|｜]\s*")
_PLACEHOLDER = re.compile(r"\[[^\]\n]{0,60}\]")
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百\d]+[）)]|"
    r"第[一二三四五六七八九十百\d]+[章节条部分篇]|\d+(?:\.\d+)*[、.．\s])"
)
# The editor's credit that closes a news article: "(编辑：文静)", "【责任编辑：刘峻凌】".
_EDITOR_CREDIT = re.compile(
    r"^[(（【\[]?\s*(?:责任编辑|编辑|责编|审核|审校|校对|编审)\s*[:：]\s*[^:：()（）【】\[\]]{1,30}[)）】\]]?$"
)
_DATELINE = re.compile(r"^[（(]?(?:新华社|中新社|人民网|央视网|本报).{0,20}电[)）]?$|^[（(]完[)）]$")

# A menu item is a few characters; a menu is several of them in a row.
MENU_ITEM_WIDTH = 16
MENU_RUN = 3
# A headline is longer than a menu item but shorter than a paragraph, and ends
# no sentence; a list of them (related articles, most read, latest news) is a
# run of such lines. One in three may end with "?" or "!", as headlines do.
HEADLINE_WIDTH = (MENU_ITEM_WIDTH + 1, 84)
HEADLINE_RUN = 3
_HEADLINE_ENDS = 1 / 3
# A list of headlines often dates each one: "2024-05-10 标题", "[05-10] 标题", "标题 (2024/05/10)".
_LIST_DATE = (
    r"[\[(（【]?\s*(?:(?:19|20)\d\d\s*[-/.年]\s*)?\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    r"(?:\s+\d{1,2}:\d\d)?\s*[\])）】]?"
)
_DATED = re.compile(rf"^{_LIST_DATE}\s*(?=\S)|\s*{_LIST_DATE}$")


_SENTENCE_MARKS = tuple(dict.fromkeys(SENTENCE_PUNCT))  # each mark once, so none is counted twice


def punctuation_count(text: str) -> int:
    """How many of the text's characters are sentence punctuation (a count per mark, in C)."""
    return sum(map(text.count, _SENTENCE_MARKS))


def is_good(text: str) -> bool:
    """Article prose: long enough, and punctuated like sentences are."""
    n = len(text)
    if n >= 10 and text[-1] in FINAL_PUNCT + "”」』)）":
        return punctuation_count(text) >= 1
    return n >= 20 and punctuation_count(text) >= max(1, n // 40)


def is_heading(text: str) -> bool:
    return bool(_HEADING.match(text)) and len(text) <= 60


def is_editor_credit(text: str) -> bool:
    return bool(_EDITOR_CREDIT.match(text))


def is_dateline(text: str) -> bool:
    return bool(_DATELINE.match(text))


def find_date(text: str) -> str | None:
    """The first date in ``text`` as YYYY-MM-DD, or ``None``."""
    for match in _DATE.finditer(text):
        month, day = int(match["m"]), int(match["d"])
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{match['y']}-{month:02d}-{day:02d}"
    return None


# Chrome is short: a line longer than this is prose (or junk), never template.
_MAX_CHROME_WIDTH = 240


def _chrome_kind(text: str) -> tuple[str, str] | None:
    """The kind and strength of chrome a single line is, judged on its own."""
    width = display_width(text)
    if width > _MAX_CHROME_WIDTH:
        return None
    without_placeholders = _PLACEHOLDER.sub("", text).strip()
    if len(without_placeholders) <= 4 and without_placeholders != text:
        return "image", SOFT
    if width <= 200 and (_BREADCRUMB_WORDS.search(text) or _is_crumb_trail(text)):
        return "breadcrumb", WALL
    if width <= 200 and _NAVIGATION.match(text):
        return "navigation", WALL
    if width <= 120 and _is_byline(text):
        return "byline", WALL
    if _FOOTER_STRONG.search(text):
        return "footer", WALL
    if width <= 60 and _SHARE.search(text):
        return "share", WALL
    if width <= 40 and (_RELATED.match(text) or _RELATED_HEADER.search(text)):
        return "related", WALL
    if _is_link_list(text):
        return "menu", WALL
    if width <= 160 and _is_contact(text):
        return "footer", WEAK
    return None


def _is_byline(text: str) -> bool:
    if _BYLINE_LABEL.search(text) or _REPORTER.match(text):
        return True
    if not _DATE.search(text):
        return False
    if not _WORD_CHAR.search(_TIME.sub("", _DATE.sub("", text))):
        return True  # nothing but a publication date and time
    return bool(_TIME.search(text)) and display_width(text) <= 60


def _is_crumb_trail(text: str) -> bool:
    crumbs = [c for c in _CRUMB_SEPARATOR.split(text) if c.strip()]
    if len(crumbs) < 2:
        return False
    return all(len(c) <= 15 for c in crumbs) and display_width(text) <= 100


def _is_link_list(text: str) -> bool:
    """A bulleted link or a row of links separated by bars: a menu, not a sentence."""
    if BULLET.match(text):
        item = BULLET.sub("", text)
        return not (len(item) >= 40 and punctuation_count(item) >= 2)
    parts = [p for p in _LINK_BAR.split(text) if p.strip()]
    return len(parts) >= 3 and all(len(p) <= 20 for p in parts)


def classify(lines: Sequence[Line]) -> list[Classified]:
    """Classify each line alone, then mark runs of very short lines as menus, runs of headlines as teasers."""
    return _mark_headline_runs(classify_chrome(lines))


def classify_chrome(lines: Sequence[Line]) -> list[Classified]:
    """:func:`classify` without looking for runs of headlines: every kind of chrome but ``teasers``."""
    return _mark_menu_runs([_classify_one(line) for line in lines])


def _classify_one(line: Line) -> Classified:
    text = line.stripped
    if not text:
        return Classified(line, Role.BLANK)
    chrome = _chrome_kind(text)
    if chrome is not None:
        return Classified(line, Role.CHROME, *chrome)
    if is_good(text):
        return Classified(line, Role.GOOD)
    return Classified(line, Role.NEUTRAL)


def _is_menu_item(item: Classified) -> bool:
    text = item.line.stripped
    return (
        item.role is Role.NEUTRAL
        and display_width(text) <= MENU_ITEM_WIDTH
        and not is_heading(text)
        and not is_dateline(text)
    )


def _mark_menu_runs(items: list[Classified]) -> list[Classified]:
    """Three or more very short lines in a row, with no blank between them, are a menu."""
    out = list(items)
    run: list[int] = []
    for i, item in enumerate([*items, Classified(Line("", 0, 0), Role.BLANK)]):
        if i < len(items) and _is_menu_item(item):
            run.append(i)
            continue
        if i < len(items) and item.role is Role.CHROME and item.kind in ("menu", "image"):
            continue  # a menu interleaved with icons or bullets is still one menu
        if len(run) >= MENU_RUN:
            for j in run:
                out[j] = Classified(out[j].line, Role.CHROME, "menu", WALL)
        run = []
    return out


def _is_headline(item: Classified) -> bool:
    text = _DATED.sub("", item.line.stripped) or item.line.stripped
    low, high = HEADLINE_WIDTH
    return (
        item.role in (Role.GOOD, Role.NEUTRAL)
        and low <= display_width(text) <= high
        and _wordy(text)
        and not is_heading(text)
        and not is_dateline(text)
        and text.rstrip(_CLOSERS)[-1:] not in "。；;，,、：:"
    )


# Headlines are words; a line of code or a command line is mostly symbols.
_CODE_MARKS = set("\\$={}<>;`")
_WORDY_SHARE = 0.75


def _wordy(text: str) -> bool:
    chars = [ch for ch in text if not ch.isspace()]
    if any(ch in _CODE_MARKS for ch in chars):
        return False
    return sum(1 for ch in chars if ch.isalnum()) >= _WORDY_SHARE * len(chars)


def _mark_headline_runs(items: list[Classified]) -> list[Classified]:
    """Three or more headlines in a row (blank lines between allowed) are a list of teasers.

    An article's own headings stand between its paragraphs, never three in a row.
    """
    out = list(items)
    run: list[int] = []
    for i, item in enumerate([*items, Classified(Line("x", 0, 0), Role.CHROME)]):
        if i < len(items) and item.role is Role.BLANK:
            continue
        if i < len(items) and _is_headline(item):
            run.append(i)
            continue
        ending = [j for j in run if items[j].line.stripped.rstrip(_CLOSERS)[-1:] in FINAL_PUNCT]
        if len(run) >= HEADLINE_RUN and len(ending) <= _HEADLINE_ENDS * len(run):
            for j in run:
                out[j] = Classified(out[j].line, Role.CHROME, "teasers", WALL)
        run = []
    return out
