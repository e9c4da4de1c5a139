"""Reading a printed manual back as a reader would: each page's text as PDFium extracts
it (what a copy from Chromium's viewer gives) and the QR codes a phone would see on the
page rendered at print resolution (zxing)."""

from __future__ import annotations

import pypdfium2 as pdfium
import zxingcpp


def page_texts(pdf: bytes) -> list[str]:
    """The text of every page, lines joined by spaces."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [" ".join(page.get_textpage().get_text_range().split("\r\n"))
                for page in document]
    finally:
        document.close()


def qr_codes(pdf: bytes, *, scale: float = 2.0) -> list[list[str]]:
    """The QR codes' texts on every page (scale 2: 144 dots an inch)."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [[found.text for found in zxingcpp.read_barcodes(
                    page.render(scale=scale).to_pil(), formats=zxingcpp.BarcodeFormat.QRCode)]
                for page in document]
    finally:
        document.close()


def in_order(text: str, sentences: list[str]) -> bool:
    """Whether every sentence is in the text, each after the one before. Spaces do not
    count: a line may end where a Khmer sentence had none, and extraction joins lines
    with one."""
    text = _solid(text)
    position = 0
    for sentence in map(_solid, sentences):
        found = text.find(sentence, position)
        if found < 0:
            return False
        position = found + len(sentence)
    return True


def _solid(text: str) -> str:
    return "".join(text.split())
