"""Exchange visits as moderators plan them: a host's visit window made from the interest
list, changed or cancelled, and who sees which visits in the console.

Messages to members are jobs on the scheduler's table (services/scheduling), one per
invitation, so quiet hours and a member's open dialog are respected by the worker
(bot/flows/visiting.py sends them). A change of dates or place, and a cancellation,
reach everyone who said yes or maybe and those on the waiting list. The host hears of
the visit, of any change and of a cancellation (services/visit_hosts.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import true, update
from sqlmodel import Session, select

from content.languages import LANGUAGE_CODES
from content.models import Job, Practice, Visit, VisitInvite
from content.models.visits import NOTIFIED
from services import visit_hosts, visit_invites
from services.access import Principal, practice_scope
from services.audit import record
from services.scheduling import schedule

CHANGE, CANCEL = "visit_change", "visit_cancel"
PLACE_MAX = 40  # the place goes whole into an invitation that must fit two SMS


class Refused(ValueError):
    """The visit cannot be saved as given; says why."""


@dataclass(frozen=True)
class Window:
    """What a host offers: dates, place, seats, languages, what to bring, costs."""

    starts_on: date
    ends_on: date
    place: str
    capacity: int
    languages: tuple[str, ...] = ()
    bring: str = ""
    costs_covered: bool = False


def checked(window: Window, today: date) -> Window:
    """The window with its text trimmed; Refused if it cannot be a visit."""
    place = " ".join(window.place.split())
    if not place:
        raise Refused("Say where the visit takes place.")
    if len(place) > PLACE_MAX:
        raise Refused(f"Name the place in at most {PLACE_MAX} characters.")
    if window.ends_on < window.starts_on:
        raise Refused("The last day comes before the first.")
    if window.starts_on < today:
        raise Refused("The visit would start in the past.")
    if not 1 <= window.capacity <= 500:
        raise Refused("Capacity is a number of visitors from 1 to 500.")
    unknown = [code for code in window.languages if code not in LANGUAGE_CODES]
    if unknown:
        raise Refused(f"Unknown language: {', '.join(unknown)}")
    return Window(window.starts_on, window.ends_on, place[:PLACE_MAX], window.capacity,
                  tuple(dict.fromkeys(window.languages)), " ".join(window.bring.split())[:300],
                  window.costs_covered)


def visit_scope(principal: Principal):
    """Visits the account may see: its organisation's (admins: all)."""
    if principal.is_admin:
        return true()
    return Visit.organisation_id == principal.organisation_id


def create(*, session: Session, principal: Principal, practice_id: int, window: Window,
           now: datetime, host_member_id: int | None = None) -> Visit:
    """A planned visit to the practice's host (the member given, else the practice's
    contributor), organised by the account's organisation (an admin's: the
    practice's). The host is told."""
    practice = session.exec(select(Practice).where(
        Practice.id == practice_id, practice_scope(principal))).first()
    if practice is None or practice.status != "published":
        raise Refused("Choose a published practice.")
    if practice.visitors_welcome is False:
        raise Refused("This practice's host does not welcome visitors.")
    window = checked(window, now.date())
    organisation = practice.organisation_id if principal.is_admin \
        else principal.organisation_id
    visit = Visit(practice_id=practice.id, organisation_id=organisation,
                  host_member_id=host_member_id or practice.contributor_id,
                  created_by=str(principal)[:200], created_at=now, **_columns(window))
    session.add(visit)
    session.flush()
    visit_hosts.planned(session=session, visit=visit, now=now)
    record(session=session, actor=principal, action="visit.create", target_type="visit",
           target_id=visit.id, practice=practice.slug, starts_on=str(window.starts_on))
    return visit


