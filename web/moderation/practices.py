"""Member-documented practices, visit demand, replication counts.

- `GET /practices/drafts`: practices in review (SHARE interviews) with their texts,
  photos and the contributor's country and language, never a phone number or chat id;
- `PATCH /practices/{id}`: edit any practice's facts and texts (draft, in review,
  published or archived): the change is kept as the pending version (services/versions)
  and validated as `peerlearn content validate` does (422 with file, line, field);
  members keep the live text until `POST /practices/{id}/publish` (for a member's
  draft: snippets cut from its texts, the contributor told, and a week later told how
  many members it reached; topics are required); `POST /practices/{id}/archive`;
  `POST /practices/{id}/restore` brings an archived practice back;
- `GET /visits/demand`: members who would like to visit, per practice and country;
- `GET /practices/replication`: TRIED reports per practice, country and outcome.

The console's editor uses the same services. Every change is written to the audit log
with the account; practices outside the account's scope are 404, a translator's
change outside its languages 403.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import APIRouter, Depends, HTTPException
from sqlmodel import Session, select

from bot import notify
from bot.flows import share
from content.db import session_scope
from content.models import Practice, utcnow
from services import curation, replication, stories, versions, visits
from services.access import Principal, sees_practice
from services.practice_edits import edit_draft
from web.moderation import auth
from web.moderation.practice_rows import (
    Archived,
    Draft,
    PracticeEdit,
    Published,
    Replication,
    VisitDemand,
    draft_row,
    pending_draft,
)
from web.params import RowId


def make_router(services) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    reading = Depends(auth.require(services, "practices.read"))
    reader = [reading]
    editor = Depends(auth.require(services, "practices.edit"))
    publisher = Depends(auth.require(services, "practices.publish"))
    archiver = Depends(auth.require(services, "practices.archive"))

    @router.get("/practices/drafts")
    def drafts(principal: Principal = reading) -> list[Draft]:
        """Practices in review in the account's scope, oldest first."""
        with Session(services.db) as session:
            return [draft_row(session, *row) for row in curation.drafts(session=session)
                    if sees_practice(principal, row[0])]

    @router.patch("/practices/{practice_id}")
    def edit(practice_id: RowId, change: PracticeEdit, principal: Principal = editor) -> Draft:
        """Changes a practice's facts and texts: kept as its pending version."""
        # null leaves a field as it is (title, body, topics cannot be empty); "" clears a text
        facts = change.model_dump(exclude_none=True, exclude={"translations"})
        texts = {lang: t.model_dump(exclude_none=True)
                 for lang, t in change.translations.items()}
        now = utcnow()
        with _errors(), session_scope(services.db) as session:
            practice = _practice(session, principal, practice_id)
            draft, _ = versions.check(practice=practice, files=versions.editing(
                session=session, practice=practice))
            edited = edit_draft(draft, facts=facts, texts=texts, reviewer=principal.name,
                                today=now.date())
            problems = versions.save(session=session, practice=practice,
                                     files=versions.files_of(edited), actor=principal,
                                     now=now)
            if any(not p.warning for p in problems):
                raise versions.Invalid([p for p in problems if not p.warning])
            return pending_draft(session, practice)

    @router.post("/practices/{practice_id}/publish")
    def publish(practice_id: RowId, principal: Principal = publisher) -> Published:
        """Publishes the pending edit (a member's draft: tells its contributor)."""
        now = utcnow()
        with _errors(), session_scope(services.db) as session:
            practice = _practice(session, principal, practice_id)
            first = practice.published_at is None
            versions.publish(session=session, practice=practice, actor=principal, now=now)
            notice = share.published_notice(session, practice) if first else None
            sent = notify.deliver(session, services.catalog, notice, now=now) \
                if notice else []
            return Published(id=practice.id, slug=practice.slug, status=practice.status,
                             published_at=practice.published_at,
                             contributor_notified=bool(sent))

    @router.post("/practices/{practice_id}/archive")
    def archive(practice_id: RowId, principal: Principal = archiver) -> Archived:
        """Archives a practice (a draft not to publish, or one to withdraw)."""
        with _errors(), session_scope(services.db) as session:
            practice = _practice(session, principal, practice_id)
            curation.archive(session=session, practice_id=practice.id, actor=principal,
                             now=utcnow())
            return Archived(id=practice.id, slug=practice.slug, status=practice.status)

    @router.post("/practices/{practice_id}/restore")
    def restore(practice_id: RowId, principal: Principal = archiver) -> Archived:
        """Brings an archived practice back (published, or in review if never published)."""
        with _errors(), session_scope(services.db) as session:
            practice = _practice(session, principal, practice_id)
            versions.restore_archived(session=session, practice=practice, actor=principal,
                                      now=utcnow())
            return Archived(id=practice.id, slug=practice.slug, status=practice.status)

    @router.get("/visits/demand", dependencies=reader)
    def visit_demand() -> list[VisitDemand]:
        """Members who would like to visit, per practice and country, most wanted first."""
        with Session(services.db) as session:
            rows = visits.demand(session=session)
            titles = stories.titles(session=session, langs=["en"],
                                    practice_ids=sorted({r.practice_id for r in rows}))
            return [VisitDemand(practice_id=r.practice_id, practice=r.slug,
                                title=titles.get(r.practice_id, r.slug),
                                visitors_welcome=r.visitors_welcome, country=r.country,
                                members=r.members) for r in rows]

    @router.get("/practices/replication", dependencies=reader)
    def replication_counts() -> list[Replication]:
        """Reports per practice, country and outcome."""
        with Session(services.db) as session:
            counts = replication.counts(session=session)
            slugs = dict(session.execute(select(Practice.id, Practice.slug).where(
                Practice.id.in_({c.practice_id for c in counts}))).all()) if counts else {}
            return [Replication(practice_id=c.practice_id,
                                practice=slugs.get(c.practice_id, ""), country=c.country,
                                outcome=c.outcome, reports=c.reports, members=c.members)
                    for c in counts]

    return router


@contextmanager
def _errors() -> Iterator[None]:
    """The services' refusals as HTTP: 404 for no such practice (or one outside the
    account's scope), 403 for a translator's change outside its languages, 409 for a
    state that does not allow the action, 422 with the validator's problems."""
    try:
        yield
    except curation.NotFound as error:
        raise HTTPException(404, "no such practice") from error
    except versions.NotTheirs as error:
        raise HTTPException(403, str(error)) from error
    except curation.Refused as error:
        raise HTTPException(409, str(error)) from error
    except versions.Invalid as error:
        raise HTTPException(422, [{"file": p.path, "line": p.line, "field": p.field,
                                   "message": p.message} for p in error.problems]) from error


def _practice(session: Session, principal: Principal, practice_id: int) -> Practice:
    """The practice if the account's scope holds it."""
    practice = session.get(Practice, practice_id)
    if practice is None or not sees_practice(principal, practice):
        raise curation.NotFound(practice_id)
    return practice
