"""Decoding real files: the seeds, the labelled encoding-detection set, and the traps.

A wrong guess turns a document into mojibake that matches nothing, so each test
compares the decoded text itself with what the file is known to hold.
"""

from __future__ import annotations

import codecs
import csv
import re
from pathlib import Path

import pytest
from conftest import SHARED_DATA, missing_case, missing_shared_data, shared

from corpus.decode import Decoded, declared_charset, decode, normalise_encoding
from corpus.errors import DecodeError

SEEDS = Path(__file__).parents[1] / "seeds"
SHARED = SHARED_DATA
ENCODING_SET = SHARED / "encoding-detection"
ZH_D03 = SHARED / "zh-web-vs-pdf" / "D03-people-guoxinban-henan"

# Labels read the way browsers (WHATWG) read them, which is what decode promises:
# gb2312 as GB18030, ISO-8859-1/9 and TIS-620 as their Windows supersets when
# those decode the file (the ISO codecs would give C1 controls where the file
# means the Windows code page's quotes and bullets).
WHATWG = {
    "gb2312": "gb18030",
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "tis-620": "cp874",
    "iso8859-11": "cp874",
}
# Files whose label we knowingly disagree with, and why.
DISAGREEMENTS = {
    "chardet-tests/ascii/_mozilla_bug638318_text.html": (
        "1070 NUL bytes with an 'a' among them before the markup: decode calls that binary"
    ),
}


def labelled_text(data: bytes, label: str) -> str:
    whatwg = WHATWG.get(codecs.lookup(label).name)
    if whatwg is not None:
        try:
            return data.decode(whatwg).removeprefix("\ufeff")
        except UnicodeDecodeError:
            pass
    return data.decode(label).removeprefix("\ufeff")


def labels() -> list[tuple[str, str]]:
    table = ENCODING_SET / "labels.csv"
    if not table.is_file():
        return []
    with table.open(newline="", encoding="utf-8") as f:
        return [(row["file"], row["expected_encoding"]) for row in csv.DictReader(f)]


def labelled_cases() -> list[object]:
    cases: list[object] = []
    for name, label in labels():
        marks = [pytest.mark.xfail(strict=True, reason=DISAGREEMENTS[name])] if name in DISAGREEMENTS else []
        cases.append(pytest.param(name, label, marks=marks, id=name))
    return cases or [missing_case(f"shared test data not present: {ENCODING_SET / 'labels.csv'}", "", "")]


def read_shared(*parts: str | Path) -> bytes:
    return shared(SHARED.joinpath(*parts)).read_bytes()


@pytest.mark.parametrize(
    ("name", "start"),
    [
        (
            "000_c0c16b73368775be.txt",
            "通知公告\n当前位置: 首页 > 通知公告 > 正文\n中共中央关于加强和改进党的群团工作的意见",
        ),
        ("003_dba224dbe8b168d4.txt", " 中共中央关于加强和改进党的群团工作的意见"),
    ],
)
def test_seed_is_utf8(name: str, start: str) -> None:
    data = (SEEDS / name).read_bytes()
    decoded = decode(data)
    assert decoded.encoding == "utf-8"
    assert decoded.confidence >= 0.99
    assert decoded.text.startswith(start)


@pytest.mark.parametrize(("name", "label"), labelled_cases())
def test_labelled_file(name: str, label: str) -> None:
    data = (ENCODING_SET / name).read_bytes()
    if label == "None":
        with pytest.raises(DecodeError, match=r"^not text: "):
            decode(data)
        return
    decoded = decode(data)
    assert decoded.text.removeprefix("\ufeff") == labelled_text(data, label), decoded.encoding
    # The promise callers rely on: the reported codec reproduces the text exactly.
    assert data.decode(decoded.encoding) == decoded.text
    assert codecs.lookup(decoded.encoding).name == decoded.encoding
    assert 0.0 < decoded.confidence <= 1.0


