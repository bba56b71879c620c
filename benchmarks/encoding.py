"""Encoding detection, side by side: corpus.decode vs chardet alone vs charset-normalizer.

Why this exists: issue 3 asks for >= 99.5 % of whole files and >= 97 / 97 / 92 % of
200 / 80 / 30-character excerpts decoded right, and the only honest way to claim that
is to measure it next to the detectors people would otherwise use.

Data: ``labels.csv`` of the shared encoding-detection set (``expected_encoding`` per
file, ``None`` = not text). A detection is right when the text it yields equals the
file decoded with the label's codec (a leading BOM is ignored on both sides), so
equivalent answers (ISO-8859-1 vs Windows-1252 on bytes where they agree) count as
right. For ``None`` files the detector must say "not text".

Excerpts: the label-decoded text with ``<...>`` markup stripped and whitespace
collapsed, its first N characters, encoded back with the label's codec; pure-ASCII
excerpts are skipped (every detector gets them right and they would only dilute the
figure).

Usage::

    PYTHONPATH=. python benchmarks/encoding.py [--data DIR] [--failures NAME]
"""

from __future__ import annotations

import argparse
import codecs
import csv
import importlib.util
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import chardet

from corpus.decode import decode
from corpus.errors import DecodeError

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "encoding-detection"
EXCERPT_SIZES = (200, 80, 30)
_MARKUP = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")

# A detector maps bytes to the text it would hand on, or None for "not text".
Detector = Callable[[bytes], "str | None"]


@dataclass
class Case:
    """One labelled input: bytes and the text the label says they hold."""

    name: str
    data: bytes
    expected: str | None


@dataclass
class Score:
    """Right answers and elapsed time of one detector on one kind of case."""

    right: int = 0
    total: int = 0
    seconds: float = 0.0
    wrong: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else float("nan")


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def _decode_with(data: bytes, encoding: str | None) -> str | None:
    """Decode as a caller of a plain detector would: strictly, with its answer."""
    if encoding is None:
        return None
    try:
        return _strip_bom(data.decode(encoding))
    except (LookupError, UnicodeDecodeError):
        return "\x00<undecodable with the detected encoding>"


def ours(data: bytes) -> str | None:
    try:
        return _strip_bom(decode(data).text)
    except DecodeError:
        return None


def chardet_alone(data: bytes) -> str | None:
    return _decode_with(data, chardet.detect(data)["encoding"])


def _charset_normalizer() -> Detector | None:
    if importlib.util.find_spec("charset_normalizer") is None:
        return None
    from charset_normalizer import from_bytes

    def detect(data: bytes) -> str | None:
        best = from_bytes(data).best()
        return None if best is None else _decode_with(data, best.encoding)

    return detect


def whole_files(data_dir: Path) -> Iterator[Case]:
    with (data_dir / "labels.csv").open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            data = (data_dir / row["file"]).read_bytes()
            label = row["expected_encoding"]
            expected = None if label == "None" else _strip_bom(data.decode(label))
            yield Case(row["file"], data, expected)


def excerpt_text(text: str) -> str:
    """The visible text of a file: markup out, whitespace runs made one space."""
    return _SPACE.sub(" ", _MARKUP.sub(" ", text)).strip()


def excerpts(data_dir: Path, size: int) -> Iterator[Case]:
    with (data_dir / "labels.csv").open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            label = row["expected_encoding"]
            if label == "None":
                continue
            data = (data_dir / row["file"]).read_bytes()
            text = excerpt_text(_strip_bom(data.decode(label)))[:size]
            if text.isascii():
                continue
            try:
                encoded = text.encode(label)
            except UnicodeEncodeError:
                continue
            yield Case(f"{row['file']}[:{size}]", encoded, _strip_bom(encoded.decode(label)))


def run(detector: Detector, cases: list[Case]) -> Score:
    score = Score()
    start = time.perf_counter()
    for case in cases:
        got = detector(case.data)
        score.total += 1
        if got == case.expected:
            score.right += 1
        else:
            score.wrong.append(case.name)
    score.seconds = time.perf_counter() - start
    return score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--failures", metavar="DETECTOR", help="list the cases it gets wrong")
    args = parser.parse_args(argv)
    if not (args.data / "labels.csv").is_file():
        print(f"no labels.csv under {args.data}: pass --data DIR", file=sys.stderr)
        return 2

    detectors: dict[str, Detector] = {"corpus.decode": ours, "chardet": chardet_alone}
    normalizer = _charset_normalizer()
    if normalizer is not None:
        detectors["charset-normalizer"] = normalizer
    suites = {"whole files": list(whole_files(args.data))}
    for size in EXCERPT_SIZES:
        suites[f"{size}-char excerpts"] = list(excerpts(args.data, size))

    codecs.lookup("utf-8")  # warm the codec registry so the first detector is not charged for it
    header = f"{'suite':<18} {'cases':>5}" + "".join(f" {name:>20}" for name in detectors)
    print(header)
    print("-" * len(header))
    seconds = dict.fromkeys(detectors, 0.0)
    for suite, cases in suites.items():
        cells = []
        for name, detector in detectors.items():
            score = run(detector, cases)
            seconds[name] += score.seconds
            cells.append(f" {score.accuracy:>20.3f}")
            if args.failures == name:
                for wrong in score.wrong:
                    print(f"  wrong ({suite}): {wrong}", file=sys.stderr)
        print(f"{suite:<18} {len(cases):>5}" + "".join(cells))
    print(f"{'time (s)':<18} {'':>5}" + "".join(f" {seconds[n]:>20.2f}" for n in detectors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
