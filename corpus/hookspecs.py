"""The hooks a corpus plugin can implement: this module is the plugin author's manual.

A plugin is an importable module (or object) registered under the entry-point group
``corpus``. It implements hooks by defining functions with the names below, marked
with :data:`corpus.hookimpl`. Arguments are passed by name; a hook implementation may
accept only the arguments it needs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from corpus.canonical import Canonical, SourceText
    from corpus.readers import Reader

PROJECT = "corpus"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def corpus_register_readers(register: Callable[[Reader], None]) -> None:
    """Register the readers this plugin provides.

    Call ``register(reader)`` once per reader. A reader is any object with:

    - ``name`` (str): unique among all installed readers; a second reader with the
      same name is an error, reported against the plugin that registered it, and
      that reader is skipped;
    - ``version`` (str): recorded with every source the reader reads, so a corpus
      can tell which sources to re-read after a reader changes;
    - ``media_types`` (tuple of str): what the reader understands, for listings;
    - ``sniff(source) -> float | None``: how sure the reader is that it should read
      this source, from 0 to 1, or ``None`` for "not mine". ``source`` is a
      :class:`corpus.SourceFile`: ``source.path``, ``source.data`` (bytes),
      ``source.text`` (decoded text, or ``None`` for binary data),
      ``source.media_type`` (the core's content sniff) and ``source.encoding``.
      The reader with the highest confidence reads the source; on a tie the reader
      registered later wins, so a user's plugin can override a built-in one.
      Keep ``sniff`` cheap: it runs for every reader on every source. For a long
      text, ``source.text`` in ``sniff`` holds only its first 64 K and last 16 K
      characters (whole lines), so a sniff costs the same for any size of file;
      ``read`` gets the whole text;
    - ``read(source) -> corpus.Extract``: the content paragraphs, title, metadata
      and what was removed. Raise :class:`corpus.ReaderError` with a message a user
      understands when the source cannot be read; any other exception is reported
      as a failure of this reader on this source, and the other sources still go in.

    The register callback validates the reader and raises
    :class:`corpus.PluginError` naming the missing attribute.
    """


@hookspec(firstresult=True)
def corpus_canonical_text(title: str | None, sources: Sequence[SourceText]) -> Canonical | None:
    """Build a document's canonical text from the extracts of all its sources.

    ``sources`` are the document's sources, each a :class:`corpus.SourceText`
    (``source_id``, ``title``, ``paragraphs``, ``metadata``), oldest first.
    ``title`` is the current canonical title, or ``None`` for a new document.

    Return a :class:`corpus.Canonical`: the title and the canonical paragraphs,
    each paragraph listing the ids of the sources that attest it, and in
    ``left_out`` the paragraphs of some sources that are not content (each a
    :class:`corpus.LeftOut`: source id, text, a reason word such as ``leftover``,
    ``credit``, ``border``), which the audit lists. The first
    non-``None`` result wins (``firstresult``); the built-in policy runs last,
    so a plugin that returns a result replaces it and one that returns ``None``
    defers to it.
    """
