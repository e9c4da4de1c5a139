"""Language services: text normalisation (and, later, detection).

`normalize` makes text comparable and storable: NFC, no control characters, Khmer
zero-width spaces kept only between Khmer letters.
"""

from __future__ import annotations

import unicodedata

ZWSP = "\u200b"
KEEP_CONTROLS = frozenset("\n\t")


def normalize(text: str) -> str:
    """NFC; control and format characters removed, except ZWSP inside Khmer text."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    out = []
    for i, ch in enumerate(text):
        category = unicodedata.category(ch)
        if ch in KEEP_CONTROLS:
            out.append(ch)
        elif ch == ZWSP:
            if _khmer(text, i - 1) and _khmer(text, i + 1):
                out.append(ch)
        elif category == "Cc" or (category == "Cf" and ch not in "\u200c\u200d"):
            continue
        else:
            out.append(ch)
    return "".join(out).strip()


def _khmer(text: str, i: int) -> bool:
    return 0 <= i < len(text) and "\u1780" <= text[i] <= "\u17ff"