def change(*, session: Session, principal: Principal, visit: Visit, window: Window,
           now: datetime) -> bool:
    """Saves a new window; members who said yes or maybe, and those waiting, are told
    when the dates or the place changed (True), the host when anything did. More seats
    go to the waiting list."""
    if visit.status != "planned":
        raise Refused("A cancelled visit cannot be changed.")
    window = checked(window, min(now.date(), visit.starts_on))
    moved = (visit.starts_on, visit.ends_on, visit.place) != (
        window.starts_on, window.ends_on, window.place)
    edited = any(getattr(visit, name) != value for name, value in _columns(window).items())
    for name, value in _columns(window).items():
        setattr(visit, name, value)
    visit.updated_at = now
    session.add(visit)
    session.flush()
    if moved:
        visit_invites.hold_offers(session=session, visit=visit, now=now)
        for invite in _notified(session, visit.id):
            schedule(session=session, kind=CHANGE, member_id=invite.member_id,
                     ref_id=invite.id, due_at=now)
            visit_invites.plan_reminders(session=session, visit=visit, invite=invite,
                                         now=now)
    visit_invites.fill_seats(session=session, visit=visit, now=now)
    if edited:
        visit_hosts.changed(session=session, visit=visit, now=now)
    record(session=session, actor=principal, action="visit.change", target_type="visit",
           target_id=visit.id, moved=moved)
    return moved


def cancel(*, session: Session, principal: Principal, visit: Visit, now: datetime) -> int:
    """Cancels the visit; returns how many members will be told (yes, maybe, waiting;
    the host is told too)."""
    if visit.status == "cancelled":
        return 0
    visit.status, visit.updated_at = "cancelled", now
    session.add(visit)
    invites = _notified(session, visit.id)
    ids = [i.id for i in session.exec(select(VisitInvite).where(
        VisitInvite.visit_id == visit.id))]
    if ids:  # nothing more about this visit, but the notice
        session.exec(update(Job).where(Job.kind.in_(visit_invites.KINDS),
                                       Job.ref_id.in_(ids), Job.status == "due")
                     .values(status="cancelled"))
    for invite in invites:
        schedule(session=session, kind=CANCEL, member_id=invite.member_id, ref_id=invite.id,
                 due_at=now)
    visit_hosts.cancelled(session=session, visit=visit, now=now)
    record(session=session, actor=principal, action="visit.cancel", target_type="visit",
           target_id=visit.id, told=len(invites))
    return len(invites)


def find(*, session: Session, principal: Principal, visit_id: int) -> Visit | None:
    """The visit, if the account may see it."""
    return session.exec(select(Visit).where(Visit.id == visit_id,
                                            visit_scope(principal))).first()


def listing(*, session: Session, principal: Principal, since: date | None = None) -> list[Visit]:
    """The account's visits by first day (from `since` if given)."""
    query = select(Visit).where(visit_scope(principal))
    if since is not None:
        query = query.where(Visit.ends_on >= since)
    return list(session.exec(query.order_by(Visit.starts_on, Visit.id)))


def dates(visit: Visit) -> str:
    """The visit's days as every language reads them, short for SMS: ISO dates in GSM-7
    characters, the last day without what it shares with the first (2027-01-12/14,
    2027-01-30/02-02, 2027-12-30/2028-01-02)."""
    first, last = visit.starts_on.isoformat(), visit.ends_on.isoformat()
    if last == first:
        return first
    same = 8 if last[:8] == first[:8] else 5 if last[:5] == first[:5] else 0
    return f"{first}/{last[same:]}"


def _notified(session: Session, visit_id: int) -> list[VisitInvite]:
    return list(session.exec(select(VisitInvite).where(
        VisitInvite.visit_id == visit_id, VisitInvite.status.in_(NOTIFIED))
        .order_by(VisitInvite.id)))


def _columns(window: Window) -> dict:
    return {"starts_on": window.starts_on, "ends_on": window.ends_on, "place": window.place,
            "capacity": window.capacity, "languages": list(window.languages),
            "bring": window.bring or None, "costs_covered": window.costs_covered}
