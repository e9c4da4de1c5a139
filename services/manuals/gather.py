"""What a printed manual holds: the published practices chosen (by topic, by curating
organisation, within an account's scope), each in one language with English where the
language has no text, and the marks a reader needs: which sections fall back to English,
which translations nobody has reviewed, how many enterprises tried it, and how to open it
on a phone (the Telegram deep link and the SMS words, services/stories.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from content.models import Practice, PracticeTranslation, Snippet
from services import replication, stories
from services.manuals.prose import paragraphs
from services.replication import Reach

SOURCE = "en"
# The documentation template's texts, in the manual's order (content/packs/FORMAT.md).
TEMPLATE = ("cooperation", "approach", "shared_across_borders", "shared_in_country",
            "results")


@dataclass(frozen=True)
class Section:
    """One part of a practice: its paragraphs, the language they are in, and whether that
    is the manual's language (`fallback`: English instead) and reviewed by a person."""

    key: str  # "story" or a TEMPLATE field
    paragraphs: tuple[str, ...]
    lang: str
    fallback: bool
    reviewed: bool


@dataclass(frozen=True)
class Entry:
    """One practice as the manual prints it."""

    slug: str
    title: str
    title_lang: str
    country: str | None
    organisation: str | None
    sections: tuple[Section, ...]
    sources: tuple[dict, ...]
    reach: Reach
    sms_words: str
    telegram_link: str | None  # None: no Telegram bot is known

    @property
    def unreviewed(self) -> bool:
        """Whether any text shown in the manual's language is a draft."""
        return any(not s.reviewed for s in self.sections if not s.fallback)


@dataclass(frozen=True)
class Manual:
    """Published practices in one language, as chosen."""

    lang: str
    entries: tuple[Entry, ...]
    made_at: datetime
    topics: tuple[str, ...] = ()
    organisation: str | None = None  # the curating organisation's name, when one was chosen


def gather(*, session: Session, lang: str, now: datetime, bot: str | None = None,
           topics: Iterable[str] = (), organisation_id: int | None = None,
           organisation: str | None = None,
           scope: ColumnElement[bool] | None = None) -> Manual:
    """The manual of published practices in `lang`: on any of `topics` (all if none),
    curated by `organisation_id` (any if None), within `scope` (services/access's
    practice_scope; None: the whole store), in slug order. `bot` is the Telegram bot's
    username the deep links name."""
    topics = tuple(t for t in topics if t)
    query = select(Practice).where(Practice.status == "published").order_by(Practice.slug)
    if organisation_id is not None:
        query = query.where(Practice.organisation_id == organisation_id)
    if scope is not None:
        query = query.where(scope)
    practices = [p for p in session.exec(query)
                 if not topics or set(p.topics) & set(topics)]
    ids = [p.id for p in practices]
    texts: dict[tuple[int, str], PracticeTranslation] = {
        (t.practice_id, t.lang): t for t in session.exec(select(PracticeTranslation).where(
            PracticeTranslation.practice_id.in_(ids),
            PracticeTranslation.lang.in_({lang, SOURCE})))}
    pieces: dict[tuple[int, str], list[str]] = {}
    for row in session.exec(select(Snippet).where(
            Snippet.practice_id.in_(ids), Snippet.lang.in_({lang, SOURCE}))
            .order_by(Snippet.practice_id, Snippet.lang, Snippet.position)):
        pieces.setdefault((row.practice_id, row.lang), []).append(row.text)
    entries = tuple(_entry(session, p, lang, texts, pieces, bot) for p in practices)
    return Manual(lang, entries, now, topics, organisation)


def _entry(session: Session, practice: Practice, lang: str, texts: dict, pieces: dict,
           bot: str | None) -> Entry:
    own, source = texts.get((practice.id, lang)), texts.get((practice.id, SOURCE))
    title_row = own if own is not None and own.title else source
    sections = [_story(practice.id, lang, own, source, pieces)]
    for key in TEMPLATE:
        sections.append(_section(key, lang, own, source))
    reach = replication.reach(session=session, practice_id=practice.id, sandbox=None)
    return Entry(
        slug=practice.slug, title=title_row.title if title_row else practice.slug,
        title_lang=title_row.lang if title_row else SOURCE, country=practice.country,
        organisation=practice.organisation,
        sections=tuple(s for s in sections if s is not None),
        sources=tuple(s for s in practice.sources if s.get("title")), reach=reach,
        sms_words=stories.sms_words(practice.slug),
        telegram_link=stories.telegram_link(bot=bot, slug=practice.slug) if bot else None)


def _story(practice_id: int, lang: str, own: PracticeTranslation | None,
           source: PracticeTranslation | None, pieces: dict) -> Section | None:
    """The article in `lang`, else its snippets (the story as members get it), else the
    English article or snippets."""
    for row, code in ((own, lang), (source, SOURCE)):
        if row is None:
            continue
        told = paragraphs(row.body) or tuple(pieces.get((practice_id, code), ()))
        if told:
            return Section("story", told, code, code != lang, row.reviewed or code == SOURCE)
    return None


def _section(key: str, lang: str, own: PracticeTranslation | None,
             source: PracticeTranslation | None) -> Section | None:
    for row, code in ((own, lang), (source, SOURCE)):
        told = paragraphs(getattr(row, key)) if row is not None else ()
        if told:
            return Section(key, told, code, code != lang, row.reviewed or code == SOURCE)
    return None
