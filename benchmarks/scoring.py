"""What the benchmarks measure with: char-3-gram P/R/F1 of texts, pairwise P/R of clusters, timed processes.

F1 of the multisets of character 3-grams after NFKC and removing all whitespace, so
a text is judged on its content, not on how it was wrapped or spaced.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Hashable, Mapping
from pathlib import Path

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


def pairwise(truth: Mapping[str, Hashable], predicted: Mapping[str, Hashable]) -> tuple[float, float]:
    """Pairwise precision and recall of a clustering of files, counted from cluster sizes (no loop over pairs).

    A pair of files is predicted together when both have one predicted label, truly together
    when they have one true label; a set with no such pairs scores 1.0.
    """

    def pairs(counts: Counter[Hashable]) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    true_pairs = pairs(Counter(truth.values()))
    predicted_pairs = pairs(Counter(predicted[f] for f in truth))
    both = pairs(Counter((truth[f], predicted[f]) for f in truth))
    return (both / predicted_pairs if predicted_pairs else 1.0, both / true_pairs if true_pairs else 1.0)


def timed(command: list[str], *, stdin: str | None = None) -> tuple[float, float, str]:
    """(wall seconds, peak MB, stdout) of one whole process; GNU time reports its peak resident memory."""
    with tempfile.NamedTemporaryFile() as peak:
        started = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", peak.name, *command], input=stdin, capture_output=True, text=True
        )
        seconds = time.perf_counter() - started
        if done.returncode not in (0, 1):
            raise SystemExit(f"{command[:4]} failed ({done.returncode}): {done.stderr[-2000:]}")
        return seconds, int(Path(peak.name).read_text().split()[-1]) / 1024, done.stdout
