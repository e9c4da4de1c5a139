"""Goals' stored progress (services/indicators/goals.py, migration 0020): measured when
set, again at every scheduler scan while the period runs and once after it ends, and
when a moderator asks; the overview shows what was stored."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import Session

from bot.scheduler import Scheduler
from content.models import Goal, utcnow
from services.access import Principal
from services.indicators import goals
from tests.bot.test_dialogs import onboard
from tests.support.chat import Chat
from tests.support.console import World, make_world

ADMIN = Principal(account_id=None, email="a@x", name="A", role="admin")


@pytest.fixture
def world(services) -> World:
    return make_world(services.db)


def goal(services, world, start, end) -> int:
    with Session(services.db) as session:
        made = goals.create(session=session, principal=ADMIN,
                            organisation_id=world.orgs["cedac"], indicator="onboarded",
                            country="KH", start=start, end=end, target=10)
        session.commit()
        return made.id


def stored(services, goal_id: int) -> tuple[int | None, datetime | None]:
    with Session(services.db) as session:
        found = session.get(Goal, goal_id)
        return found.value, found.measured_at


def shown(services) -> dict[int, int]:
    with Session(services.db) as session:
        return {p.goal.id: p.value for p in goals.progress(session=session, principal=ADMIN)}


def test_a_scan_measures_running_goals_again_and_ended_ones_once(services, world):
    today = utcnow().date()
    running = goal(services, world, today - timedelta(days=10), today + timedelta(days=30))
    ended = goal(services, world, today - timedelta(days=90), today - timedelta(days=20))
    assert stored(services, running)[0] == 0 and stored(services, running)[1] is not None

    onboard(Chat(services, "sms", "+85512000777"))  # a member in Cambodia onboards
    assert shown(services)[running] == 0  # stored, not counted again at every view

    Scheduler(services.db, services.catalog).tick()  # the first tick scans
    assert shown(services) == {running: 1, ended: 0}
    measured_once = stored(services, ended)[1]
    assert measured_once.date() > today - timedelta(days=20)  # measured after its end

    later = utcnow() + timedelta(hours=1)
    Scheduler(services.db, services.catalog).tick(now=later)
    assert stored(services, running)[1] == later  # still running: measured again
    assert stored(services, ended)[1] == measured_once  # over, and measured since


def test_a_moderator_measures_again_and_a_goal_never_measured_is_measured_live(
        services, world):
    today = utcnow().date()
    mine = goal(services, world, today - timedelta(days=10), today + timedelta(days=30))
    onboard(Chat(services, "sms", "+85512000777"))
    moderator = Principal(account_id=None, email="m@x", name="M", role="moderator",
                          organisation_id=world.orgs["cedac"], country="KH")
    with Session(services.db) as session:
        assert goals.measure_again(session=session, principal=moderator) == 1
        session.commit()
    assert stored(services, mine)[0] == 1

    with Session(services.db) as session:  # as after the migration: no value yet
        found = session.get(Goal, mine)
        found.value, found.measured_at = None, None
        session.commit()
    assert shown(services)[mine] == 1 and stored(services, mine) == (None, None)
