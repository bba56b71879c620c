"""``corpus add --engine ray``: matching and canonical texts on the workers too, by components.

After the per-source stage (:mod:`corpus.ray_engine`), an add is cut into the
components of :mod:`corpus.components`, which cannot reach each other's documents:

1. **Keys, shuffled.** Each source's bytes, exact key, LSH band keys and paragraph keys
   become rows (key, source), grouped by key with Ray Data's ``groupby``: the sources
   that share a key.
2. **Components**, here: connected components over those groups (a paragraph key joins
   only where it may count: :func:`corpus.components.plan`), and the sources that reach
   the store's documents (its look-ups are the commit stage's own).
3. **Parts on the workers.** The components that reach no stored document go, a part
   (several whole components) per Ray task, through a shuffle by part to the workers,
   which commit each part into a store of their own, in input order, with the commit
   stage of every engine: every candidate verified by the same comparison, copies
   collapsed, versions linked, merges refused, canonical texts built
   (:func:`corpus.part_commit.commit_part`).
4. **Here**: the sources that reach stored documents are committed into the store, in
   input order; then every part is loaded in bulk (rows, bytes, provenance, indexes,
   canonical texts), the event log in input order, in one transaction.

Source ids and document ids are fixed in input order (:class:`corpus.commit.Planned`),
so the records and the store are those of one serial add of the same input: the same
sources in the same documents, the same version links, the same canonical texts, the
same ids. The input is taken a chunk at a time (:data:`corpus.ray_engine.CHUNK_INPUTS`);
each chunk is added onto what the chunks before it stored, as a serial add would be.
"""

from __future__ import annotations

import bisect
import hashlib
import importlib
import pickle
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from corpus import fingerprint as fp
from corpus.commit import Committer, Planned
from corpus.components import ParagraphHolders, Plan, check, plan
from corpus.migrations import next_id
from corpus.part_commit import MADE, EventLog, Export, commit_part, load, scratch_folder
from corpus.pluginhost import PluginHost
from corpus.prepare import Prepared
from corpus.records import AddResult
from corpus.store import Store

MAX_ROUNDS = 4
"""Plans tried for a chunk, at most: the last guesses no paragraph key common (see corpus.components)."""
PART_SOURCES = 2_000
"""Sources per part, about: fewer parts than that would leave workers idle, more cost a store each."""


@dataclass(frozen=True)
class _Keys:
    """What planning needs of one source (the rest of its ``Prepared`` stays on the cluster)."""

    index: int
    sha256: str | None
    exact_key: str | None
    band_keys: tuple[int, ...]
    paragraph_count: int


def key_columns(prepared: list[Prepared]) -> dict[str, list[Any]]:
    """The columns of :class:`_Keys` for a block of prepared sources (on a worker)."""
    return {
        "sha": [p.sha256 for p in prepared],
        "exact": [p.fingerprint.exact_key if p.fingerprint is not None and p.error is None else None for p in prepared],
        "bands": [list(p.band_keys) if p.error is None else [] for p in prepared],
        "paras": [sorted(p.paragraph_keys) if p.error is None else [] for p in prepared],
    }


# Kinds of key in the shuffle. Bytes and exact keys are hashed to 64 bits: two that
# collide only join two sources more, which never changes a decision (a component that
# is too large costs time, not correctness); paragraph keys are kept as they are.
JOINING, PARAGRAPH = 0, 1
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def _key_rows(batch: Any, partitions: int) -> Any:
    """On a worker: one (kind, key, source, partition) row per key of each source."""
    pa = _pyarrow()
    kinds: list[int] = []
    keys: list[int] = []
    holders: list[int] = []
    for index, sha, exact, bands, paras in zip(
        batch.column("index").to_pylist(),
        batch.column("sha").to_pylist(),
        batch.column("exact").to_pylist(),
        batch.column("bands").to_pylist(),
        batch.column("paras").to_pylist(),
        strict=True,
    ):
        joining = [*list(bands), _hash64("s" + sha)] if sha is not None else list(bands)
        if exact is not None:
            joining.append(_hash64("e" + exact))
        keys.extend(joining)
        keys.extend(paras)
        kinds.extend([JOINING] * len(joining) + [PARAGRAPH] * len(paras))
        holders.extend([index] * (len(joining) + len(paras)))
    key = np.asarray(keys, dtype=np.int64)
    partition = ((key.view(np.uint64) * _MIX) >> np.uint64(33)) % np.uint64(partitions)
    return pa.table(
        {
            "kind": pa.array(kinds, type=pa.int8()),
            "key": pa.array(key),
            "i": pa.array(holders, type=pa.int64()),
            "h": pa.array(partition.astype(np.int64)),
        }
    )


