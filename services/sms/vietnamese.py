"""Vietnamese without diacritics, for members who choose it: such text fits
GSM-7 (160 characters a segment instead of 70)."""

from __future__ import annotations

import unicodedata

# đ/Đ are letters of their own (a stroke, not a combining mark): NFD leaves
# them whole, so they are mapped explicitly.
_D_STROKE = str.maketrans({"đ": "d", "Đ": "D"})


def _is_latin_mark(char: str) -> bool:
    # Only the Combining Diacritical Marks block: vowel signs of Khmer, Lao,
    # Thai or Burmese in a mixed text are also combining marks and must stay.
    return "\u0300" <= char <= "\u036f"


def strip_diacritics(text: str) -> str:
    """Remove tone marks and vowel diacritics: ă â → a, ê → e, ô ơ → o, ư → u,
    đ → d, both cases; "Tiếng Việt" → "Tieng Viet".

    Other Latin letters with diacritics lose them too (é → e). Symbols such as
    ₫ are left alone.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_D_STROKE))
    stripped = "".join(c for c in decomposed if not _is_latin_mark(c))
    return unicodedata.normalize("NFC", stripped)
