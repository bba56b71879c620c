"""Text helpers for reader authors: lines, scripts, widths, paragraphs and page furniture.

A reader turns a source into paragraphs. Most sources are laid out for a page or a
screen, so most readers meet the same problems, and the built-in readers solve them
with the helpers here — a third-party reader can use them the same way:

- **Scripts** (:func:`script_of`, :func:`is_cjk`, :func:`has_cjk`, :func:`is_unspaced`,
  :data:`CJK_CLASS`): which writing system a character is in, decided once for the
  whole pipeline. A wrap between two CJK characters stood for nothing, elsewhere for
  a space; unspaced scripts are matched one character at a time.
- **Lines** (:class:`Line`, :func:`split_lines`, :func:`join`, :func:`tidy`,
  :func:`indent`, :func:`ends_sentence`): physical lines with their offsets into
  ``source.text`` (so that what a reader cuts can be shown in an audit), and how two
  wrapped pieces of a paragraph rejoin.
- **Widths** (:func:`display_width` for a terminal, :func:`printed_width` for a
  printed page): a CJK character takes two columns.
- **Paragraphs** (:func:`rejoin`, :func:`measure`, :func:`text_of`,
  :func:`is_heading`): hard-wrapped lines rejoined into paragraphs, judged against
  the page's own measure.
- **Page furniture** (:func:`depaginate`, :func:`is_page_number`,
  :func:`is_print_stamp`, :func:`mask_numbers`, :func:`recurring`…): page numbers,
  running headers and footers and a browser's print stamps, recognised and cut.

Example, a reader of a hard-wrapped text format::

    from corpus import Extract, text

    def read(self, source):
        pages = text.depaginate(source.text)          # furniture cut, offsets kept
        body = [text.text_of(lines) for block in text.rejoin(pages.lines) for lines in block]
        return Extract(paragraphs=body, title=None, removed=pages.removed)
"""

from __future__ import annotations

from corpus.text.furniture import (
    EDGE_LINES,
    cells,
    find_url,
    is_bare_number,
    is_page_number,
    is_print_stamp,
    is_roman_numeral,
    is_url,
    mask_numbers,
    may_hold_url,
    page_counter,
    print_stamp,
    recurring,
    without_print_stamp,
)
from corpus.text.layout import Layout, hard_wrapped, is_full, local_widths, measure
from corpus.text.lines import (
    CLOSERS,
    SENTENCE_END,
    Line,
    display_width,
    ends_sentence,
    hyphenated,
    indent,
    join,
    printed_width,
    split_lines,
    tidy,
)
from corpus.text.pages import Depaginated, depaginate, printed_web_page, restore_digits, strip_furniture
from corpus.text.paragraphs import blocks, ends_paragraph, is_heading, is_title, paragraphs, rejoin, text_of
from corpus.text.scripts import (
    CJK_CLASS,
    UNSPACED_CLASS,
    fold_han_script,
    han_variant,
    has_cjk,
    has_han,
    is_cjk,
    is_unspaced,
    script_of,
)

__all__ = [
    "CJK_CLASS",
    "CLOSERS",
    "EDGE_LINES",
    "SENTENCE_END",
    "UNSPACED_CLASS",
    "Depaginated",
    "Layout",
    "Line",
    "blocks",
    "cells",
    "depaginate",
    "display_width",
    "ends_paragraph",
    "ends_sentence",
    "find_url",
    "fold_han_script",
    "han_variant",
    "hard_wrapped",
    "has_cjk",
    "has_han",
    "hyphenated",
    "indent",
    "is_bare_number",
    "is_cjk",
    "is_full",
    "is_heading",
    "is_page_number",
    "is_print_stamp",
    "is_roman_numeral",
    "is_title",
    "is_unspaced",
    "is_url",
    "join",
    "local_widths",
    "mask_numbers",
    "may_hold_url",
    "measure",
    "page_counter",
    "paragraphs",
    "print_stamp",
    "printed_web_page",
    "printed_width",
    "recurring",
    "rejoin",
    "restore_digits",
    "script_of",
    "split_lines",
    "strip_furniture",
    "text_of",
    "tidy",
    "without_print_stamp",
]
