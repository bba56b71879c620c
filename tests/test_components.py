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
from corpus.components import plan
from corpus.fingerprint import FingerprintSettings
from corpus.ingest import _Stage
from corpus.inputs import Listing
from corpus.limits import DEFAULT_LIMITS
from corpus.pluginhost import PluginHost
from corpus.prepare import Prepared
from corpus.store import Store

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate


def _grouped(prepared: list[Prepared]) -> list[list[int]]:
    """What the Ray engine's shuffle gives: the sources sharing each key (as corpus.ray_parts groups them)."""
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
    return [group for group in [*joining.values(), *paragraphs.values()] if len(group) > 1]


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
    the_plan = plan(len(prepared), _grouped(prepared))

    component_of_document: dict[int, int] = {}
    for document in documents:
        members = {the_plan.component[index_of[loc]] for s in document["sources"] for loc in s["locations"]}
        assert len(members) == 1, f"document {document['document_id']} spans components {members}"
        component_of_document[document["document_id"]] = members.pop()
    linked = [(d["document_id"], r["document_id"]) for d in documents for r in d["related"]]
    assert linked, "the laws' versions are linked: there is a link to check"
    for one, other in linked:
        assert component_of_document[one] == component_of_document[other]
    # More than one component (the shared data's documents and the generated ones share no
    # key), though the generator's recurring paragraphs chain most of its files into few.
    assert len(set(the_plan.component)) > 1
    assert not the_plan.on_store  # nothing was stored before
