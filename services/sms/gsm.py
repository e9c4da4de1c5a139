"""The GSM 03.38 (3GPP TS 23.038) default alphabet, its extension table, and
look-alike replacement.

A single character outside these tables (one smart quote pasted from a word
processor) turns a whole SMS into UCS-2 and cuts a segment from 160 to 70
characters, so replies are passed through `gsm_friendly` before counting.
"""

from __future__ import annotations

import unicodedata

import regex

# The 128 positions of the default alphabet, in table order. Position 0x1B is
# the escape to the extension table, not a character; it is kept here so that
# the table can be checked against the standard position by position.
GSM_BASIC_TABLE = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
ESCAPE = "\x1b"
GSM_BASIC = frozenset(GSM_BASIC_TABLE) - {ESCAPE}

# Reached through ESCAPE, so each costs two septets.
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")


def septets(char: str) -> int | None:
    """Septets one character costs in GSM-7, or None if GSM-7 cannot carry it."""
    if char in GSM_BASIC:
        return 1
    if char in GSM_EXTENSION:
        return 2
    return None


def is_gsm(text: str) -> bool:
    """True if every character is in the default alphabet or the extension table."""
    return all(c in GSM_BASIC or c in GSM_EXTENSION for c in text)


def _table(chars: str, replacement: str) -> dict[str, str]:
    return {c: replacement for c in chars}


LOOKALIKES: dict[str, str] = {
    **_table("\u2018\u2019\u201a\u201b\u2032\u02bc\u00b4`\uff07", "'"),
    **_table("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\uff02", '"'),
    **_table("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    **_table("\u2022\u2023\u2043\u2219", "-"),
    **_table("\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
             "\u2008\u2009\u200a\u202f\u205f\u3000\t", " "),
    **_table("\u2028\u2029", "\n"),
    "\u2026": "...",
    "\u2039": "<",
    "\u203a": ">",
    "\u2044": "/",
    "\u02c6": "^",
    "\u02dc": "~",
}

# Invisible characters: dropped only where both neighbours are Latin (or GSM)
# text. Between Khmer, Lao, Burmese or Thai words U+200B is the word break that
# paging relies on, and inside an emoji sequence U+200D holds it together.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ZERO_WIDTH_RUN = regex.compile(f"[{ZERO_WIDTH}]+")
_LOOKALIKE_RE = regex.compile("|".join(regex.escape(k) for k in LOOKALIKES))


def _latin_side(char: str | None) -> bool:
    if char is None or char in GSM_BASIC or char in GSM_EXTENSION:
        return True
    return unicodedata.name(char, "").startswith("LATIN")


def _drop_zero_width(match: regex.Match[str]) -> str:
    text = match.string
    before = text[match.start() - 1] if match.start() > 0 else None
    after = text[match.end()] if match.end() < len(text) else None
    return "" if _latin_side(before) and _latin_side(after) else match.group()


def gsm_friendly(text: str) -> str:
    """Replace look-alikes with GSM characters so the text can stay GSM-7.

    Replaced: smart single and double quotes, primes, guillemets, acute and
    grave accents used as apostrophes -> ' or "; hyphens, en/em dashes, minus
    sign and bullets -> "-"; ellipsis -> "..."; non-breaking and other Unicode
    spaces and tab -> space; line/paragraph separators -> newline; zero-width
    space, (non-)joiner, word joiner, BOM and soft hyphen are removed where they
    sit between Latin text.

    Deliberately NOT replaced: accented letters outside GSM (á, í, ó, ú, ç, ê,
    ...) and Vietnamese letters, because letters carry meaning (dropping
    Vietnamese diacritics is the member's choice: see
    services.sms.vietnamese.strip_diacritics); zero-width characters next to
    non-Latin text (Khmer word breaks, emoji ZWJ sequences); emoji; native
    scripts; symbols with no GSM twin (© ® ™ ° ₫). Such text stays UCS-2.
    """
    replaced = _LOOKALIKE_RE.sub(lambda m: LOOKALIKES[m.group()], text)
    return _ZERO_WIDTH_RUN.sub(_drop_zero_width, replaced)
