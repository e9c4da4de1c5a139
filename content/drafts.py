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
)


@dataclass
class FaqDraft:
    """One question and its answer."""

    q: str
    a: str


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

    def content_hash(self) -> str:
        """A digest of everything imported, so an unchanged practice is skipped."""
        data = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()
