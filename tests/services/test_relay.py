"""The masked relay (services.relay, bot.relay): codes, the double opt-in, closing,
the contact exchange, and a hypothesis property over the whole engine — no message
queued for the other member and no moderation API response ever shows a member's
phone number or Telegram username, until both members have sent CONTACT."""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.inbox import InboundItem
from bot.intents import fold, strip_edges
from bot.relay import CONTACT
from content.models import (
    Identity,
    InboundMessage,
    Introduction,
    Job,
    Member,
    OutboundMessage,
    utcnow,
)
from peerlearn.app import create_app
from peerlearn.wiring import build
from services import relay
from tests.conftest import clear

NOW = datetime(2025, 3, 5, 5, 0, tzinfo=UTC)
ADMIN = ("moderator@example.org", "a long test password")


@pytest.fixture
def session(services) -> Iterator[Session]:
    with Session(services.db, expire_on_commit=False) as session:
        yield session


def member(session: Session, **values) -> Member:
    row = Member(**{"language": "en", "consent_matching": True, "onboarded_at": NOW,
                    **values})
    session.add(row)
    session.flush()
    return row


def proposed(session: Session, a: Member, b: Member, **values) -> Introduction:
    intro = Introduction(member_a=a.id, member_b=b.id, topic="farming", created_at=NOW,
                         **values)
    session.add(intro)
    session.flush()
    return intro


def test_both_yes_opens_the_relay_with_a_code_and_an_expiry_job(session):
    a, b = member(session), member(session)
    intro = proposed(session, a, b)
    rng = random.Random(1)
    relay.answer(session=session, introduction=intro, member_id=a.id, yes=True, now=NOW,
                 rng=rng)
    assert (intro.status, intro.relay_code) == ("proposed", None)
    relay.answer(session=session, introduction=intro, member_id=b.id, yes=True, now=NOW,
                 rng=rng)
    assert intro.status == "active" and re.fullmatch(r"P\d{2,3}", intro.relay_code)
    assert intro.expires_at == NOW + relay.TTL
    job = session.exec(select(Job).where(Job.kind == relay.EXPIRY)).one()
    assert (job.ref_id, job.due_at.replace(tzinfo=UTC)) == (intro.id, NOW + relay.TTL)
    with pytest.raises(ValueError):
        relay.answer(session=session, introduction=intro, member_id=b.id, yes=False,
                     now=NOW, rng=rng)


def test_a_no_declines_and_strangers_cannot_answer(session):
    a, b, c = member(session), member(session), member(session)
    intro = proposed(session, a, b, a_accepted=True)
    with pytest.raises(ValueError):
        relay.answer(session=session, introduction=intro, member_id=c.id, yes=True,
                     now=NOW, rng=random.Random())
    relay.answer(session=session, introduction=intro, member_id=b.id, yes=False, now=NOW,
                 rng=random.Random())
    assert (intro.status, intro.closed_by, intro.relay_code) == ("declined", b.id, None)
    assert relay.pending_request(session=session, member_id=b.id) is None


def test_codes_are_unique_among_active_relays_only(session):
    a, b = member(session), member(session)
    for n in range(10, 100):
        proposed(session, a, b, status="closed", relay_code=f"P{n}")
    assert re.fullmatch(r"P\d{2}", relay.new_code(session=session, rng=random.Random(3)))
    for n in range(10, 100):
        proposed(session, a, b, status="active", relay_code=f"P{n}")
    assert re.fullmatch(r"P\d{3}", relay.new_code(session=session, rng=random.Random(3)))


def test_find_prefers_the_active_relay_and_knows_only_its_members(session):
    a, b, c = member(session), member(session), member(session)
    old = proposed(session, a, b, status="closed", relay_code="P12")
    assert relay.find(session=session, member_id=a.id, code="p12") is old
    new = proposed(session, a, c, status="active", relay_code="P12")
    assert relay.find(session=session, member_id=a.id, code="P12") is new
    assert relay.find(session=session, member_id=b.id, code="P12") is old
    assert relay.find(session=session, member_id=c.id, code="P13") is None
    assert relay.other(new, a.id) == c.id and relay.other(new, c.id) == a.id


