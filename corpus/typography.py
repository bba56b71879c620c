"""Typography of the canonical text: full-width punctuation in Chinese text.

Web pages often carry Chinese text with ASCII punctuation (``,`` ``(`` ``:``) where
the printed document has full-width marks (``，`` ``（`` ``：``). When no source
offers a better-formed variant of a paragraph, its ASCII marks between Chinese
characters are converted. Marks between digits or Latin letters are left alone
(``1,000``, ``12:30``, ``(a)``).
"""

from __future__ import annotations

import re

from corpus.text.scripts import UNSPACED_CLASS, is_unspaced

_SIMPLE = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
_UNSPACED = re.compile(f"[{UNSPACED_CLASS}]")
_SIMPLE_MARK = re.compile(f"[{re.escape(''.join(_SIMPLE))}]")
_PARENS = re.compile(r"[()]")


def _is_cjk(ch: str | None) -> bool:
    return ch is not None and is_unspaced(ch)


def _neighbour(text: str, i: int, step: int) -> str | None:
    """The nearest non-space character from ``i`` in direction ``step``."""
    j = i + step
    while 0 <= j < len(text) and text[j] in " \t":
        j += step
    return text[j] if 0 <= j < len(text) else None


def _paren_pairs(text: str) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    stack: list[int] = []
    if "(" not in text:
        return pairs
    for match in _PARENS.finditer(text):
        i = match.start()
        if match.group() == "(":
            stack.append(i)
        elif stack:
            pairs.append((stack.pop(), i))
    return pairs


def ascii_marks_in_cjk(text: str) -> int:
    """How many ASCII punctuation marks stand where Chinese typography wants full width."""
    return len(_marks_to_convert(text))


def fullwidth_punctuation(text: str) -> str:
    """``text`` with ASCII , ; : ! ? ( ) made full width where they touch Chinese.

    A full-width mark carries its own spacing, so ASCII spaces beside a converted
    mark are dropped.
    """
    marks = _marks_to_convert(text)
    if not marks:
        return text
    drop: set[int] = set()
    for i in marks:
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(text) and text[j] == " ":
                drop.add(j)
                j += step
    # Assembled from slices: a character at a time would make a str of each (a whole book's worth).
    parts: list[str] = []
    last = 0
    for i in sorted(marks.keys() | drop):
        parts += (text[last:i], marks.get(i, ""))  # a dropped space gives ""
        last = i + 1
    parts.append(text[last:])
    return "".join(parts)


def _marks_to_convert(text: str) -> dict[int, str]:
    """Position → full-width replacement of each ASCII mark that touches Chinese."""
    out: dict[int, str] = {}
    if _UNSPACED.search(text) is None:  # every mark converted touches a Chinese character
        return out
    for match in _SIMPLE_MARK.finditer(text):
        i, ch = match.start(), match.group()
        before, after = _neighbour(text, i, -1), _neighbour(text, i, 1)
        between_digits = before is not None and after is not None and before.isdigit() and after.isdigit()
        if ch in ",:" and between_digits:
            continue  # 1,000 and 12:30
        if _is_cjk(before) or (ch in ",;" and _is_cjk(after)):
            out[i] = _SIMPLE[ch]
    for start, end in _paren_pairs(text):
        inside = text[start + 1 : end]
        if any(_is_cjk(c) for c in inside) or _is_cjk(_neighbour(text, start, -1)) or _is_cjk(_neighbour(text, end, 1)):
            out[start], out[end] = "（", "）"
    return out
