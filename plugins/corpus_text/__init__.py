"""Reader for plain text and Markdown: the fallback for any text source.

Plain text needs little: paragraphs are separated by blank lines (wrapped lines
inside are rejoined, without a space between CJK characters) or written one to
a line, and a short first line standing above the text is the title. Markdown
loses its markup, so that its words can match the same document filed as a web
page or a PDF. Readers for richer sources (a web page dump, a PDF extraction)
claim their sources with more confidence; this one claims every text source a
little, so that nothing textual is left without a reader.

It registers through the ``corpus`` entry-point group like any third-party
plugin, and uses only the public API of :mod:`corpus`.
"""

from __future__ import annotations

from collections.abc import Callable

from corpus import Extract, Reader, SourceFile, hookimpl
from corpus.text import split_lines
from corpus_text._markdown import looks_like_markdown, read_markdown
from corpus_text._plain import read_plain

__all__ = ["TextReader", "corpus_register_readers"]

_FALLBACK = 0.1
_MARKDOWN = 0.5


class TextReader:
    """Reads plain text and Markdown; see the module docstring."""

    name: str = "text"
    version: str = "1.0"
    media_types: tuple[str, ...] = ("text/plain", "text/markdown")

    def sniff(self, source: SourceFile) -> float | None:
        if source.text is None or source.media_type in ("text/html", "application/xhtml+xml"):
            return None
        return _MARKDOWN if self._is_markdown(source) else _FALLBACK

    def read(self, source: SourceFile) -> Extract:
        text = source.text or ""
        if self._is_markdown(source):
            return read_markdown(text)
        title, paragraphs = read_plain(split_lines(text))
        return Extract(paragraphs=paragraphs, title=title)

    @staticmethod
    def _is_markdown(source: SourceFile) -> bool:
        return looks_like_markdown(source.path.suffix, source.media_type, source.text or "")


@hookimpl
def corpus_register_readers(register: Callable[[Reader], None]) -> None:
    register(TextReader())
