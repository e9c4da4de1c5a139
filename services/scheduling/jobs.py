"""A job queue on the Job table, safe with several workers.

A job is `due` until a worker finishes it (`done`) or it is `cancelled`. Claiming does
not change the status: it writes a fresh claim token and time into `claimed_by` /
`claimed_at` (with `FOR UPDATE SKIP LOCKED` on PostgreSQL), as the outbox dispatcher
does, so two workers never hold the same job; a claim older than the lease counts as
abandoned (the worker died) and the job can be claimed again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, insert, literal, or_, text, update
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine as Database
from sqlmodel import Session, select

from content.db import is_sqlite, session_scope
from content.models import Job, Reading, utcnow

FOLLOWUP = "followup"  # ref_id: the practice read; sent by the TRIED flow
STORY = "story"  # the weekly story: `done` = sent at due_at, `due` = deferred (quiet hours)
LEASE = timedelta(minutes=5)
FOLLOWUP_LOCK = 0x57_0F01  # pg_advisory_xact_lock key of schedule_followups


def schedule(*, session: Session, kind: str, due_at: datetime, member_id: int | None = None,
             ref_id: int | None = None) -> Job:
    """A due job of this kind for (member_id, ref_id); the one already due if there is
    one (its due time is left alone), so calling twice does not duplicate it."""
    found = session.exec(select(Job).where(
        Job.kind == kind, Job.status == "due",
        Job.member_id.is_(None) if member_id is None else Job.member_id == member_id,
        Job.ref_id.is_(None) if ref_id is None else Job.ref_id == ref_id)).first()
    if found is not None:
        return found
    job = Job(kind=kind, member_id=member_id, ref_id=ref_id, due_at=due_at)
    session.add(job)
    session.flush()
    return job


def _claimable(now: datetime, lease: timedelta):
    return and_(Job.status == "due", Job.due_at <= now,
                or_(Job.claimed_by.is_(None), Job.claimed_at < now - lease))


def claim_due(*, db: Database, now: datetime, worker: str, limit: int = 500,
              kinds: Iterable[str] | None = None, exclude: Iterable[str] = (),
              lease: timedelta = LEASE) -> list[Job]:
    """Takes up to `limit` due jobs (oldest due first) for this worker: of `kinds` if
    given, never of the kinds in `exclude`."""
    token = f"{worker}:{uuid.uuid4().hex[:8]}"[:64]
    with session_scope(db) as session:
        due = sa_select(Job.id).where(_claimable(now, lease))
        if kinds is not None:
            due = due.where(Job.kind.in_(list(kinds)))
        if excluded := list(exclude):
            due = due.where(Job.kind.not_in(excluded))
        due = due.order_by(Job.due_at, Job.id).limit(limit)
        if not is_sqlite(db):
            due = due.with_for_update(skip_locked=True)
        # Two statements, not UPDATE ... WHERE id IN (subquery LIMIT n): PostgreSQL may
        # run such a subquery more than once and claim more than n rows. The UPDATE
        # repeats the condition, so a job another worker took in between is left alone.
        ids = list(session.exec(due).scalars())
        if not ids:
            return []
        session.exec(update(Job).where(Job.id.in_(ids), _claimable(now, lease))
                     .values(claimed_by=token, claimed_at=now))
        return list(session.exec(select(Job).where(Job.claimed_by == token)
                                 .order_by(Job.due_at, Job.id)))


def finish(*, db: Database, job_ids: Iterable[int], status: str = "done") -> int:
    """Marks claimed jobs done (or `cancelled`); returns how many changed."""
    ids = list(job_ids)
    if not ids:
        return 0
    with session_scope(db) as session:
        result = session.exec(update(Job).where(Job.id.in_(ids), Job.status == "due")
                              .values(status=status, claimed_by=None))
        return result.rowcount


def release(*, db: Database, job_ids: Iterable[int], due_at: datetime | None = None) -> int:
    """Gives claimed jobs back, due again now or at `due_at` (a retry later)."""
    ids = list(job_ids)
    if not ids:
        return 0
    values: dict = {"claimed_by": None, "claimed_at": None}
    if due_at is not None:
        values["due_at"] = due_at
    with session_scope(db) as session:
        result = session.exec(update(Job).where(Job.id.in_(ids), Job.status == "due")
                              .values(**values))
        return result.rowcount


def schedule_followups(*, session: Session, now: datetime,
                       after: timedelta = timedelta(days=14)) -> int:
    """One `followup` job, due now, per (member, practice) whose reading was completed at
    least `after` ago and that never had one (whatever its status): never twice.
    One INSERT ... SELECT, so it costs the same for ten readings or a million. On
    PostgreSQL, workers doing this at once take turns (a transaction-scoped advisory
    lock): the second one's statement then sees the first one's jobs and adds none."""
    if not is_sqlite(session.get_bind()):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FOLLOWUP_LOCK})
    ever = exists().where(Job.kind == FOLLOWUP, Job.member_id == Reading.member_id,
                          Job.ref_id == Reading.practice_id)
    stamp = utcnow()
    rows = sa_select(literal(FOLLOWUP), Reading.member_id, Reading.practice_id,
                     literal(now, Job.__table__.c.due_at.type), literal("due"),
                     literal(stamp, Job.__table__.c.created_at.type)).where(
        Reading.completed_at.is_not(None), Reading.completed_at <= now - after, ~ever)
    table = Job.__table__
    # preserve_rowcount: an INSERT's rowcount is otherwise not kept on PostgreSQL.
    result = session.execute(insert(table).execution_options(preserve_rowcount=True).from_select(
        [table.c.kind, table.c.member_id, table.c.ref_id, table.c.due_at, table.c.status,
         table.c.created_at], rows))
    return result.rowcount
