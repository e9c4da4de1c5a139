"""Each organisation's exchange visits as an iCalendar feed (RFC 5545, written with the
`icalendar` library), for calendar apps to subscribe to.

Calendar apps fetch a feed without a console session, so the feed's URL carries the
organisation's own secret (`calendar_token`, made on first use and compared in constant
time); anyone with the URL reads the organisation's visits: dates, place, practice and
seat counts, never members' names. A visit is an all-day event over its days (DTEND is
the day after the last, as the format says); a cancelled one stays, as CANCELLED, so
subscribers see it go.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

from icalendar import Calendar, Event
from sqlmodel import Session, select

from content.models import Organisation, Practice, Visit
from services import visit_invites

PRODID = "-//peerlearn//exchange visits//EN"


def token(*, session: Session, organisation: Organisation) -> str:
    """The organisation's calendar secret, made now if it has none."""
    if organisation.calendar_token is None:
        organisation.calendar_token = secrets.token_urlsafe(24)
        session.add(organisation)
        session.flush()
    return organisation.calendar_token


def by_token(*, session: Session, slug: str, given: str) -> Organisation | None:
    """The organisation if `given` is its calendar secret."""
    organisation = session.exec(select(Organisation).where(Organisation.slug == slug)).first()
    if organisation is None or not organisation.calendar_token or not given:
        return None
    if not hmac.compare_digest(organisation.calendar_token.encode(), given.encode()):
        return None
    return organisation


def feed(*, session: Session, organisation: Organisation, host: str,
         now: datetime) -> bytes:
    """The organisation's visits as one VCALENDAR."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{organisation.name}: exchange visits")
    visits = session.exec(select(Visit, Practice.slug).join(
        Practice, Practice.id == Visit.practice_id).where(
        Visit.organisation_id == organisation.id).order_by(Visit.starts_on, Visit.id)).all()
    for visit, slug in visits:
        calendar.add_component(_event(session, visit, slug, host, now))
    return calendar.to_ical()


def _event(session: Session, visit: Visit, slug: str, host: str, now: datetime) -> Event:
    event = Event()
    event.add("uid", f"visit-{visit.id}@{host}")
    event.add("dtstamp", now)
    event.add("dtstart", visit.starts_on)
    event.add("dtend", visit.ends_on + timedelta(days=1))
    event.add("summary", f"Exchange visit: {slug}")
    event.add("location", visit.place)
    seats = visit_invites.taken(session, visit.id)
    lines = [f"Seats taken: {seats} of {visit.capacity}",
             f"Languages: {', '.join(visit.languages) or '-'}",
             "Travel costs covered" if visit.costs_covered else "Visitors pay their travel"]
    if visit.bring:
        lines.append(f"Bring: {visit.bring}")
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if visit.status == "cancelled" else "CONFIRMED")
    if visit.updated_at is not None:
        event.add("last-modified", visit.updated_at)
    return event
