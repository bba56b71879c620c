"""corpus: add source files to a corpus, collapse copies into canonical documents, keep provenance.

The public API. Everything not re-exported here is private and may change.
:mod:`corpus.text` holds the text helpers readers share (lines, scripts, widths,
paragraphs, page furniture).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corpus import text
from corpus.canonical import Canonical, CanonicalParagraph, LeftOut, SourceText
from corpus.errors import (
    CorpusError,
    DecodeError,
    ExtractError,
    PluginError,
    ReaderError,
    SettingsError,
    SettingsMismatchError,
    StoreError,
    UsageError,
)
from corpus.extract import Extract, Removed
from corpus.hookspecs import hookimpl
from corpus.readers import Reader
from corpus.source import SourceFile

if TYPE_CHECKING:
    from corpus.api import Corpus

__version__ = "0.1.0"

__all__ = [
    "Canonical",
    "CanonicalParagraph",
    "Corpus",
    "CorpusError",
    "DecodeError",
    "Extract",
    "ExtractError",
    "LeftOut",
    "PluginError",
    "Reader",
    "ReaderError",
    "Removed",
    "SettingsError",
    "SettingsMismatchError",
    "SourceFile",
    "SourceText",
    "StoreError",
    "UsageError",
    "__version__",
    "hookimpl",
    "text",
]


def __getattr__(name: str) -> object:
    # The Corpus facade pulls in the store and the matcher; import it on first use
    # so that a reader plugin importing `corpus.Extract` stays cheap.
    if name == "Corpus":
        from corpus.api import Corpus

        return Corpus
    raise AttributeError(f"module 'corpus' has no attribute {name!r}")