def test_close_by_end_report_and_expiry(session):
    a, b = member(session), member(session)
    ended = proposed(session, a, b, status="active", relay_code="P20")
    assert relay.close(session=session, introduction=ended, now=NOW, member_id=a.id)
    assert (ended.status, ended.closed_by, ended.report_text) == ("closed", a.id, None)
    assert not relay.close(session=session, introduction=ended, now=NOW)
    reported = proposed(session, a, b, status="active", relay_code="P21")
    relay.close(session=session, introduction=reported, now=NOW, member_id=b.id,
                report_text="")
    assert (reported.status, reported.report_text) == ("reported", "")
    timed = proposed(session, a, b, status="active", relay_code="P22",
                     expires_at=NOW + timedelta(days=1))
    assert not relay.expired(timed, NOW) and relay.expired(timed, NOW + timedelta(days=1))


def test_contact_comes_from_identities_and_telegram_updates(session):
    sms, tg, shared, nobody = (member(session) for _ in range(4))
    session.add(Identity(member_id=sms.id, provider="twilio", channel="sms",
                         address="+85512345678"))
    for who, payload in [(tg, {"message": {"from": {"id": 7, "username": "dara_k"}},
                                "handle": "@dara_k"}),
                         (shared, {"phone": "60123456789", "own": True}),
                         (nobody, {"phone": "+639171234567", "own": False})]:
        session.add(Identity(member_id=who.id, provider="telegram", channel="telegram",
                             address=str(who.id)))
        session.add(InboundMessage(provider="telegram", provider_key=uuid.uuid4().hex,
                                   channel="telegram", address=str(who.id),
                                   member_id=who.id, payload=payload))
    session.flush()
    assert relay.contact_of(session=session, member_id=sms.id).text() == "+85512345678"
    assert relay.contact_of(session=session, member_id=tg.id).text() == "@dara_k"
    assert relay.contact_of(session=session, member_id=shared.id).text() == "+60123456789"
    assert not relay.contact_of(session=session, member_id=nobody.id)


# --- the property: nothing reveals a contact before both sent CONTACT ----------------

@pytest.fixture
def moderated(settings, db) -> Iterator[tuple]:
    """Services whose moderation API is on, and a client for it."""
    admin = settings.model_copy(update={"admin_email": ADMIN[0],
                                        "admin_password": SecretStr(ADMIN[1])})
    clear(db)
    services = build(admin, db=db)
    with TestClient(create_app(admin, services), raise_server_exceptions=False) as client:
        yield services, client
    clear(db)


names = st.one_of(st.none(), st.text(st.characters(categories=("L",)), min_size=1,
                                     max_size=30))
phones = st.integers(10_000_000, 99_999_999).map(lambda n: f"+8551{n}")
usernames = st.from_regex(r"[a-z][a-z0-9_]{5,20}", fullmatch=True)
words = st.sampled_from(["hello", "END", "REPORT", "CONTACT", "contact", "end now",
                         "report he was rude", "ok", ""])
bodies = st.one_of(words, st.text(max_size=60))
people = st.fixed_dictionaries({"name": names, "phone": phones, "username": usernames,
                                "channel": st.sampled_from(["sms", "telegram"])})
conversations = st.tuples(people, people, st.lists(st.tuples(st.integers(0, 1), bodies),
                                                  min_size=1, max_size=6))


def _say(services, person: dict, text: str) -> None:
    channel = person["channel"]
    address = person["phone"] if channel == "sms" else person["chat"]
    payload = {"message": {"from": {"id": 1, "username": person["username"]}, "text": text},
               "handle": f"@{person['username']}"} if channel == "telegram" else {}
    services.inbox.receive(InboundItem(provider="simulator", channel=channel,
                                       address=address, provider_key=uuid.uuid4().hex,
                                       text=text, payload=payload))


