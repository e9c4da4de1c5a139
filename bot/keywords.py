"""Command words from the catalogs: the `keyword.<intent>` entries of bot/locale.

An entry lists a language's words for one command, separated by `|`
(`msgstr "story | stories"`). Every word works for every member whatever their
language, since people switch. Which intents exist, and which take an argument, the
flows declare (bot/flows/flow.py's Keyword); the registry joins the two.

Translators edit these entries by hand in the files, so reading them is forgiving: each
word is folded as parse() folds a message (case, Vietnamese accents) and trimmed of
spaces and punctuation around it; an empty word is skipped; a number is skipped (it
would swallow a menu pick; MENU's "0" is a fixed word); a word another command already
has stays with it (see `build`). Fixed words come first (Twilio's STOP, START and HELP
lists): no catalog entry can take or remove them.

The console neither lists nor edits keyword entries (bot.catalog.Catalog.load leaves
them out): a change to what a member's message means, "stop" above all, goes through
the files and tests/bot/test_keywords.py, which refuses a word two commands claim.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from babel.messages.pofile import read_po

from bot.catalog import KEYWORD_PREFIX, LOCALE_DIR, SOURCE
from bot.flows.flow import Keyword
from bot.intents import Words, fold, strip_edges

SEPARATOR = "|"


def read(folder: Path = LOCALE_DIR) -> dict[str, dict[str, str]]:
    """The keyword entries of every file: key -> language -> the entry's text."""
    found: dict[str, dict[str, str]] = {}
    for path in sorted(folder.rglob("*.po")):
        with path.open("rb") as fh:
            po = read_po(fh)
        for message in po:
            if message.id and message.id.startswith(KEYWORD_PREFIX) and message.string:
                found.setdefault(message.id, {})[path.stem] = message.string
    return found


def clean(word: str) -> str:
    """A word as parse() compares it: folded, trimmed, single spaces."""
    return " ".join(strip_edges(fold(word)).split())


def words(entry: str) -> tuple[str, ...]:
    """The usable words of one entry, in order, each once."""
    cleaned = (clean(word) for word in entry.split(SEPARATOR))
    return tuple(dict.fromkeys(w for w in cleaned if w and not w.isdecimal()))


def build(keywords: Iterable[Keyword], entries: Mapping[str, Mapping[str, str]]) -> Words:
    """The lookup parse() uses. A word two commands claim goes to the one that claims it
    first by tier: fixed words, then English entries, then the other languages. Two
    claims in one tier cancel out: such a word does nothing until the entries are put
    right, rather than, say, opting a member out who meant MORE."""
    keywords = tuple(keywords)
    lookup: dict[str, str] = {}
    for tier in _tiers(keywords, entries):
        claims: dict[str, set[str]] = {}
        for intent, word in tier:
            claims.setdefault(word, set()).add(intent)
        for word, intents in claims.items():
            if word not in lookup and len(intents) == 1:
                lookup[word] = next(iter(intents))
    return Words(lookup, frozenset(k.intent for k in keywords if k.takes_argument))


def clashes(keywords: Iterable[Keyword],
            entries: Mapping[str, Mapping[str, str]]) -> dict[str, set[str]]:
    """Words that more than one intent claims, in any tier: word -> intents."""
    claims: dict[str, set[str]] = {}
    for tier in _tiers(tuple(keywords), entries):
        for intent, word in tier:
            claims.setdefault(word, set()).add(intent)
    return {word: intents for word, intents in claims.items() if len(intents) > 1}


def _tiers(keywords: tuple[Keyword, ...], entries: Mapping[str, Mapping[str, str]]
           ) -> list[list[tuple[str, str]]]:
    """(intent, word) pairs: the fixed words, the English entries', the other languages'."""
    fixed = [(k.intent, clean(word)) for k in keywords for word in k.fixed]
    english, local = [], []
    for keyword in keywords:
        for lang, text in sorted(entries.get(keyword.key, {}).items()):
            tier = english if lang == SOURCE else local
            tier += [(keyword.intent, word) for word in words(text)]
    return [fixed, english, local]
