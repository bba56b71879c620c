"""The text-quality metric every benchmark here uses: char-3-gram precision, recall and F1.

F1 of the multisets of character 3-grams after NFKC and removing all whitespace, so
a text is judged on its content, not on how it was wrapped or spaced.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

_SPACE = re.compile(r"\s+")


def flat(text: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def trigrams(text: str) -> Counter[str]:
    text = flat(text)
    return Counter(text[i : i + 3] for i in range(len(text) - 2))


def prf(predicted: str, truth: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of the character 3-gram multisets."""
    p, t = trigrams(predicted), trigrams(truth)
    overlap = sum((p & t).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(t.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def f1(predicted: str, truth: str) -> float:
    return prf(predicted, truth)[2]
