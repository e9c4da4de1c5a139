"""Command words from the catalogs: the `keyword.<intent>` entries of bot/locale.

An entry lists a language's words for one command, separated by `|`
(`msgstr "story | stories"`). Every word works for every member whatever their
language, since people switch. Which intents exist, and which take an argument, the
flows declare (bot/flows/flow.py's Keyword); the registry joins the two.

Translators edit these entries by hand in the files, so reading them is forgiving: each
word is folded as parse() folds a message (case, Vietnamese accents) and trimmed of
spaces and punctuation around it; an empty word is skipped; a number is skipped (it
would swallow a menu pick; MENU's "0" is a fixed word); a word another intent already
has stays with that intent. Fixed words come first (Twilio's STOP, START and HELP
lists): no catalog entry can take or remove them.

The console neither lists nor edits keyword entries (bot.catalog.Catalog.load leaves
them out): a change to what a member's message means, "stop" above all, goes through
the files and tests/bot/test_keywords.py, which refuses a word two commands claim.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from babel.messages.pofile import read_po

from bot.catalog import KEYWORD_PREFIX, LOCALE_DIR
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
    """The lookup parse() uses: fixed words first, then each keyword's catalog words."""
    keywords = tuple(keywords)
    lookup: dict[str, str] = {}
    for keyword in keywords:
        for word in keyword.fixed:
            lookup.setdefault(clean(word), keyword.intent)
    for keyword, word in _catalog_words(keywords, entries):
        lookup.setdefault(word, keyword.intent)  # the first intent to claim it keeps it
    return Words(lookup, frozenset(k.intent for k in keywords if k.takes_argument))


def clashes(keywords: Iterable[Keyword],
            entries: Mapping[str, Mapping[str, str]]) -> dict[str, set[str]]:
    """Words that more than one intent claims (fixed or catalog): word -> intents."""
    keywords = tuple(keywords)
    claims: dict[str, set[str]] = {}
    for keyword in keywords:
        for word in keyword.fixed:
            claims.setdefault(clean(word), set()).add(keyword.intent)
    for keyword, word in _catalog_words(keywords, entries):
        claims.setdefault(word, set()).add(keyword.intent)
    return {word: intents for word, intents in claims.items() if len(intents) > 1}


def _catalog_words(keywords: tuple[Keyword, ...],
                   entries: Mapping[str, Mapping[str, str]]) -> Iterable[tuple[Keyword, str]]:
    for keyword in keywords:
        by_lang = entries.get(keyword.key, {})
        for lang in sorted(by_lang):
            for word in words(by_lang[lang]):
                yield keyword, word
