"""The practice rows of the moderation API: what a request may send (a draft's facts and
texts, with the limits the validator checks again) and what it answers (a practice with
its texts, visit demand, replication counts), never a phone number or chat id."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, field_validator
from sqlmodel import Session, select

from content.checks import KEYWORDS
from content.drafts import TEMPLATE_FIELDS
from content.languages import LANGUAGE_CODES, SECTORS, TOPICS
from content.models import Member, Practice, PracticeTranslation
from services import documentation, versions

LANG = "^(" + "|".join(LANGUAGE_CODES) + ")$"
TEXT = 20_000  # longest text a moderator may set on one field


class TranslationText(BaseModel):
    """The documentation template in one language."""

    lang: str
    title: str
    body: str
    cooperation: str | None
    approach: str | None
    shared_across_borders: str | None
    shared_in_country: str | None
    results: str | None
    reviewed: bool
    keywords: list[str] = []


class Draft(BaseModel):
    """A practice in review: facts, photos, the contributor (no contact details), texts."""

    id: int
    slug: str
    status: str
    country: str | None
    organisation: str | None
    topics: list[str]
    sectors: list[str]
    visitors_welcome: bool | None
    media: list[dict]
    contributor_id: int | None
    contributor_country: str | None
    contributor_language: str | None
    interview_complete: bool
    skipped: list[str]
    created_at: datetime
    updated_at: datetime
    translations: list[TranslationText]


class TextEdit(BaseModel):
    """Fields to change in one language; a language not there yet needs a title."""

    title: str | None = Field(None, min_length=1, max_length=300)
    body: str | None = Field(None, max_length=TEXT)
    cooperation: str | None = Field(None, max_length=TEXT)
    approach: str | None = Field(None, max_length=TEXT)
    shared_across_borders: str | None = Field(None, max_length=TEXT)
    shared_in_country: str | None = Field(None, max_length=TEXT)
    results: str | None = Field(None, max_length=TEXT)
    reviewed: bool | None = None
    keywords: list[str] | None = Field(None, max_length=KEYWORDS)


class PracticeEdit(BaseModel):
    """What a moderator may change before publishing; absent fields stay as they are."""

    topics: list[str] | None = Field(None, min_length=1, max_length=4)
    sectors: list[str] | None = Field(None, min_length=1, max_length=3)
    country: str | None = Field(None, pattern="^[A-Z]{2}$")
    organisation: str | None = Field(None, max_length=200)
    visitors_welcome: bool | None = None
    translations: dict[Annotated[str, Field(pattern=LANG)], TextEdit] = {}

    @field_validator("topics")
    @classmethod
    def _topics(cls, value: list[str] | None) -> list[str] | None:
        unknown = set(value or ()) - set(TOPICS)
        if unknown:
            raise ValueError(f"unknown topics: {sorted(unknown)}")
        return value

    @field_validator("sectors")
    @classmethod
    def _sectors(cls, value: list[str] | None) -> list[str] | None:
        unknown = set(value or ()) - set(SECTORS)
        if unknown:
            raise ValueError(f"unknown sectors: {sorted(unknown)}")
        return value


class Published(BaseModel):
    """A practice now published, and whether its contributor was told."""

    id: int
    slug: str
    status: str
    published_at: datetime | None
    contributor_notified: bool


class Archived(BaseModel):
    """A practice taken out of review or of the stories."""

    id: int
    slug: str
    status: str


class VisitDemand(BaseModel):
    """Members from one country who would like to visit one practice's host."""

    practice_id: int
    practice: str
    title: str
    visitors_welcome: bool | None
    country: str | None
    members: int


class Replication(BaseModel):
    """TRIED reports on one practice from one country with one outcome."""

    practice_id: int
    practice: str
    country: str | None
    outcome: str
    reports: int
    members: int


def pending_draft(session: Session, practice: Practice) -> Draft:
    """The practice as its pending version has it (what a publish would make live)."""
    draft, _ = versions.check(practice=practice, files=versions.editing(
        session=session, practice=practice))
    complete = documentation.next_question(session=session, practice=practice) is None
    rows = [PracticeTranslation(practice_id=practice.id, lang=lang, title=tr.title,
                                body=tr.body, reviewed=tr.reviewed, keywords=tr.keywords, **{
                                    k: tr.template.get(k) for k in TEMPLATE_FIELDS})
            for lang, tr in sorted(draft.translations.items())]
    return draft_row(session, practice, rows, complete).model_copy(update={
        "topics": draft.topics, "sectors": draft.sectors, "country": draft.country or None,
        "organisation": draft.organisation or None,
        "visitors_welcome": draft.visitors_welcome})


def translations_of(session: Session, practice_id: int) -> list[PracticeTranslation]:
    return list(session.exec(select(PracticeTranslation).where(
        PracticeTranslation.practice_id == practice_id).order_by(PracticeTranslation.lang)))


def draft_row(session: Session, practice: Practice, rows: list[PracticeTranslation],
           complete: bool) -> Draft:
    member = session.get(Member, practice.contributor_id) if practice.contributor_id else None
    record = documentation.interview(practice)
    return Draft(
        id=practice.id, slug=practice.slug, status=practice.status, country=practice.country,
        organisation=practice.organisation, topics=practice.topics, sectors=practice.sectors,
        visitors_welcome=practice.visitors_welcome, media=practice.media,
        contributor_id=practice.contributor_id,
        contributor_country=member.country if member else None,
        contributor_language=member.language if member else None,
        interview_complete=complete, skipped=list(record.get("skipped", [])),
        created_at=practice.created_at, updated_at=practice.updated_at,
        translations=[TranslationText(
            lang=r.lang, title=r.title, body=r.body, cooperation=r.cooperation,
            approach=r.approach, shared_across_borders=r.shared_across_borders,
            shared_in_country=r.shared_in_country, results=r.results, reviewed=r.reviewed,
            keywords=list(r.keywords or []))
            for r in rows])
