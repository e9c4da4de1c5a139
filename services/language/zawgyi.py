"""Zawgyi, the legacy Burmese encoding: detect it, convert it to Unicode and back.

Detection is myanmartools' ZawgyiDetector: a probability that the text is Zawgyi, -inf
for text without Myanmar letters. Conversion is ICU's `Zawgyi-my` transliterator (then
NFC); `my-Zawgyi` goes the other way, for replies to members whose phone uses Zawgyi.
Never convert text the detector did not flag: the transliterator damages Unicode input.
The detector and the transliterators are built once per process, on first use.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import cache

THRESHOLD = 0.95  # above this probability the text is Zawgyi
MYANMAR = re.compile("[\u1000-\u109f\ua9e0-\ua9ff\uaa60-\uaa7f]")
_LOCK = threading.Lock()  # ICU transliterators are not documented as thread-safe


@cache
def _detector():
    from myanmartools import ZawgyiDetector

    return ZawgyiDetector()


@cache
def _transliterator(name: str):
    import icu

    return icu.Transliterator.createInstance(name)


def has_myanmar(text: str) -> bool:
    """Whether the text holds any character of the Myanmar blocks."""
    return MYANMAR.search(text) is not None


# Sequences Unicode Burmese never has and Zawgyi keyboards type: code points Zawgyi
# uses for stacked letters (Unicode has Mon, Karen and Shan letters there), the virama
# U+1039 not followed by a consonant (Zawgyi's visible asat), and the vowel sign E or
# Zawgyi's medial RA U+103B typed first in a word (Unicode stores them after it).
_ZAWGYI_ONLY = re.compile(
    "[\u1060-\u1097]|\u1039(?![\u1000-\u1021])|(?<![\u1000-\u109f])[\u1031\u103b]")


def zawgyi_only(text: str) -> bool:
    """Whether the text holds a sequence only Zawgyi writes (see _ZAWGYI_ONLY): strong
    evidence on text too short for the detector."""
    return _ZAWGYI_ONLY.search(text) is not None


def zawgyi_probability(text: str) -> float:
    """The detector's probability that the text is Zawgyi (-inf without Myanmar letters)."""
    if not has_myanmar(text):
        return float("-inf")
    return _detector().get_zawgyi_probability(text)


def is_zawgyi(text: str) -> bool:
    """Whether the text is Burmese in the Zawgyi encoding (probability > 0.95)."""
    return zawgyi_probability(text) > THRESHOLD


def from_zawgyi(text: str) -> str:
    """Zawgyi text as Unicode, NFC. Only for text `is_zawgyi` flagged."""
    with _LOCK:
        converted = _transliterator("Zawgyi-my").transliterate(text)
    return unicodedata.normalize("NFC", converted)


def to_zawgyi(text: str) -> str:
    """Unicode Burmese as Zawgyi, for a member whose phone shows Zawgyi; other text as is."""
    if not has_myanmar(text):
        return text
    with _LOCK:
        return _transliterator("my-Zawgyi").transliterate(text)
