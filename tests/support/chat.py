"""A member talking to the engine through the inbox, for dialog tables.

Each `say` stores an inbound message exactly as an adapter would and returns the
outbox rows it produced; `tap` presses a button of the latest message that shows it,
as Telegram reports a button press (a table row says it with `Tap("1")`). Every SMS
reply is checked against the segment counter and the member's budget, so no dialog
test can pass with an oversized SMS.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from sqlmodel import Session, select

from bot.inbox import InboundItem
from bot.render import TICK
from content.models import Identity, InboundMessage, Member, OutboundMessage
from services.sms import count

ADDRESSES = {"sms": "+85512345678", "telegram": "100001", "messenger": "7412589630125874"}


@dataclass(frozen=True)
class Expect:
    """What a reply must hold: catalog texts, offered choices, literal fragments."""

    keys: tuple[str, ...] = ()  # a text's {fields} match any value
    choices: tuple[str, ...] = ()
    contains: tuple[str, ...] = ()
    silent: bool = False
    out_of_range: tuple[int, int] | None = None  # "from 1 to 8", as the channel says it
    ticked: tuple[str, ...] | None = None  # exactly these buttons show a tick
    edits: bool | None = None  # the reply edits the message tapped (not a new one)


@dataclass(frozen=True)
class Tap:
    """A table row's button press: the button whose data is `value`."""

    value: str


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

    def tap(self, value: str) -> list[OutboundMessage]:
        """Presses the button carrying `value` on the latest message that shows one, as
        the Telegram adapter reports it: the button's data, and the message tapped (the
        provider's id for it; rows are not sent here, so the row's id stands in)."""
        shown = [row for _, replies in self.log for row in replies
                 if any(b["data"] == value for line in row.buttons for b in line)]
        assert shown, f"no button {value!r} shown"
        row = shown[-1]
        tapped = row.edits or str(row.id)  # an edit's buttons are on the message it edits
        received = self.services.inbox.receive(InboundItem(
            provider=self.provider, channel=self.channel, address=self.address,
            provider_key=uuid.uuid4().hex, text=value, kind="callback",
            payload={"tapped": tapped}))
        self.log.append((f"[{value}]", received.replies))
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

    def text_of(self, key: str, lang: str | None = None, **params) -> str:
        """The catalog text of a key as this member's channel shows it."""
        lang = lang or self.member().language
        return self.services.catalog.text(lang, key, self.channel, **params)

    def check(self, replies: list[OutboundMessage], expect: Expect, said: str) -> None:
        """Asserts the replies meet the expectation, with a readable message."""
        shown = "\n---\n".join(r.text for r in replies)
        where = f"after {said!r}, the bot said:\n{shown}"
        if expect.silent:
            assert replies == [], where
            return
        assert replies, f"no reply after {said!r}"
        for key in expect.keys:
            assert _shows(self.text_of(key), _plain(shown)), f"missing {key!r} {where}"
        offered = choices(replies)
        for value in expect.choices:
            assert value in offered, f"choice {value!r} not offered {where}"
        for fragment in expect.contains:
            assert fragment in shown, f"missing {fragment!r} {where}"
        if expect.out_of_range:
            low, high = expect.out_of_range
            told = self.text_of("out_of_range", low=low, high=high)
            assert told in _plain(shown), f"missing {told!r} {where}"
        if expect.ticked is not None:
            ticked = {b["data"] for r in replies for row in r.buttons for b in row
                      if b["text"].startswith(TICK)}
            assert ticked == set(expect.ticked), f"ticked {sorted(ticked)} {where}"
        if expect.edits is not None:
            assert all(bool(r.edits) == expect.edits for r in replies), f"edits? {where}"

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


def _shows(template: str, shown: str) -> bool:
    """Whether the text shows the template, any value standing in its `{fields}`."""
    pieces = re.split(r"\{\w+\}", template)
    return re.search(".+?".join(map(re.escape, pieces)), shown, flags=re.DOTALL) is not None


def _plain(text: str) -> str:
    return text.replace("<b>", "").replace("</b>", "")


def run_table(chat: Chat, rows) -> None:
    """Plays a dialog table: (member says or taps, Expect) rows."""
    for said, expect in rows:
        if isinstance(said, Tap):
            chat.check(chat.tap(said.value), expect, f"[{said.value}]")
        else:
            chat.check(chat.say(said), expect, said)
