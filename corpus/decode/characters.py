"""Characters: a code point's script, and what a character costs with no language to judge it.

The bottom layer of the naturalness model (see ``naturalness``). Scripts decide
which languages are worth trying for a decoding and which letters are foreign to
a language; the costs here, in bits like every cost of the model, are for what no
language table lists: ASCII, punctuation and symbols, controls, private-use and
unassigned characters, and letters of a script no language of the text expects.
"""

from __future__ import annotations

import unicodedata

from corpus.text.scripts import script_of

# The scripts the naturalness model has costs for; any other script (Lao,
# Tibetan, bopomofo, CJK radicals...) is "other" to it.
_MODELLED = frozenset(
    {
        "ascii", "latin", "greek", "cyrillic", "hebrew", "arabic", "arabic-forms", "thai",
        "hangul", "jamo", "kana", "halfwidth-kana", "han", "cjk-punct",
    }
)  # fmt: skip


def _script(cp: int) -> str:
    """The writing system of a code point (:func:`corpus.text.script_of`), as far as telling encodings apart needs."""
    script = script_of(chr(cp))
    return script if script in _MODELLED else "other"


# Non-letters: cost in bits wherever they appear. Typographic punctuation is
# cheap; Latin-1's odd symbols, box drawing and controls are what wrong code pages
# produce.
_SYMBOL_COSTS: dict[str, float] = {
    **dict.fromkeys("\xa0", 8.0),
    **dict.fromkeys("“”‘’", 7.0),
    **dict.fromkeys("«»–—", 8.0),
    **dict.fromkeys("…", 9.0),
    **dict.fromkeys("•·©®°€£№", 10.0),
    **dict.fromkeys("§¡¿™\xad", 11.0),
    **dict.fromkeys("×±†‡‰‹›„‚¢¥₪", 12.0),
}
_ASCII_COSTS: dict[str, float] = {
    **{chr(i): 25.0 for i in range(0x20)},
    **{c: 4.5 for c in "abcdefghijklmnopqrstuvwxyz"},
    **{c: 6.0 for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
    **{c: 5.5 for c in "0123456789"},
    **{c: 6.5 for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"},
    " ": 3.0,
    "\n": 5.0,
    "\t": 7.0,
    "\r": 7.0,
    "\x0c": 9.0,
    "\x7f": 25.0,
}
_UPPER = 2.5  # a capital costs this much more than its small letter


def _generic_cost(char: str) -> float:
    """Cost of a non-ASCII character that is not a letter of the profile's script."""
    if char in _SYMBOL_COSTS:
        return _SYMBOL_COSTS[char]
    cp = ord(char)
    category = unicodedata.category(char)
    if category in ("Cc", "Cs", "Cn"):
        return 25.0
    if category == "Co":
        return 22.0
    if 0x2500 <= cp <= 0x25FF:
        return 15.0
    if category[0] == "Z":
        return 10.0
    if category in ("Mn", "Mc", "Me", "Cf"):
        return 13.0
    if category[0] in ("P", "S", "N"):
        return 14.0
    return 17.0  # a letter of a script this profile does not expect


# A letter of a script the language does not write (used by both kinds of language).
_FOREIGN_LETTER = 17.0


def _generic_letter_cost(char: str, script: str) -> float:
    """No language fits: any letter of a known script is merely unexpected."""
    if script == "han":
        return 18.0
    if script in ("hangul", "kana"):
        return 16.0
    if unicodedata.category(char).startswith("L"):
        return 12.0 + (_UPPER if char.isupper() else 0.0)
    return _generic_cost(char)
