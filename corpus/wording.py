"""How the corpus words its facts for a person: shared by the terminal, the audit page and the JSON.

One place, so that the terminal, the page and the JSON round a similarity the same
way, list what a reader removed in the same rows, and count columns the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from corpus.text import display_width

# Decimals a similarity is given to, everywhere a person or a script reads one.
SIMILARITY_DECIMALS = 3


def similarity_value(value: float | None) -> float | None:
    """A similarity as the JSON gives it: rounded to :data:`SIMILARITY_DECIMALS` (3) decimals.

    Three decimals, because that is what a person is shown (:func:`similarity_text`): a
    script reading ``0.986`` and a person reading the audit see one number. The fourth
    decimal is below what the comparison resolves (MinHash and shingle noise), so keeping
    it would only make two runs look different. The store keeps its own precision; this
    is for what is printed.
    """
    return None if value is None else round(value, SIMILARITY_DECIMALS)


def similarity_text(value: float | None) -> str:
    """A similarity for a person: :func:`similarity_value` with its three decimals shown
    (``1.000``, not ``1.0``), or a dash where there is none (a new document)."""
    rounded = similarity_value(value)
    return "—" if rounded is None else f"{rounded:.{SIMILARITY_DECIMALS}f}"


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, an ellipsis marking the cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def fit(text: str, columns: int) -> str:
    """``text`` cut to ``columns`` terminal columns, an ellipsis marking the cut.

    Columns, not characters: a Chinese character takes two (:func:`corpus.text.display_width`),
    so sixty of them would fill a 120-column line.
    """
    if display_width(text) <= columns:
        return text
    if columns < 1:
        return ""
    kept, used = [], 1  # the ellipsis takes one column
    for ch in text:
        used += display_width(ch)
        if used > columns:
            break
        kept.append(ch)
    return "".join(kept) + "…"


def shorten_path(path: str, columns: int) -> str:
    """``path`` in ``columns`` terminal columns, shortened from the left: ``…/D03/page.html``.

    The end of a path is what tells copies apart (the file name, its folder); the start
    is what they share. Whole folder names are dropped while one fits; a file name longer
    than the room is cut from its left too.
    """
    if display_width(path) <= columns:
        return path
    parts = path.split("/")
    tail = parts[-1]
    for part in reversed(parts[:-1]):
        if display_width(f"…/{part}/{tail}") > columns:
            break
        tail = f"{part}/{tail}"
    if display_width(f"…/{tail}") <= columns:
        return f"…/{tail}"
    kept = tail
    while kept and display_width("…" + kept) > columns:
        kept = kept[1:]
    return "…" + kept


def shorten_paths(paths: Sequence[str], columns: int) -> list[str]:
    """Paths listed together, each in ``columns``, shortened from the left alike.

    All keep the same number of trailing parts (the most that lets every one fit), so that
    a column of copies from one folder lines up: ``…/D03/page.html``, ``…/D03/page.pdf``.
    When every path fits whole, they stay whole.
    """
    if all(display_width(p) <= columns for p in paths):
        return list(paths)
    depth = max((p.count("/") for p in paths), default=0)
    while depth > 1 and not all(display_width(_tail(p, depth)) <= columns for p in paths):
        depth -= 1
    return [shorten_path(_tail(p, depth), columns) if depth else shorten_path(p, columns) for p in paths]


def _tail(path: str, parts: int) -> str:
    """``path`` as its last ``parts`` parts after an ellipsis, or whole when it has no more."""
    pieces = path.split("/")
    return path if len(pieces) <= parts else "…/" + "/".join(pieces[-parts:])


def runs(numbers: Sequence[int]) -> list[tuple[int, int]]:
    """Ascending numbers as runs of consecutive ones, ``(first, last)``: 2 3 4 5 7 → (2, 5), (7, 7)."""
    out: list[tuple[int, int]] = []
    for n in numbers:
        if out and n == out[-1][1] + 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out


def paragraph_ranges(positions: Sequence[int], *, at_most: int | None = None) -> str:
    """Paragraph positions as people count them (from 1), runs collapsed: ``¶2–5, ¶7–16``.

    ``at_most`` runs are named, and an ellipsis stands for the rest.
    """
    spans = runs(positions)
    shown = [f"¶{a + 1}" if a == b else f"¶{a + 1}–{b + 1}" for a, b in spans[:at_most]]
    return ", ".join(shown) + (" …" if at_most is not None and len(spans) > at_most else "")


def plural(n: int, word: str, words: str | None = None) -> str:
    """``1 copy``, ``2 copies``: ``words`` is the plural when it is not ``word`` + s."""
    return f"{n} {word if n == 1 else words or word + 's'}"


def removed_rows(removed: Iterable[tuple[str, str]]) -> list[tuple[str, list[tuple[str, int]]]]:
    """What a reader removed as rows of ``(kind, [(text, times), …])``, in order of first appearance.

    Each distinct line once, with how often: a running header cut from every page is one line, not
    fifty. A kind with more than three different lines (page numbers) is one row; otherwise one row a line.
    """
    counts: dict[tuple[str, str], int] = {}
    for item in removed:
        counts[item] = counts.get(item, 0) + 1
    by_kind: dict[str, list[tuple[str, int]]] = {}
    for (kind, text), n in counts.items():
        by_kind.setdefault(kind, []).append((text, n))
    rows: list[tuple[str, list[tuple[str, int]]]] = []
    for kind, texts in by_kind.items():
        rows += [(kind, texts)] if len(texts) > 3 else [(kind, [t]) for t in texts]
    return rows
