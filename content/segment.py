"""Word segmentation for indexing and searching, the same function on both sides.

Khmer, Lao, Burmese and Thai are written without spaces between words, so the text is
split with ICU's word BreakIterator (dictionary-based for those scripts) and the words
are joined with single spaces. The result is casefolded NFC with Lao/Thai SARA AM
composed, and holds no punctuation: any whitespace tokenizer can index it.

The index holds one more form of each word written with Latin diacritics: the word without
them (`indexed`), so a member who types Vietnamese without marks ("nang suat") finds the
text that has them ("năng suất"), while a question typed with marks still matches them
exactly. Other scripts keep their marks: they are letters there.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import icu
import regex

# ICU word rule statuses: 0-99 are "none" (spaces, punctuation); words are 100 and up.
_WORD_STATUS = 100
# NIKHAHIT (+ tone mark) + SARA AA, as typed on some keyboards, is SARA AM.
_THAI_AM = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")
_LAO_AM = re.compile("\u0ecd([\u0ec8-\u0ecb]?)\u0eb2")
# Within an ICU word, only letters, marks and digits count: "tokens:rice" and "farmer's"
# are two words each, exactly as the FTS5 tokenizer (categories L* N* Co M*) sees them.
_WORD_PIECES = regex.compile(r"[\p{L}\p{M}\p{N}\p{Co}]+")
_LATIN_MARKS = re.compile("[\u0300-\u036f]")  # combining marks of Latin letters
_local = threading.local()  # BreakIterators are not thread-safe: one set per thread


def _iterator(lang: str | None) -> icu.BreakIterator:
    """The word BreakIterator for `lang`, created on first use in this thread."""
    cache = getattr(_local, "iterators", None)
    if cache is None:
        cache = _local.iterators = {}
    key = lang or "root"
    if key not in cache:
        cache[key] = icu.BreakIterator.createWordInstance(icu.Locale(key))
    return cache[key]


def compose_sara_am(text: str) -> str:
    """Thai and Lao SARA AM as one character, the way the texts store it."""
    return _LAO_AM.sub("\\1\u0eb3", _THAI_AM.sub("\\1\u0e33", text))


def fold(text: str) -> str:
    """Casefolded NFC with SARA AM composed: the form both index and queries use."""
    return compose_sara_am(unicodedata.normalize("NFC", unicodedata.normalize(
        "NFC", text).casefold()))


def words(text: str, lang: str | None = None) -> list[str]:
    """The words of `text`, folded, without spaces or punctuation."""
    if len(text) <= MEMO_CHARS:
        return list(_memo_words(text, lang))
    return _words(text, lang)


MEMO_CHARS = 500  # a member's message or a query, not a practice being indexed


@lru_cache(maxsize=2048)
def _memo_words(text: str, lang: str | None) -> tuple[str, ...]:
    """`words` kept per process for short texts: one turn segments the member's text
    for the store's judge, for search and for routing, each on its own."""
    return tuple(_words(text, lang))


def _words(text: str, lang: str | None) -> list[str]:
    folded = fold(text)
    if not folded.strip():
        return []
    ustr = icu.UnicodeString(folded)  # ICU offsets are UTF-16 units, not code points
    iterator = _iterator(lang)
    iterator.setText(ustr)
    found: list[str] = []
    start = iterator.first()
    for end in iterator:
        if iterator.getRuleStatus() >= _WORD_STATUS:
            found.extend(_WORD_PIECES.findall(str(ustr[start:end])))
        start = end
    return found


def segment(text: str, lang: str | None = None) -> str:
    """The words of `text` joined by single spaces (see the module docstring)."""
    return " ".join(words(text, lang))


def unmarked(word: str) -> str:
    """A folded word without Latin diacritics ("năng" -> "nang", "đồng" -> "dong")."""
    if word.isascii():
        return word
    bare = _LATIN_MARKS.sub("", unicodedata.normalize("NFD", word.replace("đ", "d")))
    return unicodedata.normalize("NFC", bare)


def indexed(text: str, lang: str | None = None) -> str:
    """What the index holds for a text: its words (`segment`), then once each the words
    with Latin diacritics written without them."""
    found = words(text, lang)
    bare = dict.fromkeys(b for w in found if (b := unmarked(w)) != w)
    return " ".join([*found, *bare])