def _setup(services, a: dict, b: dict) -> tuple[list[int], str]:
    """Two members with a phone and a Telegram chat each, in an active relay; each has
    written once on Telegram, so their usernames are stored."""
    clear(services.db)
    ids = []
    with Session(services.db) as session:
        for i, person in enumerate((a, b)):
            row = member(session, name=person["name"], country="KH", sector="agriculture")
            person["chat"] = str(700_000 + i)
            session.add(Identity(member_id=row.id, provider="simulator", channel="sms",
                                 address=person["phone"]))
            session.add(Identity(member_id=row.id, provider="simulator",
                                 channel="telegram", address=person["chat"]))
            ids.append(row.id)
        session.commit()
    for person in (a, b):
        _say(services, {**person, "channel": "telegram"}, "hi")
    with Session(services.db) as session:
        intro = proposed(session, session.get(Member, ids[0]), session.get(Member, ids[1]))
        for who in ids:  # the engine's clock is the real one: open the relay now
            relay.answer(session=session, introduction=intro, member_id=who, yes=True,
                         now=utcnow(), rng=random.Random())
        session.commit()
        return ids, intro.relay_code


def _queued_for(services, member_id: int, after: int) -> list[OutboundMessage]:
    with Session(services.db) as session:
        return list(session.exec(select(OutboundMessage).where(
            OutboundMessage.member_id == member_id, OutboundMessage.id > after)))


def _last_id(services) -> int:
    with Session(services.db) as session:
        return max(session.exec(select(OutboundMessage.id)).all(), default=0)


def _moderation_bodies(client: TestClient, intro_id: int) -> list[str]:
    """Every GET route of the moderation API; path parameters get the relay's id."""
    paths = [path for path, methods in client.app.openapi()["paths"].items()
             if path.startswith("/api/moderation") and "get" in methods]
    return [client.get(re.sub(r"\{[^}]+\}", str(intro_id), path), auth=ADMIN).text
            for path in paths]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(conversation=conversations)
@example(conversation=(
    {"name": "Dara Sok", "phone": "+85512345678", "username": "dara_sok", "channel": "sms"},
    {"name": "Siti", "phone": "+85587654321", "username": "siti_my", "channel": "telegram"},
    [(0, "CONTACT"), (1, "hello"), (1, "contact"), (0, "thanks"), (1, "END")]))
def test_no_contact_detail_leaks_before_both_send_contact(moderated, conversation):
    services, client = moderated
    a, b, said = conversation
    secrets = [a["phone"], a["username"], b["phone"], b["username"]]
    assume(a["phone"] != b["phone"] and a["username"] not in b["username"]
           and b["username"] not in a["username"])
    for _, body in said:
        assume(not any(s in body for s in secrets))
    assume(not any(s in (p["name"] or "") for s in secrets for p in (a, b)))
    ids, code = _setup(services, a, b)
    both, active = False, True
    for sender, body in said:
        before, was_both, was_active = _last_id(services), both, active
        _say(services, (a, b)[sender], f"{code} {body}")
        with Session(services.db) as session:
            intro = session.exec(select(Introduction)).one()
            both = intro.a_shares_contact and intro.b_shares_contact
            active = intro.status == "active"
        exchange = both and strip_edges(fold(body)) in CONTACT
        shown = "\n".join(row.text for row in _queued_for(services, ids[1 - sender], before))
        own = [(a, b)[sender]["phone"], (a, b)[sender]["username"]]
        if was_active and strip_edges(fold(body)):  # relayed, or the other one told
            assert shown
        if exchange:  # the only message that may carry it: sent to both, once both agree
            assert (a, b)[sender]["phone"] in shown or was_both
        else:
            assert not any(s in shown for s in own), shown
        for text in _moderation_bodies(client, intro.id):
            assert not any(s in text for s in secrets), text


def test_two_open_relays_cannot_share_a_code(services):
    with Session(services.db) as session:
        people = [Member(language="en") for _ in range(4)]
        session.add_all(people)
        session.flush()
        for a, b, status in [(0, 1, "active"), (2, 3, "closed")]:
            session.add(Introduction(member_a=people[a].id, member_b=people[b].id,
                                     status=status, relay_code="P12"))
        session.flush()  # a closed relay's code may be given out again
        session.add(Introduction(member_a=people[2].id, member_b=people[1].id,
                                 status="active", relay_code="P12"))
        with pytest.raises(IntegrityError):
            session.flush()
