"""A translation marked reviewed by a named reviewer with a date: the console's "Mark
reviewed". The mark is part of the pack file (`reviewed_by`, `reviewed_on`, FORMAT.md),
so it travels with versions and exports; editing the text clears it
(services/versions.save)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlmodel import Session

from content.models import Practice, PracticeVersion
from services import versions
from services.access import Principal
from services.audit import record


def mark_reviewed(*, session: Session, practice: Practice, lang: str, actor: Principal,
                  now: datetime) -> None:
    """Marks the text the editor shows in `lang` reviewed by the account, today: in the
    pending edit if there is one or the practice is not published (it goes live when
    published), else live at once as the next version."""
    row = versions.pending(session=session, practice_id=practice.id)
    files = versions.editing(session=session, practice=practice)
    draft, _ = versions.check(practice=practice, files=files)
    if draft is None or lang not in draft.translations:
        raise versions.Refused(f"there is no {lang} text to review")
    draft.translations[lang] = replace(draft.translations[lang], reviewed=True,
                                       reviewed_by=actor.name,
                                       reviewed_on=now.date().isoformat())
    marked = versions.files_of(draft)
    if row is None and practice.status == "published":
        versions.apply(session=session, practice=practice, files=marked, actor=actor,
                       now=now, note=f"{lang} reviewed by {actor.name}")
    else:
        row = row or PracticeVersion(practice_id=practice.id, created_by=actor.name)
        row.files, row.created_at = marked, now
        session.add(row)
        session.flush()
    record(session=session, actor=actor, action="practice.review", target_type="practice",
           target_id=practice.id, slug=practice.slug, lang=lang, reviewer=actor.name)
