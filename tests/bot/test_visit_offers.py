"""A seat offered from the waiting list is held for 48 hours (half the time left when the
visit starts sooner, or is moved nearer); unanswered, it lapses: the member is told,
the seat goes to the next waiting member. Dialog tables on SMS and Telegram; the lapse
runs in the worker's pass over due jobs, with the clock moved to when it is due (no
waiting)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from content.db import session_scope
from content.models import Visit, VisitInvite, utcnow
from services import visit_invites, visit_plans
from tests.bot.test_dialogs import CHANNELS, onboard
from tests.bot.test_visit_invites import ADMIN, invite, plan, run_jobs, statuses
from tests.support.chat import Chat, Expect, run_table

THIRD = {"sms": "+85512345670", "telegram": "100003"}
SECOND = {"sms": "+85512345679", "telegram": "100002"}
SEAT = Expect(keys=("visit.seat",), choices=("1", "2", "3"))


def three_in_line(services, channel: str, *, starts_in: int = 20):
    """One seat: the first member has it, the second and third wait, in that order;
    then the first says no and the seat is offered to the second."""
    chats = [Chat(services, channel), Chat(services, channel, SECOND[channel]),
             Chat(services, channel, THIRD[channel])]
    for chat in chats:
        onboard(chat)
    visit_id = plan(services, starts_in=starts_in, capacity=1)
    invite(services, visit_id, *chats)
    run_jobs(services)
    for chat in chats:
        chat.received()
        chat.say("1")
    run_table(chats[0], [("VISIT", Expect(keys=("visit.invite",))),
                         ("2", Expect(keys=("visit.declined",)))])
    assert statuses(services, visit_id) == ["no", "offered", "waiting"]
    return visit_id, chats


def expiry(services, visit_id: int) -> datetime:
    with Session(services.db) as session:
        return session.exec(select(VisitInvite.offer_expires_at).where(
            VisitInvite.visit_id == visit_id, VisitInvite.status == "offered")).one()


@pytest.mark.parametrize("channel", CHANNELS)
def test_an_unanswered_offer_lapses_after_48_hours_and_the_next_member_is_offered(
        services, channel):
    visit_id, (_, second, third) = three_in_line(services, channel)
    offered_at = utcnow()
    run_jobs(services)
    second.check(second.received(), SEAT, "(the seat)")
    lapses = expiry(services, visit_id)
    assert timedelta(hours=47, minutes=59) < lapses - offered_at <= visit_invites.OFFER_HOLD
    assert run_jobs(services, lapses - timedelta(minutes=1)) == 0  # still held
    assert run_jobs(services, lapses) == 1  # the lapse
    assert statuses(services, visit_id) == ["no", "lapsed", "offered"]
    with Session(services.db) as session:
        assert visit_invites.taken(session, visit_id) == 1  # lapsed holds no seat
    assert run_jobs(services, lapses) == 2  # the notice and the next offer
    second.check(second.received(), Expect(keys=("visit.lapsed",)), "(too late)")
    third.check(third.received(), SEAT, "(the seat, next in line)")
    assert expiry(services, visit_id) - lapses == visit_invites.OFFER_HOLD
    run_table(third, [("1", Expect(keys=("visit.going",)))])
    assert statuses(services, visit_id) == ["no", "lapsed", "yes"]
    assert run_jobs(services, lapses + visit_invites.OFFER_HOLD) == 0  # answered: kept


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_seat_offered_a_day_before_is_held_half_the_time_left_and_a_late_yes_is_told(
        services, channel):
    visit_id, (_, second, _) = three_in_line(services, channel, starts_in=1)
    run_jobs(services)
    second.check(second.received(), SEAT, "(the seat)")
    with Session(services.db) as session:
        starts = datetime.combine(session.get(Visit, visit_id).starts_on, datetime.min.time(),
                                  tzinfo=UTC)
    lapses = expiry(services, visit_id)
    assert abs((starts - lapses) - (lapses - utcnow())) < timedelta(minutes=1)  # halfway
    assert run_jobs(services, lapses) == 1
    run_table(second, [("1", Expect(keys=("visit.lapsed", "menu.title")))])  # too late
    assert statuses(services, visit_id) == ["no", "lapsed", "offered"]


@pytest.mark.parametrize("now,held", [
    (datetime(2027, 3, 1, 9, tzinfo=UTC), timedelta(hours=48)),  # 19 days before
    (datetime(2027, 3, 18, 0, tzinfo=UTC), timedelta(hours=48)),  # 48 h before: in full
    (datetime(2027, 3, 18, 12, tzinfo=UTC), timedelta(hours=18)),  # 36 h: halfway
    (datetime(2027, 3, 19, 23, tzinfo=UTC), timedelta(minutes=30)),  # 1 h: halfway
])
def test_how_long_an_offer_is_held(now, held):
    visit = Visit(practice_id=1, starts_on=date(2027, 3, 20), ends_on=date(2027, 3, 21),
                  place="Takeo", capacity=1, created_by="t")
    assert visit_invites.offer_expiry(visit, now) - now == held


def test_no_seat_is_offered_once_the_visit_has_started():
    visit = Visit(practice_id=1, starts_on=date(2027, 3, 20), ends_on=date(2027, 3, 21),
                  place="Takeo", capacity=1, created_by="t")
    assert visit_invites.offer_expiry(visit, datetime(2027, 3, 20, 0, tzinfo=UTC)) is None


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_visit_moved_nearer_holds_the_offer_no_longer_than_a_new_one(services, channel):
    visit_id, (_, second, _) = three_in_line(services, channel)
    now = utcnow()
    with session_scope(services.db) as session:
        visit = session.get(Visit, visit_id)
        sooner = visit_plans.Window(now.date() + timedelta(days=1),
                                    now.date() + timedelta(days=1), visit.place, 1)
        assert visit_plans.change(session=session, principal=ADMIN, visit=visit,
                                  window=sooner, now=now)
        starts = datetime.combine(sooner.starts_on, datetime.min.time(), tzinfo=UTC)
    lapses = expiry(services, visit_id)
    assert lapses == now + (starts - now) / 2
    assert run_jobs(services, lapses) >= 1
    assert statuses(services, visit_id) == ["no", "lapsed", "offered"]
