"""Moderators' work on practices documented by members: listing drafts, editing them,
publishing (snippets, search index, a `reach` job for the contributor) and archiving,
each written to the audit log; and how many members a practice reached."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from sqlmodel import Session, delete, select

from content.models import Practice, PracticeTranslation, Reading, Snippet
from services.access import Principal
from services.audit import record
from services.documentation import next_question, touch
from services.scheduling import schedule
from services.search import reindex
from services.sms import split_to_budget

REACH = "reach"  # job kind: tell the contributor how many members their practice reached
REACH_AFTER = timedelta(days=7)
# Room a snippet leaves for the story's options ("1 More / 2 Another / 0 Menu").
SNIPPET_RESERVE = "\n" + "x" * 39
STORY_FIELDS = ("body", "approach", "cooperation", "shared_across_borders",
                "shared_in_country", "results")


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


def publish(*, session: Session, practice_id: int, actor: str, now: datetime) -> Practice:
    """Publishes a draft: snippets from its texts, search index, and a `reach` job for
    the contributor a week later. The caller tells the contributor."""
    practice = get(session=session, practice_id=practice_id)
    if practice.status not in ("draft", "review"):
        raise Refused(f"the practice is {practice.status}")
    texts = _story_texts(session, practice.id)
    if not texts:
        raise Refused("the practice has no text to tell yet")
    session.exec(delete(Snippet).where(Snippet.practice_id == practice.id))
    for lang, pieces in texts.items():
        session.add_all(Snippet(practice_id=practice.id, lang=lang, position=i, text=text)
                        for i, text in enumerate(pieces))
    practice.status, practice.published_at, practice.updated_at = "published", now, now
    practice.content_hash = hashlib.sha256(
        json.dumps(texts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    session.add(practice)
    session.flush()
    reindex(session=session, practice_ids=[practice.id])
    if practice.contributor_id is not None:
        schedule(session=session, kind=REACH, due_at=now + REACH_AFTER,
                 member_id=practice.contributor_id, ref_id=practice.id)
    _audit(session, actor, "practice.publish", practice, {"snippets": {
        lang: len(pieces) for lang, pieces in texts.items()}})
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


def edit(*, session: Session, practice_id: int, actor: str, now: datetime,
         facts: dict, texts: dict[str, dict]) -> Practice:
    """Changes a draft before it is published: facts (topics, sectors, country,
    organisation, visitors_welcome) and texts per language (a new language needs a title)."""
    practice = get(session=session, practice_id=practice_id)
    if practice.status not in ("draft", "review"):
        raise Refused(f"the practice is {practice.status}; only drafts are edited")
    for name, value in facts.items():
        setattr(practice, name, list(value) if isinstance(value, list | tuple) else value)
    for lang, fields in texts.items():
        row = session.exec(select(PracticeTranslation).where(
            PracticeTranslation.practice_id == practice.id,
            PracticeTranslation.lang == lang)).first()
        if row is None:
            if not fields.get("title"):
                raise Refused(f"a new translation ({lang}) needs a title")
            row = PracticeTranslation(practice_id=practice.id, lang=lang, title="")
        for name, value in fields.items():
            setattr(row, name, value)
        session.add(row)
    touch(session, practice, now)
    _audit(session, actor, "practice.edit", practice,
           {"facts": sorted(facts), "texts": {lang: sorted(f) for lang, f in texts.items()}})
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


def readers(*, session: Session, practice_id: int, exclude: int | None = None) -> int:
    """Distinct members who read at least the start of the practice."""
    query = select(Reading.member_id).where(Reading.practice_id == practice_id)
    if exclude is not None:
        query = query.where(Reading.member_id != exclude)
    return len(set(session.exec(query)))


def _story_texts(session: Session, practice_id: int) -> dict[str, list[str]]:
    """Per language, the template's texts cut into SMS-sized snippets, in story order."""
    texts: dict[str, list[str]] = {}
    for row in session.exec(select(PracticeTranslation).where(
            PracticeTranslation.practice_id == practice_id)):
        pieces: list[str] = []
        for name in STORY_FIELDS:
            value = (getattr(row, name) or "").strip()
            if value:
                pieces += split_to_budget(value, 2, reserve=SNIPPET_RESERVE)
        if pieces and row.title:
            texts[row.lang] = pieces
    return texts


def _audit(session: Session, actor: Principal | str, action: str, practice: Practice,
           details: dict) -> None:
    record(session=session, actor=actor, action=action, target_type="practice",
           target_id=practice.id, slug=practice.slug, **details)