def _holders(rows: Any, lone_paragraphs: bool) -> Any:
    """On a worker: the rows of one partition of the shuffle grouped by key, each key's sources ascending.

    Keys held by one source are dropped, but paragraph keys when ``lone_paragraphs``
    (a stored source may hold the same key, and tie the source to the store).
    """
    pa = _pyarrow()
    kind = np.asarray(rows.column("kind").to_numpy())
    key = np.asarray(rows.column("key").to_numpy())
    index = np.asarray(rows.column("i").to_numpy())
    order = np.lexsort((index, key, kind))
    kind, key, index = kind[order], key[order], index[order]
    starts = np.flatnonzero(np.r_[True, (kind[1:] != kind[:-1]) | (key[1:] != key[:-1])])
    lengths = np.diff(np.r_[starts, len(key)])
    keep = (lengths > 1) | ((kind[starts] == PARAGRAPH) & lone_paragraphs)
    groups = [index[start : start + length].tolist() for start, length in zip(starts[keep], lengths[keep], strict=True)]
    return pa.table(
        {
            "kind": pa.array(kind[starts[keep]], type=pa.int8()),
            "key": pa.array(key[starts[keep]], type=pa.int64()),
            "holders": pa.array(groups, type=pa.list_(pa.int64())),
        }
    )


def _with_parts(batch: Any, parts: Any) -> Any:
    """On a worker: each source's part (from the plan), the sources of the store's component dropped."""
    pa, ray = _pyarrow(), importlib.import_module("ray")
    part_of: np.ndarray[Any, Any] = ray.get(parts)
    index = np.asarray(batch.column("index").to_numpy())
    part = part_of[index]
    keep = part >= 0
    out = batch.select(["index", "prepared"]).filter(pa.array(keep))
    return out.append_column("part", pa.array(part[keep], type=pa.int64()))


def _on_store(batch: Any, parts: Any) -> Any:
    """On a worker: only the sources of the store's component."""
    pa, ray = _pyarrow(), importlib.import_module("ray")
    part_of: np.ndarray[Any, Any] = ray.get(parts)
    keep = part_of[np.asarray(batch.column("index").to_numpy())] < 0
    return batch.select(["index", "prepared"]).filter(pa.array(keep))


def _commit_group(group: Any, settings: fp.FingerprintSettings, planned: Any) -> Any:
    """On a worker: commit one part (:func:`corpus.part_commit.commit_part`); its export, pickled.

    Beside it, what the driver reads without it: the sources that made a document, and
    the document each source ended in (pairs, flat), which :func:`corpus.components.check` counts.
    """
    pa, ray = _pyarrow(), importlib.import_module("ray")
    fixed: dict[int, Planned] = ray.get(planned)
    items = [
        (int(index), pickle.loads(raw))
        for index, raw in zip(group.column("index").to_pylist(), group.column("prepared").to_pylist(), strict=True)
    ]
    export = commit_part(items, settings, fixed, scratch_folder())
    ended = export.documents()
    return pa.table(
        {
            "part": pa.array([group.column("part")[0].as_py()], type=pa.int64()),
            "made": pa.array([[index for index, _ in export.made]], type=pa.list_(pa.int64())),
            "ended": pa.array([[value for pair in ended for value in pair]], type=pa.list_(pa.int64())),
            "export": pa.array([pickle.dumps(export, protocol=pickle.HIGHEST_PROTOCOL)], type=pa.large_binary()),
        }
    )


