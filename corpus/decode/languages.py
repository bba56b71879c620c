"""The alphabets: each language written in an alphabet, as data.

One ``_Alphabet`` entry per language: 24 written in Latin letters, 5 in Cyrillic,
Greek, Hebrew, Arabic, Persian and Thai. Each gives the language's letters in
frequency order, the order of its ASCII letters, common letter pairs, one-letter
words, final and initial forms, and the encodings it is written in. They are
general knowledge written down, not counts from a corpus (only the order of the
letters matters), so a language is added or corrected here without touching the
model; what the entries cost is worked out in ``alphabetic``. Chinese, Japanese
and Korean are described in ``ideographic``.
"""

from __future__ import annotations

from dataclasses import dataclass

_ENGLISH = "etaoinshrdlcumwfgypbvkjxqz"


@dataclass(frozen=True)
class _Alphabet:
    """A language written in an alphabet, described by general knowledge of it.

    ``letters``: its non-ASCII letters (all letters for non-Latin scripts),
    commonest first, lower case; the letter at rank r costs ``base + step * r``
    bits (alphabet letter frequencies fall off about linearly in log space), so
    only the order is needed, not counts from any corpus.

    ``ascii_order``: the same for its ASCII letters (English's for languages in
    other scripts, whose Latin-letter words are mostly English). A reading is
    charged for how much worse its language fits the text's ASCII letters than
    the best-fitting order does, so accented letters must suit the language of
    the words around them: ``zauwaæyli`` is Polish with a Danish letter, and
    ``weíve`` (Windows-1252 ``we’ve`` read as Mac Roman) is English with Spanish.

    ``bigrams``: common letter pairs; in a word of the script a listed pair earns
    a bonus and any other pair a smaller charge, which nets to about zero on real
    text and to a charge on letter salad. ``singles``: its one-letter words of
    non-ASCII letters (None: not checked). ``finals``: letters written only at
    the end of a word, with their non-final forms (Greek ς/σ, Hebrew ךםןףץ/כמנפצ).
    ``never_initial``: letters no word starts with. ``codecs``: the encodings
    the language is written in; reading it through any other costs
    _FOREIGN_ENCODING (Polish is rarely Windows-1257).
    """

    name: str
    script: str
    letters: str
    base: float
    step: float
    codecs: frozenset[str]
    ascii_order: str = _ENGLISH
    bigrams: frozenset[str] = frozenset()
    singles: str | None = None
    finals: tuple[str, str] = ("", "")
    never_initial: str = ""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_WESTERN = frozenset({"cp1252", "iso8859-1", "iso8859-15", "mac-roman", "cp437", "cp850"})
_CENTRAL = frozenset({"cp1250", "iso8859-2", "cp852", "mac-latin2"})
_BALTIC = frozenset({"cp1257", "iso8859-13", "iso8859-4"})
_CYRILLIC = frozenset({"cp1251", "koi8-r", "koi8-u", "iso8859-5", "cp866", "cp855", "mac-cyrillic", "kz1048"})
# Latin languages list only their accented letters: the commonest costs about 6
# bits (French é, ~2 % of letters), the rarest about 13, whatever their number.
_LATIN_BASE, _LATIN_SPAN = 6.0, 7.0
_CYRILLIC_BASE, _CYRILLIC_STEP = 3.3, 0.17


def _latin(name: str, letters: str, ascii_order: str, codecs: frozenset[str], singles: str = "") -> _Alphabet:
    return _Alphabet(
        name,
        "latin",
        letters,
        _LATIN_BASE,
        _LATIN_SPAN / len(letters),
        codecs,
        ascii_order,
        singles=singles,
    )


def _cyrillic(name: str, letters: str, bigrams: str, singles: str, never_initial: str = "ьъы") -> _Alphabet:
    return _Alphabet(
        name,
        "cyrillic",
        letters,
        _CYRILLIC_BASE,
        _CYRILLIC_STEP,
        _CYRILLIC,
        bigrams=_words(bigrams),
        singles=singles,
        never_initial=never_initial,
    )


