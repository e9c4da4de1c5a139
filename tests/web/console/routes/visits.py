"""Exchange visits: the console's calendar, a visit's page and forms, and the
organisation's calendar feed (its secret in the path, no session: everyone who has the
URL reads it, and a wrong secret is 404 for everyone). Every row acts on a visit CEDAC
organises to the SRI practice's host, with a Cambodian member interested; attendance is
recorded on one that ended yesterday, which that member said yes to."""

from __future__ import annotations

from datetime import timedelta

from content.db import session_scope
from content.models import Member, Organisation, Visit, VisitInterest, VisitInvite, utcnow
from services import stories, visit_calendar
from tests.web.console.routes import row

READERS = dict(admin=200, moderator=200, translator=403, viewer=200)
STAFF = dict(admin=200, moderator=200, translator=403, viewer=403)
STAFF_PAGE = dict(admin=303, moderator=303, translator=403, viewer=403)
FEED = dict(anonymous=200, admin=200, moderator=200, translator=200, viewer=200)


def a_visit(db, world) -> dict:
    today = utcnow().date()
    with session_scope(db) as session:
        practice = stories.practice_by_slug(session=session, slug="sri-cambodia")
        member = Member(name="Sokha", country="KH", language="km")
        session.add(member)
        session.flush()
        session.add(VisitInterest(member_id=member.id, practice_id=practice.id,
                                  country="KH"))
        visit = Visit(practice_id=practice.id, organisation_id=world.orgs["cedac"],
                      starts_on=today + timedelta(days=20),
                      ends_on=today + timedelta(days=21), place="Tram Kak", capacity=5,
                      languages=["km"], created_by="test")
        session.add(visit)
        session.flush()
        token = visit_calendar.token(session=session,
                                     organisation=session.get(Organisation,
                                                              world.orgs["cedac"]))
        return {"visit_id": visit.id, "member_id": member.id, "practice_id": practice.id,
                "slug": "cedac", "token": token, "wrong": "x" + token[1:]}


def a_visit_over(db, world) -> dict:
    found = a_visit(db, world)
    yesterday = utcnow().date() - timedelta(days=1)
    with session_scope(db) as session:
        visit = session.get(Visit, found["visit_id"])
        visit.starts_on = visit.ends_on = yesterday
        session.add(visit)
        session.add(VisitInvite(visit_id=visit.id, member_id=found["member_id"],
                                status="yes"))
    return found


def window(**extra) -> dict:
    day = (utcnow().date() + timedelta(days=30)).isoformat()
    return {"starts_on": day, "ends_on": day, "place": "Bati", "capacity": "4",
            "languages": "km", **extra}


ROWS = [
    row("GET", "/admin/visits", **READERS),
    row("GET", "/admin/visits/new", **STAFF),
    row("POST", "/admin/visits", **STAFF_PAGE, setup=a_visit,
        form=window(practice_id="{practice_id}")),
    row("GET", "/admin/visits/{visit_id}", **READERS, setup=a_visit),
    row("POST", "/admin/visits/{visit_id}/invite", **STAFF_PAGE, setup=a_visit,
        form={"member_ids": "{member_id}"}),
    row("POST", "/admin/visits/{visit_id}", **STAFF_PAGE, setup=a_visit, form=window()),
    row("POST", "/admin/visits/{visit_id}/attendance", **STAFF_PAGE, setup=a_visit_over,
        form={"came": "{member_id}"}),
    row("POST", "/admin/visits/{visit_id}/cancel", **STAFF_PAGE, setup=a_visit),
    row("GET", "/admin/organisations/{slug}/visits/{token}.ics", **FEED, setup=a_visit),
]