def excerpt(text: str, size: int) -> str:
    """The first visible characters of a file, as a snippet copied from a page would be."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", text)).strip()[:size]


def test_short_excerpts_decode() -> None:
    """A title or a search-result snippet has a few dozen characters; they must still
    decode. One 80-character excerpt per labelled directory (the first file)."""
    if not labels():
        missing_shared_data(f"shared test data not present: {ENCODING_SET / 'labels.csv'}")
    seen: set[str] = set()
    wrong: list[str] = []
    total = 0
    for name, label in labels():
        folder = name.rsplit("/", 1)[0]
        if label == "None" or folder in seen:
            continue
        seen.add(folder)
        text = excerpt(labelled_text((ENCODING_SET / name).read_bytes(), label), 80)
        try:
            data = text.encode(label)
        except UnicodeEncodeError:
            continue
        if text.isascii():
            continue
        total += 1
        try:
            got = decode(data)
        except DecodeError as error:
            wrong.append(f"{name}: {error}")
            continue
        if got.text.removeprefix("\ufeff") != labelled_text(data, label):
            wrong.append(f"{name}: read as {got.encoding}: {got.text!r}")
    assert total > 40
    assert len(wrong) <= total // 20, "\n".join(wrong)


def test_page_declaring_gb2312_but_utf8_is_utf8() -> None:
    data = read_shared(ZH_D03 / "web.original.html")
    assert declared_charset(data) == "gb2312"
    decoded = decode(data)
    assert decoded.encoding == "utf-8"
    title = read_shared(ZH_D03 / "groundtruth.main-text.txt").decode("utf-8").splitlines()[0].strip()
    assert title and title in decoded.text


def test_page_served_as_gb18030_is_gb18030() -> None:
    data = read_shared(ZH_D03 / "web.as-served.gb18030.html")
    decoded = decode(data)
    assert decoded.encoding == "gb18030"
    title = read_shared(ZH_D03 / "groundtruth.main-text.txt").decode("utf-8").splitlines()[0].strip()
    assert title and title in decoded.text


@pytest.mark.parametrize(("cut", "where"), [(-2, "the file looks truncated"), (5000, "first at byte 5000")])
def test_damaged_utf8_is_refused_not_read_as_gb18030(cut: int, where: str) -> None:
    """UTF-8 Chinese with a bad byte would read without error as GB18030 mojibake."""
    seed = (SEEDS / "000_c0c16b73368775be.txt").read_bytes()
    damaged = seed[: seed.rindex("。".encode()) + 2] if cut < 0 else seed[:cut] + b"\xff" + seed[cut:]
    with pytest.raises(DecodeError, match=f"^not text: damaged UTF-8: .*{where}"):
        decode(damaged)


def test_ascii_full_of_at_signs_is_not_ebcdic() -> None:
    """EBCDIC's space is 0x40, ASCII's "@": a mailing list is still ASCII."""
    data = b"\n".join(f"u{i}@x.org@relay".encode() for i in range(50))
    assert decode(data).text == data.decode("ascii")


def test_pdf_is_not_text() -> None:
    data = read_shared(ZH_D03 / "official-style.pdf")
    with pytest.raises(DecodeError, match=r"^not text: application/pdf by its signature"):
        decode(data)


@pytest.mark.parametrize(
    ("name", "media_type"),
    [("sample-1.png", "image/png"), ("sample-1.jpg", "image/jpeg"), ("sample-1.xlsx", "spreadsheetml")],
)
def test_binary_error_names_the_format(name: str, media_type: str) -> None:
    data = read_shared("encoding-detection", "char-dataset", "None", name)
    with pytest.raises(DecodeError, match=f"^not text: .*{re.escape(media_type)}.* by its signature"):
        decode(data)


def test_binary_without_a_signature_is_not_text() -> None:
    """A damaged PNG (its signature cut off) is still binary: NULs where text has none."""
    data = read_shared("encoding-detection", "char-dataset", "None", "sample-1.png")[16:]
    with pytest.raises(DecodeError, match=r"^not text: \d+ NUL bytes in the first \d+ bytes"):
        decode(data)


@pytest.mark.parametrize(
    ("parts", "encoding"),
    [
        (("chardet-tests", "UTF-16LE", "plane1-utf-16le.html"), "utf-16-le"),
        (("chardet-tests", "UTF-32BE", "plane1-utf-32be.html"), "utf-32-be"),
        (("char-dataset", "utf_16_le", "sample_chinese_no_bom.txt"), "utf-16-le"),
        (("char-dataset", "utf_32_le", "sample_chinese_no_bom.txt"), "utf-32-le"),
    ],
)
def test_utf16_and_utf32_without_bom(parts: tuple[str, ...], encoding: str) -> None:
    data = read_shared("encoding-detection", *parts)
    assert decode(data).encoding == encoding


@pytest.mark.parametrize(
    ("parts", "encoding"),
    [
        (("chardet-tests", "utf-8-sig", "bom-utf-8.srt"), "utf-8-sig"),
        (("chardet-tests", "UTF-16", "bom-utf-16-le.srt"), "utf-16"),
        (("chardet-tests", "UTF-32", "bom-utf-32-le.srt"), "utf-32"),
    ],
)
def test_bom_is_decisive_and_stripped(parts: tuple[str, ...], encoding: str) -> None:
    decoded = decode(read_shared("encoding-detection", *parts))
    assert decoded == Decoded(decoded.text, encoding, 1.0)
    assert not decoded.text.startswith("\ufeff")


def test_iso2022_escapes() -> None:
    decoded = decode(read_shared("encoding-detection", "chardet-tests", "iso-2022-jp", "_ude_1.txt"))
    assert decoded.encoding == "iso2022_jp"
    assert re.search("[\u3040-\u30ff]", decoded.text)


def test_declared_charset_is_used_when_the_bytes_agree() -> None:
    """A windows-1251 page read as koi8-r would be all-Cyrillic gibberish; the caller's
    declaration (an HTTP header) settles it when the text reads naturally. The page's
    own declaration is taken out, so that only the caller's can give confidence 0.9."""
    data = read_shared("encoding-detection", "chardet-tests", "windows-1251-russian", "aug32.hole.ru.xml")
    assert declared_charset(data) == "cp1251"
    undeclared = data.replace(b' encoding="windows-1251"', b"", 1)
    assert declared_charset(undeclared) is None
    decoded = decode(undeclared, declared="windows-1251")
    assert (decoded.encoding, decoded.confidence) == ("cp1251", 0.9)


