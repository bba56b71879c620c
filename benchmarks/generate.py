"""Corpora of documents built from a shared paragraph pool, with reformatted copies, at any size.

The documents of a law archive or a news archive share much of their text: standard
clauses, templated notices, digests that reprint the same items. A generated corpus
reproduces that at a chosen size: every paragraph of the pool is used by about
``uses`` documents (five by default), each document takes 6 to 12 of them in its own
order under a title of its own, and about one document in ten is also written as a
reformatted copy: hard-wrapped (at word boundaries in a spaced script, anywhere in
Chinese, as a PDF's text is), with ASCII punctuation instead of full-width (as a web
page typed on an English keyboard has it), and a blank line after every line.

The paragraphs are made of real sentences: Chinese from the law texts of
``../shared/data/zh-laws`` and the articles of ``zh-web-vs-pdf``, English from *Alice*
(``gutenberg``) and RFC 2616 (``ietf-rfc``). Which sentences make a paragraph, which
paragraphs make a document and which documents get a copy is drawn from a seeded
random generator, so a size and a seed always give the same corpus.

    python benchmarks/generate.py 3000 /tmp/gen-3000   # /tmp/gen-3000/files/*.txt, /tmp/gen-3000/truth.csv
    from generate import generate; truth = generate(3000, Path("/tmp/gen-3000"))

``truth.csv`` has one row per file: ``file,document`` (files with one label are one
document); the files are in ``files/``, so that adding that folder adds documents only.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"

_ZH_SENTENCE = re.compile(r"[^。！？；]+[。！？；]")
_EN_SENTENCE = re.compile(r"[A-Z][^.!?]{30,300}[.!?]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
ASCII_PUNCTUATION = str.maketrans(
    {"，": ",", "。": ".", "：": ":", "；": ";", "（": "(", "）": ")", "！": "!", "？": "?"}
)


@dataclass(frozen=True)
class Sentences:
    chinese: tuple[str, ...]
    english: tuple[str, ...]


def real_sentences(shared: Path = SHARED) -> Sentences:
    """Distinct sentences of the shared data's Chinese laws and articles and its English book and RFC."""
    zh: dict[str, None] = {}
    sources = sorted((shared / "zh-laws").rglob("*.md"))
    sources += sorted((shared / "zh-web-vs-pdf").glob("D*/groundtruth.main-text.txt"))
    for path in sources:
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip().lstrip("#").strip()
            for sentence in _ZH_SENTENCE.findall(line):
                sentence = re.sub(r"^第[一二三四五六七八九十百零]+条\s*", "", sentence.strip())
                if 12 <= len(sentence) <= 120 and len(_HAN.findall(sentence)) >= 10:
                    zh[sentence] = None
    en: dict[str, None] = {}
    english = [
        shared / "gutenberg" / "alice-11" / "11-0.txt",
        shared / "ietf-rfc" / "rfc2616" / "rfc2616.depaginated.txt",
    ]
    for path in english:
        text = " ".join(path.read_text(encoding="utf-8-sig").split())
        for sentence in _EN_SENTENCE.findall(text):
            if len(sentence.split()) >= 8 and "Gutenberg" not in sentence:
                en[sentence] = None
    if len(zh) < 500 or len(en) < 500:
        raise SystemExit(f"too few real sentences under {shared} (Chinese {len(zh)}, English {len(en)})")
    return Sentences(tuple(zh), tuple(en))


def _paragraph(rng: random.Random, pool: tuple[str, ...], chinese: bool) -> str:
    picked = rng.sample(pool, rng.randint(2, 4))
    return "".join(picked) if chinese else " ".join(picked)


def hard_wrap(paragraph: str, chinese: bool, width: int) -> list[str]:
    """The paragraph hard-wrapped: anywhere in Chinese, at word boundaries otherwise."""
    if chinese:
        return [paragraph[i : i + width] for i in range(0, len(paragraph), width)]
    lines: list[str] = []
    line = ""
    for word in paragraph.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def _copy_text(title: str, paragraphs: list[str], chinese: bool, rng: random.Random) -> str:
    """A reformatted copy: ASCII punctuation, hard wraps, a blank line after every line."""
    width = rng.randint(26, 34) if chinese else rng.randint(60, 76)
    lines = [title.translate(ASCII_PUNCTUATION)]
    for paragraph in paragraphs:
        lines += hard_wrap(paragraph.translate(ASCII_PUNCTUATION), chinese, width)
    return "\n\n".join(lines) + "\n"


def generate(
    files: int,
    out: Path,
    *,
    seed: int = 1,
    uses: int = 5,
    copy_share: float = 0.1,
    sentences: Sentences | None = None,
) -> dict[str, str]:
    """Write about ``files`` files to ``out/files`` and ``out/truth.csv``; return file name → document label."""
    rng = random.Random(seed)
    sentences = sentences or real_sentences()
    documents = max(2, round(files / (1 + copy_share)))
    sizes = [rng.randint(6, 12) for _ in range(documents)]
    chinese = [rng.random() < 0.5 for _ in range(documents)]
    # Each paragraph serves `uses` documents of its language: deal shuffled slots.
    decks: dict[bool, list[int]] = {}
    pools: dict[bool, list[str]] = {}
    for language in (True, False):
        needed = sum(size for size, zh in zip(sizes, chinese, strict=True) if zh is language)
        count = max(1, -(-needed // uses))
        source = sentences.chinese if language else sentences.english
        pools[language] = [_paragraph(rng, source, language) for _ in range(count)]
        deck = [i for i in range(count) for _ in range(uses)]
        rng.shuffle(deck)
        decks[language] = deck
    folder = out / "files"
    folder.mkdir(parents=True, exist_ok=True)
    truth: dict[str, str] = {}
    copies = set(rng.sample(range(documents), round(documents * copy_share)))
    for n in range(documents):
        language = chinese[n]
        deck = decks[language]
        chosen: list[int] = []
        while len(chosen) < sizes[n] and deck:
            index = deck.pop()
            if index not in chosen:
                chosen.append(index)
        paragraphs = [pools[language][i] for i in chosen]
        source = sentences.chinese if language else sentences.english
        title = rng.choice(source).rstrip("。.!?；;")[:40] + (f"（第{n}号）" if language else f" (No. {n})")
        label = f"doc{n:06d}"
        name = f"{label}.txt"
        (folder / name).write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
        truth[name] = label
        if n in copies:
            copy_name = f"{label}.copy.txt"
            (folder / copy_name).write_text(_copy_text(title, paragraphs, language, rng), encoding="utf-8")
            truth[copy_name] = label
    with (out / "truth.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["file", "document"])
        writer.writerows(sorted(truth.items()))
    return truth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--uses", type=int, default=5, help="documents each paragraph is used by")
    args = parser.parse_args(argv)
    truth = generate(args.files, args.out, seed=args.seed, uses=args.uses)
    print(f"{len(truth)} files, {len(set(truth.values()))} documents → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
