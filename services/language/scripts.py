"""Which script a text is written in: Khmer, Lao, Myanmar and Thai decide the language."""

from __future__ import annotations

import unicodedata
from collections import Counter

LATIN = "latin"
# language -> its script's code point ranges (letters and marks are counted, not digits)
SCRIPT_RANGES: dict[str, tuple[tuple[str, str], ...]] = {
    "km": (("\u1780", "\u17ff"), ("\u19e0", "\u19ff")),
    "lo": (("\u0e80", "\u0eff"),),
    "my": (("\u1000", "\u109f"), ("\ua9e0", "\ua9ff"), ("\uaa60", "\uaa7f")),
    "th": (("\u0e00", "\u0e7f"),),
}
NATIVE_SCRIPT_LANGS = frozenset(SCRIPT_RANGES)


def script_of(ch: str) -> str | None:
    """The language whose script holds this letter or mark, "latin", or None."""
    if unicodedata.category(ch)[0] not in "LM":
        return None
    for lang, ranges in SCRIPT_RANGES.items():
        if any(lo <= ch <= hi for lo, hi in ranges):
            return lang
    if ch < "\u0250" or "\u1e00" <= ch <= "\u1eff":
        return LATIN if ch.isalpha() else None
    return None


def script_counts(text: str) -> Counter:
    """Letters (and marks) per script: {"km": 12, "latin": 3, ...}."""
    return Counter(s for s in map(script_of, text) if s is not None)


def dominant_native(counts: Counter, minimum: int) -> str | None:
    """The non-Latin script with the most letters, if it has at least `minimum`."""
    native = [(n, lang) for lang, n in counts.items() if lang != LATIN and n >= minimum]
    return max(native)[1] if native else None
