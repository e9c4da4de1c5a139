"""Invited to an exchange visit: answers by number (also later, through VISIT), the
waiting list and the seat it frees, reminders, change and cancel notices, and the
reflection that schedules the TRIED follow-ups. Jobs run as the worker runs them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from bot import jobs
from bot.flows import tried, visiting
from bot.render import Renderer
from content.channels import kind
from content.db import session_scope
from content.languages import LANGUAGE_CODES
from content.models import Job, Member, Visit, VisitInvite, utcnow
from services import stories, visit_invites, visit_plans
from services.access import Principal
from tests.bot.test_catalog import CATALOG
from tests.bot.test_dialogs import CHANNELS, onboard
from tests.support.chat import Chat, Expect, run_table

ADMIN = Principal(None, "admin@example.org", "Admin", "admin")
OTHER = {"sms": "+85512345679", "telegram": "100002"}
ASKED = Expect(keys=("visit.invite",), choices=("1", "2", "3"))


def plan(services, *, starts_in: int = 20, capacity: int = 1, bring: str = "a hat") -> int:
    """A visit to the SRI practice's host, starting in `starts_in` days."""
    today = utcnow().date()
    window = visit_plans.Window(today + timedelta(days=starts_in),
                                today + timedelta(days=starts_in + 1), "Tram Kak, Takeo",
                                capacity, ("km", "en"), bring, costs_covered=True)
    with session_scope(services.db) as session:
        practice = stories.practice_by_slug(session=session, slug="sri-cambodia")
        return visit_plans.create(session=session, principal=ADMIN, practice_id=practice.id,
                                  window=window, now=utcnow()).id


def invite(services, visit_id: int, *chats: Chat) -> None:
    with session_scope(services.db) as session:
        visit = session.get(Visit, visit_id)
        visit_invites.invite(session=session, visit=visit, now=utcnow(),
                             member_ids=[c.member().id for c in chats])


def run_jobs(services, now: datetime | None = None) -> int:
    """The worker's pass over due jobs; how many were done."""
    return jobs.run_due(services.db, services.catalog, now=now or utcnow(),
                        worker="test").done


def statuses(services, visit_id: int) -> list[str]:
    with Session(services.db) as session:
        return list(session.exec(select(VisitInvite.status).where(
            VisitInvite.visit_id == visit_id).order_by(VisitInvite.id)))


def due_kinds(services, member_id: int) -> set[str]:
    with Session(services.db) as session:
        return set(session.exec(select(Job.kind).where(Job.member_id == member_id,
                                                       Job.status == "due")))


def two_members(services, channel: str) -> tuple[Chat, Chat]:
    first, second = Chat(services, channel), Chat(services, channel, OTHER[channel])
    onboard(first)
    onboard(second)
    return first, second


@pytest.mark.parametrize("channel", CHANNELS)
def test_yes_takes_the_seat_the_next_yes_waits_and_a_no_frees_it_for_them(services, channel):
    first, second = two_members(services, channel)
    visit_id = plan(services, capacity=1)
    invite(services, visit_id, first, second)
    assert run_jobs(services) == 2
    first.check(first.received(), ASKED, "(the invitation)")
    second.check(second.received(), ASKED, "(the invitation)")
    run_table(first, [("7", Expect(out_of_range=(1, 3), choices=("1", "2", "3"))),
                      ("1", Expect(keys=("visit.going", "visit.bring",
                                         "visit.costs_covered", "menu.title")))])
    waiting = second.text_of("visit.waiting", n=1)
    run_table(second, [("1", Expect(contains=(waiting,), keys=("menu.title",)))])
    assert statuses(services, visit_id) == ["yes", "waiting"]
    assert {"visit_week", "visit_day", "visit_reflect"} <= due_kinds(services, first.member().id)
    run_table(first, [("VISIT", ASKED), ("2", Expect(keys=("visit.declined", "menu.title")))])
    assert statuses(services, visit_id) == ["no", "offered"]
    assert due_kinds(services, first.member().id) == set()  # no reminders after a no
    assert run_jobs(services) == 1
    second.check(second.received(), Expect(keys=("visit.seat",), choices=("1", "2", "3")),
                 "(the seat)")
    run_table(second, [("1", Expect(keys=("visit.going",)))])
    assert statuses(services, visit_id) == ["no", "yes"]


