"""A manual (services/manuals/gather.py) as a printable A4 PDF: a cover with the contents,
then one practice per page, opening with a QR code of its Telegram deep link and the SMS
words that fetch it. Text is set by typeset.py (HarfBuzz shaping, ICU line breaks)."""

from __future__ import annotations

import io

import segno

from content.languages import BY_CODE
from services.manuals.gather import Entry, Manual, Section
from services.manuals.typeset import Style, Writer, new_document
from services.manuals.words import SECTION_KEYS, Words

TITLE = Style(size=22, bold=True, leading=1.4)
HEADING = Style(size=17, bold=True, leading=1.4)
SUBHEADING = Style(size=12.5, bold=True, leading=1.5)
BODY = Style(size=10.5)
NOTE = Style(size=9, grey=True)
QR_MM = 32  # printed size: a phone reads it at arm's length


def render(manual: Manual, words: Words) -> bytes:
    """The manual's PDF."""
    pdf = new_document()
    pdf.set_title(words.say("manual.title"))
    pdf.set_lang(manual.lang)
    pdf.set_creator("peerlearn")
    writer = Writer(pdf)
    links = [pdf.add_link(page=1) for _ in manual.entries]  # each set once placed
    _cover(writer, manual, words, links)
    for entry, link in zip(manual.entries, links, strict=True):
        pdf.add_page()
        pdf.set_link(link, page=pdf.page_no())
        _entry(writer, entry, manual.lang, words)
    return bytes(pdf.output())


def qr_png(link: str) -> bytes:
    """A QR code of the link as PNG (medium error correction survives a smudged page)."""
    out = io.BytesIO()
    segno.make(link, error="m", micro=False).save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def _cover(writer: Writer, manual: Manual, words: Words, links: list) -> None:
    pdf, lang = writer.pdf, manual.lang
    pdf.add_page()
    pdf.set_y(40)
    writer.paragraph(words.say("manual.title"), lang, TITLE, after=4)
    language = BY_CODE[lang]
    writer.paragraph(f"{language.native_name} · {language.latin_name}"
                     if language.native_name != language.latin_name
                     else language.latin_name, lang, SUBHEADING)
    writer.paragraph(words.say("manual.about", date=manual.made_at.strftime("%Y-%m-%d")),
                     lang, BODY, after=1)
    if manual.organisation:
        writer.paragraph(words.say("manual.organisation", name=manual.organisation), lang,
                         BODY, after=1)
    if manual.topics:
        writer.paragraph(words.say("manual.topics", topics=", ".join(manual.topics)), lang,
                         BODY, after=1)
    writer.paragraph(words.say("manual.count", n=len(manual.entries)), lang, BODY, after=8)
    writer.paragraph(words.say("manual.contents"), lang, SUBHEADING)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for number, (entry, link) in enumerate(zip(manual.entries, links, strict=True), 1):
        writer.use(entry.title_lang, BODY)
        for line in writer.lines(f"{number}. {entry.title}", entry.title_lang, width):
            writer.room(7)
            writer.line(line, width, 7, link=link)


def _entry(writer: Writer, entry: Entry, lang: str, words: Words) -> None:
    writer.paragraph(entry.title, entry.title_lang, HEADING, after=1)
    where = " · ".join(x for x in (words.country(entry.country) if entry.country else "",
                                   entry.organisation or "") if x)
    if where:
        writer.paragraph(where, lang, NOTE, after=1)
    if entry.unreviewed:
        writer.paragraph(words.say("manual.draft"), lang, Style(size=9, bold=True), after=1)
    writer.paragraph(words.tried(entry.reach), lang, Style(size=10, bold=True), after=3)
    _phone(writer, entry, lang, words)
    for section in entry.sections:
        _section(writer, section, lang, words)
    if entry.sources:
        writer.room(20)
        writer.paragraph(words.say("manual.sources"), lang, SUBHEADING, after=1)
        for source in entry.sources:
            writer.paragraph(_source(source), "en", NOTE, after=1)


def _phone(writer: Writer, entry: Entry, lang: str, words: Words) -> None:
    """The QR code of the deep link, and beside it how to open the practice by SMS."""
    pdf = writer.pdf
    writer.room(QR_MM + 6)
    top = pdf.get_y()
    x = pdf.l_margin
    if entry.telegram_link:
        pdf.image(io.BytesIO(qr_png(entry.telegram_link)), x=x, y=top, w=QR_MM, h=QR_MM,
                  link=entry.telegram_link)
        x += QR_MM + 4
    width = pdf.w - pdf.r_margin - x
    pdf.set_y(top + 3)
    writer.paragraph(words.say("manual.open"), lang, Style(size=11, bold=True), x=x,
                     width=width, after=1)
    if entry.telegram_link:
        writer.paragraph(words.say("manual.telegram"), lang, BODY, x=x, width=width, after=0)
        writer.paragraph(entry.telegram_link, "en", NOTE, x=x, width=width, after=1)
    writer.paragraph(words.say("manual.sms", words=entry.sms_words), lang, BODY, x=x,
                     width=width, after=0)
    pdf.set_y(max(pdf.get_y(), top + (QR_MM if entry.telegram_link else 0)) + 4)


def _section(writer: Writer, section: Section, lang: str, words: Words) -> None:
    writer.room(22)  # a heading never ends a page alone
    writer.paragraph(words.say(SECTION_KEYS[section.key]), lang, SUBHEADING, after=0.5)
    if section.fallback:
        writer.paragraph(words.say("manual.in_english"), lang, NOTE, after=1)
    for text in section.paragraphs:
        writer.paragraph(text, section.lang, BODY)
    writer.pdf.ln(1.5)


def _source(source: dict) -> str:
    """"Title. Publisher, year. URL": a source as the pack gives it."""
    head = ", ".join(str(source[k]) for k in ("publisher", "year") if source.get(k))
    title = str(source.get("title", "")).rstrip(".")
    return ". ".join(x for x in (title, head, source.get("url") or "")
                     if x)
