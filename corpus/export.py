"""Export of documents with their provenance: JSON Lines always, Parquet when pyarrow is installed.

Parquet has one row per document, the same fields as ``corpus export`` / ``corpus show --json``,
with nested lists of structs for paragraphs, sources and related documents, so a data-frame
user gets the canonical text and, beside it, every source that attests it.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any

from corpus.errors import UsageError

BATCH = 500
PARQUET_HINT = "Parquet export needs pyarrow: pip install 'corpus[parquet]' (or pip install pyarrow)"


def write_jsonl(rows: Iterable[dict[str, Any]], stream: IO[str]) -> int:
    """Write one JSON object per line; return how many."""
    count = 0
    for row in rows:
        stream.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def parquet_schema() -> Any:
    """The Parquet schema of an export (a ``pyarrow.Schema``)."""
    pa = _pyarrow()
    source = pa.struct(
        [
            ("source_id", pa.int64()),
            ("path", pa.string()),
            ("locations", pa.list_(pa.string())),
            ("sha256", pa.string()),
            ("media_type", pa.string()),
            ("reader", pa.string()),
            ("reader_version", pa.string()),
            ("encoding", pa.string()),
            ("encoding_confidence", pa.float64()),
            ("similarity", pa.float64()),
            ("joined_as", pa.string()),
            ("title", pa.string()),
            ("metadata", pa.map_(pa.string(), pa.string())),
            ("paragraph_count", pa.int64()),
            ("removed_count", pa.int64()),
        ]
    )
    return pa.schema(
        [
            ("document_id", pa.int64()),
            ("title", pa.string()),
            ("text", pa.string()),
            ("paragraphs", pa.list_(pa.struct([("text", pa.string()), ("sources", pa.list_(pa.int64()))]))),
            ("sources", pa.list_(source)),
            (
                "related",
                pa.list_(
                    pa.struct([("document_id", pa.int64()), ("relation", pa.string()), ("similarity", pa.float64())])
                ),
            ),
        ]
    )


def write_parquet(rows: Iterable[dict[str, Any]], path: Path) -> int:
    """Write the documents to one Parquet file, in batches; return how many."""
    pa = _pyarrow()
    pq = importlib.import_module("pyarrow.parquet")
    schema = parquet_schema()
    count = 0
    with pq.ParquetWriter(str(path), schema, compression="zstd") as writer:
        for batch in _batches(rows):
            writer.write_table(pa.Table.from_pylist([_for_arrow(row) for row in batch], schema=schema))
            count += len(batch)
    return count


def _for_arrow(row: dict[str, Any]) -> dict[str, Any]:
    sources = [{**s, "metadata": list((s.get("metadata") or {}).items())} for s in row.get("sources", [])]
    return {**row, "sources": sources}


def _batches(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    it = iter(rows)
    while batch := list(islice(it, BATCH)):
        yield batch


def _pyarrow() -> Any:
    try:
        return importlib.import_module("pyarrow")
    except ImportError as exc:
        raise UsageError(PARQUET_HINT) from exc
