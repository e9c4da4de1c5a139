"""Exact SMS segment counting and paging to a segment budget.

Rules (3GPP TS 23.038 / 23.040, and Twilio's segment calculator):
- GSM-7 when every character is in the default alphabet or its extension table:
  160 septets in a single message, 153 per part once concatenated (the UDH
  takes 7). Extension characters cost two septets (escape + character) and the
  pair is never split across parts, so a part may hold 152.
- Otherwise UCS-2: 70 UTF-16 code units single, 67 per part. A surrogate pair is
  never split, and grapheme clusters are kept whole within a part (Twilio does
  this for Khmer), unless one cluster is longer than a part.

Why here and not a library: the Python packages that count or split SMS
(smsutil, last release 2020; py-smsify, 2022, which transliterates non-Latin
text away) work on characters or code units; none keeps grapheme clusters
whole, and Twilio's own calculator is JavaScript. The rules are short, so they
are written out here and tested against tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from services.sms.gsm import is_gsm, septets

GSM7 = "GSM-7"
UCS2 = "UCS-2"
LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}

_CLUSTER = regex.compile(r"\X")
_SPACE = r"[\s\u200b]"
_PARAGRAPH = regex.compile(r"\n[^\S\n]*\n")
_SENTENCE = regex.compile(r"[.!?\u2026\u17d4\u17d5\u104b](?=" + _SPACE + ")")
_WHITESPACE = regex.compile(_SPACE + "+")
_TRAILING = regex.compile(_SPACE + r"+\Z")
_LEADING = regex.compile("^" + _SPACE + "+")
MIN_FILL = 0.5  # a preferred break is taken only if the page is at least this full


@dataclass(frozen=True)
class SegmentInfo:
    """How a text is sent: encoding, number of parts, total units, part texts."""

    encoding: str
    segments: int
    units: int
    parts: tuple[str, ...]


def graphemes(text: str) -> list[str]:
    """The text's grapheme clusters: a letter with its marks, a Khmer syllable with its
    subscript consonant, an emoji with its skin tone or its zero-width-joined parts."""
    return _CLUSTER.findall(text)


def utf16_units(text: str) -> int:
    """UTF-16 code units: 2 for characters outside the Basic Multilingual Plane."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _pack(pieces: list[tuple[str, int]], size: int) -> list[str]:
    """Greedy fill of parts of `size` units; a piece never straddles two parts."""
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for piece, cost in pieces:
        if used + cost > size and current:
            parts.append("".join(current))
            current, used = [], 0
        current.append(piece)
        used += cost
    parts.append("".join(current))
    return parts


def _ucs2_pieces(text: str, size: int) -> list[tuple[str, int]]:
    """Grapheme clusters with their cost; a cluster longer than a part is
    broken into code points (a code point is never split, so neither is a
    surrogate pair)."""
    clusters = graphemes(text)
    if utf16_units(text) == len(text) and all(len(c) <= size for c in clusters):
        return [(cluster, len(cluster)) for cluster in clusters]  # all BMP: a unit each
    pieces: list[tuple[str, int]] = []
    for cluster in clusters:
        cost = utf16_units(cluster)
        if cost <= size:
            pieces.append((cluster, cost))
        else:
            pieces.extend((c, utf16_units(c)) for c in cluster)
    return pieces


@lru_cache(maxsize=4096)
def count(text: str) -> SegmentInfo:
    """Encoding, segments, units and the part texts a phone would receive. Kept per
    process for the texts seen last: a turn counts the same menu and page texts again
    while it pages and renders, and the answer never changes (SegmentInfo is frozen)."""
    if is_gsm(text):
        encoding = GSM7
        pieces = [(c, septets(c) or 0) for c in text]
    else:
        encoding = UCS2
        pieces = _ucs2_pieces(text, LIMITS[UCS2][1])
    single, multi = LIMITS[encoding]
    units = sum(cost for _, cost in pieces)
    parts = [text] if units <= single else _pack(pieces, multi)
    return SegmentInfo(encoding, len(parts), units, tuple(parts))


def fits(text: str, budget: int) -> bool:
    """True if the text goes out in at most `budget` segments."""
    return count(text).segments <= budget


def _longest_fit(rest: str, budget: int, reserve: str) -> int:
    """End of the longest prefix of `rest` (at a grapheme boundary, or a code
    point if not even one cluster fits) that fits with `reserve` appended.
    Binary search keeps lo fitting and hi not, so the result always fits."""
    # No page holds more than 160 characters a segment, so look no further.
    rest = rest[: budget * LIMITS[GSM7][0] + 1]
    bounds = [m.end() for m in _CLUSTER.finditer(rest)]
    if not fits(rest[: bounds[0]] + reserve, budget):
        bounds = list(range(1, len(rest) + 1))
    if not fits(rest[: bounds[0]] + reserve, budget):
        raise ValueError("the reserve leaves no room for text in the budget")
    lo, hi = 0, len(bounds)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fits(rest[: bounds[mid]] + reserve, budget):
            lo = mid
        else:
            hi = mid
    return bounds[lo]


def _break_candidates(rest: str, end: int) -> list[int]:
    """Cut positions within rest[:end], best first: paragraph, sentence end,
    whitespace; each level latest first and only if the page is full enough."""
    floor = end * MIN_FILL
    found: list[int] = []
    for pattern, use_end in ((_PARAGRAPH, False), (_SENTENCE, True), (_WHITESPACE, False)):
        cuts = [m.end() if use_end else m.start() for m in pattern.finditer(rest, 0, end + 1)]
        found += sorted((c for c in cuts if floor <= c <= end), reverse=True)
    return found


def _next_page(rest: str, budget: int, reserve: str) -> tuple[str, str]:
    """Split `rest` (no leading whitespace) into a page and what follows."""
    end = _longest_fit(rest, budget, reserve)
    if end == len(rest):
        return _TRAILING.sub("", rest), ""
    for cut in _break_candidates(rest, end):
        page = _TRAILING.sub("", rest[:cut])
        if page and fits(page + reserve, budget):
            return page, rest[cut:]
    page = _TRAILING.sub("", rest[:end])
    if not page or not fits(page + reserve, budget):
        page = rest[:end]
    return page, rest[end:]


def split_to_budget(text: str, budget: int, reserve: str = "") -> list[str]:
    """Pages of `text`, each within `budget` segments with `reserve` appended.

    Breaks at a paragraph, else a sentence end, else whitespace (including
    U+200B, the Khmer word break), else a grapheme boundary. Whitespace at a
    break is dropped; every word is kept in order. Each page's encoding is
    counted on page + reserve, so an ASCII page of a Khmer text may be GSM-7.
    The reserve is counted on every page, the last one included.
    """
    if budget < 1:
        raise ValueError("budget must be at least one segment")
    pages: list[str] = []
    rest = _LEADING.sub("", text)
    while rest:
        page, rest = _next_page(rest, budget, reserve)
        pages.append(page)
        rest = _LEADING.sub("", rest)
    return pages
