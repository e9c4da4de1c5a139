"""The worker's clock: follow-ups, escalations, weekly stories and relay expiry.

Every tick (about every 30 s; a tick with nothing due costs a few indexed queries):
- due jobs run (bot.jobs.run_due: follow-ups, relay expiry, reach reports);
- bot.flows.answering.sweep routes questions that waited for answerers' quiet hours and
  hands those unanswered for `escalate_after` to the moderators; its notices are
  delivered in the same transaction.
Every scan (every few minutes, and on the first tick), the work that reads whole tables:
- follow-up jobs for practices read to the end long enough ago (schedule_followups);
- the weekly story (services.scheduling.queue_weekly_stories), which also sends the
  stories held back by quiet hours once they are over;
- the SMS roll-up's rows folded into one per day, country and organisation
  (services.indicators.rollup.squash), so the SMS indicator reads few rows;
- the goals' progress measured again (services.indicators.goals.remeasure).

Any number of workers may tick at once: jobs are claimed with FOR UPDATE SKIP LOCKED
(PostgreSQL) and finished in the transaction that queues their messages (see bot/jobs);
the weekly run holds an advisory lock per batch and re-reads who is due under it;
schedule_followups never makes a second job for a reading, and a race between two
workers ends in the unique index, rolled back and logged. Each part is guarded on its
own: one that fails is logged and tried again at the next tick or scan.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine as Database

from bot.catalog import Catalog
from bot.flows import answering
from bot.jobs import BATCH, Ran, run_due
from bot.notify import deliver
from bot.render import Renderer
from bot.replies import Reply
from content.channels import kind
from content.db import session_scope
from content.models import utcnow
from services.indicators.goals import remeasure
from services.indicators.rollup import squash
from services.scheduling import queue_weekly_stories, schedule_followups
from services.scheduling.story_text import Render, RendererFactory, default_renderer
from services.stories import StoryPiece

log = logging.getLogger(__name__)

# Seconds a tick spends on due jobs, well inside a claim's lease (services.scheduling.LEASE)
# so that no other worker takes a claimed job over while it waits in the batch.
JOBS_BUDGET = 20.0
# Segments the story may take before the renderer would page it: none does. The weekly
# text is cut to the member's own budget afterwards (story_text); a broadcast has no MORE.
UNPAGED = 50


@dataclass
class Tick:
    """What one tick did; None for the parts that did not run or failed."""

    jobs: Ran | None = None
    swept: int | None = None
    followups: int | None = None
    stories: int | None = None
    squashed: int | None = None
    goals: int | None = None


@dataclass
class Scheduler:
    """Runs what is due, tick after tick; one per worker process."""

    db: Database
    catalog: Catalog
    followup_after: timedelta = timedelta(days=14)
    escalate_after: timedelta = timedelta(hours=48)
    scan_every: timedelta = timedelta(minutes=10)
    worker: str = field(default_factory=lambda: f"sched-{os.getpid()}-{uuid.uuid4().hex[:6]}")
    last_scan: datetime | None = None

    def tick(self, now: datetime | None = None) -> Tick:
        """One round; `now` defaults to the clock."""
        now = now or utcnow()
        done = Tick()
        self.catalog.freshen()  # texts reviewed in the console (bot/catalog_sync.py)
        scan = self.last_scan is None or now - self.last_scan >= self.scan_every
        if scan:
            self.last_scan = now
            done.followups = _guard("follow-up scheduling", self.followups, now)
        done.jobs = _guard("due jobs", self.jobs, now)
        done.swept = _guard("answering sweep", self.sweep, now)
        if scan:
            done.stories = _guard("weekly stories", self.stories, now)
            done.squashed = _guard("SMS roll-up", self.squash, now)
            done.goals = _guard("goals", self.goals, now)
        return done

    async def run(self, stop: asyncio.Event, every: float = 30.0) -> None:
        """Ticks until `stop` is set; a tick in hand is finished first."""
        while not stop.is_set():
            try:
                await asyncio.to_thread(self.tick)
            except Exception:  # a tick guards its parts; this keeps the loop alive anyway
                log.exception("scheduler tick failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)

    def followups(self, now: datetime) -> int:
        """Follow-up jobs for readings finished `followup_after` ago."""
        with session_scope(self.db) as session:
            return schedule_followups(session=session, now=now, after=self.followup_after)

    def jobs(self, now: datetime) -> Ran:
        """Runs the due jobs, batch after batch for up to JOBS_BUDGET (a backlog, such as
        the first follow-ups after a deployment, is worked off at once, not a batch a
        tick); what is left waits for the next tick."""
        ran, started = Ran(), time.monotonic()
        while True:
            batch = run_due(self.db, self.catalog, now=now, worker=self.worker)
            ran.add(batch)
            if batch.total < BATCH or time.monotonic() - started > JOBS_BUDGET:
                return ran

    def sweep(self, now: datetime) -> int:
        """Escalations and re-routing; their notices go out in the same transaction."""
        with session_scope(self.db) as session:
            notices = answering.sweep(session, now, after=self.escalate_after)
            for notice in notices:
                deliver(session, self.catalog, notice, now=now)
            return len(notices)

    def stories(self, now: datetime) -> int:
        """This week's story for everyone due one."""
        return queue_weekly_stories(db=self.db, now=now,
                                    renderer_factory=story_renderer(self.catalog))


    def squash(self, now: datetime) -> int:
        """The SMS roll-up's rows folded (services/indicators/rollup.py)."""
        with session_scope(self.db) as session:
            return squash(session)

    def goals(self, now: datetime) -> int:
        """The progress of goals whose period is not over, measured again."""
        with session_scope(self.db) as session:
            return remeasure(session=session, now=now)


def story_renderer(catalog: Catalog) -> RendererFactory:
    """The weekly story as the STORY flow shows a snippet (`story.snippet`), in the
    story's language, for the channel; without the flow's options, which would answer
    a dialog the member is not in."""
    def factory(channel: str, lang: str) -> Render:
        try:
            caps = kind(channel)
        except LookupError:  # a channel no module declares any more: plain text
            return default_renderer(channel, lang)
        renderer = Renderer(catalog, caps, lang, budget=UNPAGED)
        return lambda story: renderer.render([snippet(story)]).messages[0].text
    return factory


def snippet(story: StoryPiece) -> Reply:
    """The story's text as the STORY flow's snippet reply, without options."""
    return Reply("story.snippet", {"title": story.title, "text": story.text,
                                   "n": story.position + 1, "total": story.total})


def _guard(what: str, part: Callable, now: datetime):
    """Runs one part of the tick; a failure is logged and the tick goes on."""
    try:
        return part(now)
    except Exception:
        log.exception("scheduler: %s failed; tried again later", what)
        return None
