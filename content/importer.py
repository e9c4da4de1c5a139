"""Writes validated drafts into the store. Idempotent: re-importing updates, never duplicates.

The pack is the truth for the practices it holds: a language file or snippet that left
the pack leaves the store. Practices the pack does not hold are not touched.

The search index is not content's business (content cannot import services): the caller
passes `ImportResult.changed_ids` to services.search.reindex after importing. Every writer
of content must do the same for the practices it changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, delete, select

from content.drafts import PracticeDraft, TranslationDraft
from content.models import AuditLog, Faq, Practice, PracticeTranslation, Snippet, utcnow


@dataclass
class ImportResult:
    """How many practices were created, updated or left as they were, and the ids of
    those created or updated (whose search index rows must be rebuilt)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changed_ids: list[int] = field(default_factory=list, compare=False)


def import_drafts(session: Session, drafts: Iterable[PracticeDraft], *, actor: str = "import",
                  on_each: Callable[[PracticeDraft], None] | None = None) -> ImportResult:
    """Upserts every draft by slug in the caller's transaction."""
    result = ImportResult()
    for draft in drafts:
        practice = session.exec(select(Practice).where(Practice.slug == draft.slug)).first()
        digest = draft.content_hash()
        if practice is not None and practice.content_hash == digest:
            result.unchanged += 1
        else:
            if practice is None:
                practice = Practice(slug=draft.slug)
                result.created += 1
            else:
                result.updated += 1
            _write(session, practice, draft, digest)
            result.changed_ids.append(practice.id)
            session.add(AuditLog(actor=actor, action="practice.import", target_type="practice",
                                 target_id=draft.slug, details={"hash": digest}))
        if on_each:
            on_each(draft)
    return result


def _write(session: Session, practice: Practice, draft: PracticeDraft, digest: str) -> None:
    practice.pack, practice.status, practice.country = draft.pack, draft.status, draft.country
    practice.organisation, practice.topics = draft.organisation, list(draft.topics)
    practice.sectors, practice.sources = list(draft.sectors), list(draft.sources)
    practice.content_hash, practice.updated_at = digest, utcnow()
    session.add(practice)
    session.flush()
    pid = practice.id
    for table in (Snippet, Faq):
        session.exec(delete(table).where(table.practice_id == pid))
    existing = {t.lang: t for t in session.exec(
        select(PracticeTranslation).where(PracticeTranslation.practice_id == pid))}
    for lang, gone in existing.items():
        if lang not in draft.translations:
            session.delete(gone)
    for lang, tr in draft.translations.items():
        _write_translation(session, existing.get(lang) or PracticeTranslation(
            practice_id=pid, lang=lang, title=tr.title), tr)
        session.add_all(Snippet(practice_id=pid, lang=lang, position=i, text=text)
                        for i, text in enumerate(tr.snippets))
        session.add_all(Faq(practice_id=pid, lang=lang, position=i, question=f.q, answer=f.a)
                        for i, f in enumerate(tr.faq))
    session.flush()


def _write_translation(session: Session, row: PracticeTranslation, tr: TranslationDraft) -> None:
    row.title, row.body, row.reviewed = tr.title, tr.body, tr.reviewed
    row.translated_from = tr.translated_from
    for key in ("cooperation", "approach", "shared_across_borders", "shared_in_country",
                "results"):
        setattr(row, key, tr.template.get(key))
    session.add(row)
