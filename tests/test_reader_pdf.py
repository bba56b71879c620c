"""The PDF reader: real PDFs in, their paragraphs out, page furniture and site chrome cut.

The PDFs are real files from ../shared/data (see each folder's provenance.jsonl
and derived.csv): Chinese documents typeset in official-document style and
printed from their web pages by headless Chromium (zh-web-vs-pdf), RFC 2616 as
published with running headers and ``[Page N]`` footers (ietf-rfc), Alice in a
hyphenated TeX edition (gutenberg), a US Copyright Office summary with
``Page n`` footers and footnotes (pdf-text-layer). The PDFs that must be refused
(encrypted, truncated, damaged, image-only) are made from those inside each test.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from pathlib import Path

import corpus_pdf
import pypdf
import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
from conftest import registered, shared, words

from corpus import Corpus, Extract, Reader, ReaderError, SourceFile

ZH = "zh-web-vs-pdf"
BROWSER_PRINTED = ["D02-kepu-xinhua-changsanjiao", "D03-people-guoxinban-henan", "D04-caijing-cpi-2024-04",
                   "D05-chinacomcn-huhehaote-childcare"]  # fmt: skip


def pdf_source(path: Path, data: bytes | None = None) -> SourceFile:
    return SourceFile(path, path.read_bytes() if data is None else data, None, "application/pdf")


def trigrams(text: str) -> Counter[str]:
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return Counter(text[i : i + 3] for i in range(len(text) - 2))


def precision(text: str, truth: str) -> float:
    """Share of the text's character 3-grams that the ground truth has."""
    mine = trigrams(text)
    return sum((mine & trigrams(truth)).values()) / max(1, sum(mine.values()))


@pytest.fixture(scope="module")
def reader() -> Reader:
    return registered(corpus_pdf)


def read(reader: Reader, relative: str) -> Extract:
    return reader.read(pdf_source(shared(relative)))


def test_registers_one_reader_for_pdf_files(reader: Reader) -> None:
    assert reader.name == "pdf"
    assert reader.media_types == ("application/pdf",)
    assert isinstance(reader, Reader)


def test_claims_pdf_bytes_and_nothing_else(reader: Reader) -> None:
    assert reader.sniff(SourceFile(Path("a.pdf"), b"%PDF-1.7\n...", None, "application/pdf")) == 0.9
    assert reader.sniff(SourceFile(Path("a.txt"), b"plain text", "plain text", "text/plain")) is None
    assert reader.sniff(SourceFile(Path("a.html"), b"<p>x</p>", "<p>x</p>", "text/html")) is None


# Official-document style (~28 characters a line, running title on top,
# "— n —" page numbers): the paragraphs are exactly the annotated ones.
@pytest.mark.parametrize("doc", ["D02-kepu-xinhua-changsanjiao", "D03-people-guoxinban-henan"])
def test_official_style_pdf_gives_the_annotated_paragraphs(reader: Reader, doc: str) -> None:
    extract = read(reader, f"{ZH}/{doc}/official-style.pdf")
    truth = shared(f"{ZH}/{doc}/groundtruth.main-text.txt").read_text(encoding="utf-8").splitlines()
    assert [words(p) for p in extract.paragraphs] == [words(p) for p in truth if p.strip()]
    assert extract.metadata["language"] == "zh"


def test_official_style_page_numbers_and_running_title_are_cut_and_shown(reader: Reader) -> None:
    extract = read(reader, f"{ZH}/D03-people-guoxinban-henan/official-style.pdf")
    assert not [p for p in extract.paragraphs if re.search(r"—\s*\d+\s*—", p)]
    assert Counter(r.kind for r in extract.removed) == {"page-number": 4, "running-header": 4}
    assert extract.metadata["pages"] == "4"


