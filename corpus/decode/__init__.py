"""Bytes to text: find the encoding a source was written in, or say why it is not text.

Every later stage (readers, normaliser, fingerprints, the canonical text) sees only
what this package returns, so a wrong guess here silently turns a document into
mojibake that matches nothing. The order of the evidence is fixed by DESIGN.md:

1. a byte-order mark (UTF-8, UTF-16/32): decisive, and stripped from the text;
2. binary formats known by their magic numbers, UTF-16/32 without a BOM known by
   the columns its NUL bytes fall in, and other NUL bytes (binary) are settled
   before any 8-bit guess; EBCDIC (0x40 for its spaces) is scored apart, 7-bit
   ISO-2022 and HZ are recognised by their escapes;
3. strict UTF-8: valid multi-byte UTF-8 is almost never an accident, so it wins
   over a declared charset (pages that declare gb2312 and are UTF-8 exist;
   UTF-8 Chinese also decodes without error as GB18030, into mojibake);
4. a declared charset (the ``declared`` argument, e.g. from an HTTP header, then
   ``<meta charset>`` or the XML declaration) if the bytes decode strictly with
   it and the result is not far less natural than the best alternative;
5. otherwise every plausible legacy encoding, plus chardet's candidates, decoded
   strictly and scored by how natural the text is (see ``naturalness``).

Never ``errors="ignore"`` or ``"replace"``: a source either decodes exactly or is
reported as not text, with its bytes kept by the store.

Encoding names are Python's canonical codec names (``codecs.lookup(x).name``):
``utf-8``, ``utf-8-sig``, ``utf-16``, ``utf-16-le``, ``gb18030``, ``big5``,
``shift_jis``, ``cp932``, ``euc_jp``, ``euc_kr``, ``cp1252``, ``cp1251``,
``koi8-r``, ``iso8859-5``, ``mac-cyrillic``... so that for every result
``data.decode(result.encoding) == result.text`` holds (a BOM is reported as
``utf-8-sig``/``utf-16``/``utf-32``, codecs that strip it). Pure ASCII is
reported as ``utf-8``: every ASCII-compatible encoding reads it the same way.
Legacy labels are read as the superset browsers use when the bytes decode the
same or only the superset decodes them: GB2312/GBK as GB18030, ISO-8859-1 and
ASCII as Windows-1252, ISO-8859-9 as Windows-1254, TIS-620 as Windows-874,
Shift_JIS as CP932, EUC-KR as CP949, Big5 as CP950 or Big5-HKSCS.

The modules, each importing only those above it:

- ``codec_names``: encoding labels as Python codec names, and their supersets;
- ``declared``: the charset a document declares (XML, ``<meta>``, ``@charset``);
- ``not_text``: control characters, and the error for bytes that are not text;
- the naturalness model, from tables to the whole: ``characters`` (scripts,
  costs that need no language), ``languages`` (the alphabet tables, as data),
  ``alphabetic`` (their letter and word costs), ``ideographic`` (Chinese,
  Japanese, Korean), ``context`` (what wrong decodings do to words), and
  ``naturalness`` (a decoding's cost under each language);
- ``sampling``: the part of the data candidates are judged on;
- ``candidates``: the encodings tried, chardet's votes, ranking;
- ``pipeline``: ``decode`` itself, step by step in the order above.

Everything outside this file is internal to the package: import from
``corpus.decode``.
"""

from __future__ import annotations

from corpus.decode.codec_names import normalise_encoding
from corpus.decode.declared import declared_charset
from corpus.decode.pipeline import Decoded, decode

__all__ = ["Decoded", "declared_charset", "decode", "normalise_encoding"]
