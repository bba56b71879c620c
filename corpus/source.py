"""A source file as a reader sees it: its bytes, its decoded text, where it came from."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from corpus.limits import DEFAULT_LIMITS, Limits


@dataclass(frozen=True)
class SourceFile:
    """One input file, decoded once, handed to every reader's ``sniff`` and ``read``.

    ``text`` is the decoded text, or ``None`` when the bytes are not text (a PDF,
    an image): a reader of a binary format reads ``data``. ``media_type`` is the
    core's content sniff (``text/html``, ``application/pdf``, ``text/plain``...);
    ``encoding`` and ``encoding_confidence`` tell how ``text`` was decoded.
    ``path`` is the file (for a source that is no file of its own, a
    name with its suffix); ``limits`` are those the source is read under: a reader that decompresses
    or counts pages checks them (:meth:`corpus.limits.Limits.check_pages`).
    """

    path: Path
    data: bytes
    text: str | None
    media_type: str
    encoding: str | None = None
    encoding_confidence: float | None = None
    decode_error: str | None = None
    limits: Limits = DEFAULT_LIMITS
    origin: str | None = None
    """Where the source is when ``path`` is not it: a URL, an archive member, a web-archive record."""

    @cached_property
    def sha256(self) -> str:
        """The hex sha256 of the bytes: the source's identity in the store."""
        return hashlib.sha256(self.data).hexdigest()

    @property
    def location(self) -> str:
        """Where the source was found: its absolute path, its URL, ``archive.zip!inner/path``."""
        return self.origin if self.origin is not None else str(self.path)
