"""What the interface-text pages show: each language's counts, and one language's keys
filtered (drafts, reviewed or all; a flow folder; words in the key or either text) and
cut into pages. Pure functions over bot.catalog_review's entries.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from bot.catalog import Catalog
from bot.catalog_review import Entry
from content.languages import LANGUAGES
from content.models import CatalogText

PAGE = 20
SHOWN = ("drafts", "reviewed", "all")
CORE = "core"  # how the folder filter names the core file (bot/locale/<lang>.po)


@dataclass(frozen=True)
class Counts:
    """One language on the overview."""

    code: str
    name: str
    native: str
    texts: int
    drafts: int
    saved: int  # keys with a text saved in the console
    last: CatalogText | None  # the most recent review

    @property
    def reviewed(self) -> int:
        """Texts a person checked (in the repository or in the console)."""
        return self.texts - self.drafts


@dataclass(frozen=True)
class Filters:
    """The list's filters, as the query string gives them."""

    show: str = "drafts"
    q: str = ""
    folder: str = ""
    offset: int = 0

    def params(self, **changes) -> dict:
        """The filters as query parameters, without the empty ones."""
        values = {"show": self.show, "q": self.q, "folder": self.folder,
                  "offset": self.offset} | changes
        return {k: v for k, v in values.items() if v not in ("", 0, None)}


def counts(catalog: Catalog, rows: list[CatalogText]) -> list[Counts]:
    """Every language's texts, drafts and console saves, with the rows laid on."""
    texts, drafts = catalog.layered(rows)
    keys = set(catalog.keys())
    result = []
    for language in LANGUAGES:
        mine = [r for r in rows if r.lang == language.code and r.key in keys]
        reviews = [r for r in mine if r.reviewed_at is not None]
        result.append(Counts(
            language.code, language.latin_name, language.native_name,
            len(keys & set(texts.get(language.code, {}))),
            len(keys & drafts.get(language.code, set())), len(mine),
            max(reviews, key=lambda r: r.reviewed_at, default=None)))
    return result


def filters(show: str, q: str, folder: str, offset: int, lang: str) -> Filters:
    """Filters from the query string; unknown values fall back to the defaults."""
    default = "all" if lang == "en" else "drafts"  # English has no drafts
    return Filters(show if show in SHOWN else default, q.strip()[:100], folder.strip()[:40],
                   max(offset, 0))


def select(entries: list[Entry], chosen: Filters) -> list[Entry]:
    """The entries the filters let through."""
    words = _fold(chosen.q)
    picked = []
    for entry in entries:
        if chosen.show == "drafts" and not entry.draft:
            continue
        if chosen.show == "reviewed" and entry.draft:
            continue
        if chosen.folder and (entry.folder or CORE) != chosen.folder:
            continue
        if words and words not in _fold(f"{entry.key}\n{entry.english}\n{entry.text}"):
            continue
        picked.append(entry)
    return picked


def folders(catalog: Catalog) -> list[str]:
    """The folder filter's choices: the core file, then each flow folder."""
    return [CORE, *sorted({f for f in catalog.origins.values() if f})]


def _fold(text: str) -> str:
    """Text as search compares it: NFC, case-folded."""
    return unicodedata.normalize("NFC", text).casefold()
