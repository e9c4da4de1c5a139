"""Text normalisation: what is stored, searched and parsed is always in one form.

NFC; Zawgyi converted to Unicode (only when the detector flags it); Lao and Thai SARA AM
composed (NIKHAHIT + SARA AA, a tone mark possibly between or before them, becomes tone
mark + SARA AM, the form keyboards and content use); control and format characters
removed, except ZWNJ/ZWJ and the zero-width spaces Khmer writers put between words
(kept only between two Khmer characters).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from services.language.zawgyi import THRESHOLD, from_zawgyi, zawgyi_probability

ZWSP = "\u200b"
KEEP_CONTROLS = frozenset("\n\t")
KEEP_FORMAT = frozenset("\u200c\u200d")
# (tone)? NIKHAHIT (tone)? SARA AA -> (tone) SARA AM; Thai, then Lao
_THAI_AM = re.compile("([\u0e48-\u0e4b]?)\u0e4d([\u0e48-\u0e4b]?)\u0e32")
_LAO_AM = re.compile("([\u0ec8-\u0ecb]?)\u0ecd([\u0ec8-\u0ecb]?)\u0eb2")


@dataclass(frozen=True)
class Normalized:
    """Normalised text, whether it came in as Zawgyi, and the detector's probability."""

    text: str
    zawgyi: bool
    probability: float


def normalize(text: str) -> str:
    """NFC, Zawgyi → Unicode, SARA AM composed, control characters removed."""
    return normalize_inbound(text).text


@lru_cache(maxsize=2048)
def normalize_inbound(text: str, threshold: float = THRESHOLD) -> Normalized:
    """`normalize`, also telling whether the text was Zawgyi (and converted). A caller
    that knows more than the text (the member wrote Zawgyi before) may lower the
    detector's `threshold`. Kept per process for recent texts: a turn normalises the
    member's text when reading it, then again in search, the store's judge and routing;
    the answer depends on nothing else, and Normalized is frozen."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = strip_controls(text)
    probability = zawgyi_probability(text)
    flagged = probability > threshold
    if flagged:
        text = from_zawgyi(text)
    return Normalized(compose_sara_am(text).strip(), flagged, probability)


def compose_sara_am(text: str) -> str:
    """Thai U+0E4D U+0E32 → U+0E33 and Lao U+0ECD U+0EB2 → U+0EB3, tone mark first."""
    if "\u0e4d" in text:
        text = _THAI_AM.sub(lambda m: m[1] + m[2] + "\u0e33", text)
    if "\u0ecd" in text:
        text = _LAO_AM.sub(lambda m: m[1] + m[2] + "\u0eb3", text)
    return text


def strip_controls(text: str) -> str:
    """Drops control and format characters; keeps newlines, tabs, ZWNJ, ZWJ, and ZWSP
    between two Khmer characters."""
    out = []
    for i, ch in enumerate(text):
        category = unicodedata.category(ch)
        if ch in KEEP_CONTROLS or ch in KEEP_FORMAT:
            out.append(ch)
        elif ch == ZWSP:
            if _khmer(text, i - 1) and _khmer(text, i + 1):
                out.append(ch)
        elif category not in ("Cc", "Cf"):
            out.append(ch)
    return "".join(out)


def _khmer(text: str, i: int) -> bool:
    return 0 <= i < len(text) and "\u1780" <= text[i] <= "\u17ff"
