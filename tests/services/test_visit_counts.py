"""The indicators' counts of exchange visits: members interested and members who made a
visit, per practice and country, within a period; simulator members never count; where
attendance is recorded for a visit, only those who came made it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, select

from content.db import session_scope
from content.models import Member, Visit, VisitInterest, VisitInvite
from services import stories, visits
from services.visits import Tally

TODAY = date(2027, 3, 1)


def test_interest_and_visits_made_per_practice_country_and_period(services):
    with session_scope(services.db) as session:
        sri = stories.practice_by_slug(session=session, slug="sri-cambodia").id
        kh, la, kh2 = (Member(country="KH"), Member(country="LA"), Member(country="KH"))
        sandboxed = Member(country="KH", sandbox="s1")  # the simulator's: never counted
        session.add_all([kh, la, kh2, sandboxed])
        session.flush()
        january = datetime(2027, 1, 10, tzinfo=UTC)
        for member, when in ((kh, january), (la, january), (kh2, january + timedelta(days=40)),
                             (sandboxed, january)):
            session.add(VisitInterest(member_id=member.id, practice_id=sri,
                                      country=member.country, created_at=when))
        held = Visit(practice_id=sri, starts_on=date(2027, 2, 1), ends_on=date(2027, 2, 2),
                     place="Takeo", capacity=5, created_by="t")
        off = Visit(practice_id=sri, starts_on=date(2027, 2, 5), ends_on=date(2027, 2, 5),
                    place="Takeo", capacity=5, created_by="t", status="cancelled")
        later = Visit(practice_id=sri, starts_on=date(2027, 4, 1), ends_on=date(2027, 4, 1),
                      place="Takeo", capacity=5, created_by="t")
        session.add_all([held, off, later])
        session.flush()
        for visit, member, status in ((held, kh, "yes"), (held, la, "yes"), (held, kh2, "no"),
                                      (held, sandboxed, "yes"), (off, kh2, "yes"),
                                      (later, kh2, "yes")):
            session.add(VisitInvite(visit_id=visit.id, member_id=member.id, status=status))
        held_id, kh_id = held.id, kh.id
    with Session(services.db) as session:
        assert visits.interest_counts(session=session) == [Tally(sri, "KH", 2),
                                                           Tally(sri, "LA", 1)]
        assert visits.interest_counts(
            session=session, until=datetime(2027, 2, 1, tzinfo=UTC)) == [
            Tally(sri, "KH", 1), Tally(sri, "LA", 1)]
        assert visits.visits_made(session=session, today=TODAY) == [
            Tally(sri, "KH", 1), Tally(sri, "LA", 1)]  # not cancelled, not yet, not "no"
        assert visits.visits_made(session=session, today=TODAY,
                                  since=date(2027, 2, 3)) == []
    with session_scope(services.db) as session:  # recorded: only KH came
        for invite in session.exec(select(VisitInvite).where(VisitInvite.visit_id == held_id,
                                                             VisitInvite.status == "yes")):
            invite.attended = invite.member_id == kh_id
            session.add(invite)
    with Session(services.db) as session:
        assert visits.visits_made(session=session, today=TODAY) == [Tally(sri, "KH", 1)]
