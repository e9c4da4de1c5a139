"""Practice titles made shorter, only as much as a message needs.

`cuts` lists a title's shorter forms, longest first: the whole title, the title without
its subtitle, then the words of that heading one fewer at a time with "…", and for a
heading of one long word its letters (grapheme clusters, so a Khmer syllable is never
split). Words come from ICU's word break rules, which find the words of Khmer, Lao,
Burmese and Thai, written without spaces. The SMS renderer (bot/render.py) takes the
longest form with which the message still fits the member's segment budget; a Telegram
button, which shows little more than 40 characters, takes `short_title`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import icu
import regex

from bot.replies import Reply
from services.sms import graphemes

ELLIPSIS = "…"  # goes out as "..." on SMS (bot/render.py makes text GSM-friendly)
# Small words a cut title should not end on (English, Indonesian, Malay, Filipino,
# Vietnamese); the other scripts are cut at word boundaries found by ICU.
_CONNECTIVES = frozenset({"a", "an", "and", "at", "by", "for", "from", "in", "of", "on",
                          "the", "to", "with", "bagi", "dan", "dari", "dengan", "di", "ke",
                          "untuk", "yang", "ang", "mga", "ng", "para", "sa", "cho", "của",
                          "tại", "và", "với", "ở"})
_SUBTITLE = regex.compile(r"\s*(?::|៖|\s[-–—]\s|\()")  # where a title's subtitle starts
_TRAILING = ",;:-–—/ "


def cuts(title: str, subtitle: bool = True) -> list[str]:
    """The title and its shorter forms, longest first, each one shorter than the last
    (with `subtitle` False, a text's words only: no form ends where a subtitle starts)."""
    title = " ".join(title.split())
    found = [title]
    head = _SUBTITLE.split(title, maxsplit=1)[0].strip() if subtitle else title
    if len(head) >= 4 and head != title:
        found.append(head)
    base = found[-1]
    pieces = _word_pieces(base)
    for end in range(len(pieces) - 1, 0, -1):
        kept = _trim("".join(pieces[:end]))
        if kept:
            found.append(kept + ELLIPSIS)
    if len(found) == 1 or found[-1] == base:  # one long word: whole letters
        clusters = graphemes(base)
        found += ["".join(clusters[:end]) + ELLIPSIS for end in range(len(clusters) - 1, 0, -1)]
    return list(dict.fromkeys(f for f in found if f))  # shorter forms may repeat


def short_title(title: str, room: int) -> str:
    """The longest form of the title within `room` characters (its shortest otherwise)."""
    forms = cuts(title)
    return next((form for form in forms if len(form) <= room), forms[-1])


def excerpt(text: str, room: int) -> str:
    """The start of a member's text within `room` characters, cut between words."""
    forms = cuts(text, subtitle=False)
    return next((form for form in forms if len(form) <= room), forms[-1])


def _trim(kept: str) -> str:
    """A cut heading without the small words and punctuation it would end on."""
    words = kept.rstrip(_TRAILING).split()
    while len(words) > 1 and words[-1].casefold() in _CONNECTIVES:
        words.pop()  # "Rice Intensification…", not "Rice Intensification with…"
    return " ".join(words).rstrip(_TRAILING)


def _word_pieces(text: str) -> list[str]:
    """Words and the spaces between them, by ICU's word boundaries."""
    ustr = icu.UnicodeString(text)  # ICU offsets are UTF-16 units
    iterator = icu.BreakIterator.createWordInstance(icu.Locale.getRoot())
    iterator.setText(ustr)
    pieces, start = [], iterator.first()
    for end in iterator:
        pieces.append(str(ustr[start:end]))
        start = end
    return pieces


def fit_labels(reply: Reply, fitting: Callable[[Reply], bool]) -> Reply:
    """The reply with its choice labels cut, the longest first, until `fitting` says it
    fits (or every label is as short as it gets)."""
    forms = [cuts(choice.label or "") for choice in reply.choices]
    at = [0] * len(forms)

    def current() -> Reply:
        choices = tuple(replace(choice, label=forms[i][at[i]])
                        for i, choice in enumerate(reply.choices))
        return replace(reply, choices=choices)

    candidate = current()
    while not fitting(candidate):
        cuttable = [i for i in range(len(forms)) if at[i] + 1 < len(forms[i])]
        if not cuttable:
            break
        longest = max(cuttable, key=lambda i: len(forms[i][at[i]]))
        at[longest] += 1
        candidate = current()
    return candidate