# Web pages printed by Chromium: site menus, share buttons, related and popular
# articles, footer; a date/title stamp on top and the URL with n/m at the bottom.
@pytest.mark.parametrize("doc", BROWSER_PRINTED)
def test_printed_web_page_gives_the_article_and_little_else(reader: Reader, doc: str) -> None:
    extract = read(reader, f"{ZH}/{doc}/web.browser-print.pdf")
    truth = shared(f"{ZH}/{doc}/groundtruth.main-text.txt").read_text(encoding="utf-8")
    assert precision("\n".join(extract.paragraphs), truth) >= 0.95
    assert precision(truth, "\n".join(extract.paragraphs)) >= 0.95  # recall
    assert not [p for p in extract.paragraphs if "file://" in p or re.search(r"\d+/\d+/\d+, \d+:\d\d [AP]M", p)]
    assert {"running-header", "running-footer", "site-chrome"} <= {r.kind for r in extract.removed}


def test_printed_web_page_paragraphs_title_date_and_url(reader: Reader) -> None:
    extract = read(reader, f"{ZH}/D04-caijing-cpi-2024-04/web.browser-print.pdf")
    truth = shared(f"{ZH}/D04-caijing-cpi-2024-04/groundtruth.main-text.txt").read_text(encoding="utf-8")
    whole = {words(p) for p in extract.paragraphs}
    assert [p for p in truth.splitlines() if len(p) >= 30 and words(p) not in whole] == []
    assert extract.title == "2024年4月全国CPI同比上涨0.3% 食品价格下降2.7%"
    assert extract.metadata["date"] == "2024-05-11"  # the byline's, not the day it was printed
    assert extract.metadata["url"].endswith("/web.original.html")
    chrome = ["财经网首页", "相关阅读", "热门文章", "编辑推荐", "Copyright", "京ICP"]
    assert not [p for p in extract.paragraphs if any(c in p for c in chrome)]


def test_menu_printed_over_the_article_does_not_cut_it_in_two(reader: Reader) -> None:
    # people.com.cn's province menu prints over page 2 of the article.
    extract = read(reader, f"{ZH}/D03-people-guoxinban-henan/web.browser-print.pdf")
    assert extract.paragraphs[0].startswith("5月9日，国务院新闻办举行")
    assert any(p.startswith("孙守刚表示，河南将坚持生态优先") for p in extract.paragraphs)
    assert not [p for p in extract.paragraphs if p in ("浙", "皖", "豫", "举报专区")]


def test_rfc_running_header_and_page_footer_are_cut(reader: Reader) -> None:
    extract = read(reader, "ietf-rfc/rfc2616/rfc2616.pdf")
    assert not [p for p in extract.paragraphs if "[Page" in p or "RFC 2616 HTTP/1.1 June 1999" in p]
    assert not [p for p in extract.paragraphs if "rfcview.org" in p]
    kinds = Counter(r.kind for r in extract.removed)
    assert kinds["running-header"] >= 170 and kinds["running-footer"] >= 170


def test_rfc_paragraph_across_a_page_break_is_whole(reader: Reader) -> None:
    extract = read(reader, "ietf-rfc/rfc2616/rfc2616.pdf")
    # Section 1.1's second paragraph runs from page 7 ("...the resource to which a")
    # past the running header and footer onto page 8 ("method is to be applied.").
    (paragraph,) = [p for p in extract.paragraphs if p.startswith("Practical information systems require")]
    assert "for indicating the resource to which a method is to be applied. Messages" in paragraph
    assert paragraph.endswith("as defined by the Multipurpose Internet Mail Extensions (MIME) [7].")


def test_hyphenated_words_are_rejoined_and_chapter_headings_kept(reader: Reader) -> None:
    # A TeX edition: justified, hyphenated, "14 CHAPTER 1. DOWN THE RABBIT-HOLE" on even pages.
    extract = read(reader, "gutenberg/alice-11/old__alice30.pdf")
    text = "\n".join(extract.paragraphs)
    assert "This is ten thousand titles" in text
    assert "at Carnegie-Mellon University, and" in text  # a compound's own hyphen stays
    assert "any part of this PROJECT GUTENBERG-tm etext" in text
    assert not re.search(r"thou-? sand|GUTEN-? BERG|Uni-? versity", text)
    assert not [p for p in extract.paragraphs if re.match(r"\d+ CHAPTER \d+\.", p)]
    assert [p for p in extract.paragraphs if p == "Chapter 7"]
    assert {"page-number", "running-header"} <= {r.kind for r in extract.removed}


