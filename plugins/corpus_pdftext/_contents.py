"""The table of contents of a printed text: navigation, not text.

A report, a standard or an RFC printed as text lists its sections at the top,
each with the page it starts on (``3.2  Scope . . . . . . 14``) or, printed
without pages, without one. Rendered as HTML the same list is a menu of links,
and without pages it has no page numbers: it is the page's navigation, and its
numbers differ from one printing to the next. It is recognised by what it
lists: entries that say so (a section number, or dot leaders and a page) and
whose title, without dot leaders and page number, comes back further on, in
the same order, as a heading on a line of its own. The line that titles it
("Contents") goes with it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from corpus import Removed
from corpus.text import Line, ends_sentence

__all__ = ["without_contents"]

# "3.2  Scope . . . . . 14", "3.2 Scope ........14": leaders, then the page.
_LEADERS = re.compile(r"\s*(?:\.\s?){2,}\.?\s*\d{0,4}\s*$")
# "3.2  Scope      14": a wide gap, then the page.
_PAGE_AFTER_GAP = re.compile(r"\s{2,}\d{1,4}\s*$")
_SPACES = re.compile(r"\s+")
# "3.2  Scope", "A.1.  Examples", "12 Security": an entry numbered as a section.
_NUMBERED = re.compile(r"^\s*(?:\d+|[A-Z])(?:\.\d+)*\.?\s+\S")
_LETTER = re.compile(r"[^\W\d_]")
_MIN_ENTRIES = 3
# Most entries name a heading found further on; a wrapped title's second line does not.
_MATCHED_SHARE = 0.8
# And most say they are entries: a section number, or dot leaders and a page.
_MARKED_SHARE = 0.5
# Unmatched lines an entry may carry (a title wrapped onto the next lines).
_MAX_CONTINUATION = 2
_MAX_TITLE_WIDTH = 40


def _key(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


def _entry(text: str) -> str:
    """The title an entry names: the line without dot leaders and page number."""
    if _LEADERS.search(text):
        return _key(_LEADERS.sub("", text))
    return _key(_PAGE_AFTER_GAP.sub("", text))


def _apart(lines: Sequence[Line], i: int, j: int) -> bool:
    """Does a blank line (or cut page furniture) stand between neighbouring lines ``i`` and ``j``?"""
    if not 0 <= j < len(lines):
        return True
    first, second = sorted((i, j))
    # Where furniture was cut, the offsets jump over it.
    return lines[j].blank or lines[second].start > lines[first].end + 2


def _alone(lines: Sequence[Line], i: int) -> bool:
    """Is line ``i`` a paragraph of its own: a heading, or a title?"""
    return not lines[i].blank and _apart(lines, i, i - 1) and _apart(lines, i, i + 1)


def without_contents(lines: Sequence[Line]) -> tuple[list[Line], list[Removed]]:
    """The lines without the table of contents and its title, and what was cut.

    ``lines`` are the text's lines with the page furniture already cut.
    """
    filled = [i for i, line in enumerate(lines) if not line.blank]
    # The lines that stand alone, by text: where each comes last (a heading follows its entry).
    headings: dict[str, int] = {}
    for i in filled:
        if _alone(lines, i):
            headings[_key(lines[i].text)] = i
    cut: set[int] = set()
    n = 0
    while n < len(filled):
        run = _run(lines, filled, n, headings)
        if not run:
            n += 1
            continue
        cut.update(run)
        title = _title(lines, filled, n)
        if title is not None:
            cut.add(title)
        n = filled.index(run[-1]) + 1
    kept = [line for i, line in enumerate(lines) if i not in cut]
    removed = [Removed(lines[i].text, "table-of-contents", lines[i].start, lines[i].end) for i in sorted(cut)]
    return kept, removed


def _run(lines: Sequence[Line], filled: list[int], n: int, headings: dict[str, int]) -> list[int]:
    """The entries of a table of contents starting at ``filled[n]``, or nothing when none starts there.

    Each entry names a heading further on than the one before: a table of
    contents lists the sections in their order.
    """
    reached = filled[n]

    def target(i: int) -> int | None:
        entry = _entry(lines[i].text)
        at = headings.get(entry) if _LETTER.search(entry) else None
        return at if at is not None and at > reached else None

    first = target(filled[n])
    if first is None:
        return []
    run, matched, unmatched = [filled[n]], 1, 0
    reached = first
    for i in filled[n + 1 :]:
        at = target(i)
        if at is not None:
            run.append(i)
            matched, unmatched, reached = matched + 1, 0, at
        elif unmatched < _MAX_CONTINUATION:
            run.append(i)
            unmatched += 1
        else:
            break
    run = run[: len(run) - unmatched]  # the lines after the last entry are text again
    marked = sum(1 for i in run if _marked(lines[i].text))
    if matched < _MIN_ENTRIES or matched < _MATCHED_SHARE * len(run) or marked < _MARKED_SHARE * len(run):
        return []
    return run


def _marked(text: str) -> bool:
    """Does the line say it is an entry of a table of contents: a section number, or leaders and a page?"""
    return bool(_NUMBERED.match(text) or _LEADERS.search(text) or _PAGE_AFTER_GAP.search(text))


def _title(lines: Sequence[Line], filled: list[int], n: int) -> int | None:
    """The line above the first entry when it titles the list: short, alone, no sentence."""
    if n == 0:
        return None
    i = filled[n - 1]
    text = lines[i].stripped
    if _alone(lines, i) and len(text) <= _MAX_TITLE_WIDTH and not ends_sentence(text) and text[-1].isalpha():
        return i
    return None
