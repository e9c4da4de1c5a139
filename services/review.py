"""What still needs a native speaker: unreviewed practice translations per language."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from content.models import PracticeTranslation


def translation_status(*, session: Session) -> dict[str, tuple[int, int]]:
    """Per language: (practice translations, of which unreviewed)."""
    rows = session.exec(select(PracticeTranslation.lang, PracticeTranslation.reviewed,
                               func.count()).group_by(PracticeTranslation.lang,
                                                      PracticeTranslation.reviewed))
    status: dict[str, list[int]] = {}
    for lang, reviewed, count in rows:
        total = status.setdefault(lang, [0, 0])
        total[0] += count
        if not reviewed:
            total[1] += count
    return {lang: (total, unreviewed) for lang, (total, unreviewed) in status.items()}
