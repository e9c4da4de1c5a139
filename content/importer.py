"""Writes validated drafts into the store. Idempotent: re-importing updates, never duplicates.

The pack is the truth for the practices it holds: a language file or snippet that left
the pack leaves the store. Practices the pack does not hold are not touched.

A practice edited and published in the moderator console (it has numbered
PracticeVersions) belongs to the console from then on: importing leaves it alone and
counts it as `kept`, unless told to replace edited practices. Export it to bring the
pack up to date.

The search index is not content's business (content cannot import services): the caller
passes `ImportResult.changed_ids` to services.search.reindex after importing. Every writer
of content must do the same for the practices it changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import or_
from sqlmodel import Session, delete, select

from content.drafts import PracticeDraft, TranslationDraft
from content.models import (
    Answer,
    AuditLog,
    Faq,
    Member,
    Practice,
    PracticeTranslation,
    PracticeVersion,
    Snippet,
    utcnow,
)


@dataclass
class ImportResult:
    """How many practices were created, updated or left as they were, and the ids of
    those created or updated (whose search index rows must be rebuilt)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # edited in the console, left alone
    changed_ids: list[int] = field(default_factory=list, compare=False)


def import_drafts(session: Session, drafts: Iterable[PracticeDraft], *, actor: str = "import",
                  on_each: Callable[[PracticeDraft], None] | None = None,
                  replace_edited: bool = False) -> ImportResult:
    """Upserts every draft by slug in the caller's transaction."""
    result = ImportResult()
    for draft in drafts:
        practice = session.exec(select(Practice).where(Practice.slug == draft.slug)).first()
        digest = draft.content_hash()
        if practice is not None and practice.content_hash == digest:
            result.unchanged += 1
        elif practice is not None and not replace_edited and _edited(session, practice):
            result.kept += 1
        else:
            if practice is None:
                practice = Practice(slug=draft.slug)
                result.created += 1
            else:
                result.updated += 1
            write(session, practice, draft)
            result.changed_ids.append(practice.id)
            session.add(AuditLog(actor=actor, action="practice.import", target_type="practice",
                                 target_id=draft.slug, details={"hash": digest}))
        if on_each:
            on_each(draft)
    return result


def write(session: Session, practice: Practice, draft: PracticeDraft) -> None:
    """Makes the stored practice what the draft says (the console publishes through
    this too): facts, translations, snippets and FAQ pairs, in the caller's transaction."""
    practice.pack, practice.status, practice.country = draft.pack, draft.status, \
        draft.country or None
    practice.organisation, practice.topics = draft.organisation or None, list(draft.topics)
    practice.sectors, practice.sources = list(draft.sectors), list(draft.sources)
    practice.visitors_welcome, practice.media = draft.visitors_welcome, list(draft.media)
    practice.contributor_id = _existing(session, Member, draft.contributor)
    practice.content_hash, practice.updated_at = draft.content_hash(), utcnow()
    session.add(practice)
    session.flush()
    pid = practice.id
    old_faqs = list(session.exec(select(Faq.id).where(Faq.practice_id == pid)))
    for table in (Snippet, Faq):
        session.exec(delete(table).where(table.practice_id == pid))
    existing = {t.lang: t for t in session.exec(
        select(PracticeTranslation).where(PracticeTranslation.practice_id == pid))}
    for lang, gone in existing.items():
        if lang not in draft.translations:
            session.delete(gone)
    faqs: list[Faq] = []
    for lang, tr in draft.translations.items():
        _write_translation(session, existing.get(lang) or PracticeTranslation(
            practice_id=pid, lang=lang, title=tr.title), tr)
        session.add_all(Snippet(practice_id=pid, lang=lang, position=i, text=text)
                        for i, text in enumerate(tr.snippets))
        faqs += [Faq(practice_id=pid, lang=lang, position=i, question=f.q, answer=f.a,
                     answer_id=_existing(session, Answer, f.answer_id),
                     attribution=f.attribution) for i, f in enumerate(tr.faq)]
    session.add_all(faqs)
    session.flush()
    _link_answers(session, old_faqs, faqs)


def _edited(session: Session, practice: Practice) -> bool:
    """Whether the console has published versions of the practice."""
    return session.exec(select(PracticeVersion.id).where(
        PracticeVersion.practice_id == practice.id,
        PracticeVersion.number.is_not(None))).first() is not None


def _link_answers(session: Session, old_ids: list[int], faqs: list[Faq]) -> None:
    """A promoted answer points at its FAQ pair: the pair's new row, or none once the
    pair left the practice."""
    now_at = {f.answer_id: f.id for f in faqs if f.answer_id is not None}
    for answer in session.exec(select(Answer).where(or_(
            Answer.id.in_(list(now_at)), Answer.promoted_faq_id.in_(old_ids)))):
        answer.promoted_faq_id = now_at.get(answer.id)
        session.add(answer)
    session.flush()


def _existing(session: Session, table, row_id: int | None) -> int | None:
    """The id if that row is in this store (a pack may come from another one)."""
    return row_id if row_id is not None and session.get(table, row_id) is not None else None


def _write_translation(session: Session, row: PracticeTranslation, tr: TranslationDraft) -> None:
    row.title, row.body, row.reviewed = tr.title, tr.body, tr.reviewed
    row.translated_from, row.keywords = tr.translated_from, list(tr.keywords)
    for key in ("cooperation", "approach", "shared_across_borders", "shared_in_country",
                "results"):
        setattr(row, key, tr.template.get(key))
    row.reviewed_by = tr.reviewed_by if tr.reviewed else None
    row.reviewed_at = _reviewed_at(row.reviewed_at, tr) if tr.reviewed else None
    session.add(row)


def _reviewed_at(stored: datetime | None, tr: TranslationDraft) -> datetime | None:
    """The day of the review; the stored moment where it is that day."""
    if not tr.reviewed_on:
        return None
    day = date.fromisoformat(tr.reviewed_on)
    if stored is not None and stored.date() == day:
        return stored
    return datetime.combine(day, time(), tzinfo=UTC)
