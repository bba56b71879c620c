"""Title, date, site name, language and URL of a page.

trafilatura's metadata pass (``htmldate`` for the date, JSON-LD, OpenGraph and
``<meta>`` for the rest) does the finding. What it cannot know is which of the
page's headlines is the document's title: ``<title>`` carries the site name
(``…_中国网``, ``… - ライブドアニュース``), and an ``<h1>`` may belong to the site
header rather than the article. The article's own leading heading is the best
title when the page's ``<title>`` confirms it; otherwise trafilatura's title
when the ``<title>`` agrees with it, else the ``<title>`` without its site-name
segments.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import lxml.html
from trafilatura import extract_metadata

from corpus.text import script_of
from corpus_html._blocks import clean_text, normal_key

__all__ = ["PageMetadata", "choose_title", "page_metadata", "script_language"]

# Separators sites put between headline, section and site name: a spaced dash
# or bar, or marks never used inside a headline.
_SEPARATOR = r"\s+[-–—|·•]\s+|\s*(?:_|\||｜|--|——|::)\s*"
_TITLE_SEPARATORS = re.compile(_SEPARATOR)
# The last separator of a title and what follows it. A bare "-" is too common
# inside headlines to split on; it counts only before a site name.
_LAST_SEGMENT = re.compile(rf"(?:(?P<strong>{_SEPARATOR})|-)(?P<tail>[^-–—|｜_]+)$")
_SITE_NAME = re.compile(
    r"(?:网|網|站|频道|頻道|在线|在線|日报|日報|晚报|新闻|新聞|资讯|官网|博客|ニュース|뉴스)$|"
    r"\.(?:com|cn|net|org|jp|kr|tw|hk|gov|edu)\b|^www\.",
    re.IGNORECASE,
)
_MAX_SITE_NAME = 24
_SITE_SUFFIX = re.compile(r"\s*(?:版权所有|版權所有|all rights reserved\.?)\s*$", re.IGNORECASE)
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")

_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class PageMetadata:
    """What the page says about itself, before the article is known."""

    title: str | None
    html_title: str | None
    date: str | None
    site: str | None
    url: str | None
    declared_language: str | None


def page_metadata(tree: lxml.html.HtmlElement) -> PageMetadata:
    # Without the extensive search htmldate trusts only dates the page marks as
    # such (markup, URL, JSON-LD): a guess from any number in the text is worse
    # than no date, and the search costs seconds a page.
    found = extract_metadata(tree, extensive=False)
    html_title = tree.findtext(".//title")
    site = _SITE_SUFFIX.sub("", found.sitename or "").strip() or found.hostname or None
    return PageMetadata(
        title=clean_text(found.title) if found.title else None,
        html_title=clean_text(html_title) if html_title else None,
        date=found.date or None,
        site=site,
        url=found.url or None,
        declared_language=_declared_language(tree),
    )


def choose_title(meta: PageMetadata, leading_headings: Sequence[str]) -> tuple[str | None, int]:
    """The document title, and how many of the article's leading headings it accounts for.

    A leading heading that the page's ``<title>`` (or trafilatura's title) contains
    is the title, without the site name around it; headings before it are the
    headline's kicker lines (引题), which the title stands for too.
    """
    references = [normal_key(t) for t in (meta.html_title, meta.title) if t]
    for i, heading in enumerate(leading_headings):
        key = normal_key(heading)
        if len(key) >= 4 and any(key in ref for ref in references):
            return heading, i + 1
    if meta.title and _confirmed(meta.title, meta):
        return _without_site(meta.title, meta.site), 0
    return (_without_site(meta.html_title, meta.site) if meta.html_title else None), 0


def _confirmed(title: str, meta: PageMetadata) -> bool:
    """trafilatura's title counts when the ``<title>`` agrees: its ``<h1>`` may be the site's banner."""
    if meta.html_title is None:
        return True
    key = normal_key(_without_site(title, meta.site))
    return bool(key) and key in normal_key(meta.html_title)


def _without_site(title: str, site: str | None) -> str:
    """The headline of a ``<title>``: trailing segments that name a site or section go.

    ``headline_栏目_站名``, ``headline - Site``, ``headline-中国科普网``: a segment after
    a separator goes when it is the site's name or reads like one (a domain, a
    name ending in 网/频道/日报...). A title that leads with the site name keeps
    its longest segment.
    """
    text = title.strip()
    while True:
        match = _LAST_SEGMENT.search(text)
        if match is None:
            break
        head, tail = text[: match.start()].strip(), match.group("tail").strip()
        strong = match.group("strong") is not None
        if not head or not (_names_site(tail, site) or (strong and len(tail) <= len(head))):
            break
        text = head
    segments = [s.strip() for s in _TITLE_SEPARATORS.split(text) if s.strip()]
    if len(segments) > 1 and _names_site(segments[0], site):
        return max(segments[1:], key=len)
    return text


def _names_site(segment: str, site: str | None) -> bool:
    key = normal_key(segment)
    if not key:
        return False
    if site and (key in normal_key(site) or normal_key(site) in key):
        return True
    return len(key) <= _MAX_SITE_NAME and bool(_SITE_NAME.search(segment))


def _declared_language(tree: lxml.html.HtmlElement) -> str | None:
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    candidates += tree.xpath("//meta[translate(@http-equiv,'LANGUAGE','language')='content-language']/@content")
    candidates += tree.xpath("//meta[@property='og:locale']/@content")
    for value in candidates:
        value = str(value or "").strip().split(",")[0].strip()
        if _LANG.match(value):
            return value.replace("_", "-").split("-")[0].lower()
    return None


def script_language(text: str, declared: str | None) -> str | None:
    """The language as the text's script shows it, else what the page declares.

    Pages declare ``lang="en"`` from a template as often as not; the script of the
    article itself is the better witness for Chinese, Japanese, Korean and Thai.
    Between languages that share a script the declaration is all there is.
    """
    letters = len(_LETTER.findall(text))
    if not letters:
        return declared
    scripts = Counter(map(script_of, text))
    kana, hangul, han, thai = scripts["kana"], scripts["hangul"] + scripts["jamo"], scripts["han"], scripts["thai"]
    if kana >= 0.05 * letters:
        return "ja"
    if hangul >= 0.3 * letters:
        return "ko"
    if thai >= 0.3 * letters:
        return "th"
    if han >= 0.3 * letters:
        return declared if declared in {"zh", "ja", "ko"} else "zh"
    return declared if declared not in {"zh", "ja", "ko", "th"} else None
