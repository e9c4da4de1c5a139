"""PEER and the masked relay as dialog tables: consent, topic, one peer at a time, the
double opt-in, then relay messages both ways, END, REPORT, CONTACT and expiry. The
asker talks on one channel and the peers on the other, so both renderings are used."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot import notify, relay
from bot.catalog import Catalog
from bot.flows.peer import consent_reply, topic_reply
from bot.flows.peer_cards import profile_reply, request_reply
from bot.inbox import InboundItem
from bot.render import Renderer
from bot.replies import Reply
from content.channels import kind
from content.models import Introduction, Job, Member, OutboundMessage, utcnow
from tests.bot.test_dialogs import CHANNELS, MENU, onboard
from tests.support.chat import Chat, Expect, run_table

SMS = kind("sms")

ASKER = {"sms": "+85512345678", "telegram": "100001"}
PEERS = {"sms": ["+60123456789", "+639171234567"], "telegram": ["200001", "200002"]}
OTHER = {"sms": "telegram", "telegram": "sms"}
EXPERT = dict(name="Siti Aminah", country="MY", role="expert", enterprise="Koperasi Maju",
              topics_offered=["farming", "marketing"], languages=["en"],
              consent_matching=True)
SECOND = dict(name="Jose Cruz", country="PH", topics_offered=["seeds"], languages=["en"],
              consent_matching=True)
CONSENT = Expect(keys=("peer.consent.ask",), choices=("1", "2"))
TOPIC = Expect(keys=("peer.topic.ask",), choices=tuple(str(n) for n in range(1, 9)))
SITI = Expect(contains=("Siti (Malaysia, Koperasi Maju, Farming)",), choices=("1", "2", "0"))
CODE = re.compile(r"\b(P\d{2,3})\b")


class TelegramChat(Chat):
    """A Telegram member whose updates carry their username, stored as the adapter
    stores it (the Update, and `handle`)."""

    username: str = "siti_koperasi"

    def say(self, text: str) -> list[OutboundMessage]:
        payload = {"message": {"from": {"id": 1, "username": self.username}, "text": text},
                   "handle": f"@{self.username}"}
        received = self.services.inbox.receive(InboundItem(
            provider=self.provider, channel=self.channel, address=self.address,
            provider_key=uuid.uuid4().hex, text=text, payload=payload))
        self.log.append((text, received.replies))
        self.seen = max([self.seen, *(r.id for r in received.replies)])
        return received.replies


def update(services, chat: Chat, **values) -> None:
    """Sets profile fields directly, as a moderator or an earlier session would have."""
    with Session(services.db) as session:
        member = session.get(Member, chat.member().id)
        for name, value in values.items():
            setattr(member, name, value)
        session.add(member)
        session.commit()


def people(services, channel: str, *profiles: dict) -> tuple[Chat, list[Chat]]:
    """The asker (English, Cambodia, farming) on `channel`, and onboarded peers with
    these profiles on the other channel."""
    asker = Chat(services, channel, ASKER[channel])
    onboard(asker)
    other = OTHER[channel]
    kind = TelegramChat if other == "telegram" else Chat
    peers = []
    for address, profile in zip(PEERS[other], profiles, strict=False):
        chat = kind(services, other, address)
        onboard(chat)
        update(services, chat, **profile)
        peers.append(chat)
    return asker, peers


def texts(rows: list[OutboundMessage]) -> str:
    return "\n".join(row.text for row in rows)


def introductions(services) -> list[Introduction]:
    with Session(services.db) as session:
        return list(session.exec(select(Introduction).order_by(Introduction.id)))


def connect(services, channel: str, *profiles: dict) -> tuple[Chat, Chat, str]:
    """Asker and first peer, connected through the PEER flow; returns the relay code."""
    asker, peers = people(services, channel, *(profiles or (EXPERT,)))
    update(services, asker, consent_matching=True)
    asker.say("PEER 1")
    asker.say("1")
    peers[0].received()
    code = CODE.search(texts(peers[0].say("1"))).group(1)
    asker.received()
    return asker, peers[0], code


@pytest.mark.parametrize("channel", CHANNELS)
def test_consent_topic_profile_and_double_opt_in(services, channel):
    asker, (siti,) = people(services, channel, EXPERT)
    run_table(asker, [
        ("PEER", CONSENT),
        ("1", TOPIC),
        ("9", Expect(out_of_range=(1, 8), keys=("peer.topic.ask",))),
        ("1", SITI),
    ])
    assert asker.member().consent_matching is True
    shown = asker.log[-1][1]
    assert "Aminah" not in texts(shown) and siti.address not in texts(shown)
    run_table(asker, [("1", Expect(contains=("We asked Siti",), keys=("menu.title",)))])
    request = siti.received()
    assert "would like to learn about" in texts(request) and "(Cambodia, Farming)" in texts(
        request)
    assert asker.address not in texts(request)
    (intro,) = introductions(services)
    assert (intro.status, intro.a_accepted, intro.b_accepted) == ("proposed", True, None)
    matched = siti.say("1")
    code = CODE.search(texts(matched)).group(1)
    assert f"start your message with {code}" in texts(matched)
    assert f"{code} END closes it" in texts(matched)
    told = asker.received()
    assert f"You can now write to Siti: start your message with {code}." in texts(told)
    assert siti.address not in texts(told) and "siti_koperasi" not in texts(told)
    (intro,) = introductions(services)
    assert (intro.status, intro.relay_code, intro.b_accepted) == ("active", code, True)
    assert intro.expires_at is not None
    with Session(services.db) as session:
        (job,) = session.exec(select(Job).where(Job.kind == "relay_expiry")).all()
        assert (job.ref_id, job.status) == (intro.id, "due")


@pytest.mark.parametrize("channel", CHANNELS)
def test_the_peer_declines_and_the_asker_is_told_politely(services, channel):
    asker, (siti,) = people(services, channel, EXPERT)
    update(services, asker, consent_matching=True)
    run_table(asker, [("PEER 1", SITI), ("1", Expect(keys=("menu.title",)))])
    siti.received()
    run_table(siti, [("3", Expect(out_of_range=(1, 2), choices=("1", "2"))),
                     ("2", Expect(keys=("peer.declined_ok", "menu.title")))])
    told = asker.received()
    assert asker.text_of("peer.declined") in texts(told) and "Siti" not in texts(told)
    (intro,) = introductions(services)
    assert (intro.status, intro.b_accepted, intro.relay_code) == ("declined", False, None)


@pytest.mark.parametrize("channel", CHANNELS)
def test_another_peer_then_nobody_left(services, channel):
    asker, _ = people(services, channel, EXPERT, SECOND)
    update(services, asker, consent_matching=True)
    run_table(asker, [
        ("PEER", TOPIC),
        ("1", SITI),
        ("2", Expect(contains=("Jose (Philippines, Farming)",), choices=("1", "2", "0"))),
        ("2", Expect(keys=("peer.no_more", "menu.title"))),
    ])
    assert introductions(services) == []


@pytest.mark.parametrize("channel", CHANNELS)
def test_nobody_fits_and_consent_declined(services, channel):
    asker, _ = people(services, channel)
    run_table(asker, [
        ("PEER 2", CONSENT),
        ("2", Expect(keys=("peer.consent.declined", "menu.title"))),
        ("3", CONSENT),
        ("1", Expect(keys=("peer.topic.ask",))),
        ("1", Expect(keys=("peer.none", "menu.title"))),
        ("0", MENU),
    ])


@pytest.mark.parametrize("channel", CHANNELS)
def test_an_unanswered_request_comes_back_with_peer(services, channel):
    asker, (siti,) = people(services, channel, EXPERT)
    update(services, asker, consent_matching=True)
    asker.say("PEER 1")
    asker.say("1")
    siti.received()
    siti.say("MENU")
    run_table(siti, [("PEER", Expect(contains=("would like to learn about",),
                                     choices=("1", "2"))),
                     ("1", Expect(contains=("END closes it",)))])


@pytest.mark.parametrize("channel", CHANNELS)
def test_relay_both_ways_then_end(services, channel):
    asker, siti, code = connect(services, channel)
    run_table(asker, [(f"{code} Hello from Takeo", Expect(contains=("Sent to Siti.",)))])
    got = texts(siti.received())
    assert f"{code} " in got and "Hello from Takeo" in got and asker.address not in got
    run_table(siti, [(f"{code.lower()}: Welcome!", Expect(contains=("Sent to your peer.",)))])
    got = texts(asker.received())
    assert "Siti" in got and "Welcome!" in got
    assert siti.address not in got and "siti_koperasi" not in got
    run_table(asker, [
        (code, Expect(contains=(f"e.g. {code} Hello",))),
        (f"{code} END", Expect(contains=(f"You closed {code}.",))),
        (f"{code} still there?", Expect(contains=(f"Conversation {code} is closed.",))),
        ("P999 hello", Expect(keys=("not_understood", "menu.title"))),
    ])
    assert f"closed conversation {code}" in texts(siti.received())
    (intro,) = introductions(services)
    assert (intro.status, intro.closed_by) == ("closed", asker.member().id)
    assert intro.closed_at is not None


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_peer_who_opted_out_gets_nothing_and_the_sender_is_told(services, channel):
    asker, siti, code = connect(services, channel)
    siti.say("STOP")
    run_table(asker, [(f"{code} are you there?", Expect(contains=("Not sent: Siti",)))])
    assert siti.received() == []


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_relay_message_keeps_the_dialog_where_it_was(services, channel):
    asker, siti, code = connect(services, channel)
    run_table(asker, [("PEER", Expect(keys=("peer.topic.ask",))),
                      (f"{code} one moment", Expect(contains=("Sent to Siti.",))),
                      ("9", Expect(out_of_range=(1, 8)))])


@pytest.mark.parametrize("channel", CHANNELS)
def test_report_closes_for_the_moderators(services, channel):
    asker, siti, code = connect(services, channel)
    run_table(siti, [(f"{code} REPORT asked me for money",
                      Expect(contains=(f"{code} is closed and a moderator",)))])
    assert f"Conversation {code} is closed" in texts(asker.received())
    (intro,) = introductions(services)
    assert (intro.status, intro.report_text) == ("reported", "asked me for money")
    assert intro.closed_by == siti.member().id
    run_table(asker, [(f"{code} hello?", Expect(contains=("is closed",)))])
    assert siti.received() == []


@pytest.mark.parametrize("channel", CHANNELS)
def test_contact_is_exchanged_only_when_both_send_it(services, channel):
    asker, siti, code = connect(services, channel)
    siti_contact = siti.address if siti.channel == "sms" else "@siti_koperasi"
    replies = asker.say(f"{code} CONTACT")
    assert f"When Siti also sends {code} CONTACT" in texts(replies)
    assert siti_contact not in texts(replies)
    asked = texts(siti.received())
    assert f"Send {code} CONTACT" in asked and asker.address not in asked
    assert asker.member().consent_contact is True and siti.member().consent_contact is False
    mine = texts(siti.say(f"{code} contact"))
    asker_contact = asker.address if asker.channel == "sms" else "no number or username"
    assert asker_contact in mine
    theirs = texts(asker.received())
    assert siti_contact in theirs and f"{code}: contact of Siti" in theirs
    assert siti.member().consent_contact is True
    (intro,) = introductions(services)
    assert intro.a_shares_contact and intro.b_shares_contact and intro.status == "active"


@pytest.mark.parametrize("channel", CHANNELS)
def test_expiry_closes_the_relay_and_tells_both(services, channel):
    asker, siti, code = connect(services, channel)
    with Session(services.db) as session:
        job = session.exec(select(Job).where(Job.kind == "relay_expiry")).one()
        assert relay.expire(session, job, utcnow() + timedelta(days=29)) == []
        assert job.status == "due"
        notices = relay.expire(session, job, utcnow() + timedelta(days=31))
        for notice in notices:
            notify.deliver(session, services.catalog, notice, now=utcnow())
        session.commit()
    assert f"Conversation {code} with your peer has ended" in texts(siti.received())
    assert f"Conversation {code} with Siti has ended" in texts(asker.received())
    (intro,) = introductions(services)
    assert intro.status == "closed" and intro.closed_by is None
    run_table(asker, [(f"{code} hi", Expect(contains=("is closed",)))])
    with Session(services.db) as session:
        job = session.exec(select(Job).where(Job.kind == "relay_expiry")).one()
        assert relay.expire(session, job, utcnow() + timedelta(days=40)) == []
        assert job.status == "cancelled"


# --- every question fits two SMS segments in every language ----------------------

CATALOG = Catalog.load()


def _questions(lang: str) -> dict:
    viewer = Member(language=lang, country="KH", sector="agriculture")
    siti = Member(**{**EXPERT, "sector": "agriculture"})
    return {"consent": consent_reply(), "topic": topic_reply(),
            "profile": profile_reply(siti, viewer, "farming"),
            "request": request_reply(siti, viewer, "seeds"),
            "matched": Reply("peer.matched", {"name": "Siti", "code": "P123"}),
            "relay help": Reply("peer.relay_help", {"code": "P123"}),
            "expired": Reply("relay.expired", {"code": "P123", "name": "Siti"})}


@pytest.mark.parametrize("lang", ["en", "km", "lo", "my", "vi", "id", "ms", "fil", "th"])
@pytest.mark.parametrize("name", ["consent", "topic", "profile", "request", "matched",
                                  "relay help", "expired"])
def test_every_peer_question_fits_two_sms_segments(lang, name):
    reply = _questions(lang)[name]
    rendering = Renderer(CATALOG, SMS, lang, budget=2).render([reply])
    assert rendering.pending == [], f"{name} in {lang} needs MORE"
    assert len(rendering.messages) == 1 and rendering.messages[0].segments <= 2
    if name == "profile":  # the card speaks the viewer's language
        country = CATALOG.text(lang, "country.MY")
        assert country in rendering.messages[0].text
