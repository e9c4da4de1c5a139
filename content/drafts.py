"""A practice as read from a pack, before it reaches the database."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

TEMPLATE_FIELDS: tuple[str, ...] = (
    "cooperation", "approach", "shared_across_borders", "shared_in_country", "results",
)
FACT_FIELDS: tuple[str, ...] = (
    "country", "organisation", "topics", "sectors", "status", "sources",
    "contributor", "visitors_welcome", "media",
)


@dataclass
class FaqDraft:
    """One question and its answer."""

    q: str
    a: str
    answer_id: int | None = None  # promoted from a member's answer (services/questions)
    attribution: str | None = None  # the name shown with it; None: anonymous


@dataclass
class TranslationDraft:
    """The practice's text in one language."""

    lang: str
    title: str
    reviewed: bool
    snippets: list[str]
    faq: list[FaqDraft] = field(default_factory=list)
    body: str = ""
    translated_from: str | None = None
    template: dict[str, str] = field(default_factory=dict)
    reviewed_by: str | None = None  # who checked it (a person's name)
    reviewed_on: str | None = None  # when, as YYYY-MM-DD
    # Words and phrases members use for the practice in this language that its texts may
    # not hold (synonyms, everyday and misspelt forms); search matches them, members
    # never see them.
    keywords: list[str] = field(default_factory=list)


@dataclass
class PracticeDraft:
    """Facts plus every translation (English first)."""

    slug: str
    pack: str
    country: str
    organisation: str
    topics: list[str]
    sectors: list[str]
    status: str
    sources: list[dict]
    translations: dict[str, TranslationDraft] = field(default_factory=dict)
    # A practice documented by a member through SHARE (services/documentation.py).
    contributor: int | None = None  # the member's id in the store
    visitors_welcome: bool | None = None
    media: list[dict] = field(default_factory=list)

    def main_lang(self) -> str:
        """The language whose file holds the facts: English, or for a practice a member
        documented without English, the language of the interview."""
        if "en" in self.translations or not self.translations:
            return "en"
        told = self.sources[0].get("lang") if self.sources else None
        return told if told in self.translations else next(iter(self.translations))

    def content_hash(self) -> str:
        """A digest of everything imported, so an unchanged practice is skipped."""
        data = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()
