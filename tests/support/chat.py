"""A member talking to the engine through the inbox, for dialog tables.

Each `say` stores an inbound message exactly as an adapter would and returns the
outbox rows it produced. Every SMS reply is checked against the segment counter and
the member's budget, so no dialog test can pass with an oversized SMS.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from sqlmodel import Session, select

from bot.inbox import InboundItem
from content.models import Identity, InboundMessage, Member, OutboundMessage
from services.sms import count

ADDRESSES = {"sms": "+85512345678", "telegram": "100001"}


@dataclass(frozen=True)
class Expect:
    """What a reply must hold: catalog texts, offered choices, literal fragments."""

    keys: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    contains: tuple[str, ...] = ()
    silent: bool = False


@dataclass
class Chat:
    """One simulated member on one channel."""

    services: object
    channel: str
    address: str = ""
    provider: str = "simulator"
    log: list = field(default_factory=list)
    seen: int = 0  # the last outbox row id this chat has looked at

    def __post_init__(self):
        self.address = self.address or ADDRESSES[self.channel]

    def say(self, text: str) -> list[OutboundMessage]:
        """Sends one message; returns the replies (checked for SMS size)."""
        received = self.services.inbox.receive(InboundItem(
            provider=self.provider, channel=self.channel, address=self.address,
            provider_key=uuid.uuid4().hex, text=text))
        for reply in received.replies:
            self._check_size(reply)
        self.log.append((text, received.replies))
        self.seen = max([self.seen, *(r.id for r in received.replies)])
        return received.replies

    def received(self) -> list[OutboundMessage]:
        """Messages queued for this chat since it last looked that were not replies to its
        own messages: notices from other members' turns, the moderators, the worker."""
        with Session(self.services.db) as session:
            identity = self.identity(session)
            rows = list(session.exec(select(OutboundMessage).where(
                OutboundMessage.identity_id == identity.id, OutboundMessage.id > self.seen)
                .order_by(OutboundMessage.id)))
        for row in rows:
            self._check_size(row)
        self.seen = max([self.seen, *(r.id for r in rows)])
        return rows

    def member(self) -> Member:
        """The member row as stored now."""
        with Session(self.services.db) as session:
            identity = self.identity(session)
            return session.get(Member, identity.member_id)

    def identity(self, session: Session) -> Identity:
        """The identity row of this chat."""
        return session.exec(select(Identity).where(
            Identity.provider == self.provider, Identity.channel == self.channel,
            Identity.address == self.address)).one()

    def inbound_count(self) -> int:
        """How many inbound rows this chat has stored."""
        with Session(self.services.db) as session:
            return len(session.exec(select(InboundMessage.id).where(
                InboundMessage.address == self.address)).all())

    def text_of(self, key: str, lang: str | None = None) -> str:
        """The catalog text of a key as this member's channel shows it."""
        lang = lang or self.member().language
        return self.services.catalog.text(lang, key, self.channel)

    def check(self, replies: list[OutboundMessage], expect: Expect, said: str) -> None:
        """Asserts the replies meet the expectation, with a readable message."""
        shown = "\n---\n".join(r.text for r in replies)
        where = f"after {said!r}, the bot said:\n{shown}"
        if expect.silent:
            assert replies == [], where
            return
        assert replies, f"no reply after {said!r}"
        for key in expect.keys:
            assert self.text_of(key) in _plain(shown), f"missing {key!r} {where}"
        offered = choices(replies)
        for value in expect.choices:
            assert value in offered, f"choice {value!r} not offered {where}"
        for fragment in expect.contains:
            assert fragment in shown, f"missing {fragment!r} {where}"

    def _check_size(self, reply: OutboundMessage) -> None:
        if self.channel != "sms":
            assert reply.segments is None
            return
        info = count(reply.text)
        assert (reply.segments, reply.encoding) == (info.segments, info.encoding)
        assert reply.segments <= self.member().segment_budget, reply.text


def choices(replies: list[OutboundMessage]) -> set[str]:
    """Choice values offered: Telegram button data, or SMS lines starting with a number."""
    offered = {b["data"] for r in replies for row in r.buttons for b in row}
    for reply in replies:
        offered |= set(re.findall(r"^(\d+) ", reply.text, flags=re.MULTILINE))
    return offered


def _plain(text: str) -> str:
    return text.replace("<b>", "").replace("</b>", "")


def run_table(chat: Chat, rows) -> None:
    """Plays a dialog table: (member says, Expect) rows."""
    for said, expect in rows:
        chat.check(chat.say(said), expect, said)
