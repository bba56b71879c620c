"""Context: what wrong decodings do to words and texts, whatever the language.

Per-character costs cannot see a capital inside a lower-case word
(``BlanchardÕs``), two scripts inside one word (``Vielה``), several alphabets in
one text, a symbol between letters or stuck to a word's start, or one ideograph
alone among Latin letters. Each character is mapped to a one-letter class with
``str.translate``, and these patterns are counted by regular expressions over the
string of classes, which is cheap enough to run on every candidate.
"""

from __future__ import annotations

import re
import unicodedata

from corpus.decode.characters import _script


class _ClassTable(dict[int, str]):
    """Maps each character to one letter naming its class, for str.translate.

    a/A ASCII letters, l/L other Latin, c/C Cyrillic, g/G Greek (lower/upper),
    h Hebrew, r Arabic, t Thai, k Hangul, j kana, z Han, o other letters,
    q non-ASCII punctuation or symbols, w opening brackets and quotes, y
    apostrophes, dashes and soft hyphens (at home inside words), s space, d digit,
    n other numerals, p ASCII punctuation, x controls and unassigned, m combining
    marks.
    """

    def __missing__(self, cp: int) -> str:
        self[cp] = kind = _char_class(cp)
        return kind


def _char_class(cp: int) -> str:
    char = chr(cp)
    if cp < 0x80:
        if char.isalpha():
            return "a" if char.islower() else "A"
        if char.isdigit():
            return "d"
        if char.isspace():
            return "s"
        return "p" if char.isprintable() else "x"
    category = unicodedata.category(char)
    script = _script(cp)
    if category[0] == "L":
        cased = {"latin": "l", "cyrillic": "c", "greek": "g"}.get(script)
        if cased is not None:
            return cased.upper() if char.isupper() else cased
        return {
            "hebrew": "h",
            "arabic": "r",
            "arabic-forms": "r",
            "thai": "t",
            "hangul": "k",
            "jamo": "k",
            "kana": "j",
            "halfwidth-kana": "j",
            "han": "z",
        }.get(script, "o")
    if script == "thai":
        return "t"
    if category in ("Mn", "Mc", "Me"):
        return "m"
    if char in "’ʼ´`\xad‐‑–—":
        return "y"
    if category in ("Ps", "Pi") or char in "„‚¡¿":
        return "w"
    if category[0] == "Z":
        return "s"
    if category[0] == "N":
        return "n"
    if category[0] == "C":
        return "x"
    return "q"


_CLASSES = _ClassTable()
_SCRIPT_OF_CLASS = str.maketrans("aAlLcCgGhrtk", "LLLLCCGGHRTK", "zjoqysdpxmnw")
_CASE_SWITCH = re.compile(r"(?=[alcg][LCG]|[lcg]A)")
_CAPITALS_RUN = re.compile(r"(?=[LCG][LCG])")
_SCRIPT_SWITCH = re.compile(r"(?=L[CGHRTK]|C[LGHRTK]|G[LCHRTK]|H[LCGRTK]|R[LCGHTK]|T[LCGHRK]|K[LCGHRT])")
_SYMBOL_IN_WORD = re.compile(r"(?=[alcgALCGhrtk][qn][alcgALCGhrtk])")
_LONE_IDEOGRAPH = re.compile(r"(?<=[aA])[zjk](?![zjk])|(?<![zjk])[zjk](?=[aA])")
_GLUED_SYMBOL = re.compile(r"(?:^|(?<=[sp]))q(?=[lLcCgGhrt])")
_CASE_SWITCH_COST = 6.0
_CAPITALS_RUN_REFUND = 2.0  # after a capital, another is likely (acronyms, headings)
_SCRIPT_SWITCH_COST = 8.0
_SYMBOL_IN_WORD_COST = 6.0
_UNPAIRED_COST = 3.0  # a guillemet without its partner: often a letter misread
_LONE_IDEOGRAPH_COST = 6.0  # one CJK character alone among Latin letters
_GLUED_SYMBOL_COST = 4.0  # a closing quote or symbol stuck to the start of a word
_SCRIPT_MIX_COST = 5.0  # each alphabet beyond the first in one text


def _context_cost(text: str) -> float:
    """What wrong decodings do to words and texts: capitals inside words, scripts
    mixed in a word or a text, symbols between letters or stuck to a word's start
    (Mac Cyrillic capitals read as Windows-1251 become quotes and dashes),
    guillemets that close nothing, a lone ideograph wedged into Latin text (two
    Latin-1 letters read as one GBK character)."""
    classes = text.translate(_CLASSES)
    # Deleting non-letters joins words for the script check; put spaces back.
    scripts = re.sub(r"[^aAlLcCgGhrtk]", " ", classes).translate(_SCRIPT_OF_CLASS)
    unpaired = abs(text.count("«") - text.count("»"))
    alphabets = len(set(scripts) & set("LCGHRT"))
    return (
        _UNPAIRED_COST * unpaired
        + _SCRIPT_MIX_COST * max(0, alphabets - 1)
        + _GLUED_SYMBOL_COST * len(_GLUED_SYMBOL.findall(classes))
        + _LONE_IDEOGRAPH_COST * len(_LONE_IDEOGRAPH.findall(classes))
        + _CASE_SWITCH_COST * len(_CASE_SWITCH.findall(classes))
        - _CAPITALS_RUN_REFUND * len(_CAPITALS_RUN.findall(classes))
        + _SCRIPT_SWITCH_COST * len(_SCRIPT_SWITCH.findall(scripts))
        + _SYMBOL_IN_WORD_COST * len(_SYMBOL_IN_WORD.findall(classes))
    )