def add_chunk(
    store: Store,
    host: PluginHost,
    keyed: Any,
    size: int,
    cpus: int,
    report: Callable[[list[AddResult]], None],
    phase: Callable[[str], None] = lambda _: None,
) -> None:
    """Add one chunk whose per-source stage ran: ``keyed``, a materialised dataset of ``size`` sources.

    Its columns: ``index``, ``prepared`` (pickled) and the key columns of :func:`key_columns`.
    """
    ray = importlib.import_module("ray")
    stored = _StoreLinks(store) if store.db.execute("SELECT 1 FROM sources LIMIT 1").fetchone() else None
    phase("grouping keys")
    joined, paragraphs = _shuffled(keyed, size, cpus, lone_paragraphs=stored is not None)
    keys = list(_driver_keys(keyed, bands=stored is not None))
    to_store: list[int] = []
    if stored is not None:
        to_store = stored.reached(keys)
        paragraphs = stored.marked(paragraphs)
    source_ids = _source_ids(store, keys, stored.stored_bytes if stored is not None else set())
    counts = [0] * size
    for k in keys:
        counts[k.index] = k.paragraph_count
    settings = store.settings()
    warm: dict[int, int] = {}
    for attempt in range(MAX_ROUNDS):
        the_plan = plan(size, joined, paragraphs=paragraphs, paragraph_counts=counts, to_store=to_store, warm=warm)
        parts = _parts(the_plan, size, cpus)
        planned = {
            i: Planned(source_id=source_ids.get(i), common=the_plan.common.get(i, frozenset()))
            for i in sorted(source_ids.keys() | the_plan.common.keys())
        }
        parts_ref, planned_ref = ray.put(parts), ray.put(planned)
        phase("committing parts" if attempt == 0 else f"committing parts again ({attempt + 1})")
        exports = _committed_parts(keyed, parts, parts_ref, planned_ref, settings)
        wrong = check(the_plan, paragraphs, _ended(exports)) if the_plan.common else {}
        if not wrong:
            break
        # Keys guessed common too soon join more of their holders; the last round guesses nothing.
        if attempt < MAX_ROUNDS - 2:
            warm = {**the_plan.warm, **wrong}
        else:
            warm = {group.key: len(group.holders) for group in paragraphs}
    else:
        raise AssertionError("a plan that guesses nothing was found wrong")
    made_by_parts = sorted(
        index
        for batch in exports.select_columns(["made"]).iter_batches(batch_format="pyarrow")
        for made in batch.column("made").to_pylist()
        for index in made
    )
    first_document = int(store.db.execute(f"SELECT {next_id('documents')}").fetchone()[0])
    phase("committing")
    results, made_here = _commit_here(store, host, keyed, parts_ref, planned, made_by_parts, first_document)
    ranks = sorted([*made_by_parts, *made_here])
    documents = {index: first_document + rank for rank, index in enumerate(ranks)}
    phase("loading")
    with store.transaction():
        events = EventLog(store.db)
        for batch in exports.select_columns(["export"]).iter_batches(batch_size=1, batch_format="pyarrow"):
            for raw in batch.column("export").to_pylist():
                export: Export = pickle.loads(raw)
                results.extend(load(store, export, documents, events))
        events.write()
    results.sort(key=lambda pair: pair[0])
    report([result for _, result in results])


