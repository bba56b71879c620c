"""Sniffing media types of real files: content decides, the file name only breaks ties."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SHARED_DATA, missing_shared_data, shared, shared_files

from corpus.sniff import HEAD_BYTES, signature_media_type, sniff_media_type, wide_unicode

SEEDS = Path(__file__).parents[1] / "seeds"
SHARED = SHARED_DATA
ENCODINGS = SHARED / "encoding-detection"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read(path: Path) -> bytes:
    return shared(path).read_bytes()


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name)
def test_seed_is_plain_text(path: Path) -> None:
    assert sniff_media_type(path.read_bytes(), path) == "text/plain"


@pytest.mark.parametrize("path", shared_files("**/*.pdf"), ids=str)
def test_pdf_by_signature(path: Path) -> None:
    assert sniff_media_type(read(path), path) == "application/pdf"


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("sample-1.png", "image/png"),
        ("sample-3.png", "image/png"),
        ("sample-1.jpg", "image/jpeg"),
        ("sample-1.xlsx", XLSX),
    ],
)
def test_binary_by_signature(name: str, media_type: str) -> None:
    path = ENCODINGS / "char-dataset" / "None" / name
    assert sniff_media_type(read(path), path) == media_type


@pytest.mark.parametrize(
    "pattern",
    ["zh-web-vs-pdf/*/web.*.html", "web-boilerplate/trafilatura/pages/*.html", "web-boilerplate/gne/*/*.html"],
)
def test_web_pages_are_html(pattern: str) -> None:
    pages = sorted(SHARED.glob(pattern))
    if not pages:
        missing_shared_data(f"shared test data not present: no {pattern} under {SHARED}")
    wrong = [str(p) for p in pages if sniff_media_type(read(p), p) != "text/html"]
    assert not wrong


def test_xhtml_with_xml_declaration_is_html() -> None:
    path = SHARED / "gutenberg" / "alice-11" / "11-h__11-h.htm"
    data = read(path)
    assert data.startswith(b"\xef\xbb\xbf<?xml")
    assert sniff_media_type(data, path) == "text/html"


def test_feeds_are_xml() -> None:
    feeds = sorted((ENCODINGS / "chardet-tests").glob("*/*.xml"))
    if not feeds:
        missing_shared_data(f"shared test data not present: {ENCODINGS}")
    kinds = {p: sniff_media_type(p.read_bytes(), p) for p in feeds}
    xml = [p for p, kind in kinds.items() if kind == "application/xml"]
    assert len(xml) > 0.9 * len(feeds)
    # The rest are HTML pages saved under an .xml name: content wins.
    for path, kind in kinds.items():
        if kind != "application/xml":
            assert kind == "text/html"
            assert b"<html" in path.read_bytes()[:HEAD_BYTES].lower()


@pytest.mark.parametrize("path", shared_files("zh-laws/**/*.md", limit=5), ids=lambda p: p.name)
def test_markdown_by_suffix(path: Path) -> None:
    assert sniff_media_type(read(path), path) == "text/markdown"


def test_html_saved_as_txt_is_html(tmp_path: Path) -> None:
    data = read(SHARED / "zh-web-vs-pdf" / "D02-kepu-xinhua-changsanjiao" / "web.original.html")
    saved = tmp_path / "page.txt"
    saved.write_bytes(data)
    assert sniff_media_type(data, saved) == "text/html"


def test_pdf_named_html_is_pdf(tmp_path: Path) -> None:
    data = read(SHARED / "zh-web-vs-pdf" / "D02-kepu-xinhua-changsanjiao" / "official-style.pdf")
    assert sniff_media_type(data, tmp_path / "download.html") == "application/pdf"


def test_markdown_with_inline_html_stays_markdown(tmp_path: Path) -> None:
    """A README often opens with centred badges in raw HTML; it is still Markdown."""
    rst = read(ENCODINGS / "char-dataset" / "utf_8" / "_ude_1.rst")
    head = rst.split(b"\n\n", 1)[1].split(b"\n\n", 1)[0]  # the raw-HTML block of a real README
    data = head + b"\n\n# urllib3\n\nA powerful HTTP client for Python.\n"
    assert sniff_media_type(data, tmp_path / "README.md") == "text/markdown"
    assert sniff_media_type(data, tmp_path / "README.txt") == "text/html"


@pytest.mark.parametrize(
    ("parts", "media_type"),
    [
        (("chardet-tests", "UTF-16LE", "plane1-utf-16le.html"), "text/html"),
        (("chardet-tests", "UTF-32BE", "plane1-utf-32be.html"), "text/html"),
        (("chardet-tests", "UTF-16", "bom-utf-16-le.srt"), "text/plain"),
        (("char-dataset", "utf_16_le", "sample_chinese_no_bom.txt"), "text/plain"),
        (("chardet-tests", "iso-2022-kr", "_ude_iso2.txt"), "text/plain"),
    ],
)
def test_wide_and_escaped_text_is_text(parts: tuple[str, ...], media_type: str) -> None:
    path = ENCODINGS.joinpath(*parts)
    assert sniff_media_type(read(path), path) == media_type


def test_binary_without_signature_is_octet_stream(tmp_path: Path) -> None:
    """A PNG with its first bytes cut off has no signature left, but is still not text."""
    data = read(ENCODINGS / "char-dataset" / "None" / "sample-1.png")[16:]
    assert signature_media_type(data) is None
    assert sniff_media_type(data, tmp_path / "image.txt") == "application/octet-stream"


def test_wide_unicode_needs_nul_columns() -> None:
    text = "<html><body>Hello, world</body></html>"
    assert wide_unicode(text.encode("utf-16-le")) == "utf-16-le"
    assert wide_unicode(text.encode("utf-32-be")) == "utf-32-be"
    png = read(ENCODINGS / "char-dataset" / "None" / "sample-1.png")
    assert wide_unicode(png) is None


def test_sniff_reads_only_the_head() -> None:
    """Sniffing a huge file costs the same as a small one: only the head is looked at.

    The tail added is binary (every byte value, so neither text nor UTF-8), so a
    sniffer that read it would call the file application/octet-stream."""
    path = SHARED / "gutenberg" / "alice-11" / "11-h__11-h.htm"
    data = read(path)
    tail = bytes(range(256)) * 400
    assert sniff_media_type(data[:HEAD_BYTES], path) == sniff_media_type(data + tail, path)
