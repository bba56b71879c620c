"""The components a commit in parts is cut into hold every decision of a serial add, on real files.

``corpus add --engine ray`` commits the components of :mod:`corpus.components` apart,
on the workers; that gives one serial add's documents only if no document, merge or
version link of a serial add spans two components. Shown here on
``../shared/data/zh-web-vs-pdf`` (one document in up to eleven forms), the laws of
``zh-laws/versions`` (versions that share most articles word for word) and files of
benchmarks/generate.py (issue 6's generator: recurring paragraphs, reformatted copies),
against a local add of the same files; and the components are many, or a commit in
parts would be one serial commit on one worker.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from conftest import ROOT, shared

from corpus import Corpus
from corpus.boilerplate import COMMON_DOCUMENTS_MAX
from corpus.components import ParagraphHolders, check, plan
from corpus.fingerprint import FingerprintSettings
from corpus.ingest import _Stage
from corpus.inputs import Listing
from corpus.limits import DEFAULT_LIMITS
from corpus.pluginhost import PluginHost
from corpus.prepare import Prepared
from corpus.store import Store

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate


def _grouped(prepared: list[Prepared]) -> tuple[list[list[int]], list[ParagraphHolders]]:
    """What the Ray engine's shuffle gives (corpus.ray_parts): the sources sharing each key."""
    joining: dict[object, list[int]] = defaultdict(list)
    paragraphs: dict[int, list[int]] = defaultdict(list)
    for index, p in enumerate(prepared):
        if p.sha256 is not None:
            joining["s" + p.sha256].append(index)
        if p.error is None and p.fingerprint is not None:
            joining["e" + p.fingerprint.exact_key].append(index)
            for key in p.band_keys:
                joining[key].append(index)
            for key in p.paragraph_keys:
                paragraphs[key].append(index)
    joined = [group for group in joining.values() if len(group) > 1]
    return joined, [ParagraphHolders(key, group) for key, group in sorted(paragraphs.items()) if len(group) > 1]


def test_no_document_or_version_link_of_a_serial_add_spans_two_components(tmp_path: Path) -> None:
    generate(400, tmp_path / "generated")
    inputs = [shared("zh-web-vs-pdf"), shared("zh-laws/versions"), tmp_path / "generated" / "files"]
    db = tmp_path / "c.db"
    with Corpus.open(db) as corpus:
        corpus.add(inputs, jobs=1)
        documents = [corpus.document(d.document_id).to_dict() for d in corpus.documents()]
    host = PluginHost()
    store = Store.open(tmp_path / "empty.db", FingerprintSettings())
    stage = _Stage(tuple(host.readers), store.settings(), store.path, DEFAULT_LIMITS)
    items = list(Listing(inputs).found())
    prepared = [stage(item) for item in items]
    store.close()
    index_of = {item.location: i for i, item in enumerate(items)}
    document_of = {index_of[loc]: d["document_id"] for d in documents for s in d["sources"] for loc in s["locations"]}
    joined, paragraphs = _grouped(prepared)

    # The plan a Ray add settles on: its guesses of common paragraphs checked against the
    # documents (here the serial add's own), more holders joined where one was wrong.
    counts = [len(p.paragraph_keys) for p in prepared]
    the_plan = plan(len(prepared), joined, paragraphs=paragraphs, paragraph_counts=counts)
    wrong = check(the_plan, paragraphs, document_of)
    while wrong:
        warm = {**the_plan.warm, **wrong}
        the_plan = plan(len(prepared), joined, paragraphs=paragraphs, paragraph_counts=counts, warm=warm)
        wrong = check(the_plan, paragraphs, document_of)

    component_of_document: dict[int, int] = {}
    for document in documents:
        members = {the_plan.component[index_of[loc]] for s in document["sources"] for loc in s["locations"]}
        assert len(members) == 1, f"document {document['document_id']} spans components {members}"
        component_of_document[document["document_id"]] = members.pop()
    linked = [(d["document_id"], r["document_id"]) for d in documents for r in d["related"]]
    assert linked, "the laws' versions are linked: there is a link to check"
    for one, other in linked:
        assert component_of_document[one] == component_of_document[other]
    assert not the_plan.on_store  # nothing was stored before
    # Joined by every shared paragraph key, the generator's recurring paragraphs would chain
    # its documents together; joined where a candidate may be, they are several times as many.
    # (LSH band keys shared by documents alike but not copies still chain some: see RESULTS.md.)
    chained = plan(len(prepared), [*joined, *(group.holders for group in paragraphs)])
    assert len(set(the_plan.component)) > 2 * len(set(chained.component))


def test_a_key_in_more_documents_than_count_is_guessed_common_and_checked() -> None:
    many = COMMON_DOCUMENTS_MAX + 5
    holders = ParagraphHolders(7, list(range(many)))
    the_plan = plan(many, [], paragraphs=[holders])
    first = COMMON_DOCUMENTS_MAX + 1
    # Its first holders may count it: joined. The later ones are told it is common.
    assert len({the_plan.component[i] for i in range(first)}) == 1  # no counts given: one key is enough
    assert sorted(the_plan.common) == list(range(first, many))
    # Every holder in a document of its own: the guess holds.
    assert check(the_plan, [holders], {i: i for i in range(many)}) == {}
    # The first holders in two documents only: the later ones saw it in fewer than count,
    # so the key must join its holders up to the last of them.
    two = {i: i % 2 for i in range(first)} | {i: i for i in range(first, many)}
    assert check(the_plan, [holders], two) == {7: many}  # each later holder saw it in 2 + (its place - first)
    # Then joined, the holders guess nothing more and count it as a serial commit does.
    settled = plan(many, [], paragraphs=[holders], warm={7: many})
    assert not settled.common and len(set(settled.component)) == 1
    # Held by stored sources too, the key ties all its holders to the store.
    stored = plan(3, [], paragraphs=[ParagraphHolders(7, [0, 1, 2], in_store=True)])
    assert stored.on_store == frozenset({0, 1, 2}) and not stored.common
