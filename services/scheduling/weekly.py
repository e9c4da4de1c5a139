"""The weekly story: one story snippet a week to every subscribed member, at broadcast
priority, on each of their identities that has not opted out.

Who: story_subscribed, consent_stories and onboarded. A member who had a story in the
last 7 days (a `story` job `done` then) or whose story is deferred (a `story` job `due`
later) is skipped. A member whose local time is in their quiet hours gets a `story` job
due when the quiet hours end; a run at or after that time sends it. The story is the
same for everyone sharing topics and language (see story_text).

How it scales: members are read in batches by id, and each batch is written in one
transaction with executemany inserts (outbox rows, job rows) at driver speed (see bulk)
instead of ORM objects (on PostgreSQL one INSERT ... SELECT FROM unnest per table and
batch): 100,000 members take a few seconds. On PostgreSQL each
batch holds a transaction-scoped advisory lock (SQLite: its write lock) and re-reads who
is due under it, so two workers running this at once do not send anyone two stories.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.engine import Engine as Database
from sqlmodel import Session

from content.db import is_sqlite
from content.models import Identity, Job, Member, OutboundMessage, utcnow
from content.models.messages import PRIORITY_BROADCAST
from services.scheduling.bulk import insert_rows, update_rows
from services.scheduling.clock import LocalClock
from services.scheduling.jobs import STORY
from services.scheduling.story_text import RendererFactory, StoryTexts
from services.sms import prices
from services.sms.prices import Pricer

WINDOW = timedelta(days=7)
BATCH = 5_000
LOCK_KEY = 0x57_0E1E  # pg_advisory_xact_lock key of the weekly run

_m, _i, _j = Member.__table__.c, Identity.__table__.c, Job.__table__.c


def queue_weekly_stories(*, db: Database, now: datetime,
                         renderer_factory: RendererFactory | None = None,
                         batch: int = BATCH) -> int:
    """Queues this week's story for every member due one; returns the outbox rows
    queued. `renderer_factory(channel, lang)` returns a function from a StoryPiece to
    the text to send (default: title and snippet)."""
    clock, queued, after = LocalClock(now), 0, 0
    pricer = Pricer(prices.stored(db))
    with Session(db) as session:
        texts = StoryTexts(session, renderer_factory)
        while True:
            with db.begin() as conn:
                _take_turn(conn, sqlite=is_sqlite(db))
                members = conn.execute(_subscribed(after, batch)).all()
                if not members:
                    return queued
                last = members[-1].id
                skip = set(conn.execute(_blocked(now, after, last)).scalars())
                queued += _Batch(conn, now, clock, texts, pricer).run(
                    [m for m in members if m.id not in skip], after, last)
                after = last


def _take_turn(conn: Connection, *, sqlite: bool) -> None:
    """One batch at a time across workers, reading who is due under the lock: an
    advisory lock on PostgreSQL; on SQLite the write lock, taken before the first read
    (its Python driver would otherwise read outside the transaction and lock only at the
    first insert, so two runs could both find a member due)."""
    if sqlite:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})


def _subscribed(after: int, batch: int):
    return (select(_m.id, _m.timezone, _m.quiet_start, _m.quiet_end, _m.topics_wanted,
                   _m.language, _m.script, _m.zawgyi, _m.segment_budget)
            .where(_m.story_subscribed.is_(True), _m.consent_stories.is_(True),
                   _m.onboarded_at.is_not(None), _m.id > after)
            .order_by(_m.id).limit(batch))


def _blocked(now: datetime, after: int, last: int):
    """Members of the id range who had their story this week or wait for a deferred one.
    A separate query, not NOT EXISTS in the member query: PostgreSQL, with statistics
    taken while the job table was small, ran that as a scan of job per member."""
    return select(_j.member_id).where(
        _j.member_id > after, _j.member_id <= last, _j.kind == STORY, or_(
            and_(_j.status == "done", _j.due_at > now - WINDOW),
            and_(_j.status == "due", _j.due_at > now))).distinct()


class _Batch:
    """One batch of members, written in the caller's transaction."""

    def __init__(self, conn: Connection, now: datetime, clock: LocalClock,
                 texts: StoryTexts, pricer: Pricer):
        self.conn, self.now, self.clock, self.texts = conn, now, clock, texts
        self.pricer = pricer
        self.stamp = utcnow()
        self.outbox: list[dict] = []
        self.new_jobs: list[dict] = []
        self.job_updates: list[dict] = []

    def run(self, members, after: int, last: int) -> int:
        identities = self._identities(after, last)
        pending = self._pending(after, last)
        for member in members:
            self._member(member, identities.get(member.id, ()), pending.get(member.id, []))
        self._write()
        return len(self.outbox)

    def _identities(self, after: int, last: int) -> dict[int, list]:
        # An id range, not IN (5,000 ids): one index range scan, no parameter limit.
        found = defaultdict(list)
        for row in self.conn.execute(select(_i.id, _i.member_id, _i.provider, _i.channel,
                                            _i.address).where(
                _i.member_id > after, _i.member_id <= last, _i.opted_out.is_(False))
                .order_by(_i.id)).all():
            found[row.member_id].append(row)
        return found

    def _pending(self, after: int, last: int) -> dict[int, list[int]]:
        """Deferred story jobs whose time has come, by member."""
        found = defaultdict(list)
        for job_id, member_id in self.conn.execute(select(_j.id, _j.member_id).where(
                _j.kind == STORY, _j.status == "due", _j.due_at <= self.now,
                _j.member_id > after, _j.member_id <= last)).all():
            found[member_id].append(job_id)
        return found

    def _member(self, member, identities, pending: list[int]) -> None:
        if not identities:  # nobody to reach: a deferred story has nowhere to go
            self._close(pending, "cancelled", self.now)
            return
        if self.clock.quiet(member.timezone, member.quiet_start, member.quiet_end):
            later = self.clock.quiet_over(member.timezone, member.quiet_end)
            self._close(pending[:1], "due", later)
            self._close(pending[1:], "cancelled", self.now)
            if not pending:
                self._job(member.id, None, "due", later)
            return
        practice_id = None
        for identity in identities:
            story = self.texts.text(member, identity.channel)
            if story is None:  # no practice with snippets in the member's languages
                continue
            practice_id = story.practice_id
            self.outbox.append(self._row(member.id, identity, story))
        if practice_id is None:
            self._close(pending, "cancelled", self.now)
            return
        self._close(pending, "done", self.now, practice_id)
        if not pending:
            self._job(member.id, practice_id, "done", self.now)

    def _row(self, member_id: int, identity, story) -> dict:
        return dict(member_id=member_id, identity_id=identity.id, provider=identity.provider,
                    channel=identity.channel, address=identity.address, text=story.text,
                    segments=story.segments, encoding=story.encoding,
                    **self.pricer.row(identity.provider, identity.channel, identity.address,
                                      story.segments))

    def _job(self, member_id: int, ref_id: int | None, status: str, due_at: datetime) -> None:
        self.new_jobs.append(dict(member_id=member_id, ref_id=ref_id, due_at=due_at,
                                  status=status))

    def _close(self, job_ids: list[int], status: str, due_at: datetime,
               ref_id: int | None = None) -> None:
        self.job_updates.extend({"id": job_id, "status": status, "due_at": due_at,
                                 "ref_id": ref_id} for job_id in job_ids)

    def _write(self) -> None:
        insert_rows(self.conn, OutboundMessage.__table__, self.outbox, inbound_id=None,
                    buttons=[], priority=PRIORITY_BROADCAST, purpose="broadcast",
                    status="queued", attempts=0, next_attempt_at=self.now,
                    created_at=self.stamp, updated_at=self.stamp)
        insert_rows(self.conn, Job.__table__, self.new_jobs, kind=STORY,
                    created_at=self.stamp)
        update_rows(self.conn, Job.__table__, self.job_updates, key="id", claimed_by=None,
                    claimed_at=None)
