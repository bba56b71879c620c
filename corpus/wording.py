"""How the audit words its facts for a person: shared by the terminal audit and the audit page.

One place, so that the terminal and the page round a similarity the same way and
list what a reader removed in the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable


def similarity_text(value: float | None) -> str:
    """A similarity to three decimals, or a dash where there is none (a new document)."""
    return "—" if value is None else f"{value:.3f}"


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, an ellipsis marking the cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


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

