"""The baseline of benchmarks/speed.py: datasketch used the plain way on a folder of text files.

    python benchmarks/plain_minhash.py FOLDER   # prints {file: cluster} as JSON

What a user of datasketch writes from its README: read each file, shingle it
(character 5-grams of the text without whitespace for Chinese, word 5-grams
otherwise, as one would), ``MinHash(num_perm=128)`` with ``update_batch``, insert into
``MinHashLSH(threshold=0.5, num_perm=128)``, query each signature, and take the
connected components of the answers as clusters. One process, like ``corpus add``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from datasketch import MinHash, MinHashLSH

_HAN = re.compile(r"[\u4e00-\u9fff]")


def shingles(text: str) -> set[str]:
    if len(_HAN.findall(text[:2000])) > 200:
        chars = re.sub(r"\s+", "", text)
        return {chars[i : i + 5] for i in range(max(1, len(chars) - 4))}
    words = text.split()
    return {" ".join(words[i : i + 5]) for i in range(max(1, len(words) - 4))}


def main(folder: Path) -> int:
    files = sorted(p for p in folder.iterdir() if p.is_file())
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    signatures: dict[str, MinHash] = {}
    for path in files:
        m = MinHash(num_perm=128)
        m.update_batch([s.encode("utf-8") for s in shingles(path.read_text(encoding="utf-8", errors="replace"))])
        signatures[path.name] = m
        lsh.insert(path.name, m)
    parent = {name: name for name in signatures}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for name, m in signatures.items():
        for other in lsh.query(m):
            a, b = find(name), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    json.dump({name: find(name) for name in signatures}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
