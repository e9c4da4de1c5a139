"""Scheduling: the job queue (idempotent, never double-claimed, leases), follow-ups,
and the weekly story (who gets it, quiet hours, SMS budgets, once a week)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from content.models import Identity, Job, Member, OutboundMessage, Practice, Reading
from content.models.messages import PRIORITY_BROADCAST
from services.scheduling import (
    claim_due,
    finish,
    queue_weekly_stories,
    release,
    schedule,
    schedule_followups,
)
from services.sms import count, prices
from services.sms.prices import Price

NOW = datetime(2025, 3, 5, 13, 45, tzinfo=UTC)  # 20:45 in Phnom Penh, 21:45 in Manila


def add_member(db, *, identities=(("twilio", "sms"),), opted_out=(), subscribed=True,
               consent=True, onboarded=True, **fields) -> tuple[int, list[int]]:
    """A member with identities; `opted_out` lists the indexes of opted-out ones."""
    with Session(db) as session:
        member = Member(story_subscribed=subscribed, consent_stories=consent,
                        onboarded_at=NOW - timedelta(days=30) if onboarded else None,
                        **fields)
        session.add(member)
        session.flush()
        rows = [Identity(member_id=member.id, provider=provider, channel=channel,
                         address=f"+8551{member.id:07d}{n}", opted_out=n in opted_out)
                for n, (provider, channel) in enumerate(identities)]
        session.add_all(rows)
        session.commit()
        return member.id, [r.id for r in rows]


def outbox(db) -> list[OutboundMessage]:
    with Session(db) as session:
        return list(session.exec(select(OutboundMessage).order_by(OutboundMessage.id)))


def story_jobs(db, member_id) -> list[Job]:
    with Session(db) as session:
        return list(session.exec(select(Job).where(Job.kind == "story",
                                                   Job.member_id == member_id)))


# --- the job queue ------------------------------------------------------------------

def test_schedule_is_idempotent_while_a_job_is_due(services):
    member_id, _ = add_member(services.db)
    with Session(services.db) as session:
        first = schedule(session=session, kind="nudge", due_at=NOW, member_id=member_id,
                         ref_id=7)
        again = schedule(session=session, kind="nudge", due_at=NOW + timedelta(hours=1),
                         member_id=member_id, ref_id=7)
        other_ref = schedule(session=session, kind="nudge", due_at=NOW, member_id=member_id,
                             ref_id=8)
        global_job = schedule(session=session, kind="expire", due_at=NOW)
        session.commit()
        ids = (first.id, again.id, other_ref.id, global_job.id)
    assert ids[0] == ids[1] and len({ids[0], ids[2], ids[3]}) == 3
    assert [j.id for j in claim_due(db=services.db, now=NOW, worker="w")] == [
        ids[0], ids[2], ids[3]]
    finish(db=services.db, job_ids=[ids[0]])
    with Session(services.db) as session:  # done: the next one is a new job
        assert schedule(session=session, kind="nudge", due_at=NOW, member_id=member_id,
                        ref_id=7).id not in ids


def test_two_workers_never_claim_the_same_job(services):
    with Session(services.db) as session:
        for n in range(60):
            schedule(session=session, kind="nudge", due_at=NOW - timedelta(seconds=n),
                     ref_id=n)
        schedule(session=session, kind="nudge", due_at=NOW + timedelta(minutes=1), ref_id=99)
        session.commit()
    claimed, barrier = [], threading.Barrier(2)

    def work(name):
        barrier.wait()
        for _ in range(3):
            try:
                claimed.extend(j.id for j in claim_due(db=services.db, now=NOW, worker=name,
                                                       limit=40))
            except Exception:  # SQLite may refuse a concurrent writer; try again
                continue

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(claimed) == len(set(claimed)) == 60  # the job due later is not among them


@pytest.mark.parametrize("case, later, reclaimed", [
    ("within the lease", timedelta(minutes=4), False),
    ("lease over", timedelta(minutes=6), True),
])
def test_a_claim_older_than_the_lease_can_be_reclaimed(services, case, later, reclaimed):
    with Session(services.db) as session:
        job_id = schedule(session=session, kind="nudge", due_at=NOW).id
        session.commit()
    assert [j.id for j in claim_due(db=services.db, now=NOW, worker="crashed")] == [job_id]
    again = claim_due(db=services.db, now=NOW + later, worker="survivor")
    assert [j.id for j in again] == ([job_id] if reclaimed else []), case


def test_release_and_finish(services):
    with Session(services.db) as session:
        job_id = schedule(session=session, kind="nudge", due_at=NOW).id
        session.commit()
    claim_due(db=services.db, now=NOW, worker="w")
    release(db=services.db, job_ids=[job_id], due_at=NOW + timedelta(minutes=10))
    assert claim_due(db=services.db, now=NOW + timedelta(minutes=9), worker="w") == []
    assert [j.id for j in claim_due(db=services.db, now=NOW + timedelta(minutes=10),
                                    worker="w")] == [job_id]
    assert finish(db=services.db, job_ids=[job_id]) == 1
    assert claim_due(db=services.db, now=NOW + timedelta(days=1), worker="w") == []


# --- follow-ups ----------------------------------------------------------------------

FOLLOWUPS = [  # (id, completed this long before NOW or None, gets a follow-up)
    ("15 days ago", timedelta(days=15), True),
    ("exactly 14 days", timedelta(days=14), True),
    ("13 days ago", timedelta(days=13), False),
    ("still reading", None, False),
]


def test_followups_after_14_days_and_never_twice(services):
    member_id, _ = add_member(services.db)
    with Session(services.db) as session:
        practice_ids = list(session.exec(select(Practice.id).order_by(Practice.id)))
        readings = {case: Reading(member_id=member_id, practice_id=practice_ids[n], lang="en",
                                  completed_at=None if ago is None else NOW - ago)
                    for n, (case, ago, _) in enumerate(FOLLOWUPS)}
        session.add_all(readings.values())
        session.commit()
        expected = {readings[case].practice_id for case, _, yes in FOLLOWUPS if yes}
    with Session(services.db) as session:
        assert schedule_followups(session=session, now=NOW) == len(expected)
        session.commit()
    jobs = claim_due(db=services.db, now=NOW, worker="w")
    assert {j.ref_id for j in jobs} == expected and {j.kind for j in jobs} == {"followup"}
    finish(db=services.db, job_ids=[j.id for j in jobs])
    with Session(services.db) as session:  # done or not, never a second one
        assert schedule_followups(session=session, now=NOW + timedelta(days=30)) == 1
        session.commit()
        assert len(session.exec(select(Job).where(Job.kind == "followup")).all()) == 3
        assert schedule_followups(session=session, now=NOW + timedelta(days=60)) == 0


def test_claims_can_leave_kinds_out(services):
    with Session(services.db) as session:
        ids = {kind: schedule(session=session, kind=kind, due_at=NOW).id
               for kind in ("story", "followup", "relay_expiry")}
        session.commit()
    claimed = claim_due(db=services.db, now=NOW, worker="w", exclude=["story"])
    assert sorted(j.id for j in claimed) == sorted([ids["followup"], ids["relay_expiry"]])
    assert [j.id for j in claim_due(db=services.db, now=NOW, worker="w")] == [ids["story"]]


def test_two_workers_scheduling_followups_at_once_make_each_once(services):
    members = [add_member(services.db)[0] for _ in range(3)]
    with Session(services.db) as session:
        practice_ids = list(session.exec(select(Practice.id).order_by(Practice.id)))[:4]
        session.add_all(Reading(member_id=m, practice_id=p, lang="en",
                                completed_at=NOW - timedelta(days=20))
                        for m in members for p in practice_ids)
        session.commit()
    made, failed, barrier = [], [], threading.Barrier(2)

    def work():
        barrier.wait()
        try:
            with Session(services.db) as session:
                made.append(schedule_followups(session=session, now=NOW))
                session.commit()
        except Exception as exc:  # only SQLite may refuse a second writer
            failed.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expected = len(members) * len(practice_ids)
    assert sum(made) == expected and (not failed or services.db.dialect.name == "sqlite")
    with Session(services.db) as session:
        assert len(session.exec(select(Job).where(Job.kind == "followup")).all()) == expected


# --- the weekly story ----------------------------------------------------------------

WHO = [  # (id, member fields, identities, opted-out indexes, rows expected)
    ("subscribed sms", {}, [("twilio", "sms")], (), 1),
    ("sms and telegram", {}, [("twilio", "sms"), ("telegram", "telegram")], (), 2),
    ("one opted out", {}, [("twilio", "sms"), ("telegram", "telegram")], (0,), 1),
    ("all opted out", {}, [("twilio", "sms")], (0,), 0),
    ("not subscribed", {"subscribed": False}, [("twilio", "sms")], (), 0),
    ("no consent", {"consent": False}, [("twilio", "sms")], (), 0),
    ("not onboarded", {"onboarded": False}, [("twilio", "sms")], (), 0),
]


def test_weekly_story_reaches_subscribed_consenting_onboarded_identities(services):
    members = {case: add_member(services.db, identities=idents, opted_out=out,
                                timezone="Asia/Phnom_Penh", **fields)
               for case, fields, idents, out, _ in WHO}
    queued = queue_weekly_stories(db=services.db, now=NOW)
    rows = outbox(services.db)
    assert queued == len(rows) == sum(n for *_, n in WHO)
    for case, _, _, out, expected in WHO:
        member_id, identity_ids = members[case]
        mine = [r for r in rows if r.member_id == member_id]
        assert len(mine) == expected, case
        assert {r.identity_id for r in mine} == {
            i for n, i in enumerate(identity_ids) if n not in out} if expected else True, case
    assert {(r.priority, r.purpose, r.status) for r in rows} == {
        (PRIORITY_BROADCAST, "broadcast", "queued")}
    telegram = [r for r in rows if r.channel == "telegram"]
    assert telegram and all(r.text.startswith("<b>") and r.segments is None for r in telegram)


QUIET = [  # (id, timezone, quiet start, end, deferred until (UTC) or None = sent now)
    ("Phnom Penh 20:45", "Asia/Phnom_Penh", 21, 7, None),
    ("unknown zone = Phnom Penh", None, 21, 7, None),
    ("invalid zone = Phnom Penh", "Mars/Olympus", 21, 7, None),
    ("Manila 21:45", "Asia/Manila", 21, 7, datetime(2025, 3, 5, 23, 0, tzinfo=UTC)),
    ("Yangon 20:15, quiet from 20", "Asia/Yangon", 20, 6,
     datetime(2025, 3, 5, 23, 30, tzinfo=UTC)),
    ("Manila, no quiet hours", "Asia/Manila", 0, 0, None),
    ("Manila, quiet by day", "Asia/Manila", 9, 17, None),
    ("Jakarta 20:45, quiet 20-22", "Asia/Jakarta", 20, 22,
     datetime(2025, 3, 5, 15, 0, tzinfo=UTC)),
]


def test_quiet_hours_defer_the_story_until_they_end(services):
    members = {case: add_member(services.db, timezone=tz, quiet_start=start, quiet_end=end)[0]
               for case, tz, start, end, _ in QUIET}
    queue_weekly_stories(db=services.db, now=NOW)
    sent = {r.member_id for r in outbox(services.db)}
    for case, _, _, _, until in QUIET:
        jobs = story_jobs(services.db, members[case])
        assert len(jobs) == 1, case
        if until is None:
            assert members[case] in sent and jobs[0].status == "done", case
        else:
            assert members[case] not in sent and jobs[0].status == "due", case
            assert jobs[0].due_at == until, case
    # Not before the quiet hours end, even on a second run...
    assert queue_weekly_stories(db=services.db, now=NOW + timedelta(minutes=30)) == 0
    # ...then the worker claims the due story jobs and runs the weekly queue again.
    later = datetime(2025, 3, 5, 23, 30, tzinfo=UTC)
    claimed = claim_due(db=services.db, now=later, worker="w", kinds=["story"])
    assert len(claimed) == 3
    assert queue_weekly_stories(db=services.db, now=later) == 3
    for case, *_ in QUIET:
        jobs = story_jobs(services.db, members[case])
        assert [(j.status, j.claimed_by) for j in jobs] == [("done", None)], case
    assert claim_due(db=services.db, now=later, worker="w") == []


SMS = [  # (id, member fields, encoding)
    ("English, one segment", {"language": "en", "segment_budget": 1}, "GSM-7"),
    ("Khmer, one segment", {"language": "km", "segment_budget": 1}, "UCS-2"),
    ("Khmer, two segments", {"language": "km", "segment_budget": 2}, "UCS-2"),
    ("Khmer on a Latin phone", {"language": "km", "script": "latin", "segment_budget": 1},
     "GSM-7"),
    ("Vietnamese without accents", {"language": "vi", "script": "latin",
                                    "segment_budget": 1}, "GSM-7"),
    ("Burmese, Zawgyi", {"language": "my", "zawgyi": True, "segment_budget": 2}, "UCS-2"),
]


def test_sms_story_fits_the_budget_with_segments_and_encoding(services):
    members = {case: (add_member(services.db, timezone="Asia/Phnom_Penh",
                                 topics_wanted=["farming"], **fields)[0],
                      fields["segment_budget"]) for case, fields, _ in SMS}
    queue_weekly_stories(db=services.db, now=NOW)
    rows = {r.member_id: r for r in outbox(services.db)}
    for case, _, encoding in SMS:
        member_id, budget = members[case]
        row = rows[member_id]
        info = count(row.text)
        assert (row.segments, row.encoding) == (info.segments, info.encoding), case
        assert row.segments <= budget and row.encoding == encoding, case
        assert row.text.strip(), case


def test_not_twice_within_a_week(services):
    member_id, _ = add_member(services.db, timezone="Asia/Phnom_Penh", quiet_start=0,
                              quiet_end=0)
    assert queue_weekly_stories(db=services.db, now=NOW) == 1
    for later, expected in [(timedelta(hours=1), 0), (timedelta(days=6, hours=23), 0),
                            (timedelta(days=7, minutes=1), 1)]:
        assert queue_weekly_stories(db=services.db, now=NOW + later) == expected, later
    assert len(outbox(services.db)) == 2
    assert {j.status for j in story_jobs(services.db, member_id)} == {"done"}


def test_small_batches_cover_everyone(services):
    ids = [add_member(services.db, timezone="Asia/Bangkok")[0] for _ in range(7)]
    assert queue_weekly_stories(db=services.db, now=NOW, batch=3) == 7
    assert sorted(r.member_id for r in outbox(services.db)) == ids


def test_weekly_sms_stories_carry_their_price_and_telegram_ones_none(services):
    prices.sync(services.db, [Price("twilio", "KH", 0.05, source="t", as_of="2026-12-01")])
    member_id, _ = add_member(services.db, timezone="Asia/Phnom_Penh",
                              identities=(("twilio", "sms"), ("telegram", "telegram")),
                              topics_wanted=["farming"])
    queue_weekly_stories(db=services.db, now=NOW)
    rows = {r.channel: r for r in outbox(services.db) if r.member_id == member_id}
    assert rows["sms"].unit_price == 0.05
    assert rows["sms"].cost_estimate == pytest.approx(0.05 * rows["sms"].segments)
    assert (rows["telegram"].unit_price, rows["telegram"].cost_estimate) == (None, None)