@pytest.mark.parametrize("channel", CHANNELS)
def test_an_invitation_waits_for_an_interview_and_is_answered_later_through_visit(
        services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    visit_id = plan(services)
    chat.say("SHARE")  # an interview: the invitation must not take over its answers
    invite(services, visit_id, chat)
    assert run_jobs(services) == 0 and chat.received() == []
    chat.say("MENU")
    assert run_jobs(services, utcnow() + visiting.BUSY_RETRY) == 1
    chat.check(chat.received(), ASKED, "(the invitation)")
    chat.say("STORY")  # the member reads something else first
    run_table(chat, [("VISIT", ASKED), ("3", Expect(keys=("visit.maybe", "menu.title")))])
    assert statuses(services, visit_id) == ["maybe"]


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_change_reaches_yes_and_maybe_and_a_cancellation_too(services, channel):
    first, second = two_members(services, channel)
    third = Chat(services, channel, "+85512345670" if channel == "sms" else "100003")
    onboard(third)
    visit_id = plan(services, capacity=5)
    invite(services, visit_id, first, second, third)
    run_jobs(services)
    for chat, said in ((first, "1"), (second, "3"), (third, "2")):
        chat.received()
        chat.say(said)
    with session_scope(services.db) as session:
        visit = session.get(Visit, visit_id)
        moved = visit_plans.Window(visit.starts_on + timedelta(days=2),
                                   visit.ends_on + timedelta(days=2), "Bati, Takeo", 5)
        assert visit_plans.change(session=session, principal=ADMIN, visit=visit,
                                  window=moved, now=utcnow())
    assert run_jobs(services) == 2
    changed = Expect(keys=("visit.changed",), contains=("Bati, Takeo",))
    first.check(first.received(), changed, "(changed)")
    second.check(second.received(), changed, "(changed)")
    assert third.received() == []
    with session_scope(services.db) as session:
        visit_plans.cancel(session=session, principal=ADMIN,
                           visit=session.get(Visit, visit_id), now=utcnow())
    assert run_jobs(services) == 2
    first.check(first.received(), Expect(keys=("visit.cancelled",)), "(cancelled)")
    assert due_kinds(services, first.member().id) == set()  # no reminder, no reflection


@pytest.mark.parametrize("channel", CHANNELS)
def test_reminders_a_week_and_a_day_before_then_the_reflection(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    visit_id = plan(services, starts_in=20)
    invite(services, visit_id, chat)
    run_jobs(services)
    chat.received()
    chat.say("1")
    with Session(services.db) as session:
        visit = session.get(Visit, visit_id)
        starts, ends = visit.starts_on, visit.ends_on
    assert run_jobs(services, at(starts - timedelta(days=8))) == 0  # not yet
    assert run_jobs(services, at(starts - timedelta(days=7))) == 1
    chat.check(chat.received(), Expect(keys=("visit.remind_week",), contains=("a hat",)),
               "(a week before)")
    assert run_jobs(services, at(starts - timedelta(days=1))) == 1
    chat.check(chat.received(), Expect(keys=("visit.remind_day",)), "(a day before)")
    after = at(ends + timedelta(days=1))
    assert run_jobs(services, after) == 1
    chat.check(chat.received(), Expect(keys=("visit.seen_ask",)), "(after the visit)")
    run_table(chat, [("Seedlings planted one by one, wide apart",
                      Expect(keys=("visit.try_ask",))),
                     ("Wider spacing on one plot", Expect(keys=("visit.reflected",)))])
    with Session(services.db) as session:
        row = session.exec(select(VisitInvite)).one()
        assert (row.seen, row.will_try) == ("Seedlings planted one by one, wide apart",
                                            "Wider spacing on one plot")
        followups = {j.kind: j.due_at.date() - row.reflected_at.date()
                     for j in session.exec(select(Job).where(
                         Job.kind.in_(("followup", "followup_late")), Job.status == "due"))}
    assert followups == {"followup": timedelta(days=30), "followup_late": timedelta(days=90)}


def at(day: date) -> datetime:
    """The time reminders are due on a day (services/visit_invites.SEND_AT)."""
    return datetime.combine(day, visit_invites.SEND_AT)


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_an_invitation_fits_two_sms_with_the_longest_title(db, lang):
    with Session(db) as session:
        ids = list(session.exec(select(Visit.practice_id)))  # none: take the pack's titles
        found = stories.titles(session=session, practice_ids=ids or _published(session),
                               langs=[lang, "en"])
    title = max(found.values(), key=len)
    place = "x" * (visit_plans.PLACE_MAX - 10) + " district"  # a long place, in Latin letters
    for key in ("visit.invite", "visit.seat"):
        reply = visiting.Reply(key, {"title": title, "dates": "2027-01-30/02-02",
                                     "place": place}, visiting.CHOICES, fit="title")
        rendering = Renderer(CATALOG, kind("sms"), lang, budget=2).render([reply])
        assert rendering.pending == [], (lang, key)
        assert rendering.messages[0].segments <= 2


def _published(session) -> list[int]:
    from content.models import Practice
    return list(session.exec(select(Practice.id).where(Practice.status == "published")))


@pytest.mark.parametrize("channel", CHANNELS)
def test_an_invitation_waits_for_the_end_of_the_members_quiet_hours(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    now = utcnow()
    with session_scope(services.db) as session:  # quiet now, on a UTC clock, for 2 hours
        member = session.get(Member, chat.member().id)
        member.timezone, member.quiet_start = "UTC", now.hour
        member.quiet_end = (now.hour + 2) % 24
        end = member.quiet_end
    invite(services, plan(services), chat)
    assert run_jobs(services) == 0 and chat.received() == []
    with Session(services.db) as session:
        job = session.exec(select(Job).where(Job.kind == visit_invites.INVITE)).one()
        morning = job.due_at
    assert (morning.hour, morning.minute) == (end, 0)
    assert run_jobs(services, morning) == 1
    chat.check(chat.received(), ASKED, "(the invitation, in the morning)")


@pytest.mark.parametrize("channel", CHANNELS)
def test_the_90_day_followup_asks_again_after_not_yet_but_not_after_a_try(services,
                                                                         channel):
    chat = Chat(services, channel)
    onboard(chat)
    with Session(services.db) as session:
        practice_id = stories.practice_by_slug(session=session, slug="sri-cambodia").id
    job = Job(kind=visit_invites.LATE_FOLLOWUP, member_id=chat.member().id,
              ref_id=practice_id, due_at=utcnow())
    run_table(chat, [("TRIED sri-cambodia", Expect(keys=("tried.outcome",))),
                     ("4", Expect(keys=("tried.later",)))])  # not yet
    with Session(services.db) as session:
        assert len(tried.followup_late(session, job, utcnow())) == 1
    run_table(chat, [("TRIED sri-cambodia", Expect(keys=("tried.outcome",))),
                     ("1", Expect(keys=("tried.thanks",)))])  # it worked
    with Session(services.db) as session:
        assert tried.followup_late(session, job, utcnow()) == []
        assert job.status == "cancelled"
