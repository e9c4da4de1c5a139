"""Keywords and numbers in every supported language.

A message is read as a command when, once cleaned (case, Vietnamese accents, punctuation
around it, a Telegram slash and @botname), it is exactly one of the command words, or
starts with one followed by an argument (`LANG 2`). English words work for everyone; local
words work whatever the member's language, since people switch.

The words are not here: each is in the catalogs (`keyword.<intent>` in bot/locale, read
by bot/keywords.py), and the flow that owns a command declares it (bot/flows/flow.py);
bot/flows/registry.py joins the two into the `Words` parse() reads.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

STOP, START, HELP, MENU, LANG, STORY, MORE, NEXT, TOPICS, ASK = (
    "stop", "start", "help", "menu", "lang", "story", "more", "next", "topics", "ask")
PEER, VISIT, SHARE, TRIED, SETTINGS = "peer", "visit", "share", "tried", "settings"

_SEPARATORS = re.compile(r"[\s,;.、/+-]+")


@dataclass(frozen=True)
class Words:
    """The command words: word (as fold() leaves it) -> intent, and the intents that
    take an argument after their word (STOP and friends must be the whole message, as
    Twilio matches them, so "end of the season" is not an opt-out)."""

    lookup: Mapping[str, str]
    with_argument: frozenset[str]


@dataclass(frozen=True)
class Parsed:
    """What the text says: an intent (or None), its argument, and any numbers."""

    intent: str | None
    argument: str
    numbers: tuple[int, ...]


def fold(text: str) -> str:
    """Lower case, Latin accents off (Vietnamese 'DỪNG' -> 'dung'), other scripts kept."""
    text = unicodedata.normalize("NFC", text).casefold().replace("đ", "d")
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and out and out[-1].isascii():
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def parse(text: str, words: Words | None = None) -> Parsed:
    """Finds the command word and the numbers in a message (the registry's words unless
    others are given)."""
    words = words or _registered()
    folded = fold(text).strip()
    if folded.startswith("/"):
        folded = folded[1:].split("@", 1)[0] if " " not in folded else folded[1:]
        folded = re.sub(r"@\w+", "", folded, count=1)
    core = strip_edges(folded)
    numbers = parse_numbers(core)
    lookup = words.lookup
    if core in lookup:
        return Parsed(lookup[core], "", numbers)
    for size in (2, 1):
        parts = core.split()
        head = " ".join(parts[:size])
        if len(parts) > size and lookup.get(head) in words.with_argument:
            return Parsed(lookup[head], " ".join(parts[size:]), numbers)
    return Parsed(None, core, numbers)


def _registered() -> Words:
    # Imported here, not at the top: the registry reads every flow, and flows read this
    # module (fold, the intent names).
    from bot.flows import registry

    return registry.words()


def strip_edges(text: str) -> str:
    """Drops spaces, punctuation and symbols (emoji too) at both ends, never vowel signs."""
    def noise(ch: str) -> bool:
        return unicodedata.category(ch)[0] in "PZSC"

    start, end = 0, len(text)
    while start < end and noise(text[start]):
        start += 1
    while end > start and noise(text[end - 1]):
        end -= 1
    return text[start:end]


def parse_numbers(text: str) -> tuple[int, ...]:
    """Numbers in any script's digits ('២', '໓', '၄', '๕'); () unless the text is only numbers.

    '1 3', '1,3' and '13' (with every digit a separate choice in lists of up to nine)
    all give (1, 3); the caller decides what '13' means when a list is longer.
    """
    parts = [p for p in _SEPARATORS.split(text) if p]
    if not parts or not all(p.isdecimal() for p in parts):
        return ()
    values = []
    for part in parts:
        digits = "".join(str(unicodedata.digit(ch)) for ch in part)
        values.append(int(digits))
    return tuple(values)


def single_digits(numbers: tuple[int, ...]) -> tuple[int, ...]:
    """Splits '13' into (1, 3) for lists of at most nine items."""
    out: list[int] = []
    for n in numbers:
        out += [int(d) for d in str(n)] if n > 9 else [n]
    return tuple(out)
