"""Markdown: recognised, and read into plain paragraphs.

The same document is often filed once as Markdown and once as a web page or a
PDF; only the words can match, so the markup goes: heading markers, emphasis,
link targets, list bullets, table rules, HTML comments. Headings stay
paragraphs of their own, as they do in the other readers, and the first
level-one heading is the title.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from corpus import Extract, Removed
from corpus.text import Line, join, split_lines

_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")

_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")
_BULLET = re.compile(r"^\s*[-*+]\s+")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)+\|?\s*$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_LINK_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_NOT_NEWLINE = re.compile(r"[^\n]")

_INLINE = [
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images carry no text of the document
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),  # <https://...>
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # **strong**
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),  # *emphasis*
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),  # _emphasis_
    (re.compile(r"~~(.+?)~~"), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),  # inline HTML tags
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])"), r"\1"),  # backslash escapes
]

_SYNTAX = {
    "heading": re.compile(r"^#{1,6}\s+\S", re.MULTILINE),
    "link": re.compile(r"\[[^\]\n]+\]\([^)\n]+\)"),
    "fence": re.compile(r"^```", re.MULTILINE),
    "strong": re.compile(r"\*\*[^\s*][^*\n]*(?<=[^\s*])\*\*"),
    "list": re.compile(r"^\s*[-*+]\s+[^\W_]", re.MULTILINE),
    "table": re.compile(r"^\s*\|?\s*:?-{3,}:?\s*\|", re.MULTILINE),
}


def looks_like_markdown(path_suffix: str, media_type: str, text: str) -> bool:
    """A Markdown file by name or type, or text whose syntax leaves no doubt."""
    if path_suffix.lower() in _SUFFIXES or media_type == "text/markdown":
        return True
    sample = text[:20000]
    counts = {kind: len(pattern.findall(sample)) for kind, pattern in _SYNTAX.items()}
    kinds = sum(1 for n in counts.values() if n)
    headings = counts["heading"]
    return (headings >= 1 and kinds >= 2) or headings >= 3 or (kinds >= 2 and sum(counts.values()) >= 4)


def clean_inline(text: str) -> str:
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    return text.strip()


@dataclass
class _Reading:
    """What has been read so far: the paragraphs and their heading levels, the open paragraph, the cuts."""

    paragraphs: list[str] = field(default_factory=list)
    levels: list[int] = field(default_factory=list)  # heading level per paragraph, 0 for text
    open: str = ""
    removed: list[Removed] = field(default_factory=list)

    def close(self) -> None:
        self._append(self.open, 0)
        self.open = ""

    def add(self, text: str, level: int = 0) -> None:
        self.close()
        self._append(text, level)

    def _append(self, text: str, level: int) -> None:
        cleaned = clean_inline(text)
        if cleaned:
            self.paragraphs.append(cleaned)
            self.levels.append(level)

    def extend(self, text: str) -> None:
        self.open = join(self.open, text.strip())

    def cut(self, line: Line, kind: str) -> None:
        self.removed.append(Removed(line.text, kind, line.start, line.end))


def _front_matter(lines: Sequence[Line]) -> int:
    """Number of lines of a YAML front-matter block at the top (0 when there is none)."""
    if not lines or lines[0].stripped != "---":
        return 0
    for i, line in enumerate(lines[1:50], start=1):
        if line.stripped in ("---", "..."):
            return i + 1
    return 0


def _front_matter_fields(block: Sequence[Line]) -> dict[str, str]:
    """The ``key: value`` lines between the delimiters of a front-matter ``block``."""
    fields: dict[str, str] = {}
    for line in block[1:-1]:
        key, sep, value = line.text.partition(":")
        if sep and key.strip() and value.strip():
            fields[key.strip().lower()] = value.strip().strip("\"'")
    return fields


def _blank_comments(text: str) -> tuple[str, list[Removed]]:
    """The text with HTML comments blanked out (offsets kept), and the comments."""
    removed = [Removed(m.group(), "comment", m.start(), m.end()) for m in _COMMENT.finditer(text)]
    blanked = _COMMENT.sub(lambda m: _NOT_NEWLINE.sub(" ", m.group()), text)
    return blanked, removed


def read_markdown(text: str) -> Extract:
    """Title, paragraphs, what was cut, and front-matter metadata of a Markdown text."""
    blanked, comments = _blank_comments(text)
    lines = split_lines(blanked)
    reading = _Reading(removed=comments)
    skip = _front_matter(lines)
    for line in lines[:skip]:
        reading.cut(line, "front-matter")
    _read_lines(lines[skip:], reading)
    reading.close()
    title = _take_title(reading)
    fields = _front_matter_fields(lines[:skip])
    metadata: dict[str, str] = {k: v for k, v in fields.items() if k in ("date", "author")}
    if title is None and "title" in fields:
        title = fields["title"]
    reading.removed.sort(key=lambda r: r.start or 0)
    return Extract(reading.paragraphs, title, metadata, reading.removed)


def _read_lines(lines: Sequence[Line], reading: _Reading) -> None:
    in_fence = False
    for line in lines:
        raw = line.text
        if _FENCE.match(raw):
            reading.close()
            in_fence = not in_fence
            reading.cut(line, "code-fence")
            continue
        if in_fence:
            reading.extend(raw)  # the code runs on into one paragraph
            continue
        _read_line(line, reading)


def _read_line(line: Line, reading: _Reading) -> None:
    raw = line.text
    if not raw.strip():
        reading.close()
    elif heading := _ATX.match(raw):
        reading.add(heading.group(2), level=len(heading.group(1)))
    elif _SETEXT.match(raw) and reading.open:
        level = 1 if raw.strip().startswith("=") else 2
        text, reading.open = reading.open, ""
        reading.add(text, level=level)
        reading.cut(line, "heading-rule")
    elif _RULE.match(raw):
        reading.close()
        reading.cut(line, "rule")
    elif _TABLE_RULE.match(raw):
        reading.cut(line, "table-rule")
    elif _LINK_DEFINITION.match(raw):
        reading.close()
        reading.cut(line, "link-definition")
    elif _TABLE_ROW.match(raw):
        cells = [c.strip() for c in raw.strip().strip("|").split("|")]
        reading.add(" ".join(c for c in cells if c))
    elif _LIST_ITEM.match(raw):
        reading.close()
        reading.extend(_BULLET.sub("", raw))
    else:
        reading.extend(_QUOTE.sub("", raw))


def _take_title(reading: _Reading) -> str | None:
    """The first level-one heading, or a heading that opens the text."""
    for i, level in enumerate(reading.levels):
        if level == 1:
            reading.levels.pop(i)
            return reading.paragraphs.pop(i)
    if reading.levels and reading.levels[0] > 0:
        reading.levels.pop(0)
        return reading.paragraphs.pop(0)
    return None
