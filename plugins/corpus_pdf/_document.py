"""Open a PDF's bytes with PDFium, refuse what cannot be read, and read its metadata.

A PDF that cannot give its text must fail with a reason the user can act on:
an encrypted file needs its password, a truncated or damaged file needs a good
copy, a scan needs OCR. PDFium tells the first two apart by its load error;
the third opens fine and simply holds no characters, only images.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]

from corpus import ReaderError

# PDFium's load error codes (fpdfview.h).
_ERR_FORMAT = 3
_ERR_PASSWORD = 4
_ERR_SECURITY = 5
# Where a complete PDF puts its end-of-file marker: at the very end, give or
# take some trailing bytes that writers and transfers add.
_EOF_MARKER = b"%%EOF"
_TAIL = 2048
_PDF_DATE = re.compile(r"^D?:?(\d{4})(\d{2})?(\d{2})?")
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


@contextmanager
def opened(data: bytes, where: str) -> Iterator[pdfium.PdfDocument]:
    """The PDF document of ``data``, closed on exit; :class:`ReaderError` when it cannot be opened."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise ReaderError(_load_failure(data, where, getattr(error, "err_code", None), str(error))) from None
    try:
        if len(document) == 0:
            raise ReaderError(f"{where}: broken PDF: it has no pages. Get a complete copy of the file.")
        yield document
    except pdfium.PdfiumError as error:  # a page that will not load or give its text
        raise ReaderError(f"{where}: broken PDF: PDFium failed on a page ({error}). Get an intact copy.") from None
    finally:
        document.close()


def _load_failure(data: bytes, where: str, code: int | None, message: str) -> str:
    if code in (_ERR_PASSWORD, _ERR_SECURITY):
        return (
            f"{where}: encrypted PDF: it needs a password to open. "
            "Save a copy without the password (e.g. `qpdf --decrypt --password=… in.pdf out.pdf`) and add that."
        )
    if _EOF_MARKER not in data[-_TAIL:]:
        return (
            f"{where}: broken PDF: the file ends before the PDF does (truncated, {len(data)} bytes). "
            "Download or copy it again."
        )
    reason = "its structure is damaged" if code == _ERR_FORMAT else message
    return f"{where}: broken PDF: PDFium cannot parse it ({reason}). Get an intact copy of the file."


def refuse_without_text(document: pdfium.PdfDocument, where: str, characters: int) -> None:
    """Raise when the document has no text layer: a scan is not readable without OCR."""
    if characters:
        return
    images = sum(_count_images(document[i]) for i in range(len(document)))
    if images:
        raise ReaderError(
            f"{where}: image-only PDF: its {len(document)} page(s) hold {images} image(s) and no text layer "
            "(a scan?). Run OCR on it first (e.g. `ocrmypdf in.pdf out.pdf`) and add the result."
        )
    raise ReaderError(f"{where}: the PDF has no text: its {len(document)} page(s) hold neither text nor images.")


def _count_images(page: pdfium.PdfPage) -> int:
    return sum(1 for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)))


def metadata(document: pdfium.PdfDocument) -> dict[str, str]:
    """The document information the PDF declares, as strings: only what is present and sane."""
    try:
        declared = document.get_metadata_dict()
    except UnicodeDecodeError:  # a string that is not UTF-16 (a lone surrogate): the text is still read
        declared = {}
    info = {key: value.strip() for key, value in declared.items() if value and value.strip()}
    out: dict[str, str] = {"pages": str(len(document))}
    for key, name in (("Producer", "producer"), ("Creator", "creator"), ("Author", "author"), ("Subject", "subject")):
        if key in info:
            out[name] = info[key]
    date = _date(info.get("CreationDate", "")) or _date(info.get("ModDate", ""))
    if date:
        out["date"] = date
    language = _language(document)
    if language:
        out["language"] = language
    return out


def declared_title(document: pdfium.PdfDocument) -> str | None:
    try:
        title = str(document.get_metadata_value("Title") or "").strip()
    except UnicodeDecodeError:  # not UTF-16 (a lone surrogate): no declared title
        return None
    return title or None


def _date(value: str) -> str | None:
    """``D:20111220110054-05'00'`` → ``2011-12-20``; ``None`` for a missing or zero date."""
    match = _PDF_DATE.match(value)
    if not match or not match.group(2) or not match.group(3):
        return None
    year, month, day = (int(g) for g in match.groups())
    if year < 1980 or not 1 <= month <= 12 or not 1 <= day <= 31:
        return None  # PDF writers leave D:00000101 and the like for "unknown"
    return f"{year:04d}-{month:02d}-{day:02d}"


def _language(document: pdfium.PdfDocument) -> str | None:
    """The catalog's ``/Lang``, when it is a language tag (browsers write the page's, sometimes ``utf-8``)."""
    size = pdfium_c.FPDFCatalog_GetLanguage(document, None, 0)
    if size <= 2:
        return None
    buffer = (ctypes.c_ushort * (size // 2))()
    pdfium_c.FPDFCatalog_GetLanguage(document, buffer, size)
    tag = bytes(memoryview(buffer).cast("B"))[: size - 2].decode("utf-16-le", errors="replace").strip()
    return tag if _LANGUAGE_TAG.match(tag) and not tag.lower().startswith("utf") else None
