"""The host of an exchange visit, in dialog tables on SMS and Telegram: told when the
visit is planned, changed and cancelled, and a week and a day before it how many said
yes and which languages they read (never a visitor's number or name). Jobs run as the
worker runs them, at the hour they are due."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.flows import visit_host
from bot.render import Renderer
from bot.replies import Reply
from content.channels import kind
from content.db import session_scope
from content.languages import LANGUAGE_CODES
from content.models import Job, Visit, utcnow
from services import stories, visit_hosts, visit_plans
from tests.bot.test_catalog import CATALOG
from tests.bot.test_dialogs import CHANNELS, onboard
from tests.bot.test_visit_invites import ADMIN, _published, at, invite, run_jobs
from tests.support.chat import Chat, Expect

HOST = {"sms": "+85512340001", "telegram": "200001"}
KHMER_READER = {"sms": "+85512340002", "telegram": "200002"}


def plan_hosted(services, host: Chat, *, starts_in: int = 20, capacity: int = 5) -> int:
    """A visit to the SRI practice with this member as its host."""
    today = utcnow().date()
    window = visit_plans.Window(today + timedelta(days=starts_in),
                                today + timedelta(days=starts_in + 1), "Tram Kak, Takeo",
                                capacity, ("km", "en"))
    with session_scope(services.db) as session:
        practice = stories.practice_by_slug(session=session, slug="sri-cambodia")
        return visit_plans.create(session=session, principal=ADMIN, practice_id=practice.id,
                                  window=window, now=utcnow(),
                                  host_member_id=host.member().id).id


def host_jobs(services, visit_id: int) -> set[str]:
    with Session(services.db) as session:
        return set(session.exec(select(Job.kind).where(
            Job.ref_id == visit_id, Job.kind.in_(visit_hosts.KINDS), Job.status == "due")))


@pytest.mark.parametrize("channel", CHANNELS)
def test_the_host_hears_of_the_visit_and_before_it_who_is_coming(services, channel):
    host, visitor = Chat(services, channel, HOST[channel]), Chat(services, channel)
    khmer = Chat(services, channel, KHMER_READER[channel])
    onboard(host)
    onboard(visitor)
    onboard(khmer, language="2")  # Khmer
    visit_id = plan_hosted(services, host)
    assert run_jobs(services) == 1
    host.check(host.received(), Expect(keys=("visit.host_planned",),
                                       contains=("Tram Kak, Takeo", "5")), "(planned)")
    invite(services, visit_id, visitor, khmer)
    run_jobs(services)
    for chat in (visitor, khmer):
        chat.received()
        chat.say("1")
    assert host.received() == []  # answers are not news to the host one by one
    with Session(services.db) as session:
        starts = session.get(Visit, visit_id).starts_on
    run_jobs(services, at(starts - timedelta(days=7)))
    (week,) = host.received()
    host.check([week], Expect(keys=("visit.host_week",),
                              contains=("Visitors coming: 2", "English 1, Khmer 1")),
               "(a week before)")
    for chat in (visitor, khmer):
        assert chat.address not in week.text
    visitor.received()
    run_table_says(visitor, "VISIT", "2")  # one visitor drops out before the day
    run_jobs(services, at(starts - timedelta(days=1)))
    host.check(host.received(), Expect(keys=("visit.host_day",),
                                       contains=("Visitors coming: 1", "Khmer 1")),
               "(the day before)")


def run_table_says(chat: Chat, *said: str) -> None:
    for text in said:
        assert chat.say(text), text


@pytest.mark.parametrize("channel", CHANNELS)
def test_the_host_hears_of_a_change_and_a_cancellation_and_nothing_after(services,
                                                                        channel):
    host = Chat(services, channel, HOST[channel])
    onboard(host)
    visit_id = plan_hosted(services, host)
    run_jobs(services)
    host.received()
    with session_scope(services.db) as session:
        visit = session.get(Visit, visit_id)
        bigger = visit_plans.Window(visit.starts_on, visit.ends_on, visit.place, 8)
        assert not visit_plans.change(session=session, principal=ADMIN, visit=visit,
                                      window=bigger, now=utcnow())  # visitors: no news
    assert run_jobs(services) == 1
    host.check(host.received(), Expect(keys=("visit.host_changed",), contains=("8",)),
               "(more seats)")
    assert host_jobs(services, visit_id) == {visit_hosts.WEEK, visit_hosts.DAY}
    with session_scope(services.db) as session:
        visit_plans.cancel(session=session, principal=ADMIN,
                           visit=session.get(Visit, visit_id), now=utcnow())
    assert run_jobs(services) == 1
    host.check(host.received(), Expect(keys=("visit.host_cancelled",)), "(cancelled)")
    assert host_jobs(services, visit_id) == set()


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_visit_cancelled_before_the_host_was_told_only_says_so(services, channel):
    host = Chat(services, channel, HOST[channel])
    onboard(host)
    visit_id = plan_hosted(services, host, starts_in=3)  # no week reminder: too late
    assert host_jobs(services, visit_id) == {visit_hosts.PLANNED, visit_hosts.DAY}
    with session_scope(services.db) as session:
        visit_plans.cancel(session=session, principal=ADMIN,
                           visit=session.get(Visit, visit_id), now=utcnow())
    assert run_jobs(services) == 1
    host.check(host.received(), Expect(keys=("visit.host_cancelled",)), "(cancelled)")


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_the_hosts_notices_and_a_lapsed_offer_fit_two_sms(db, lang):
    """With the longest bundled title (cut to fit), the longest place, a hundred seats
    and visitors reading three languages, each text fits two SMS unpaged."""
    with Session(db) as session:
        found = stories.titles(session=session, practice_ids=_published(session),
                               langs=[lang, "en"])
    params = {"title": max(found.values(), key=len), "dates": "2027-01-30/02-02",
              "place": "x" * (visit_plans.PLACE_MAX - 10) + " district", "seats": 100,
              "n": 100, "langs": "Khmer 60, English 30, Lao 10"}
    for key in (*visit_host.KEYS.values(), "visit.lapsed"):
        rendering = Renderer(CATALOG, kind("sms"), lang, budget=2).render(
            [Reply(key, params, fit="title")])
        assert rendering.pending == [], (lang, key)
        assert rendering.messages[0].segments <= 2
