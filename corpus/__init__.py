"""corpus: add source files to a corpus, collapse copies into canonical documents, keep provenance.

The public API. Everything not re-exported here is private and may change.
"""

from __future__ import annotations

from corpus.canonical import Canonical, CanonicalParagraph, SourceText
from corpus.errors import (
    CorpusError,
    DecodeError,
    PluginError,
    ReaderError,
    SettingsMismatchError,
    StoreError,
    UsageError,
)
from corpus.extract import Extract, Removed
from corpus.hookspecs import hookimpl
from corpus.readers import Reader
from corpus.source import SourceFile

__version__ = "0.1.0"

__all__ = [
    "Canonical",
    "CanonicalParagraph",
    "Corpus",
    "CorpusError",
    "DecodeError",
    "Extract",
    "PluginError",
    "Reader",
    "ReaderError",
    "Removed",
    "SettingsMismatchError",
    "SourceFile",
    "SourceText",
    "StoreError",
    "UsageError",
    "__version__",
    "hookimpl",
]


def __getattr__(name: str) -> object:
    # The Corpus facade pulls in the store and the matcher; import it on first use
    # so that a reader plugin importing `corpus.Extract` stays cheap.
    if name == "Corpus":
        from corpus.api import Corpus

        return Corpus
    raise AttributeError(f"module 'corpus' has no attribute {name!r}")
