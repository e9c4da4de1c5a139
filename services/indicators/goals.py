"""Goals a partner organisation sets (content/models/programme.py: Goal) and their
progress, measured with the dashboard's own figures over the goal's period, country and
organisation, so a goal and the dashboard never disagree.

A goal's progress is stored with the time it was measured (migration 0020): when the
goal is set, at every scheduler scan while its period runs (and once after it ends),
and when a moderator asks (the overview's "Measure again"). The overview reads what is
stored, so its cost does not grow with the number of goals; a goal never measured yet
is measured live."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from content.models import Goal, Organisation, utcnow
from services.access import Principal
from services.audit import record
from services.indicators import learning, members, peers, practices
from services.indicators.figure import Figure
from services.indicators.period import Filters

ADMIN = Principal(account_id=None, email="", name="", role="admin")
MAX_TARGET = 10_000_000


@dataclass(frozen=True)
class Indicator:
    """What a goal can be about: its label, its figure, and the figure's one number."""

    label: str
    figure: Callable[..., Figure]
    total: Callable[[list[tuple]], int]


GOALS: dict[str, Indicator] = {
    "onboarded": Indicator("Members onboarded", members.onboarded,
                           lambda rows: sum(r[-1] for r in rows)),
    "active": Indicator("Members active in the last 30 days of the period", members.active,
                        lambda rows: sum(r[-1] for r in rows)),
    "stories_read": Indicator("Stories read to the end", learning.stories,
                              lambda rows: sum(r[3] for r in rows)),
    "questions_asked": Indicator("Questions asked", learning.questions,
                                 lambda rows: sum(r[1] for r in rows)),
    "questions_by_people": Indicator("Questions answered by people", learning.questions,
                                     lambda rows: sum(r[3] for r in rows)),
    "introductions_accepted": Indicator("Introductions accepted", peers.introductions,
                                        lambda rows: sum(r[2] for r in rows)),
    "documented": Indicator("Practices documented through SHARE", practices.documented,
                            lambda rows: sum(r[1] for r in rows)),
    "replication": Indicator("Replication reports (adopted, adapted, abandoned)",
                             practices.replication, lambda rows: sum(sum(r[2:]) for r in rows)),
    "visit_interest": Indicator("Members interested in a visit", peers.visits,
                                lambda rows: sum(r[1] for r in rows)),
}


class Refused(ValueError):
    """The goal cannot be set as asked; the message says why."""


@dataclass(frozen=True)
class Progress:
    """A goal, its organisation's name, and how far it got."""

    goal: Goal
    organisation: str
    label: str
    value: int

    @property
    def percent(self) -> int:
        """Progress in whole percent, at most 100 (the bar's length)."""
        return min(100, self.value * 100 // self.goal.target) if self.goal.target else 100


def create(*, session: Session, principal: Principal, organisation_id: int | None,
           indicator: str, country: str | None, start: date, end: date,
           target: int) -> Goal:
    """Sets a goal for the principal's organisation (an admin names one); audit-logged."""
    if not principal.is_admin:
        organisation_id = principal.organisation_id
    if organisation_id is None or session.get(Organisation, organisation_id) is None:
        raise Refused("Choose the organisation the goal is for.")
    if indicator not in GOALS:
        raise Refused("Choose what the goal counts.")
    if end < start:
        raise Refused("The period ends before it starts.")
    if not 0 < target <= MAX_TARGET:
        raise Refused("The target is a whole number above zero.")
    goal = Goal(organisation_id=organisation_id, indicator=indicator, country=country or None,
                period_start=start, period_end=end, target=target,
                created_by=principal.account_id, created_at=utcnow())
    _measured(session, goal, utcnow())
    record(session=session, actor=principal, action="goal.set", target_type="goal",
           target_id=goal.id, indicator=indicator, country=goal.country, target=target,
           period=f"{start.isoformat()}/{end.isoformat()}", organisation_id=organisation_id)
    return goal


def progress(*, session: Session, principal: Principal,
             organisation_id: int | None = None) -> list[Progress]:
    """The goals the account sees (its organisation's; an admin's: every one, or one
    organisation's), newest first, each with its stored value (measured live if none)."""
    return [Progress(goal, org.name, GOALS[goal.indicator].label,
                     goal.value if goal.value is not None
                     else measure(session=session, goal=goal, organisation=org))
            for goal, org in _seen(session, principal, organisation_id)]


def measure_again(*, session: Session, principal: Principal,
                  organisation_id: int | None = None) -> int:
    """Measures the goals the account sees now and stores their values."""
    now = utcnow()
    found = _seen(session, principal, organisation_id)
    for goal, org in found:
        _measured(session, goal, now, org)
    return len(found)


def remeasure(*, session: Session, now: datetime) -> int:
    """The scheduler's part: goals whose period has not ended, and those not measured
    since it ended, measured again and stored."""
    today = now.date()
    found = [(goal, org) for goal, org in _seen(session, ADMIN, None)
             if goal.period_end >= today - timedelta(days=1) or goal.measured_at is None
             or goal.measured_at.date() <= goal.period_end]
    for goal, org in found:
        _measured(session, goal, now, org)
    return len(found)


def measure(*, session: Session, goal: Goal, organisation: Organisation) -> int:
    """The goal's indicator over its period, country and organisation."""
    indicator = GOALS[goal.indicator]
    filters = Filters(start=goal.period_start, end=goal.period_end, country=goal.country,
                      organisation_id=organisation.id,
                      organisation_country=organisation.country)
    return indicator.total(indicator.figure(session=session, principal=ADMIN,
                                            filters=filters).rows)


def _measured(session: Session, goal: Goal, now: datetime,
              organisation: Organisation | None = None) -> None:
    session.add(goal)
    session.flush()
    organisation = organisation or session.get(Organisation, goal.organisation_id)
    goal.value = measure(session=session, goal=goal, organisation=organisation)
    goal.measured_at = now
    session.flush()


def _seen(session: Session, principal: Principal,
          organisation_id: int | None) -> list[tuple[Goal, Organisation]]:
    query = select(Goal, Organisation).join(Organisation,
                                            Organisation.id == Goal.organisation_id) \
        .where(Goal.indicator.in_(list(GOALS)))
    if not principal.is_admin:
        query = query.where(Goal.organisation_id == principal.organisation_id)
    elif organisation_id is not None:
        query = query.where(Goal.organisation_id == organisation_id)
    return list(session.exec(query.order_by(Goal.created_at.desc(), Goal.id.desc())).all())
