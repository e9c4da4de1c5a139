"""The sandbox (services/sandbox.py): a simulated member's question, peer request or
message never reaches a real member, a real member's never reaches a simulated one, and
one browser's sandbox never reaches another's.

Four worlds, each with an asker and an expert made the way the app makes them
(members.identify): real members on Telegram, two browsers' sandboxes (A, B) and the
terminal's. Every expert offers the topic in the language; without the sandbox rule a
question would go to three of the four experts.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.inbox import InboundItem
from content.models import (
    Introduction,
    Member,
    OutboundMessage,
    Practice,
    Question,
    Reading,
    utcnow,
)
from services import curation, members, queue_facts, replication, sandbox
from services.broadcasts import Audience
from services.broadcasts import send_now as broadcast
from services.matching import StaleProposal, create_introduction, propose
from services.questions import NotFound
from services.routing import route
from services.routing.console import assign

A, B = "A" * 22, "B" * 22
WORLDS = {  # world: (provider, sandbox id or None)
    "real": ("telegram", None),
    "browser A": ("simulator", A),
    "browser B": ("simulator", B),
    "terminal": ("simulator", sandbox.TERMINAL),
}
WHO = ("asker", "expert")


def address(world: str, who: str) -> str:
    typed = "700001" if who == "asker" else "700002"
    box = WORLDS[world][1]
    return sandbox.scoped(box, typed) if box else typed


@pytest.fixture
def people(services) -> dict[tuple[str, str], int]:
    """(world, asker|expert) -> member id; every one onboarded, matching on."""
    ids = {}
    with Session(services.db) as session:
        for world, (provider, _) in WORLDS.items():
            for who in WHO:
                member, _ = members.identify(session=session, provider=provider,
                                             channel="telegram", address=address(world, who))
                member.language, member.onboarded_at = "km", utcnow() - timedelta(days=9)
                member.consent_matching, member.consent_stories = True, True
                member.topics_wanted = ["farming"] if who == "asker" else []
                member.topics_offered = [] if who == "asker" else ["fisheries", "farming"]
                member.role = "member" if who == "asker" else "expert"
                session.add(member)
                session.flush()
                ids[world, who] = member.id
        session.commit()
    return ids


def world_of(people: dict, member_id: int) -> str:
    return next(world for (world, _), found in people.items() if found == member_id)


def test_members_are_made_in_their_sandbox(services, people):
    with Session(services.db) as session:
        stored = {key: session.get(Member, found).sandbox for key, found in people.items()}
    assert stored == {(world, who): WORLDS[world][1] for world in WORLDS for who in WHO}


@pytest.mark.parametrize("world", WORLDS)
def test_a_question_goes_to_experts_of_the_asker_s_world_only(services, people, world):
    with Session(services.db) as session:
        asked = Question(member_id=people[world, "asker"], lang="km", text="dry fish?",
                         status="open")
        session.add(asked)
        session.flush()
        result = route(session=session, question_id=asked.id, now=utcnow(),
                       topics=["fisheries"])
        session.commit()
    assert [world_of(people, r.member_id) for r in result.routes] == [world]


@pytest.mark.parametrize("world", WORLDS)
def test_a_peer_is_proposed_from_the_learner_s_world_only(services, people, world):
    with Session(services.db) as session:
        found = propose(session=session, member_id=people[world, "asker"], topic="farming",
                        now=utcnow())
    assert found is not None and world_of(people, found.member_id) == world


@pytest.mark.parametrize("world", WORLDS)
def test_moderators_are_offered_and_may_assign_the_asker_s_world_only(services, people,
                                                                        world):
    with Session(services.db) as session:
        asked = Question(member_id=people[world, "asker"], lang="km", text="dry fish?",
                         status="open", escalated_at=utcnow())
        session.add(asked)
        session.flush()
        offered = queue_facts.resource_people(session=session, langs=["km"],
                                              sandbox=WORLDS[world][1])
        assert [world_of(people, p.id) for p in offered] == [world]
        for other in WORLDS:
            if other != world:
                with pytest.raises(NotFound):
                    assign(session=session, question_id=asked.id,
                           member_id=people[other, "expert"], now=utcnow())
        assign(session=session, question_id=asked.id, member_id=people[world, "expert"],
               now=utcnow())


def test_an_introduction_across_the_sandbox_is_refused(services, people):
    with Session(services.db) as session:
        proposal = propose(session=session, member_id=people["real", "asker"],
                           topic="farming", now=utcnow())
        proposal = proposal.__class__(**{**proposal.__dict__,
                                         "member_id": people["browser A", "expert"]})
        with pytest.raises(StaleProposal):
            create_introduction(session=session, proposal=proposal,
                                member_id=people["real", "asker"], topic="farming",
                                now=utcnow())


@pytest.mark.parametrize("sender, to, reaches", [
    ("real", "real", True),
    ("browser A", "browser A", True),
    ("browser A", "real", False),
    ("real", "browser A", False),
    ("browser A", "browser B", False),
    ("terminal", "real", False),
])
def test_a_relay_message_crosses_no_sandbox(services, people, sender, to, reaches):
    """An active relay between two worlds (made by hand: matching never makes one): the
    engine drops the message instead of sending it on."""
    a, b = people[sender, "asker"], people[to, "expert"]
    with Session(services.db) as session:
        session.add(Introduction(member_a=a, member_b=b, status="active", relay_code="P12",
                                 topic="farming", created_at=utcnow(),
                                 expires_at=utcnow() + timedelta(days=30)))
        session.commit()
    provider = WORLDS[sender][0]
    services.inbox.receive(InboundItem(provider=provider, channel="telegram",
                                       address=address(sender, "asker"),
                                       provider_key=uuid.uuid4().hex, text="P12 hello"))
    with Session(services.db) as session:
        to_peer = session.exec(select(OutboundMessage).where(
            OutboundMessage.member_id == b)).all()
        to_sender = session.exec(select(OutboundMessage).where(
            OutboundMessage.member_id == a)).all()
    assert bool(to_peer) is reaches
    assert to_sender, "the sender is answered either way"
    if reaches:
        assert "hello" in to_peer[0].text


def test_a_broadcast_goes_to_real_members_unless_asked_for_the_sandbox(services, people):
    with Session(services.db) as session:
        real = broadcast(session=session, text="Hello all")
        simulated = broadcast(session=session, text="Hello all",
                              audience=Audience(sandbox=True))
        rows = session.exec(select(OutboundMessage.member_id, OutboundMessage.provider)).all()
    assert (real, simulated) == (2, 6)
    assert sorted(world_of(people, m) for m, p in rows if p == "telegram") == ["real"] * 2


def test_what_simulated_members_try_or_read_counts_for_their_sandbox_only(services, people):
    """"Tried by N enterprises" under a story, a contributor's reach and the moderators'
    replication counts: each world sees its own reports and readers only."""
    with Session(services.db) as session:
        practice_id = session.exec(select(Practice.id).where(
            Practice.slug == "sri-cambodia")).one()
        for world in WORLDS:
            asker = session.get(Member, people[world, "asker"])
            replication.report(session=session, member=asker, practice_id=practice_id,
                               outcome="adopted", now=utcnow())
            session.add(Reading(member_id=asker.id, practice_id=practice_id, lang="km"))
        session.commit()
        tried = {world: replication.reach(session=session, practice_id=practice_id,
                                          sandbox=box).enterprises
                 for world, (_, box) in WORLDS.items()}
        read = {world: curation.readers(session=session, practice_id=practice_id, sandbox=box)
                for world, (_, box) in WORLDS.items()}
        counted = replication.counts(session=session, practice_id=practice_id)
    assert tried == read == {world: 1 for world in WORLDS}
    assert [c.members for c in counted] == [1]