def test_page_n_footer_and_footnote_mark_do_not_split_a_paragraph(reader: Reader) -> None:
    extract = read(reader, "pdf-text-layer/en/dmca-copyright-office-summary.pdf")
    assert extract.title == "THE DIGITAL MILLENNIUM COPYRIGHT ACT OF 1998"
    assert any(
        p.startswith("The Digital Millennium Copyright Act (DMCA) was signed into law by President Clinton")
        for p in extract.paragraphs
    )
    assert not [p for p in extract.paragraphs if re.search(r"Copyright Office Summary December 1998 Page \d", p)]
    assert "footnote-mark" in {r.kind for r in extract.removed}


# -- refused PDFs ----------------------------------------------------------------


def test_encrypted_pdf_is_refused_as_encrypted(reader: Reader, tmp_path: Path) -> None:
    # Made here: the DMCA summary encrypted with a user password by pypdf's writer.
    writer = pypdf.PdfWriter(clone_from=shared("pdf-text-layer/en/dmca-copyright-office-summary.pdf"))
    writer.encrypt("secret", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as out:
        writer.write(out)
    with pytest.raises(ReaderError, match=r"locked\.pdf: encrypted PDF: it needs a password"):
        reader.read(pdf_source(path))


def test_truncated_pdf_is_refused_as_broken(reader: Reader, tmp_path: Path) -> None:
    # Made here: the first 60% of a real PDF's bytes, as an interrupted download leaves it.
    data = shared("pdf-text-layer/en/pdflatex-4-pages.pdf").read_bytes()
    path = tmp_path / "cut.pdf"
    with pytest.raises(ReaderError, match=r"cut\.pdf: broken PDF: the file ends before the PDF does \(truncated"):
        reader.read(pdf_source(path, data[: len(data) * 6 // 10]))


def test_damaged_pdf_is_refused_as_broken(reader: Reader, tmp_path: Path) -> None:
    # Made here: a real PDF's header and end-of-file marker around bytes that are no PDF.
    data = shared("pdf-text-layer/en/pdflatex-4-pages.pdf").read_bytes()
    damaged = data[:9] + bytes(range(256)) * 40 + data[-300:]
    with pytest.raises(ReaderError, match=r"broken PDF: PDFium cannot parse it"):
        reader.read(pdf_source(tmp_path / "damaged.pdf", damaged))


def test_image_only_pdf_is_refused_as_needing_ocr(reader: Reader, tmp_path: Path) -> None:
    # Made here: page 1 of a real PDF rendered to a bitmap with PDFium and written
    # as the only content of a new PDF page, as a scanner would.
    source = pdfium.PdfDocument(shared("pdf-text-layer/en/pdflatex-4-pages.pdf"))
    page = source[0]
    width, height = page.get_size()
    scan = pdfium.PdfDocument.new()
    image = pdfium.PdfImage.new(scan)
    image.set_bitmap(page.render(scale=1))
    image.set_matrix(pdfium.PdfMatrix().scale(width, height))
    new_page = scan.new_page(width, height)
    new_page.insert_obj(image)
    new_page.gen_content()
    buffer = io.BytesIO()
    scan.save(buffer)
    with pytest.raises(ReaderError, match=r"image-only PDF: .*no text layer .*Run OCR"):
        reader.read(pdf_source(tmp_path / "scan.pdf", buffer.getvalue()))


# -- through the corpus ------------------------------------------------------------


def test_pdf_and_its_extracted_text_are_one_document(tmp_path: Path) -> None:
    folder = shared(f"{ZH}/D03-people-guoxinban-henan")
    with Corpus.open(tmp_path / "c.db") as corpus:
        results = corpus.add([folder / "official-style.pdf", folder / "official-style.pdftotext.txt"])
        assert [r.reader for r in results] == ["pdf", "pdftext"]
        assert [r.status for r in results] == ["new", "copy"]
        assert len({r.document_id for r in results}) == 1
        assert len(corpus.documents()) == 1