def _shuffled(
    keyed: Any, size: int, cpus: int, *, lone_paragraphs: bool
) -> tuple[list[list[int]], list[ParagraphHolders]]:
    """The sources sharing each key, from a shuffle by key: groups that join, and each paragraph key's holders."""
    partitions = max(2 * cpus, -(-size // PART_SOURCES))
    groups = (
        keyed.select_columns(["index", "sha", "exact", "bands", "paras"])
        .map_batches(_key_rows, fn_kwargs={"partitions": partitions}, batch_format="pyarrow", batch_size=None)
        .groupby("h", num_partitions=partitions)
        .map_groups(_holders, fn_kwargs={"lone_paragraphs": lone_paragraphs}, batch_format="pyarrow")
    )
    joined: list[list[int]] = []
    paragraphs: list[ParagraphHolders] = []
    for batch in groups.iter_batches(batch_size=None, batch_format="pyarrow"):
        for kind, key, holders in zip(
            batch.column("kind").to_pylist(),
            batch.column("key").to_pylist(),
            batch.column("holders").to_pylist(),
            strict=True,
        ):
            if kind == PARAGRAPH:
                paragraphs.append(ParagraphHolders(key, holders))
            else:
                joined.append(holders)
    paragraphs.sort(key=lambda group: group.key)  # one plan whatever order the shuffle gave
    return joined, paragraphs


def _committed_parts(keyed: Any, parts: np.ndarray[Any, Any], parts_ref: Any, planned_ref: Any, settings: Any) -> Any:
    """Every part committed on the workers (a shuffle by part, a task a part): a materialised dataset of exports."""
    count = int(parts.max()) + 1 if len(parts) and parts.max() >= 0 else 1
    return (
        keyed.map_batches(_with_parts, fn_kwargs={"parts": parts_ref}, batch_format="pyarrow", batch_size=None)
        .groupby("part", num_partitions=count)
        .map_groups(
            _commit_group,
            fn_kwargs={"settings": settings, "planned": planned_ref},
            batch_format="pyarrow",
            num_cpus=1,
        )
        .materialize()
    )


def _ended(exports: Any) -> dict[int, int]:
    """The document each source of the parts ended in, told apart across parts (source index → a number)."""
    out: dict[int, int] = {}
    for batch in exports.select_columns(["part", "ended"]).iter_batches(batch_format="pyarrow"):
        for part, ended in zip(batch.column("part").to_pylist(), batch.column("ended").to_pylist(), strict=True):
            for at in range(0, len(ended), 2):
                out[ended[at]] = (part << 32) | ended[at + 1]
    return out


def _commit_here(
    store: Store,
    host: PluginHost,
    keyed: Any,
    parts_ref: Any,
    planned: dict[int, Planned],
    made_by_parts: list[int],
    first_document: int,
) -> tuple[list[tuple[int, AddResult]], list[int]]:
    """Commit the sources that reach the store's documents, here, in input order.

    Returns their results and the sources among them that made a document. A new
    document takes the id after those that the sources before it made, here or in a part.
    """
    committer = Committer(store, host)
    results: list[tuple[int, AddResult]] = []
    made: list[int] = []
    mine = keyed.map_batches(_on_store, fn_kwargs={"parts": parts_ref}, batch_format="pyarrow", batch_size=None)
    try:
        for batch in mine.iter_batches(batch_size=None, batch_format="pyarrow"):
            for index, raw in zip(batch.column("index").to_pylist(), batch.column("prepared").to_pylist(), strict=True):
                fixed = planned.get(index, Planned())
                document = first_document + bisect.bisect_left(made_by_parts, index) + len(made)
                committer.add(pickle.loads(raw), Planned(fixed.source_id, document))
                result = committer.last
                assert result is not None
                results.append((index, result))
                if result.status in MADE:
                    made.append(index)
        committer.flush()
    except BaseException:
        committer.abort()
        raise
    return results, made


class _StoreLinks:
    """The store's look-ups that tie a new source to its documents (the commit stage's own)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.stored_bytes: set[str] = set()
        """The sha256 of the bytes the store has a source row for (added or failed), once :meth:`reached` ran."""

    def reached(self, keys: Iterable[_Keys]) -> list[int]:
        """The sources the store's look-ups tie to its documents: by bytes, exact key or band key."""
        out = []
        for k in keys:
            if k.sha256 is not None and self.store.source_id_for(k.sha256) is not None:
                self.stored_bytes.add(k.sha256)
                out.append(k.index)
            elif (k.exact_key is not None and self.store.exact_documents(k.exact_key)) or (
                k.band_keys and self.store.candidate_documents(list(k.band_keys))
            ):
                out.append(k.index)
        return out

    def marked(self, groups: list[ParagraphHolders]) -> list[ParagraphHolders]:
        """The groups, each marked when a stored source holds its key; a lone holder's kept only then."""
        held = self.store.paragraph_keys_held([group.key for group in groups])
        return [
            ParagraphHolders(group.key, group.holders, group.key in held)
            for group in groups
            if len(group.holders) > 1 or group.key in held
        ]


def _driver_keys(keyed: Any, *, bands: bool) -> Iterator[_Keys]:
    """What the plan needs of each source, read into the driver (band keys only when ``bands``, for the store)."""
    pc = importlib.import_module("pyarrow.compute")
    columns = ["index", "sha", "exact", "paras", *(["bands"] if bands else [])]
    for batch in keyed.select_columns(columns).iter_batches(batch_format="pyarrow"):
        band_keys = batch.column("bands").to_pylist() if bands else [()] * batch.num_rows
        for index, sha, exact, keys, count in zip(
            batch.column("index").to_pylist(),
            batch.column("sha").to_pylist(),
            batch.column("exact").to_pylist(),
            band_keys,
            pc.list_value_length(batch.column("paras")).to_pylist(),
            strict=True,
        ):
            yield _Keys(index, sha, exact, tuple(keys), count)


def _source_ids(store: Store, keys: Iterable[_Keys], stored_bytes: set[str]) -> dict[int, int]:
    """The id each new source row takes: in input order, from the store's next, one per new bytes.

    ``stored_bytes``: the sha256 of the bytes the store has a source row for already.
    """
    next_source = int(store.db.execute(f"SELECT {next_id('sources')}").fetchone()[0])
    seen: set[str] = set()
    out: dict[int, int] = {}
    for k in sorted(keys, key=lambda k: k.index):
        if k.sha256 is None or k.sha256 in seen:
            continue
        seen.add(k.sha256)
        if k.sha256 in stored_bytes:
            continue  # its row is the store's: it is there already, or a failed one retried keeps its id
        out[k.index] = next_source
        next_source += 1
    return out


def _parts(the_plan: Plan, size: int, cpus: int) -> np.ndarray[Any, Any]:
    """Each source's part (-1: the store's component): whole components, about :data:`PART_SOURCES` a part."""
    members = the_plan.members()
    count = max(1, min(len(members), max(2 * cpus, -(-size // PART_SOURCES))))
    out = np.full(size, -1, dtype=np.int64)
    loads = [0] * count
    # Largest components first, each to the least loaded part: parts of about one size.
    for sources in sorted(members.values(), key=lambda m: (-len(m), m[0])):
        part = loads.index(min(loads))
        loads[part] += len(sources)
        out[sources] = part
    return out


def _pyarrow() -> Any:
    return importlib.import_module("pyarrow")
