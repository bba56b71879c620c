"""Other tools' near-duplicate clustering, for the comparison in matching.py --others.

    benchmarks/.venv-others/bin/python benchmarks/others.py < texts.json > clusters.json

Runs in its own environment (`make bench-env`), never the project's. Reads a JSON
list of {"id": int, "text": str} on stdin and prints one JSON object
{tool: {str(id): cluster_label}} on stdout: documents with one label are one
cluster (the label is the smallest id in it). Each tool runs in its own child
process with a time limit, so one that fails or hangs is reported as
{tool: {"error": "..."}} and the others still run. Progress and the tools' own
logging go to stderr.

Every tool is used as its documentation shows, with its default parameters:

- datatrove: MinhashDedupSignature -> MinhashDedupBuckets -> MinhashDedupCluster ->
  MinhashDedupFilter under LocalPipelineExecutor, default MinhashConfig (word
  5-grams, 14 buckets x 8 hashes, 64-bit xxhash). Han-heavy texts are tokenized
  with Languages.mandarin_chinese (spaCy + jieba), the others with
  Languages.english; the two groups are two ranks of one run, so they are
  compared with each other too. (Languages.chinese, "zho", resolves to the
  whitespace tokenizer in datatrove 0.10.1: see results/others-notes.md.)
- text-dedup: its MinHash CLI (`python -m text_dedup.minhash`) over a local
  datasets.Dataset, default parameters (ngram 5, min_length 5, num_perm 250,
  threshold 0.7, sha1), clusters read from the union-find it dumps with --debug.
- datasketch-plain: MinHash(num_perm=128) over whitespace-split word 5-grams,
  MinHashLSH(threshold=0.5, num_perm=128) as in its README, union of the
  query results.
- datasketch-char5: the same, but character 5-grams (whitespace removed) for
  Han-heavy texts, as one would do for Chinese.
- rensa-plain: RMinHashDeduplicator(threshold=0.8, num_perm=128, use_lsh=True)
  over text.split() tokens, as in its README; clusters from get_duplicates.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from contextlib import redirect_stdout
from pathlib import Path
from typing import TypedDict

# This folder's datasets.py would shadow Hugging Face's `datasets`, which text-dedup needs.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]


class Doc(TypedDict):
    """One document as matching.py sends it on stdin."""

    id: int
    text: str


Docs = list[Doc]
Labels = dict[str, int]

TIME_LIMIT = 300  # seconds per tool and set
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
SPACE = re.compile(r"\s+")

# Nothing here may fetch from a hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


def han_heavy(text: str) -> bool:
    """At least a fifth of the non-space characters are Han ideographs."""
    chars = SPACE.sub("", text)
    return bool(chars) and len(HAN.findall(chars)) / len(chars) >= 0.2


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def components(ids: Iterable[int], pairs: Iterable[tuple[int, int]]) -> Labels:
    """Connected components of the pairs over ids, each labelled by its smallest id."""
    parent = {i: i for i in ids}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {str(i): find(i) for i in parent}


def word_ngrams(tokens: list[str], n: int) -> set[str]:
    if not tokens:
        return set()
    if len(tokens) < n:
        return {" ".join(tokens)}
    return {" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


# ---------------------------------------------------------------- datatrove


def run_datatrove(docs: Docs, work: Path) -> Labels:
    from datatrove.data import Document
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup import (
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.dedup.minhash import MinhashConfig
    from datatrove.pipeline.writers import JsonlWriter
    from datatrove.utils.typeshelper import Languages

    config = MinhashConfig()
    by_language: dict[str, list[Document]] = {}
    for d in docs:
        language = Languages.mandarin_chinese if han_heavy(d["text"]) else Languages.english
        by_language.setdefault(language, []).append(Document(text=d["text"], id=str(d["id"])))
    languages = sorted(by_language)  # one rank per language
    ranks = len(languages)

    # stage 1: one executor per language, each running its own rank of the same task set
    for rank, language in enumerate(languages):
        LocalPipelineExecutor(
            pipeline=[
                by_language[language],
                MinhashDedupSignature(output_folder=str(work / "signatures"), config=config, language=language),
            ],
            tasks=ranks, local_tasks=1, local_rank_offset=rank, workers=1,
            logging_dir=str(work / "logs" / f"signatures-{rank}"),
        ).run()
    # stage 2: one task per bucket
    LocalPipelineExecutor(
        pipeline=[
            MinhashDedupBuckets(
                input_folder=str(work / "signatures"), output_folder=str(work / "buckets"), config=config
            )
        ],
        tasks=config.num_buckets, workers=1, logging_dir=str(work / "logs" / "buckets"),
    ).run()
    # stage 3: clusters, keeping their ids
    LocalPipelineExecutor(
        pipeline=[
            MinhashDedupCluster(
                input_folder=str(work / "buckets"), output_folder=str(work / "remove_ids"), config=config,
                save_cluster_id=True,
            )
        ],
        tasks=1, workers=1, logging_dir=str(work / "logs" / "clusters"),
    ).run()

    # stage 4: the filter puts the cluster id in each document's metadata; we keep both
    # what it lets through and what it writes to its exclusion writer
    kept: list[Document] = []

    def read(data: object, rank: int = 0, world_size: int = 1) -> Iterable[Document]:
        yield from by_language[languages[rank]]

    def collect(data: Iterable[Document], rank: int = 0, world_size: int = 1) -> Iterable[Document]:
        for doc in data:
            kept.append(doc)
            yield doc

    LocalPipelineExecutor(
        pipeline=[
            read,
            MinhashDedupFilter(
                input_folder=str(work / "remove_ids"), load_cluster_ids=True,
                exclusion_writer=JsonlWriter(str(work / "removed"), compression=None),
            ),
            collect,
        ],
        tasks=ranks, workers=1, logging_dir=str(work / "logs" / "filter"),
    ).run()
    # a rank with no duplicate at all has no .remove file: the filter then passes its documents on untouched
    cluster_of: dict[int, int] = {int(doc.id): doc.metadata.get("minhash_cluster_id", -1) for doc in kept}
    for path in sorted((work / "removed").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            cluster_of[int(row["id"])] = row["metadata"]["minhash_cluster_id"]
    missing = {d["id"] for d in docs} - set(cluster_of)
    if missing:
        raise RuntimeError(f"datatrove lost documents {sorted(missing)[:10]}")
    members: dict[int, list[int]] = {}
    for i, cluster in cluster_of.items():
        if cluster != -1:  # -1: in no cluster
            members.setdefault(cluster, []).append(i)
    pairs = [(m[0], x) for m in members.values() for x in m[1:]]
    return components(cluster_of, pairs)


# ---------------------------------------------------------------- text-dedup


def run_text_dedup(docs: Docs, work: Path) -> Labels:
    import datasets

    source = work / "dataset"
    # mypy resolves `datasets` to this folder's datasets.py; at run time the sys.path filter
    # at the top makes it Hugging Face's, which has Dataset.from_list.
    datasets.Dataset.from_list(  # type: ignore[attr-defined]
        [{"id": d["id"], "text": d["text"]} for d in docs]
    ).save_to_disk(str(source))
    output = work / "deduplicated"
    proc = subprocess.run(
        [
            sys.executable, "-m", "text_dedup.minhash",
            "--path", str(source), "--local", "--output", str(output),
            "--column", "text", "--idx_column", "id", "--debug",
        ],
        stdout=sys.stderr, stderr=subprocess.PIPE, text=True, cwd=work, timeout=TIME_LIMIT,
    )
    sys.stderr.write(proc.stderr)
    if proc.returncode != 0:
        raise RuntimeError(f"text_dedup.minhash exited {proc.returncode}: {last_line(proc.stderr)}")
    # --debug dumps its union-find, keyed by our ids (--idx_column). Documents shorter than
    # min_length tokens are dropped before hashing and are in no cluster.
    with (output / "uf.pkl").open("rb") as f:
        uf = pickle.load(f)  # written just now by text-dedup
    ids = [d["id"] for d in docs]
    return components(ids, ((i, uf.find(i)) for i in ids))


# ---------------------------------------------------------------- datasketch


def run_datasketch(docs: Docs, shingles: Callable[[str], set[str]]) -> Labels:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    hashes: dict[int, MinHash] = {}
    for d in docs:
        grams = shingles(d["text"])
        if not grams:  # an empty MinHash would collide with every other empty one
            continue
        m = MinHash(num_perm=128)
        m.update_batch([g.encode("utf-8") for g in grams])
        lsh.insert(str(d["id"]), m)
        hashes[d["id"]] = m
    pairs = [(i, int(k)) for i, m in hashes.items() for k in lsh.query(m)]
    return components((d["id"] for d in docs), pairs)


def plain_shingles(text: str) -> set[str]:
    return word_ngrams(text.split(), 5)


def char5_shingles(text: str) -> set[str]:
    if not han_heavy(text):
        return plain_shingles(text)
    chars = SPACE.sub("", text)
    return {chars[i : i + 5] for i in range(max(1, len(chars) - 4))} if chars else set()


# ---------------------------------------------------------------- rensa


def run_rensa(docs: Docs) -> Labels:
    from rensa import RMinHash, RMinHashDeduplicator

    dedup = RMinHashDeduplicator(threshold=0.8, num_perm=128, use_lsh=True)
    with_tokens = [d for d in docs if d["text"].split()]
    dedup.add_pairs((str(d["id"]), d["text"].split()) for d in with_tokens)
    # the deduplicator keeps only the first of each group; ask it which kept ones each matches
    sketches = RMinHash.from_token_sets([d["text"].split() for d in with_tokens], num_perm=128, seed=42)
    pairs = [(d["id"], int(k)) for d, m in zip(with_tokens, sketches, strict=True) for k in dedup.get_duplicates(m)]
    return components((d["id"] for d in docs), pairs)


# ---------------------------------------------------------------- driver

TOOLS: dict[str, Callable[[Docs, Path], Labels]] = {
    "datatrove": run_datatrove,
    "text-dedup": run_text_dedup,
    "datasketch-plain": lambda docs, work: run_datasketch(docs, plain_shingles),
    "datasketch-char5": lambda docs, work: run_datasketch(docs, char5_shingles),
    "rensa-plain": lambda docs, work: run_rensa(docs),
}


def run_one(tool: str, source: Path, target: Path) -> None:
    """Child process: one tool over the documents in source, labels written to target."""
    docs = json.loads(source.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix=f"others-{tool}-") as tmp, redirect_stdout(sys.stderr):
        labels = TOOLS[tool](docs, Path(tmp))
    expected = {str(d["id"]) for d in docs}
    if set(labels) != expected:
        raise RuntimeError(f"{tool} labelled {len(labels)} documents of {len(expected)}")
    target.write_text(json.dumps(labels), encoding="utf-8")


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--tool":
        run_one(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
        return
    # `--only TOOL` runs one tool (benchmarks/speed.py times each on its own).
    only = sys.argv[2:3] if len(sys.argv) == 3 and sys.argv[1] == "--only" else list(TOOLS)
    docs = json.load(sys.stdin)
    out: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="others-") as tmp:
        source = Path(tmp) / "docs.json"
        source.write_text(json.dumps(docs, ensure_ascii=False), encoding="utf-8")
        for tool in only:
            target = Path(tmp) / f"{tool}.json"
            started = time.perf_counter()
            try:
                proc = subprocess.run(
                    [sys.executable, __file__, "--tool", tool, str(source), str(target)],
                    stdout=sys.stderr, stderr=subprocess.PIPE, text=True, timeout=TIME_LIMIT,
                )
                sys.stderr.write(proc.stderr)
                if proc.returncode != 0:
                    raise RuntimeError(f"exit {proc.returncode}: {last_line(proc.stderr)}")
                out[tool] = json.loads(target.read_text(encoding="utf-8"))
            except Exception as exc:  # one tool's failure must not stop the others
                out[tool] = {"error": f"{type(exc).__name__}: {exc}"}
            seconds = time.perf_counter() - started
            clusters = len(set(out[tool].values())) if "error" not in out[tool] else "error"
            print(f"others.py: {tool}: {len(docs)} docs -> {clusters} clusters in {seconds:.1f} s", file=sys.stderr)
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