_ALPHABETS: tuple[_Alphabet, ...] = (
    _latin("en", "éï", _ENGLISH, _WESTERN),
    _latin("fr", "éèàêçùâîôûëïüœÿæ", "esaitnrulodcmpvqfbghjxyzwk", _WESTERN, "à"),
    _latin("de", "äüöéß", "enisratdhulcgmobwfkzvpjyxq", _WESTERN),
    _latin("es", "óíáéñúü", "eaosrnidlctumpbgvyqhfzjxwk", _WESTERN),
    _latin("pt", "ãçéáóíêõúâôàü", "aeosridmntculpvgqbfhzjxkwy", _WESTERN, "éà"),
    _latin("it", "àèéìòùóí", "eaionlrtscdupmvgzfbhqkwxyj", _WESTERN, "è"),
    _latin("ca", "àèéíòóúçï", "eastrilnocudmpvgbfqhjxyzkw", _WESTERN, "à"),
    _latin("nl", "ëéèïöüá", "enatirodslgvhkmubpwjczfxyq", _WESTERN),
    _latin("sv", "äåöé", "eanrtslidomkgvhfupbcjyxwzq", _WESTERN),
    _latin("fi", "äöåšž", "aintesloukmrvjhpydgbcfwzxq", _WESTERN | _BALTIC),
    _latin("da", "æøåé", "erntdslaigkmovfhubpjycwzxq", _WESTERN),
    _latin("is", "áðéíóúýþæö", "anrisetulgmkfdvhobjpyxcwqz", _WESTERN),
    _latin("cs", "íáéěřýčšžůúňťóď", "oeanitvslkrdpmuzjyhcbgfxwq", _CENTRAL),
    _latin("sk", "áíýéčžšúľťóôďňäĺŕ", "oaeinrtvslkdmpujzyhcbgfxwq", _CENTRAL),
    _latin("pl", "łęąóżśćńź", "aioeznrwcstykdpmujlbghfqvx", _CENTRAL),
    _latin("hu", "áéóöőíüúű", "eatlsnkozrimgdbvhjyufpcxwq", _CENTRAL),
    _latin("hr", "čšžćđ", "aioenjrstlkvdmpuzgbhcfyxwq", _CENTRAL),
    _latin("sl", "čšž", "eaionrlsjtvkdpmuzbgchfyxwq", _CENTRAL),
    _latin("ro", "ăîâşţșț", "eiarntulcosdpmfvbgzhjkxywq", _CENTRAL),
    _latin("tr", "ıçşğüöİâî", "aeinrlkdmuytsbozgcvhpfjwxq", frozenset({"cp1254", "iso8859-9"})),
    _latin("lt", "ąėįšųūčęž", "iasoterunkmlpvdjgybzcfhwxq", _BALTIC),
    _latin("lv", "āēīūšžčņļķģ", "asietrnuklmopdvzjgbcfhyxwq", _BALTIC),
    _latin("et", "äõüöšž", "aeistulnkomdrvgjhpbfzcwyxq", _BALTIC | _WESTERN),
    _Alphabet(
        "vi",
        "latin",
        "\u0301\u0300\u0323\u0309\u0303ươđâêôăáàéèíìóòúùýãõ",
        5.0,
        0.4,
        frozenset({"cp1258"}),
        "nhtcigaouemdlyvrbskpxqfwjz",
        singles="",
    ),
    _cyrillic(
        "ru",
        "оеаинтсрвлкмдпуяызьбгчйхжшюцщэфъё",
        "ст но то на ен ов ни ра во ко ал пр ро ли ер ре го ет от ос не по ан ел ат "
        "ол ка ор ва ес ль де ла ис ит ин ом те ле та ри ив им ве ск ти ак мо ме ны ми "
        "ой ый ог ая да тв ть вы ия ег",
        "виксоуаяжб",
    ),
    _cyrillic(
        "uk",
        "оанівтерискдлмупяьзбгчхйжшцюєїщфґ",
        "на ні по ра ро ан ст ти ен ко но ов пр ер ва ві ли ка ня ре та ос од ал ом ть "
        "ди ми ви ий їх ин ит ат ає ів ог ок ла ле ль не ні",
        "віуйзоаяє",
    ),
    _cyrillic(
        "bg",
        "аоеинтрсвлкдпмзяъгбчуйжшфхцщюь",
        "на то ст не ра ни та по ен те ре от за ко ва ат ро ла ли да пр во ит ия ес ка "
        "ан ел ер ов ъл ът де ен ак ал ор",
        "виксуая",
        "ьы",
    ),
    _cyrillic(
        "sr",
        "аиоенсртјвдклумпзгбшчцћжхњљђфџѓќѕ",
        "је на ст пр ко ни ра та да ти ње но од ов ре ва ма ли ла ан ен ом ог за по ед ин ки ос са не",
        "исуаоке",
        "ьъы",
    ),
    _cyrillic(
        "kk",
        "аеынрлтсқдіұмбкуйоғзшңәгпжүөяхчюцфэщһъёь",
        "ан ар ен ын ің ға да ер ал ла ды де ті ре ле ба қа на ат ма ық ол ты ет ст ін ғы ек ри ке ры ны лы ем",
        "е",
        "ьъ",
    ),
    _Alphabet(
        "el",
        "greek",
        "αοιετσνηυρπκμλςωάδγίχέόθήφβύώξζψϊΐϋΰ",
        3.1,
        0.2,
        frozenset({"cp1253", "iso8859-7", "mac-greek", "cp737", "cp869", "cp875"}),
        bigrams=_words(
            "το τα ου αι κα ει ης ια ον ην ος απ ερ αν ρο ντ στ πο τη με ικ νη επ ρα ση σε "
            "να λα ατ ας ετ ιο οι τι ορ πα ει ου ηκ κη"
        ),
        singles="οηκασ",
        finals=("ς", "σ"),
    ),
    _Alphabet(
        "he",
        "hebrew",
        "יוהלארמתבנשדעכםקחפסןגצזטףךץ",
        3.2,
        0.25,
        frozenset({"cp1255", "iso8859-8", "cp862", "cp424"}),
        bigrams=_words("ים ות של את וה הו יה תה לא ני רי מה בה לה ור יו אל ית נה דה ין כל מי הי או ול הם ון שה"),
        finals=("ךםןףץ", "כמנפצ"),
    ),
    _Alphabet(
        "ar",
        "arabic",
        "اليمونهرتبعدسفكقحجةىشطصأخضزإثءغذظآئؤ",
        3.3,
        0.2,
        frozenset({"cp1256", "iso8859-6", "cp720", "cp864"}),
        singles="وب",
    ),
    _Alphabet(
        "fa",
        "arabic",
        "اینمردهوتبسلکزیگشخفقحجپعچطصغذثضظژءآأ",
        3.3,
        0.2,
        frozenset({"cp1256"}),
        singles="وبه",
    ),
    _Alphabet(
        "th",
        "thai",
        "านรอกเมย่งวลัตทดิสี้ปบขคหพะจใไุูืชแโ็ผถซฟภศษฝญฉฐธณฒฎฏฑฌฆฬฮๆ์",
        4.0,
        0.12,
        frozenset({"cp874", "tis-620", "iso8859-11"}),
        singles="",  # Thai has no spaces between words, so no letter stands alone
    ),
)
_ASCII_ORDERS = frozenset(alphabet.ascii_order for alphabet in _ALPHABETS)
