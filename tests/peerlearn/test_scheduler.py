"""The scheduler's jobs: due jobs run once (even with two workers), failures retry later
without blocking others, unknown kinds are cancelled, follow-ups respect quiet hours;
and the flows' own handlers (follow-up, relay expiry) and the escalation sweep through
the tick. The weekly story through the tick: test_scheduler_weekly.py."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from bot import jobs
from bot.replies import Notice, Reply
from bot.scheduler import Scheduler
from content.models import (
    ConversationState,
    Identity,
    Introduction,
    Job,
    Member,
    OutboundMessage,
    Practice,
    Question,
    QuestionRoute,
    Reading,
)
from content.models.messages import PRIORITY_BROADCAST, PRIORITY_REPLY
from services.scheduling import claim_due

NOW = datetime(2025, 3, 5, 13, 45, tzinfo=UTC)  # 20:45 in Phnom Penh, 21:45 in Manila
NIGHT_ENDS_IN_MANILA = datetime(2025, 3, 5, 23, 0, tzinfo=UTC)  # 07:00 there


def add_member(db, *, channel: str = "sms", language: str = "en", subscribed: bool = False,
               **fields) -> int:
    """An onboarded member reachable on one channel, with no quiet hours."""
    fields = {"timezone": "Asia/Phnom_Penh", "quiet_start": 0, "quiet_end": 0,
              "story_subscribed": subscribed, "consent_stories": True,
              "onboarded_at": NOW - timedelta(days=30), **fields}
    with Session(db) as session:
        member = Member(language=language, **fields)
        session.add(member)
        session.flush()
        provider = "telegram" if channel == "telegram" else "twilio"
        session.add(Identity(member_id=member.id, provider=provider, channel=channel,
                             address=f"+8551{member.id:07d}"))
        session.commit()
        return member.id


def add_job(db, kind: str, member_id: int | None, *, ref_id: int | None = None,
            due_at: datetime = NOW) -> int:
    with Session(db) as session:
        job = Job(kind=kind, member_id=member_id, ref_id=ref_id, due_at=due_at,
                  created_at=due_at)
        session.add(job)
        session.commit()
        return job.id


def job(db, job_id: int) -> Job:
    with Session(db) as session:
        return session.get(Job, job_id)


def outbox(db) -> list[OutboundMessage]:
    with Session(db) as session:
        return list(session.exec(select(OutboundMessage).order_by(OutboundMessage.id)))


def scheduler(services, **kwargs) -> Scheduler:
    return Scheduler(services.db, services.catalog, **kwargs)


class Nudge:
    """A follow-up handler for the test: records its calls and says "welcome back"."""

    def __init__(self, fail_for: frozenset[int] = frozenset()):
        self.calls: list[tuple[int, int | None, int | None]] = []
        self.fail_for = set(fail_for)
        self.lock = threading.Lock()

    def __call__(self, session, job, now):
        with self.lock:
            self.calls.append((job.id, job.member_id, job.ref_id))
        if job.id in self.fail_for:
            self.fail_for.discard(job.id)
            session.add(Member(name="written by a failed job"))
            session.flush()
            raise RuntimeError("the practice moved")
        return [Notice(job.member_id, (Reply("expired"),))]


@pytest.fixture
def nudge(monkeypatch) -> Nudge:
    handler = Nudge()
    monkeypatch.setitem(jobs.HANDLERS, "followup", handler)
    return handler


# --- the runner ----------------------------------------------------------------------

def test_a_due_followup_is_handled_once_and_done(services, nudge):
    member_id = add_member(services.db)
    job_id = add_job(services.db, "followup", member_id, ref_id=7)
    add_job(services.db, "followup", member_id, ref_id=8, due_at=NOW + timedelta(hours=1))
    ticker = scheduler(services)
    assert ticker.tick(NOW).jobs.done == 1
    assert ticker.tick(NOW + timedelta(minutes=1)).jobs.total == 0
    assert nudge.calls == [(job_id, member_id, 7)]
    done = job(services.db, job_id)
    assert (done.status, done.claimed_by, done.claimed_at) == ("done", None, None)
    [row] = outbox(services.db)
    assert (row.member_id, row.priority, row.text) == (
        member_id, PRIORITY_BROADCAST, services.catalog.text("en", "expired", "sms"))


def test_two_schedulers_at_once_handle_each_job_once(services, nudge):
    members = [add_member(services.db) for _ in range(6)]
    job_ids = {add_job(services.db, "followup", m, ref_id=n)
               for m in members for n in range(5)}
    tickers, barrier = [scheduler(services), scheduler(services)], threading.Barrier(2)

    def work(ticker):
        barrier.wait()
        for n in range(4):
            ticker.tick(NOW + timedelta(seconds=n))

    threads = [threading.Thread(target=work, args=(t,)) for t in tickers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for _ in range(3):  # SQLite may have refused one claim to a concurrent writer
        tickers[0].tick(NOW + timedelta(minutes=2))
    assert sorted(call[0] for call in nudge.calls) == sorted(job_ids)
    assert len(outbox(services.db)) == len(job_ids)
    assert {job(services.db, j).status for j in job_ids} == {"done"}


def test_a_backlog_larger_than_a_batch_is_worked_off_in_one_tick(services, monkeypatch):
    monkeypatch.setitem(jobs.HANDLERS, "relay_expiry", lambda session, job, now: [])
    for n in range(jobs.BATCH + 20):
        add_job(services.db, "relay_expiry", None, ref_id=n)
    assert scheduler(services).tick(NOW).jobs.done == jobs.BATCH + 20


def test_a_failing_handler_is_retried_later_and_others_go_on(services, monkeypatch):
    member_id = add_member(services.db)
    failing = add_job(services.db, "followup", member_id, ref_id=1)
    fine = add_job(services.db, "followup", member_id, ref_id=2)
    handler = Nudge(fail_for=frozenset({failing}))
    monkeypatch.setitem(jobs.HANDLERS, "followup", handler)
    ticker = scheduler(services)

    ran = ticker.tick(NOW).jobs
    assert (ran.done, ran.failed) == (1, 1)
    waiting = job(services.db, failing)
    assert (waiting.status, waiting.claimed_by) == ("due", None)
    assert waiting.due_at.replace(tzinfo=UTC) == NOW + jobs.RETRY_MIN
    with Session(services.db) as session:  # the failed transaction left nothing behind
        assert session.exec(select(Member).where(
            Member.name == "written by a failed job")).first() is None
    assert len(outbox(services.db)) == 1

    assert ticker.tick(NOW + timedelta(seconds=30)).jobs.total == 0
    assert ticker.tick(NOW + jobs.RETRY_MIN).jobs.done == 1
    assert [call[0] for call in handler.calls] == [failing, fine, failing]
    assert job(services.db, failing).status == "done" and len(outbox(services.db)) == 2


@pytest.mark.parametrize("age, wait", [
    (timedelta(0), timedelta(minutes=1)),
    (timedelta(minutes=8), timedelta(minutes=8)),
    (timedelta(days=30), timedelta(hours=1)),
])
def test_the_retry_delay_grows_with_the_jobs_age(age, wait):
    assert jobs.backoff(Job(kind="followup", due_at=NOW, created_at=NOW - age), NOW) == wait


def test_an_unknown_kind_is_cancelled_and_story_jobs_are_left_to_the_weekly_run(services):
    member_id = add_member(services.db)
    unknown = add_job(services.db, "horoscope", member_id)
    story = add_job(services.db, "story", member_id, due_at=NOW - timedelta(hours=1))
    ran = jobs.run_due(services.db, services.catalog, now=NOW, worker="w")
    assert (ran.cancelled, ran.total) == (1, 1)
    assert job(services.db, unknown).status == "cancelled"
    assert (job(services.db, story).status, job(services.db, story).claimed_by) == ("due", None)
    assert outbox(services.db) == []


def test_a_followup_waits_for_the_end_of_the_members_quiet_hours(services, nudge):
    member_id = add_member(services.db, timezone="Asia/Manila", quiet_start=21, quiet_end=7)
    job_id = add_job(services.db, "followup", member_id)
    ticker = scheduler(services)
    assert ticker.tick(NOW).jobs.deferred == 1
    held = job(services.db, job_id)
    assert (held.status, held.due_at.replace(tzinfo=UTC)) == ("due", NIGHT_ENDS_IN_MANILA)
    assert nudge.calls == [] and outbox(services.db) == []
    assert ticker.tick(NIGHT_ENDS_IN_MANILA).jobs.done == 1
    assert len(nudge.calls) == 1 and len(outbox(services.db)) == 1


def put_off(session, job, now):
    job.due_at = now + timedelta(days=1)
    return []


def call_off(session, job, now):
    job.status = "cancelled"
    return []


@pytest.mark.parametrize("handler, status, later", [
    (put_off, "due", timedelta(days=1)),
    (call_off, "cancelled", timedelta(0)),
])
def test_a_handler_may_put_its_job_off_or_cancel_it(services, monkeypatch, handler, status,
                                                    later):
    monkeypatch.setitem(jobs.HANDLERS, "relay_expiry", handler)
    job_id = add_job(services.db, "relay_expiry", None, ref_id=3)
    jobs.run_due(services.db, services.catalog, now=NOW, worker="w")
    found = job(services.db, job_id)
    assert (found.status, found.claimed_by, found.due_at.replace(tzinfo=UTC)) == (
        status, None, NOW + later)


def test_a_job_whose_worker_died_runs_once_after_the_lease(services, nudge):
    member_id = add_member(services.db)
    job_id = add_job(services.db, "followup", member_id)
    assert [j.id for j in claim_due(db=services.db, now=NOW, worker="crashed")] == [job_id]
    ticker = scheduler(services)
    assert ticker.tick(NOW + timedelta(minutes=1)).jobs.total == 0
    assert ticker.tick(NOW + timedelta(minutes=6)).jobs.done == 1
    assert len(nudge.calls) == 1 and len(outbox(services.db)) == 1


def test_the_tick_schedules_followups_for_practices_read_long_ago(services, nudge):
    member_id = add_member(services.db)
    with Session(services.db) as session:
        old, recent = session.exec(select(Practice.id).order_by(Practice.id)).all()[:2]
        session.add_all([
            Reading(member_id=member_id, practice_id=old, lang="en",
                    completed_at=NOW - timedelta(days=10)),
            Reading(member_id=member_id, practice_id=recent, lang="en",
                    completed_at=NOW - timedelta(days=3))])
        session.commit()
    ticker = scheduler(services, followup_after=timedelta(days=7))
    assert ticker.tick(NOW).followups == 1
    assert [call[1:] for call in nudge.calls] == [(member_id, old)]
    assert ticker.tick(NOW + timedelta(minutes=5)).followups is None  # not a scan yet
    assert ticker.tick(NOW + timedelta(days=5)).followups == 1
    assert [call[1:] for call in nudge.calls] == [(member_id, old), (member_id, recent)]


# --- through the flows' own handlers ------------------------------------------------

def test_a_practice_read_two_weeks_ago_gets_one_followup_question(services):
    member_id = add_member(services.db)
    with Session(services.db) as session:
        practice_id = session.exec(select(Practice.id).where(Practice.status == "published")
                                   .order_by(Practice.id)).first()
        session.add(Reading(member_id=member_id, practice_id=practice_id, lang="en",
                            completed_at=NOW - timedelta(days=15)))
        session.commit()
    ticker = scheduler(services)
    assert ticker.tick(NOW).jobs.done == 1
    assert ticker.tick(NOW + timedelta(days=1)).jobs.total == 0  # never twice
    [row] = outbox(services.db)
    assert (row.member_id, row.priority) == (member_id, PRIORITY_BROADCAST)
    assert row.segments <= 2 and "1 " in row.text and "5 " in row.text
    with Session(services.db) as session:
        state = session.exec(select(ConversationState).where(
            ConversationState.member_id == member_id)).one()
        assert (state.flow, state.step, state.data["practice_id"]) == (
            "tried", "outcome", practice_id)
        assert session.exec(select(Job.status).where(Job.kind == "followup")).all() == [
            "done"]


@pytest.mark.parametrize("expires, status, told, job_status", [
    (NOW - timedelta(minutes=1), "closed", 2, "done"),
    (NOW + timedelta(days=2), "active", 0, "due"),  # given more time: the job waits
])
def test_a_relay_closes_when_its_time_is_up(services, expires, status, told, job_status):
    a, b = add_member(services.db, name="Sokha"), add_member(services.db, name="Maria")
    with Session(services.db) as session:
        intro = Introduction(member_a=a, member_b=b, status="active", relay_code="P12",
                             expires_at=expires)
        session.add(intro)
        session.commit()
        intro_id = intro.id
    job_id = add_job(services.db, "relay_expiry", None, ref_id=intro_id)
    scheduler(services).tick(NOW)
    rows = outbox(services.db)
    assert len(rows) == told and {r.priority for r in rows} <= {PRIORITY_REPLY}
    assert {r.member_id for r in rows} == ({a, b} if told else set())
    assert all("P12" in r.text for r in rows)
    with Session(services.db) as session:
        assert session.get(Introduction, intro_id).status == status
    found = job(services.db, job_id)
    assert (found.status, found.claimed_by) == (job_status, None)
    assert found.due_at.replace(tzinfo=UTC) == (NOW if told else expires)


def test_the_tick_hands_unanswered_questions_to_the_moderators(services):
    asker, answerer = add_member(services.db), add_member(services.db)
    with Session(services.db) as session:
        old = Question(member_id=asker, lang="en", text="How to dry fish?", status="routed")
        new = Question(member_id=asker, lang="en", text="How to salt fish?", status="routed")
        session.add_all([old, new])
        session.flush()
        session.add_all([
            QuestionRoute(question_id=old.id, member_id=answerer, code="A1",
                          created_at=NOW - timedelta(hours=49)),
            QuestionRoute(question_id=new.id, member_id=answerer, code="A2",
                          created_at=NOW - timedelta(hours=47))])
        session.commit()
        ids = old.id, new.id
    scheduler(services, escalate_after=timedelta(hours=48)).tick(NOW)
    with Session(services.db) as session:
        escalated = [session.get(Question, i).escalated_at for i in ids]
    assert escalated[0] is not None and escalated[1] is None
