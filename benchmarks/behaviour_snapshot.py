"""A digest of what the pipeline makes of every shared file, to show a refactoring changed nothing.

For every file of ``seeds/`` and ``../shared/data``: the sniffed media type, ``decode``'s
result (encoding, confidence, the decoded text's sha256, or the error), every installed
reader's ``sniff`` confidence, the ``Extract`` of every reader that claims the file (its
whole ``to_dict()`` hashed), and the match fingerprint of the extract the pipeline would
choose (token stream, shingles, exact key, MinHash values). Then the seed pair,
``zh-web-vs-pdf`` and ``zh-laws`` are added to a fresh store and the JSON of ``docs``, ``show``,
``audit`` and ``export`` is hashed too, with the terminal audit.

    python benchmarks/behaviour_snapshot.py snapshot before.json
    python benchmarks/behaviour_snapshot.py snapshot after.json
    python benchmarks/behaviour_snapshot.py compare before.json after.json

``compare`` exits 1 and lists every file whose digest changed.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = (ROOT.parent / "shared" / "data").resolve()
# Where the checkout and the shared data lie is no part of the behaviour.
_PLACES = ((str(SHARED), "<shared>"), (str(ROOT.parent / "shared" / "data"), "<shared>"), (str(ROOT), "<root>"))


def _placeless(text: str) -> str:
    for place, name in _PLACES:
        text = text.replace(place, name)
    return text


def _digest(value: object) -> str:
    if isinstance(value, bytes):
        raw = value
    else:
        raw = _placeless(json.dumps(value, ensure_ascii=False, sort_keys=True)).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def _files() -> list[Path]:
    found = sorted(p for p in (ROOT / "seeds").iterdir() if p.is_file())
    found += sorted(p for p in SHARED.rglob("*") if p.is_file())
    return found


def _file_record(path: Path, readers: Any, settings: Any) -> dict[str, Any]:
    from corpus import fingerprint as fp
    from corpus.decode import decode
    from corpus.errors import CorpusError
    from corpus.prepare import load
    from corpus.readers import choose_reader
    from corpus.sniff import sniff_media_type

    data = path.read_bytes()
    record: dict[str, Any] = {"media_type": sniff_media_type(data, path)}
    try:
        decoded = decode(data)
        record["decode"] = [decoded.encoding, decoded.confidence, _digest(decoded.text.encode("utf-8"))]
    except CorpusError as exc:
        record["decode"] = ["error", type(exc).__name__, _placeless(str(exc))]
    source = load(path, data)
    sniffs: dict[str, Any] = {}
    extracts: dict[str, Any] = {}
    for registered in readers:
        try:
            confidence = registered.reader.sniff(source)
        except Exception as exc:
            sniffs[registered.name] = _placeless(f"raised {type(exc).__name__}: {exc}")
            continue
        sniffs[registered.name] = confidence
        if confidence is None or confidence <= 0:
            continue
        try:
            extracts[registered.name] = _digest(registered.reader.read(source).to_dict())
        except Exception as exc:
            extracts[registered.name] = _placeless(f"raised {type(exc).__name__}: {exc}")
    record["sniff"] = sniffs
    record["extracts"] = extracts
    try:
        chosen = choose_reader(readers, source)
        extract = chosen.reader.read(source)
        f = fp.fingerprint_source(extract.title, extract.paragraphs, settings, signature=True)
        record["chosen"] = chosen.name
        record["fingerprint"] = _digest(
            [
                list(f.tokens),
                sorted(f.shingles),
                f.exact_key,
                f.is_short,
                None if f.minhash is None else [int(v) for v in f.minhash.hashvalues],
            ]
        )
    except Exception as exc:
        record["chosen"] = _placeless(f"raised {type(exc).__name__}: {exc}")
    return record


def _corpus_record() -> dict[str, Any]:
    """The seed pair, zh-web-vs-pdf and zh-laws through the command line, every read-out hashed."""
    corpus_cmd = [sys.executable, "-m", "corpus"]
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "snapshot.db")
        # Relative paths through links: the same path text (and so the same column widths
        # in the terminal audit) wherever the checkout and the data lie.
        (Path(tmp) / "seeds").symlink_to(ROOT / "seeds")
        (Path(tmp) / "data").symlink_to(SHARED)
        inputs = ["seeds", "data/zh-web-vs-pdf", "data/zh-laws"]

        def run(*args: str) -> str:
            done = subprocess.run([*corpus_cmd, "--db", db, *args], capture_output=True, text=True, cwd=tmp)
            return _placeless(done.stdout.replace(tmp, "<tmp>"))

        added = [json.loads(line) for line in run("add", "--json", *inputs).splitlines()]
        out["add"] = _digest([{k: v for k, v in r.items() if k != "path"} for r in added])
        docs = run("docs", "--json")
        out["docs"] = _digest(docs)
        for line in docs.splitlines():
            doc = json.loads(line)["document_id"]
            out[f"show {doc}"] = _digest(run("show", "--json", str(doc)))
        out["audit --json"] = _digest(run("audit", "--json"))
        out["audit"] = _digest(run("audit"))
        out["export"] = _digest(run("export"))
    return out


def snapshot(target: Path) -> None:
    from corpus.fingerprint import FingerprintSettings
    from corpus.pluginhost import PluginHost

    host = PluginHost()
    if host.problems:
        raise SystemExit(f"plugin problems: {host.problems}")
    readers = host.readers
    settings = FingerprintSettings()
    files: dict[str, Any] = {}
    for path in _files():
        key = _placeless(str(path.resolve()))
        files[key] = _file_record(path, readers, settings)
    result = {"files": files, "corpus": _corpus_record()}
    target.write_text(json.dumps(result, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    print(f"{len(files)} files, {len(result['corpus'])} corpus read-outs → {target}")


def compare(before: Path, after: Path) -> int:
    a = json.loads(before.read_text(encoding="utf-8"))
    b = json.loads(after.read_text(encoding="utf-8"))
    changed = [k for k in sorted(set(a["files"]) | set(b["files"])) if a["files"].get(k) != b["files"].get(k)]
    corpus_keys = sorted(set(a["corpus"]) | set(b["corpus"]))
    changed += [f"corpus: {k}" for k in corpus_keys if a["corpus"].get(k) != b["corpus"].get(k)]
    for key in changed:
        print(f"changed: {key}")
        if not key.startswith("corpus: "):
            print(f"  before {a['files'].get(key)}\n  after  {b['files'].get(key)}")
    print(f"{len(a['files'])} files and {len(a['corpus'])} corpus read-outs compared; {len(changed)} changed")
    return 1 if changed else 0


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "snapshot":
        snapshot(Path(argv[1]))
        return 0
    if len(argv) == 3 and argv[0] == "compare":
        return compare(Path(argv[1]), Path(argv[2]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
