"""The weekly story through the scheduler's tick: as the STORY flow shows a snippet, at
broadcast priority, never in quiet hours, once per scan, and once per member even with
two schedulers at once."""

from __future__ import annotations

import html
import threading
from datetime import UTC, timedelta

import pytest
from sqlmodel import Session, select

from bot import jobs
from content.models import Job, OutboundMessage, Practice, Reading
from content.models.messages import PRIORITY_BROADCAST
from services.sms import count
from services.stories import piece
from tests.peerlearn.test_scheduler import (
    NIGHT_ENDS_IN_MANILA,
    NOW,
    Nudge,
    add_member,
    outbox,
    scheduler,
)


@pytest.fixture
def nudge(monkeypatch) -> Nudge:
    handler = Nudge()
    monkeypatch.setitem(jobs.HANDLERS, "followup", handler)
    return handler


def story_of(db, member_id: int) -> tuple[Job, OutboundMessage | None]:
    with Session(db) as session:
        story = session.exec(select(Job).where(Job.kind == "story",
                                               Job.member_id == member_id)).one()
        row = session.exec(select(OutboundMessage).where(
            OutboundMessage.member_id == member_id)).first()
        return story, row


def told(db, practice_id: int, lang: str):
    with Session(db) as session:
        return piece(session=session, practice_id=practice_id, lang=lang, position=0)


@pytest.mark.parametrize("channel", ["sms", "telegram"])
@pytest.mark.parametrize("language", ["en", "km"])
def test_the_weekly_story_goes_out_as_the_story_flow_shows_it(services, channel, language):
    member_id = add_member(services.db, channel=channel, language=language, subscribed=True,
                           topics_wanted=["farming"], segment_budget=2)
    assert scheduler(services).tick(NOW).stories == 1
    story, row = story_of(services.db, member_id)
    assert (row.priority, row.purpose, row.channel) == (PRIORITY_BROADCAST, "broadcast", channel)
    snippet = told(services.db, story.ref_id, language)
    assert snippet is not None, "the bundled content tells every story in Khmer"
    if channel == "telegram":
        title = html.escape(snippet.title, quote=False)
        assert row.text.startswith(f"<b>{title}</b> (1/{snippet.total})\n\n")
        assert row.segments is None
    else:  # the SMS snippet is the text alone, cut to the member's budget
        assert snippet.text.startswith(row.text[:40]) and "<b>" not in row.text
        assert count(row.text).segments == row.segments <= 2


def test_no_weekly_story_in_quiet_hours_until_they_end(services):
    member_id = add_member(services.db, timezone="Asia/Manila", quiet_start=21, quiet_end=7,
                           subscribed=True)
    ticker = scheduler(services)
    assert ticker.tick(NOW).stories == 0
    story, row = story_of(services.db, member_id)
    assert row is None and story.status == "due"
    assert story.due_at.replace(tzinfo=UTC) == NIGHT_ENDS_IN_MANILA
    assert ticker.tick(NIGHT_ENDS_IN_MANILA).stories == 1
    story, row = story_of(services.db, member_id)
    assert story.status == "done" and row.priority == PRIORITY_BROADCAST


def test_weekly_stories_run_once_per_scan_not_every_tick(services):
    ticker = scheduler(services, scan_every=timedelta(minutes=10))
    assert ticker.tick(NOW).stories == 0
    add_member(services.db, subscribed=True)
    assert ticker.tick(NOW + timedelta(minutes=9)).stories is None
    assert ticker.tick(NOW + timedelta(minutes=10)).stories == 1
    assert ticker.tick(NOW + timedelta(minutes=20)).stories == 0  # once a week


def test_two_schedulers_at_once_send_each_story_and_followup_once(services, nudge):
    members = [add_member(services.db, subscribed=True) for _ in range(20)]
    with Session(services.db) as session:
        practice_id = session.exec(select(Practice.id)).first()
        session.add_all(Reading(member_id=m, practice_id=practice_id, lang="en",
                                completed_at=NOW - timedelta(days=20)) for m in members)
        session.commit()
    tickers, barrier = [scheduler(services), scheduler(services)], threading.Barrier(2)

    def work(ticker, start):
        barrier.wait()
        for n in range(3):  # the first tick scans; later ones catch what a clash left
            ticker.tick(start + timedelta(minutes=15 * n))

    threads = [threading.Thread(target=work, args=(t, NOW)) for t in tickers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rows = outbox(services.db)
    stories = [r.member_id for r in rows if r.priority == PRIORITY_BROADCAST
               and r.purpose == "broadcast"]
    assert sorted(stories) == members
    assert sorted(call[1] for call in nudge.calls) == members
    assert len(rows) == 2 * len(members)
    assert {r.priority for r in rows} == {PRIORITY_BROADCAST}
