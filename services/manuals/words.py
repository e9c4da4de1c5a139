"""The manual's own words (headings, notes, "tried by N enterprises in M countries") in
its language. They are interface texts, kept with the bot's catalogs so translators
review them in the console like any other (bot/locale/manual/); bot/manual_words.py
fills this in from the catalog, since services do not read the bot's files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from services.replication import Reach


@dataclass(frozen=True)
class Words:
    """`say(key, **params)`: a `manual.*` text in the manual's language; `tried(reach)`:
    the line on who tried a practice; `country(code)`: a country's name."""

    lang: str
    say: Callable[..., str]
    tried: Callable[[Reach], str]
    country: Callable[[str], str]


SECTION_KEYS = {"story": "manual.story", "cooperation": "manual.cooperation",
                "approach": "manual.approach",
                "shared_across_borders": "manual.shared_across_borders",
                "shared_in_country": "manual.shared_in_country", "results": "manual.results"}

