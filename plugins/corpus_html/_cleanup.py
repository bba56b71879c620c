"""What an extractor leaves at the edges of an article, and repeats inside it.

Main-text extractors judge blocks by their shape (length, link density, place
in the tree), so the lines that close an article and look like prose get
through: the copyright line, the platform's "uploaded by a user" disclaimer, a
"reprint with attribution" notice, a "share" prompt, a lone "more" link. These
are recognised by what they say, in the languages of the corpus, and cut only
in the run of such lines at the end (or start) of the text: the same words in
the middle of an article are the article's business. A photo caption that the
page prints twice (under the photo and in a gallery) is kept once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from corpus_html._blocks import normal_key

__all__ = ["Cut", "edge_boilerplate", "repeated"]

# Lines that are about the page, not part of the document. Each pattern is
# matched against a whole short line, or the start of a longer one.
_BOILERPLATE: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "copyright",
        re.compile(
            r"©|\(c\)\s*\d{4}|copyright|all rights reserved|版权所有|版權所有|著作权|未经(?:授权|许可)|禁止转载|"
            r"不得转载|无断转载|無断転載|무단\s*전재|재배포\s*금지|저작권",
            re.IGNORECASE,
        ),
    ),
    (
        "notice",
        re.compile(
            r"^[“\"「]?(?:特别声明|声明|免责声明|notice|disclaimer)\s*[:：]|转载请注明|转载时.{0,4}注明|原文链接|"
            r"本平台仅提供信息存储|以上内容.{0,20}(?:上传|发布)|the content above|uploaded and posted by|"
            r"本文(?:来源|来自|转自)|举报(?:邮箱|电话)|违法和不良信息",
            re.IGNORECASE,
        ),
    ),
    (
        "share",
        re.compile(
            r"^(?:分享|点赞|收藏本文|打印本页|关注我们|扫一扫|扫码|微信扫|(?:share|tweet|follow us)\b).{0,30}$",
            re.IGNORECASE,
        ),
    ),
    (
        "navigation",
        re.compile(
            r"^(?:查看更多|更多精彩|阅读全文|展开全文|返回顶部|返回首页|上一篇|下一篇|"
            r"(?:read more|see more|more stories|back to top)\b).{0,40}$",
            re.IGNORECASE,
        ),
    ),
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_SHORT = 80
_LONG_ENOUGH_TO_REPEAT = 20
_MAX_EDGE_RUN = 8


@dataclass(frozen=True)
class Cut:
    """A paragraph the clean-up removed, by index, and why."""

    index: int
    kind: str


def boilerplate_kind(text: str) -> str | None:
    """The kind of page furniture ``text`` is, judging by its words, or ``None``."""
    stripped = text.strip()
    if len(stripped) > _SHORT * 3:
        return None
    for kind, pattern in _BOILERPLATE:
        if pattern.search(stripped[:_SHORT]):
            return kind
    if len(stripped) <= _SHORT and _EMAIL.search(stripped) and len(_EMAIL.sub("", stripped)) < 40:
        return "contact"
    return None


def edge_boilerplate(paragraphs: Sequence[str]) -> list[Cut]:
    """Boilerplate lines in the runs at the end and at the start of the text."""
    cuts: list[Cut] = []
    end = len(paragraphs)
    for i in range(len(paragraphs) - 1, max(-1, len(paragraphs) - 1 - _MAX_EDGE_RUN), -1):
        kind = boilerplate_kind(paragraphs[i])
        if kind is None:
            break
        cuts.append(Cut(i, kind))
        end = i
    for i in range(min(end, _MAX_EDGE_RUN)):
        kind = boilerplate_kind(paragraphs[i])
        if kind is None or kind == "copyright":
            break
        cuts.append(Cut(i, kind))
    return sorted(cuts, key=lambda cut: cut.index)


def repeated(paragraphs: Sequence[str], code: Sequence[bool]) -> list[Cut]:
    """Second and later copies of a paragraph long enough not to repeat by chance.

    Lines of code repeat by nature (the same command in two scripts) and are left alone.
    """
    seen: set[str] = set()
    cuts: list[Cut] = []
    for i, text in enumerate(paragraphs):
        key = normal_key(text)
        if code[i] or len(key) < _LONG_ENOUGH_TO_REPEAT:
            continue
        if key in seen:
            cuts.append(Cut(i, "duplicate"))
        seen.add(key)
    return cuts