def test_declared_charset_that_cannot_be_true_is_overruled() -> None:
    """A Russian Windows-1251 page that claims ISO-8859-1: every letter would be Latin-1 junk."""
    path = ENCODING_SET / "chardet-tests" / "windows-1251-russian" / "aug32.hole.ru.xml"
    text = read_shared(path).decode("cp1251")
    lying = re.sub(r'encoding="[^"]+"', 'encoding="iso-8859-1"', text, count=1).encode("cp1251")
    assert declared_charset(lying) == "iso8859-1"
    decoded = decode(lying)
    assert decoded.encoding == "cp1251"
    assert decoded.text.count("Август") == text.count("Август") > 0


@pytest.mark.parametrize(
    ("label", "name"),
    [("GB2312", "gb2312"), ("x-sjis", "shift_jis"), ("Windows-1251", "cp1251"), ("latin1", "iso8859-1")],
)
def test_normalise_encoding(label: str, name: str) -> None:
    assert normalise_encoding(label) == name


def test_normalise_encoding_refuses_codecs_that_are_not_text() -> None:
    assert normalise_encoding("base64") is None
    assert normalise_encoding("no-such-charset") is None


def test_empty_is_empty_text() -> None:
    assert decode(b"") == Decoded("", "utf-8", 1.0)
