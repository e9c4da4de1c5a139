"""Setting text on a PDF page with fpdf2: the Noto fonts shipped beside this file, text
shaped by HarfBuzz (fpdf2's `set_text_shaping`, through uharfbuzz), lines broken where
ICU's line BreakIterator allows (Khmer, Lao, Burmese and Thai write no spaces between
words; ICU finds the breaks with its dictionaries).

Each line goes out inside a marked-content span whose ActualText is the line's own text.
A shaped Khmer cluster is glyphs in another order than its characters (a coeng's
subscript, a vowel drawn before its consonant), which no font's glyph-to-character map
can say, so without it a copy or a search of the PDF gets scrambled text. PDF readers
built on PDFium (Chromium's viewer) or Poppler read the span's text instead.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import icu
import uharfbuzz as hb
from fpdf import FPDF

FONTS = Path(__file__).resolve().parent / "fonts"
LATIN = "NotoSans"
# The Noto family that draws each language's script; the others are fallbacks.
FAMILY = {"km": "NotoSansKhmer", "lo": "NotoSansLao", "my": "NotoSansMyanmar",
          "th": "NotoSansThai"}
FAMILIES = (LATIN, *FAMILY.values())
TALL = {"my": 1.3}  # Burmese stacks its marks high and low: more room between lines
# Text HarfBuzz must shape: Thai, Lao, Burmese, Khmer and combining marks. A line without
# any (English, Vietnamese in precomposed letters) is drawn unshaped: the same glyphs,
# and fpdf2 sets it much faster (no bidi pass, no shaping per line).
COMPLEX = re.compile("[\u0300-\u036f\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"
                     "\u19e0-\u19ff\ua9e0-\ua9ff\uaa60-\uaa7f]")
SLACK = 0.98  # pieces are measured one by one; shaping across them may add a little
PT_MM = 25.4 / 72
_local = threading.local()  # BreakIterators are not thread-safe: one set per thread


def family(lang: str) -> str:
    """The font family for text in `lang`."""
    return FAMILY.get(lang, LATIN)


class Document(FPDF):
    """An A4 document whose pages are numbered at the foot."""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(LATIN, "", 8)
        self.set_text_color(120)
        self.cell(0, 5, str(self.page_no()), align="C")


def new_document() -> FPDF:
    """An A4 document with every family loaded (regular and bold), shaping on, and the
    other families as fallbacks for characters a family lacks (Latin in a Khmer text)."""
    pdf = Document(format="A4", unit="mm")
    for name in FAMILIES:
        pdf.add_font(name, "", str(FONTS / _file(name, False)))
        pdf.add_font(name, "B", str(FONTS / _file(name, True)))
    pdf.set_fallback_fonts(list(FAMILIES), exact_match=False)
    pdf.set_text_shaping(True)
    pdf.set_margins(18, 18, 18)
    pdf.c_margin = 0  # lines are measured to the margin; no padding inside a cell
    pdf.set_auto_page_break(True, margin=18)
    return pdf


@cache
def _face(name: str, bold: bool) -> tuple[hb.Font, frozenset[int], int]:
    """A shipped font for HarfBuzz, the characters it has, its units per em."""
    face = hb.Face(hb.Blob.from_file_path(str(FONTS / _file(name, bold))))
    return hb.Font(face), frozenset(face.unicodes), face.upem


def _file(name: str, bold: bool) -> str:
    return f"{name}-{'Bold' if bold else 'Regular'}.ttf"


@lru_cache(maxsize=65536)  # words recur (the fonts never change): each is shaped once
def measure(text: str, name: str, bold: bool, size: float) -> float:
    """The width in mm of `text` shaped in family `name` at `size` points, each run of
    characters the family lacks in the first fallback that has them (as fpdf2 draws it)."""
    total = 0.0
    for run, family_name in _runs(text, name, bold):
        font, _, upem = _face(family_name, bold)
        buffer = hb.Buffer()
        buffer.add_str(run)
        buffer.guess_segment_properties()
        hb.shape(font, buffer)
        total += sum(p.x_advance for p in buffer.glyph_positions) / upem
    return total * size * PT_MM


def _runs(text: str, name: str, bold: bool) -> list[tuple[str, str]]:
    order = (name, *(f for f in FAMILIES if f != name))
    runs: list[tuple[str, str]] = []
    for char in text:
        if runs and (unicodedata.category(char).startswith("M") or char in "\u200b\u200c\u200d"):
            chosen = runs[-1][1]  # a mark or joiner stays with its base
        else:
            chosen = next((f for f in order if ord(char) in _face(f, bold)[1]), name)
        if runs and runs[-1][1] == chosen:
            runs[-1] = (runs[-1][0] + char, chosen)
        else:
            runs.append((char, chosen))
    return runs


def _iterator(lang: str) -> icu.BreakIterator:
    cache = getattr(_local, "iterators", None)
    if cache is None:
        cache = _local.iterators = {}
    if lang not in cache:
        cache[lang] = icu.BreakIterator.createLineInstance(icu.Locale(lang))
    return cache[lang]


def pieces(text: str, lang: str) -> list[str]:
    """The text cut where a line may end (each piece keeps its trailing space)."""
    ustr = icu.UnicodeString(text)  # ICU offsets are UTF-16 units, not code points
    iterator = _iterator(lang)
    iterator.setText(ustr)
    found, start = [], iterator.first()
    for end in iterator:
        found.append(str(ustr[start:end]))
        start = end
    return found


@dataclass
class Style:
    """Type for a run of text."""

    size: float = 10.5
    bold: bool = False
    grey: bool = False
    leading: float = 1.55  # line height as a multiple of the size


class Writer:
    """Paragraphs onto an FPDF document, from its current position down."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf
        self.font = (LATIN, False, Style().size)  # family, bold, size: as `use` chose

    def use(self, lang: str, style: Style) -> None:
        """Selects the family for `lang` in the style's size and weight."""
        self.font = (family(lang), style.bold, style.size)
        self.pdf.set_font(family(lang), "B" if style.bold else "", style.size)
        self.pdf.set_text_color(90 if style.grey else 20)

    def lines(self, text: str, lang: str, width: float) -> list[str]:
        """The text broken into lines no wider than `width` (in the current font), at the
        breaks ICU allows. Pieces are measured with HarfBuzz directly: fpdf2 measures a
        line by shaping it again for every character, too slow for a book."""
        name, bold, size = self.font
        lines, current, used = [], "", 0.0
        for piece in pieces(text, lang):
            if current and used + measure(piece.rstrip(), name, bold, size) > width * SLACK:
                lines.append(current.rstrip())
                current, used = "", 0.0
            current += piece
            used += measure(piece, name, bold, size)
        if current.strip():
            lines.append(current.rstrip())
        return lines

    def paragraph(self, text: str, lang: str, style: Style | None = None,
                  x: float | None = None, width: float | None = None,
                  after: float = 2.0) -> None:
        """A paragraph at the left margin (or `x`), over the text width (or `width`)."""
        style = style or Style()
        pdf = self.pdf
        self.use(lang, style)
        x = pdf.l_margin if x is None else x
        width = (pdf.w - pdf.r_margin - x) if width is None else width
        height = style.size * style.leading * TALL.get(lang, 1.0) / pdf.k
        for line in self.lines(text, lang, width):
            if pdf.get_y() + height > pdf.page_break_trigger:
                pdf.add_page()  # before the span opens: a span never crosses pages
            pdf.set_x(x)
            self.line(line, width, height)
        pdf.set_y(pdf.get_y() + after)

    def line(self, text: str, width: float, height: float, link: str = "") -> None:
        """One line, its text given to readers as ActualText (see the module docstring)."""
        pdf = self.pdf
        shaped = bool(COMPLEX.search(text))
        if shaped != bool(pdf.text_shaping):
            pdf.set_text_shaping(shaped)
        pdf._out(f"/Span <</ActualText {_pdf_text(text)}>> BDC")  # fpdf2 has no API for it
        pdf.cell(width, height, text, new_x="LMARGIN", new_y="NEXT", link=link)
        pdf._out("EMC")

    def room(self, height: float) -> None:
        """A new page unless `height` still fits on this one."""
        if self.pdf.get_y() + height > self.pdf.page_break_trigger:
            self.pdf.add_page()


def _pdf_text(text: str) -> str:
    """A PDF text string in UTF-16BE with its byte-order mark, as hex (nothing to escape)."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"
