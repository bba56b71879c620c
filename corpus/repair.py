"""``corpus check --repair``: mend what the store can derive again, inside the check's transaction.

What a store was given is never made up: bytes are put back only from a file whose
sha256 says they are the source's, a source is put back only into the document its
``add`` event records, a location only from the event that recorded it. What was
derived is derived again as adding derives it: index rows from the stored signature
and extract, canonical texts and kept builds from the sources (the change logged as a
``canonical`` event, the sources' similarity to it measured again). Each fix done is
logged as a ``repair`` event. The problems come from :mod:`corpus.check`.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable

from corpus.check import Fix, Problem, file_with, rebuilt, save_rebuilt
from corpus.errors import CorpusError
from corpus.pluginhost import PluginHost
from corpus.store import Store

# The order fixes are done in: bytes and indexes first, then provenance, then the
# canonical texts that depend on which sources a document has.
ACTIONS = (
    "restore-bytes",
    "index",
    "unindex-strays",
    "locate",
    "attach",
    "move",
    "detach",
    "drop-strays",
    "rebuild",
    "log-canonical",
)
_BLOB_LEVEL = 6  # as the per-source stage compresses them


def repair_problems(store: Store, host: PluginHost, problems: Iterable[Problem]) -> frozenset[Fix]:
    """Do each distinct fix of ``problems`` once, in :data:`ACTIONS` order; the fixes that worked."""
    fixes = sorted(
        {p.fix for p in problems if p.fix is not None},
        key=lambda f: (ACTIONS.index(f.action), f.index, f.source_id or 0, f.document_id or 0),
    )
    mender = _Mender(store, host)
    done = {fix for fix in fixes if mender.do(fix)}
    mender.settle()  # documents whose sources changed, with no problem of their own
    return frozenset(done)


class _Mender:
    def __init__(self, store: Store, host: PluginHost) -> None:
        self.store = store
        self.host = host
        self.settings = store.settings()
        self.stale: set[int] = set()  # documents whose sources changed: rebuilt before any rebuild is judged
        self.rebuilt: dict[int, bool] = {}
        self._actions: dict[str, Callable[[Fix], bool]] = {
            "restore-bytes": self.restore_bytes,
            "index": self.index,
            "unindex-strays": self.unindex_strays,
            "locate": self.locate,
            "attach": self.attach,
            "move": self.move,
            "detach": self.detach,
            "drop-strays": self.drop_strays,
            "rebuild": self.rebuild,
            "log-canonical": self.log_canonical,
        }

    def do(self, fix: Fix) -> bool:
        done = self._actions[fix.action](fix)
        if done:
            detail = {"index": fix.index, "added": len(fix.add), "dropped": len(fix.remove)} if fix.index else {}
            self.store.log("repair", source_id=fix.source_id, document_id=fix.document_id, action=fix.action, **detail)
        return done

    # -- what the store was given -----------------------------------------------------------
    def restore_bytes(self, fix: Fix) -> bool:
        row = self.store.source(fix.source_id or 0)
        path = file_with(row.sha256, row.locations) if row is not None else None
        if row is None or path is None:
            return False
        try:
            data = path.read_bytes()
        except OSError:
            return False
        self.store.replace_blob(row.sha256, len(data), zlib.compress(data, _BLOB_LEVEL))
        return True

    def locate(self, fix: Fix) -> bool:
        source_id = fix.source_id or 0
        event = self.store.source_event(source_id, "add") or self.store.source_event(source_id, "failed")
        if not event or not event.get("location"):
            return False
        self.store.add_location(source_id, str(event["location"]))
        return True

    # -- indexes ----------------------------------------------------------------------------
    def index(self, fix: Fix) -> bool:
        source_id = fix.source_id or 0
        if fix.index == "lsh":
            self.store.add_band_rows([(key, source_id) for key in sorted(fix.add)])
        else:
            self.store.index_paragraphs(source_id, sorted(fix.add))
        self.store.unindex(fix.index, source_id, sorted(fix.remove))
        return True

    def unindex_strays(self, fix: Fix) -> bool:
        self.store.unindex(fix.index, None)
        return True

    # -- provenance -------------------------------------------------------------------------
    def attach(self, fix: Fix) -> bool:
        """Put a source that lost its provenance back into the document its add event names."""
        assert fix.source_id is not None and fix.document_id is not None
        event = self.store.source_event(fix.source_id, "add") or {}
        similarity = event.get("similarity")
        self.store.attach(
            fix.source_id,
            fix.document_id,
            joined_as="copy" if event.get("status") == "copy" else "new",
            joined_similarity=similarity if isinstance(similarity, float | int) else None,
            jaccard=None,
            containment=None,
            settings=self.settings.to_strings(),
        )
        self.stale.add(fix.document_id)
        return True

    def move(self, fix: Fix) -> bool:
        assert fix.source_id is not None and fix.document_id is not None
        self.store.move_source(fix.source_id, fix.document_id)
        self.stale.add(fix.document_id)
        return True

    def detach(self, fix: Fix) -> bool:
        assert fix.source_id is not None and fix.document_id is not None
        self.store.move_source(fix.source_id, None)
        if self.store.document(fix.document_id) is not None:
            self.stale.add(fix.document_id)
        return True

    def drop_strays(self, fix: Fix) -> bool:
        self.store.drop_stray_document_rows()
        return True

    # -- canonical texts --------------------------------------------------------------------
    def settle(self) -> None:
        """Rebuild the documents whose sources changed, once each."""
        for document_id in sorted(self.stale):
            self.rebuilt.pop(document_id, None)
            self._rebuild(document_id)
        self.stale.clear()

    def rebuild(self, fix: Fix) -> bool:
        self.settle()
        return self._rebuild(fix.document_id or 0)

    def log_canonical(self, fix: Fix) -> bool:
        """Log what the stored canonical text is, unless a rebuild just did."""
        self.settle()
        document_id = fix.document_id or 0
        if self.rebuilt.get(document_id):
            return True
        current = self.store.document(document_id)
        if current is None:
            return False
        self.store.log(
            "canonical",
            document_id=document_id,
            paragraphs=len(self.store.paragraphs(document_id)),
            chars=len(current.text),
            sources=self.store.document_sources(document_id),
            built="logged",
        )
        return True

    def _rebuild(self, document_id: int) -> bool:
        if document_id not in self.rebuilt:
            self.rebuilt[document_id] = self._build_again(document_id)
        return self.rebuilt[document_id]

    def _build_again(self, document_id: int) -> bool:
        """Build the canonical text from the sources, as adding them does, and measure them against it."""
        store = self.store
        current = store.document(document_id)
        if current is None:
            return False
        try:
            sources = store.source_texts(document_id)
            if not sources:
                return False
            build, canonical = rebuilt(self.host, current.title, sources)
        except (ValueError, TypeError, KeyError, AttributeError, CorpusError):
            return False
        save_rebuilt(store, document_id, sources, build, canonical, built="repaired")
        return True
