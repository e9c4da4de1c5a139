"""Moderators and members (services/members_admin): the search and its scope, masked
numbers, blocking (matching and routing skip a blocked member), and the messages of one
relay only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from content.models import (
    AuditLog,
    Identity,
    InboundMessage,
    Introduction,
    Member,
    Organisation,
    Question,
    QuestionRoute,
)
from services.access import Principal
from services.matching import StaleProposal, create_introduction, propose
from services.members_admin import NotFound, actions, mask, relays, search
from services.routing import route

NOW = datetime(2025, 3, 5, 5, 0, tzinfo=UTC)  # noon in Phnom Penh


@pytest.fixture
def session(services) -> Iterator[Session]:
    with Session(services.db, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def orgs(session) -> dict[str, Organisation]:
    found = {}
    for slug, country in (("cedac", "KH"), ("parc", "PH")):
        found[slug] = Organisation(slug=slug, name=slug.upper(), country=country)
        session.add(found[slug])
    session.flush()
    return found


def principal(role: str, org: Organisation | None = None) -> Principal:
    return Principal(account_id=None, email=f"{role}@example.org", name=role, role=role,
                     organisation_id=org.id if org else None,
                     organisation_slug=org.slug if org else None,
                     country=org.country if org else None, languages=("km", "en"))


def member(session: Session, phone: str | None = None, **values) -> Member:
    fields = dict(country="KH", language="km", consent_matching=True, onboarded_at=NOW,
                  timezone="Asia/Phnom_Penh")
    row = Member(**{**fields, **values})
    session.add(row)
    session.flush()
    if phone:
        session.add(Identity(member_id=row.id, provider="twilio", channel="sms",
                             address=phone))
        session.flush()
    return row


def names(rows: list[search.Listed]) -> list[str | None]:
    return [row.member.name for row in rows]


def test_the_search_filters_within_the_scope_newest_first(session, orgs):
    member(session, name="សុខា ចាន់", enterprise="Rice Mill Takeo", phone="+85512345001")
    member(session, name="Dara", enterprise="សហគមន៍ស្រូវ", role="expert",
           organisation_id=orgs["cedac"].id)
    member(session, name="ສົມພອນ", country="LA", language="lo")
    member(session, name="Maria", country="PH", language="fil", phone="+639171234001")
    member(session, name="100% Organic_Co", blocked_at=NOW)
    admin, cedac = principal("admin"), principal("moderator", orgs["cedac"])
    parc = principal("moderator", orgs["parc"])

    def found(who: Principal, **filters) -> list[str | None]:
        return names(search.search(session=session, principal=who,
                                   filters=search.Filters(**filters)))

    assert found(admin) == ["100% Organic_Co", "Maria", "ສົມພອນ", "Dara", "សុខា ចាន់"]
    assert found(cedac) == ["100% Organic_Co", "Dara", "សុខា ចាន់"]  # Cambodia's only
    assert found(parc) == ["Maria"]
    assert found(principal("translator", orgs["cedac"])) == []
    assert found(cedac, text="rice") == ["សុខា ចាន់"]  # enterprise, any case
    assert found(cedac, text="សុខា") == ["សុខា ចាន់"]
    assert found(cedac, text="ស្រូវ") == ["Dara"]
    assert found(cedac, text="%") == ["100% Organic_Co"]  # a wildcard is a character
    assert found(cedac, text="_") == ["100% Organic_Co"]
    assert found(cedac, text="+855 12 345 001") == ["សុខា ចាន់"]  # a number, any spacing
    assert found(parc, text="+85512345001") == []
    assert found(admin, country="la") == ["ສົມພອນ"]
    assert found(admin, lang="fil") == ["Maria"]
    assert found(admin, role="expert") == ["Dara"]
    assert found(admin, blocked=True) == ["100% Organic_Co"]
    assert "100% Organic_Co" not in found(admin, blocked=False)
    assert found(admin, organisation="cedac") == ["Dara"]
    page = search.search(session=session, principal=admin, limit=2, offset=2)
    assert names(page) == ["ສົມພອນ", "Dara"]
    renamed = session.exec(select(Member).where(Member.name == "Dara")).one()
    renamed.name, renamed.enterprise = "Vanna", None  # the search index follows
    session.add(renamed)
    session.flush()
    assert found(admin, text="dara") == [] and found(admin, text="vanna") == ["Vanna"]
    assert found(admin, text="ស្រូវ") == [] and found(admin, text="RICE MILL") == [
        "សុខា ចាន់"]


@pytest.mark.parametrize("recent", [search.RECENT, 25])
def test_text_search_pages_are_the_newest_matches_in_order(session, orgs, monkeypatch,
                                                         recent):
    """On PostgreSQL a text search looks through the newest members first; with a window
    smaller than the matches (25 of 150 members) the pages must still be exact."""
    monkeypatch.setattr(search, "RECENT", recent)
    made = [member(session, name=f"Dara {i}" if i % 3 else f"Sokha {i}",
                   enterprise="seed bank" if i % 2 else "rice mill") for i in range(150)]
    admin = principal("admin")
    for text, matches in (("dara", lambda m: m.name.startswith("Dara")),
                          ("seed bank", lambda m: m.enterprise == "seed bank"),
                          ("sokha 14", lambda m: m.name.startswith("Sokha 14"))):
        expected = [m.name for m in reversed(made) if matches(m)]
        pages = [names(search.search(session=session, principal=admin, limit=20,
                                     offset=offset, filters=search.Filters(text=text)))
                 for offset in range(0, 120, 20)]
        assert sum(pages, []) == expected[:120], text


def test_numbers_are_masked_for_everyone_but_admins(session, orgs):
    member(session, name="Sokha", phone="+85512345678")
    session.add(Identity(member_id=member(session, name="Tg").id, provider="telegram",
                         channel="telegram", address="700001"))
    session.flush()
    cedac, admin = principal("moderator", orgs["cedac"]), principal("admin")
    (tg, sms) = search.search(session=session, principal=cedac)
    assert (sms.channels, sms.phone) == (("sms",), "+855 •••••678")
    assert (tg.channels, tg.phone) == (("telegram",), None)
    (_, sms) = search.search(session=session, principal=admin)
    assert sms.phone == "+85512345678"
    assert mask(channel="telegram", address="700001", principal=cedac) == "•••"
    assert mask(channel="whatsapp", address="+959123456789", principal=cedac) \
        == "+95 •••••••789"


def test_a_member_out_of_scope_is_not_found(session, orgs):
    cambodian = member(session, name="Sokha")
    with pytest.raises(NotFound):
        actions.block(session=session, principal=principal("moderator", orgs["parc"]),
                      member_id=cambodian.id, reason="spam", now=NOW)
    assert session.get(Member, cambodian.id).blocked_at is None


def test_blocking_closes_introductions_and_takes_back_questions(session, orgs):
    blocked, peer, other = member(session, name="A"), member(session, name="B"), \
        member(session, name="C")
    old = member(session, name="D")
    for a, b, status in ((blocked, peer, "active"), (other, blocked, "proposed"),
                         (blocked, old, "declined")):
        session.add(Introduction(member_a=a.id, member_b=b.id, status=status))
    question = Question(member_id=peer.id, lang="km", text="?", status="routed")
    session.add(question)
    session.flush()
    session.add(QuestionRoute(question_id=question.id, member_id=blocked.id, code="A57"))
    session.flush()
    done = actions.block(session=session, principal=principal("moderator", orgs["cedac"]),
                         member_id=blocked.id, reason=" rude in P12 ", now=NOW)
    assert [(i.status, i.closed_by) for i in done.closed] == [("closed", None)] * 2
    assert {i.member_a for i in done.closed} | {i.member_b for i in done.closed} == {
        blocked.id, peer.id, other.id}
    assert (blocked.blocked_at, blocked.blocked_reason) == (NOW, "rude in P12")
    assert session.exec(select(QuestionRoute.status)).one() == "expired"
    actions_logged = [r.action for r in session.exec(select(AuditLog).order_by(AuditLog.id))]
    assert actions_logged == ["introduction.close", "introduction.close", "member.block"]
    with pytest.raises(actions.Conflict):
        actions.block(session=session, principal=principal("admin"), member_id=blocked.id,
                      reason="again", now=NOW)


def test_matching_and_routing_skip_a_blocked_member(session, orgs):
    learner = member(session, name="learner", topics_wanted=["farming"])
    expert = member(session, name="expert", role="expert", topics_offered=["farming"],
                    country="PH", language="en", languages=["km"], timezone="Asia/Manila")
    found = propose(session=session, member_id=learner.id, topic="farming", now=NOW)
    assert found is not None and found.member_id == expert.id
    admin = principal("admin")
    actions.block(session=session, principal=admin, member_id=expert.id, reason="spam",
                  now=NOW)
    session.flush()
    assert propose(session=session, member_id=learner.id, topic="farming", now=NOW) is None
    with pytest.raises(StaleProposal):  # a proposal shown before the block
        create_introduction(session=session, proposal=found, member_id=learner.id,
                            topic="farming", now=NOW)
    question = Question(member_id=learner.id, lang="km", text="How to plant rice?")
    session.add(question)
    session.flush()
    result = route(session=session, question_id=question.id, now=NOW, topics=["farming"])
    assert [r.member_id for r in result.routes] == []
    actions.unblock(session=session, principal=admin, member_id=expert.id)
    session.flush()
    assert propose(session=session, member_id=learner.id, topic="farming",
                   now=NOW).member_id == expert.id
    question = Question(member_id=learner.id, lang="km", text="How to plant rice again?")
    session.add(question)
    session.flush()
    result = route(session=session, question_id=question.id, now=NOW, topics=["farming"])
    assert [r.member_id for r in result.routes] == [expert.id]


def said(session: Session, who: Member, text: str, at: datetime) -> None:
    session.add(InboundMessage(provider="twilio", provider_key=f"{who.id}-{at}-{text}",
                               channel="sms", address="+855", text=text, member_id=who.id,
                               received_at=at, status="processed"))
    session.flush()


def test_a_relay_lists_its_own_messages_only(session, orgs):
    a, b = member(session, name="សុខា"), member(session, name="ດາລາ", language="lo")
    c = member(session, name="Other")
    t = NOW - timedelta(days=3)
    # An earlier relay of A's with C held the same code, and was still active after
    # A and B were introduced: its messages are not this relay's.
    earlier = Introduction(member_a=a.id, member_b=c.id, status="closed", relay_code="P12",
                           created_at=t - timedelta(days=10), closed_at=t + timedelta(hours=2))
    intro = Introduction(member_a=a.id, member_b=b.id, status="reported", relay_code="P12",
                         created_at=t, closed_at=t + timedelta(days=1), closed_by=b.id,
                         report_text="spam")
    session.add_all([earlier, intro])
    session.flush()
    said(session, a, "P12 to C, before this relay opened", t + timedelta(hours=1))
    said(session, a, "P12 សួស្តី", t + timedelta(hours=3))
    said(session, b, "p12: ສະບາຍດີ", t + timedelta(hours=4))
    said(session, a, "ASK how to dry rice", t + timedelta(hours=5))  # to the bot
    said(session, a, "P34 to someone else", t + timedelta(hours=6))
    said(session, c, "P12 from a stranger", t + timedelta(hours=7))
    said(session, a, "P123 not the code", t + timedelta(hours=8))
    said(session, b, "P12 REPORT spam", t + timedelta(days=1))
    said(session, a, "P12 after it closed", t + timedelta(days=2))
    found = relays.messages(session=session, principal=principal("moderator", orgs["cedac"]),
                            introduction_id=intro.id)
    assert [(m.member_id, m.text, m.lang) for m in found] == [
        (a.id, "សួស្តី", "km"), (b.id, "ສະບາຍດີ", "lo"), (b.id, "REPORT spam", "und")]
    entry = session.exec(select(AuditLog)).one()
    assert (entry.action, entry.target_id) == ("relay.read", str(intro.id))
    with pytest.raises(NotFound):
        relays.messages(session=session, principal=principal("moderator", orgs["parc"]),
                        introduction_id=intro.id)
    with pytest.raises(NotFound):  # not a reported relay
        relays.messages(session=session, principal=principal("admin"),
                        introduction_id=earlier.id)
