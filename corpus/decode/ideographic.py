"""Chinese, Japanese and Korean: their characters in tiers of commonness, and what they cost.

CJK double-byte encodings decode each other's bytes without error, so what tells
them apart is whether the characters that come out are the common ones of a
language. Each ``_Ideographic`` language has a short frequency-ordered list of its
commonest characters, then the first and second levels of its national standard
(GB2312, Big5, JIS X 0208, KS X 1001), read from Python's own codecs so that no
table of thousands of characters is written out; any other ideograph is rare. One
CJK encoding read as another gives rare ideographs where common ones were expected.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from functools import cache

from corpus.decode.characters import _FOREIGN_LETTER, _generic_cost

# CJK: frequency-ordered lists of the commonest characters (general knowledge of
# newspaper text), and the common/second levels of the national standards, read
# from Python's codecs so that no table of thousands of characters is written out.
_ZH_HANS_TOP = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年"
    "过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心"
    "她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间"
    "由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给"
    "世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变"
    "四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社"
    "便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北"
    "边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济"
    "车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团"
    "集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企"
)
_ZH_HANT_TOP = (
    "的一是不了在人有我他這個們中來上大為和國地到以說時要就出會可也你對生能而子那得於著下自之年"
    "過發後作裡用道行所然家種事成方多經麼去法學如都同現當沒動面起看定天分還進好小部其些主樣理心"
    "她本前開但因只從想實日軍者意無力它與長把機十民第公此已工使情明性知全三又關點正業外將兩高間"
    "由問很最重並物手應戰向頭文體政美相見被利什二等產或新己制身果加西斯月話合回特代內信表化老給"
    "世位次度門任常先海通教兒原東聲提立及比員解水名真論處走義各入幾口認條平系氣題活爾更別打女變"
    "四神總何電數安少報才結反受目太量再感建務做接必場件計管期市直德資命山金指克許統區保至隊形社"
    "便空決治展馬科司五基眼書非則聽白卻界達光放強即像難且權思王象完設式色路記南品住告類求據程北"
    "邊死張該交規萬取拉格望覺術領共確傳師觀清今切院讓識候帶導爭運笑飛風步改收根乾造言聯持組每濟"
    "車親極林服快辦議往元英士證近失轉夫令準布始怎呢存未遠叫台單影具羅字愛擊流備兵連調深商算質團"
    "集百需價花黨華城石級整府離況亞請技際約示復病息究線似官火斷精滿支視消越器容照須九增研寫稱企"
)
_JA_KANJI_TOP = (
    "日一国会人年大十二本中長出三同時政事自行社見月分議後前民生連五発間対上部東者党地合市業内相方"
    "四定今回新場金員九入選立開手米力学問高代明実円関決子動京全目表戦経通外最言氏現理調体化田当八"
    "六約主題下首意法不来作性的要用制治度務強気小七成期公持野協取都和統以機平総加山思家話世受区領"
    "多県続進正安設保改数記院女初北午指権心界支第産結百派点教報済書府活原先共得解名交資予川向際査"
    "勝面委告軍文反元重近千考判認画海参売利組知案道信策集在件団別物側任引使求所次水半品昨論計死官"
)
_JA_HIRAGANA = (
    "のにはをたがでてとしいかるなれらもっうこまさあくすりきんけよつおどせやだわみちじばほひろえふべご"
    "ずねぶむそぐびげぽぱぜゃゅょぁぃぅぇぉ"
)
_JA_KATAKANA = (
    "ンスルトリクイラッシタアーレマカコロフプドジテメデナオグミュサチセハキパブムバビョツモニヤボャエ"
    "ベゲゴホネウソゼヘヒザノピォヌポィェヴゾズヂヅ"
)
_KO_TOP = (
    "이다의는에하고을가지기서한로를사리자으들도대니어나아수인정시적것일있해만게라주상보부전요그장여제"
    "구국문원우성내소동면세유모화비결실회중개연관물방생학경식신무합발계명선미되처공위금통마강당간저말"
    "행재진작체반점각없용산거조단년현였분운교할토월군터민같치했"
)
_CJK_PUNCT_COMMON = frozenset("，。、：；？！（）「」『』《》【】〈〉・ー…—　“”‘’·")


# Rows of a double-byte national standard: (codec, first lead byte, last lead byte).
_Rows = tuple[str, int, int]


@dataclass(frozen=True)
class _Ideographic:
    """A CJK language: its characters in tiers of commonness.

    ``top`` is frequency-ordered (cost ``_TOP_BASE + log2(rank + 1)``);
    ``levels`` are rows of a national standard with the cost of their characters
    (first level common, second level rarer); any other ideograph is rare.
    ``kana`` and ``hangul`` say whether the language writes them (Japanese,
    Korean) or only meets them in foreign names.
    """

    name: str
    top: str
    levels: tuple[tuple[_Rows, float], ...]
    codecs: frozenset[str]
    kana: bool = False
    hangul: bool = False


_GB = frozenset({"gb18030", "gb2312", "gbk", "hz"})
_BIG5 = frozenset({"big5", "cp950", "big5hkscs"})
_JAPANESE = frozenset(
    {"shift_jis", "cp932", "euc_jp", "euc_jis_2004", "shift_jis_2004", "iso2022_jp", "iso2022_jp_2", "iso2022_jp_ext"}
)
_LEVEL1, _LEVEL2 = 15.0, 19.0
_GB2312_LEVEL1: _Rows = ("gb2312", 0xB0, 0xD7)
_IDEOGRAPHIC: tuple[_Ideographic, ...] = (
    _Ideographic("zh-hans", _ZH_HANS_TOP, ((_GB2312_LEVEL1, _LEVEL1), (("gb2312", 0xD8, 0xF7), _LEVEL2)), _GB),
    _Ideographic(
        "zh-hant", _ZH_HANT_TOP, ((("big5", 0xA4, 0xC6), _LEVEL1), (("big5", 0xC9, 0xF9), _LEVEL2)), _BIG5 | _GB
    ),
    _Ideographic(
        "ja",
        _JA_KANJI_TOP,
        ((("euc_jp", 0xB0, 0xCF), _LEVEL1), (("euc_jp", 0xD0, 0xF4), _LEVEL2)),
        _JAPANESE,
        kana=True,
    ),
    # Korean is written in Hangul; Hanja (KS X 1001's 4888) are rare in running text.
    _Ideographic(
        "ko", "", ((("euc_kr", 0xCA, 0xFD), 17.0),), frozenset({"euc_kr", "cp949", "johab", "iso2022_kr"}), hangul=True
    ),
)
_TOP_BASE = 4.6
_RARE_HAN = 22.0


@cache
def _standard_level(codec: str, first: int, last: int) -> frozenset[str]:
    """The characters of rows ``first..last`` of a double-byte national standard."""
    trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)] if codec == "big5" else range(0xA1, 0xFF)
    chars: set[str] = set()
    for lead in range(first, last + 1):
        for trail in trails:
            try:
                chars.add(bytes((lead, trail)).decode(codec))
            except UnicodeDecodeError:
                continue
    return frozenset(chars)


@cache
def _ideographic_costs(language: _Ideographic) -> dict[str, float]:
    costs: dict[str, float] = {}
    for rows, cost in sorted(language.levels, key=lambda level: -level[1]):  # common levels win
        costs.update(dict.fromkeys(_standard_level(*rows), cost))
    for rank, char in enumerate(dict.fromkeys(language.top)):
        costs[char] = _TOP_BASE + math.log2(rank + 1)
    if language.kana:
        for rank, char in enumerate(_JA_HIRAGANA):
            costs[char] = 5.0 + math.log2(rank + 1)
        for rank, char in enumerate(_JA_KATAKANA):
            costs[char] = 6.5 + math.log2(rank + 1)
    if language.hangul:
        for char in _standard_level("euc_kr", 0xB0, 0xC8):
            costs[char] = 13.0
        for rank, char in enumerate(dict.fromkeys(_KO_TOP)):
            costs[char] = 4.8 + 0.95 * math.log2(rank + 1)
    return costs


def _ideographic_cost(language: _Ideographic, char: str, script: str) -> float:
    if script == "han":
        return _RARE_HAN
    if script == "kana":
        return 13.0 if language.kana else 14.0
    if script == "halfwidth-kana":
        return 12.0 if language.kana else 18.0
    if script == "hangul":
        return 20.0 if language.hangul else 18.0
    if script == "jamo":
        return 11.0 if language.hangul else 16.0  # Korean chat writes bare jamo: ㅋㅋ, ㅠㅠ
    if script == "cjk-punct":
        return 6.0 if char in _CJK_PUNCT_COMMON else 10.0
    if script in ("latin", "greek", "cyrillic"):
        return 14.0
    if script == "other" and 0x2500 <= ord(char) <= 0x25FF:
        return 13.0
    if script == "other" or not unicodedata.category(char).startswith("L"):
        return _generic_cost(char)
    return _FOREIGN_LETTER
