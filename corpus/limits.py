"""What one source may cost: its size, what it decompresses to, its pages, its time, its memory.

A corpus is built from files nobody checked: a download cut short, a page nested
200,000 elements deep, a PDF whose 600 KB hold a page stream that inflates to
600 MB, a file that sends a parser into an endless loop. Each limit fails the
one file that exceeds it, with a message that names the limit and the
``corpus add`` option that raises it; the other files still go in, and memory
and time stay bounded whatever the input.

Where each is enforced:

- ``max_file_size``: before a file is read (:mod:`corpus.prepare`); its bytes
  are not read, so they are not kept either.
- ``max_decompressed_size`` and ``max_pages``: by the readers, which see the
  limits as ``source.limits`` (:class:`corpus.SourceFile`) and call
  :meth:`Limits.check_pages` and :meth:`Limits.check_decompressed`; the PDF
  reader measures what its streams inflate to before PDFium does.
- ``timeout`` and ``max_memory``: by the worker process that reads the file
  (:mod:`corpus.workers`): a file that takes longer is stopped, a reader that
  asks for more memory is refused it, and a fresh process reads the next file.

``None`` means no limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.errors import ReaderError

__all__ = ["DEFAULT_LIMITS", "NO_LIMITS", "Limits", "format_size", "parse_size"]

KB = 1024
MB = 1024 * KB
GB = 1024 * MB

_UNITS = {"": 1, "b": 1, "k": KB, "kb": KB, "kib": KB, "m": MB, "mb": MB, "mib": MB, "g": GB, "gb": GB, "gib": GB}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$")
_NO_LIMIT = frozenset({"0", "none", "off", "unlimited"})


@dataclass(frozen=True)
class Limits:
    """The limits one source is read under; see the module docstring.

    The defaults are far above what real documents need (the largest file of
    this project's test data is 2.4 MB, its longest PDF 176 pages, its slowest
    file reads in 1.3 s) and low enough that a hostile file cannot take the
    machine (``benchmarks/hostile.py`` measures it).
    """

    max_file_size: int | None = 100 * MB
    """Bytes one file may have."""
    max_decompressed_size: int | None = 256 * MB
    """Bytes the compressed parts of one file (a PDF's streams, images aside) may decompress to."""
    max_pages: int | None = 5000
    """Pages one document (a PDF) may have."""
    timeout: float | None = 120.0
    """Seconds reading one file may take."""
    max_memory: int | None = 1 * GB
    """Bytes of memory reading one file may take, on top of what the reading process starts with."""

    def check_pages(self, pages: int, where: str) -> None:
        """Raise :class:`corpus.ReaderError` when a document of ``pages`` pages is over the limit."""
        if self.max_pages is not None and pages > self.max_pages:
            raise ReaderError(
                f"{where}: the document has {pages:,} pages, more than the {self.max_pages:,} a file may have; "
                "raise the limit with --max-pages"
            )

    def check_decompressed(self, size: int, where: str) -> None:
        """Raise :class:`corpus.ReaderError` when ``size`` decompressed bytes are over the limit."""
        if self.max_decompressed_size is not None and size > self.max_decompressed_size:
            raise ReaderError(
                f"{where}: its compressed content decompresses to more than "
                f"{format_size(self.max_decompressed_size)}, the limit per file (a decompression bomb?); "
                "raise it with --max-decompressed-size"
            )

    def file_too_large(self, size: int, where: str) -> str | None:
        """Why a file of ``size`` bytes is not read, or None when it may be."""
        if self.max_file_size is None or size <= self.max_file_size:
            return None
        return (
            f"{where}: the file is {format_size(size)}, more than the {format_size(self.max_file_size)} "
            "a file may have; raise the limit with --max-file-size"
        )

    def timed_out(self) -> str:
        """Why a file whose reading was stopped at the time limit failed (without its location)."""
        return (
            f"reading it took longer than {self.timeout:g} s, the time limit per file, and was stopped; "
            "raise the limit with --timeout"
        )

    def out_of_memory(self) -> str:
        """Why a file whose reader was refused memory failed (without its location)."""
        amount = format_size(self.max_memory) if self.max_memory is not None else "the memory available"
        return (
            f"reading it needed more than {amount} of memory, the limit per file, and was stopped; "
            "raise the limit with --max-memory"
        )


DEFAULT_LIMITS = Limits()
NO_LIMITS = Limits(None, None, None, None, None)


def parse_size(text: str) -> int | None:
    """``"100M"`` → 104857600; ``"0"`` or ``"none"`` → None (no limit). K, M and G count in 1024s.

    Raises :class:`ValueError` with a message a user can act on.
    """
    lowered = text.strip().lower()
    if lowered in _NO_LIMIT:
        return None
    match = _SIZE.match(lowered)
    if match is None or match.group(2) not in _UNITS:
        raise ValueError(f"{text!r} is not a size: write a number of bytes, or one with K, M or G (e.g. 100M, 2G)")
    size = int(float(match.group(1)) * _UNITS[match.group(2)])
    return size or None


def format_size(size: int) -> str:
    """A size as people read it: 600 MB, 1 GB, 1.5 GB, 512 bytes (1024-based, as :func:`parse_size`)."""
    for unit, name in ((GB, "GB"), (MB, "MB"), (KB, "KB")):
        if size >= unit:
            value = size / unit
            return f"{value:.0f} {name}" if value >= 10 or value == int(value) else f"{value:.1f} {name}"
    return f"{size} bytes"
