"""The printed manual's words (services/manuals/words.py) from the interface catalog: its
headings and notes (bot/locale/manual/), the stories' "tried by" line, country names."""

from __future__ import annotations

from bot.catalog import SOURCE, Catalog
from bot.flows.stories import reach_reply
from services.manuals.words import Words
from services.replication import Reach


def manual_words(catalog: Catalog, lang: str) -> Words:
    """The manual's words in `lang` (English where the catalog has none)."""
    def say(key: str, **params: object) -> str:
        return catalog.text(lang, key, **params)

    def tried(reach: Reach) -> str:
        reply = reach_reply(reach)
        return say("manual.tried_none") if reply is None else say(reply.key, **reply.params)

    def country(code: str) -> str:
        key = f"country.{code}"
        return say(key) if catalog.has(lang, key) or catalog.has(SOURCE, key) else code

    return Words(lang, say, tried, country)
