"""Scheduled work the worker runs: one handler per job kind, and the runner.

A handler gets the session, the claimed Job (attached to that session) and the time,
does its work in that transaction and returns the notices to send. Flows own their
handlers; this table names them. A new job kind needs a line here, or the runner
cancels its jobs.

What a handler may do with the job:
- return (notices or []): the job is done;
- set `job.due_at` to a later time: it runs again then (e.g. the member is asleep);
- set `job.status = "cancelled"`: there was nothing to do;
- raise: nothing of the transaction is kept; the job is tried again later, with a
  delay that grows with the job's age (1 minute, then doubling, at most an hour).

Sending at most once: each job runs in one transaction that first takes the job (a
conditional UPDATE on this worker's claim token, which also locks the row on
PostgreSQL and takes SQLite's write lock), then runs the handler, queues its notices in
the outbox and marks the job done, and commits all of that together. A crash before the
commit leaves neither the outbox rows nor the `done`: after the claim's lease another
worker runs the job again, and it is sent once. A crash after the commit leaves a done
job and queued rows the dispatcher sends. A worker that was too slow and lost its claim
(the lease ran out and another worker took the job) finds its UPDATE matching nothing
and leaves the job alone. Only a handler that acts outside the database (none does)
could act twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine as Database
from sqlmodel import Session

from bot import relay
from bot.catalog import Catalog
from bot.flows import share, tried, visit_host, visiting
from bot.notify import deliver
from bot.replies import Notice
from content.db import session_scope
from content.models import Job, Member
from content.models.messages import PRIORITY_BROADCAST, PRIORITY_REPLY
from services import localtime
from services.scheduling import STORY, claim_due, finish, release
from services.scheduling.clock import quiet_over

log = logging.getLogger(__name__)

Handler = Callable[[Session, Job, datetime], list[Notice]]
HANDLERS: dict[str, Handler] = {
    "relay_expiry": relay.expire,
    "followup": tried.followup,
    "reach": share.reach,
    "followup_late": tried.followup_late,
    "visit_invite": visiting.invitation,
    "visit_week": visiting.reminder,
    "visit_day": visiting.reminder,
    "visit_change": visiting.changed,
    "visit_cancel": visiting.cancelled,
    "visit_reflect": visiting.reflection,
    "visit_lapse": visiting.lapse,
    "visit_lapsed": visiting.lapsed,
    **dict.fromkeys(visit_host.KEYS, visit_host.host_notice),
}
# Notices about exchange visits; `visit_lapse` is not one: it moves a seat on at its
# hour, whatever the member's clock (the notices it leaves wait for their morning).
VISITS = ("visit_invite", "visit_week", "visit_day", "visit_change", "visit_cancel",
          "visit_reflect", "visit_lapsed", *visit_host.KEYS)
# Nudges nobody waits for go after the replies; a closed relay is news to a live talk.
PRIORITIES = {"followup": PRIORITY_BROADCAST, "reach": PRIORITY_BROADCAST,
              "followup_late": PRIORITY_BROADCAST,
              **dict.fromkeys(VISITS, PRIORITY_BROADCAST)}
# Kinds that only speak to the job's member: held while it is night on their clock.
QUIET_KINDS = frozenset({"followup", "reach", "followup_late", *VISITS})
# `story` jobs belong to the weekly run (services.scheduling.weekly), which finishes them.
OWN_RUN = (STORY,)
BATCH = 100  # jobs claimed at once; a batch takes far less than the claim's lease
RETRY_MIN, RETRY_MAX = timedelta(minutes=1), timedelta(hours=1)


@dataclass
class Ran:
    """What one pass did, by outcome."""

    done: int = 0
    deferred: int = 0
    cancelled: int = 0
    failed: int = 0
    lost: int = 0  # another worker had taken the job over

    @property
    def total(self) -> int:
        return self.done + self.deferred + self.cancelled + self.failed + self.lost

    def add(self, other: Ran) -> None:
        """Counts another pass in."""
        for name in ("done", "deferred", "cancelled", "failed", "lost"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def run_due(db: Database, catalog: Catalog, *, now: datetime, worker: str,
            limit: int = BATCH) -> Ran:
    """Claims due jobs (all kinds but the weekly story's) and runs each in its own
    transaction; a failing job is released for later and the others go on."""
    ran = Ran()
    for job in claim_due(db=db, now=now, worker=worker, limit=limit, exclude=OWN_RUN):
        handler = HANDLERS.get(job.kind)
        if handler is None:
            log.error("job %s: no handler for kind %r; cancelled", job.id, job.kind)
            ran.cancelled += finish(db=db, job_ids=[job.id], status="cancelled")
            continue
        try:
            outcome = _run(db, catalog, handler, job, now)
        except Exception:
            retry = now + backoff(job, now)
            log.exception("job %s (%s) failed; retried at %s", job.id, job.kind, retry)
            release(db=db, job_ids=[job.id], due_at=retry)
            ran.failed += 1
            continue
        setattr(ran, outcome, getattr(ran, outcome) + 1)
    return ran


def backoff(job: Job, now: datetime) -> timedelta:
    """How long a failed job waits: as long as it has existed, within [1 min, 1 h].
    A job created when due (a follow-up) so waits 1, 1, 2, 4, ... minutes, with no
    attempt counter; one scheduled weeks ahead (a relay's expiry) retries hourly."""
    age = now - _aware(job.created_at)
    return min(max(age, RETRY_MIN), RETRY_MAX)


def _run(db: Database, catalog: Catalog, handler: Handler, job: Job, now: datetime) -> str:
    with session_scope(db) as session:
        taken = session.exec(update(Job).where(
            Job.id == job.id, Job.claimed_by == job.claimed_by, Job.status == "due")
            .values(claimed_at=now))
        if taken.rowcount != 1:
            return "lost"
        row = session.get(Job, job.id)
        if not _hold_for_quiet_hours(session, row, now):
            for notice in handler(session, row, now):
                deliver(session, catalog, notice, now=now,
                        priority=PRIORITIES.get(row.kind, PRIORITY_REPLY))
        outcome = _settle(row, now)
        row.claimed_by, row.claimed_at = None, None
        session.add(row)
        return outcome


def _settle(row: Job, now: datetime) -> str:
    """Done, unless the handler put the job off or cancelled it."""
    if row.status == "cancelled":
        return "cancelled"
    if row.status == "due" and _aware(row.due_at) > now:
        return "deferred"
    row.status = "done"
    return "done"


def _hold_for_quiet_hours(session: Session, row: Job, now: datetime) -> bool:
    """Moves a member's nudge to the end of their quiet hours; True if it did."""
    if row.kind not in QUIET_KINDS or row.member_id is None:
        return False
    member = session.get(Member, row.member_id)
    if member is None or localtime.reachable(member.timezone, member.quiet_start,
                                             member.quiet_end, now):
        return False
    local = now.astimezone(localtime.zone(member.timezone))
    row.due_at = quiet_over(local, member.quiet_end)
    return True


def _aware(moment: datetime) -> datetime:
    """Columns come back without a zone; every time here is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
