"""Moderators' work on practices documented by members: listing drafts, archiving
(written to the audit log), cutting a member's texts into snippets, and how many members
a practice reached. Editing and publishing go through services/versions.py, like every
practice's."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from content.models import Practice, PracticeTranslation, Reading
from services.access import Principal
from services.audit import record
from services.documentation import next_question, touch
from services.sandbox import same_sandbox
from services.search import reindex
from services.sms import split_to_budget

REACH = "reach"  # job kind: tell the contributor how many members their practice reached
REACH_AFTER = timedelta(days=7)
# Room a snippet leaves for the story's options ("1 More / 2 Another / 0 Menu").
SNIPPET_RESERVE = "\n" + "x" * 39


class NotFound(LookupError):
    """No practice with that id."""


class Refused(ValueError):
    """The practice is not in a state that allows the action."""


def get(*, session: Session, practice_id: int) -> Practice:
    """A practice by id; NotFound if there is none."""
    practice = session.get(Practice, practice_id)
    if practice is None:
        raise NotFound(practice_id)
    return practice


def archive(*, session: Session, practice_id: int, actor: str, now: datetime) -> Practice:
    """Takes a practice out of review or out of the stories; its index rows go."""
    practice = get(session=session, practice_id=practice_id)
    if practice.status == "archived":
        raise Refused("the practice is archived already")
    before, practice.status = practice.status, "archived"
    touch(session, practice, now)
    reindex(session=session, practice_ids=[practice.id])
    _audit(session, actor, "practice.archive", practice, {"was": before})
    return practice


def drafts(*, session: Session) -> list[tuple[Practice, list[PracticeTranslation], bool]]:
    """Practices in review, oldest first, with their translations and whether the
    interview is finished."""
    found = list(session.exec(select(Practice).where(Practice.status == "review")
                              .order_by(Practice.id)))
    rows = session.exec(select(PracticeTranslation).where(
        PracticeTranslation.practice_id.in_([p.id for p in found]))
        .order_by(PracticeTranslation.lang)) if found else []
    by_practice: dict[int, list[PracticeTranslation]] = {}
    for row in rows:
        by_practice.setdefault(row.practice_id, []).append(row)
    return [(p, by_practice.get(p.id, []), next_question(session=session, practice=p) is None)
            for p in found]


def readers(*, session: Session, practice_id: int, sandbox: str | None,
            exclude: int | None = None) -> int:
    """Distinct members who read at least the start of the practice, on the side of
    `sandbox` (None: real members; services/sandbox.py)."""
    query = select(Reading.member_id).where(Reading.practice_id == practice_id,
                                            same_sandbox(Reading.member_id, sandbox))
    if exclude is not None:
        query = query.where(Reading.member_id != exclude)
    return len(set(session.exec(query)))


def story_pieces(texts: list[str]) -> list[str]:
    """A member's texts (in story order) cut into SMS-sized snippets."""
    pieces: list[str] = []
    for text in texts:
        if text and text.strip():
            pieces += split_to_budget(text.strip(), 2, reserve=SNIPPET_RESERVE)
    return pieces


def _audit(session: Session, actor: Principal | str, action: str, practice: Practice,
           details: dict) -> None:
    record(session=session, actor=actor, action=action, target_type="practice",
           target_id=practice.id, slug=practice.slug, **details)
