"""Masked relays between introduced peers, as data: the double opt-in, relay codes,
closing, reports, expiry and the contact exchange.

An Introduction is "proposed" when a member asks to meet a peer (member_a, who has said
yes by asking); the peer (member_b) answers. Both yes: "active", with a relay code
("P" and two or three digits, unique among active introductions) and an expiry date,
and a `relay_expiry` job to close it then. A "no": "declined". END closes an active
relay ("closed"), REPORT closes it for the moderators ("reported", with the text), and
expiry closes it (closed_by None). Contact details are read here only for the exchange
both members asked for (`contact_of`); nothing else in this module returns them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, select

from content.channels import phone_channels
from content.models import Identity, InboundMessage, Introduction
from services import sandbox
from services.phones import to_e164
from services.scheduling import schedule

LETTER = "P"  # route codes never start with P (services/routing/codes.py)
EXPIRY = "relay_expiry"
TTL = timedelta(days=30)
TWO_DIGIT_TRIES = 20  # then three digits: 900 codes instead of 90
RECENT_INBOUND = 50  # Telegram messages searched for the member's username


@dataclass(frozen=True)
class Contact:
    """How to reach a member outside the relay: only for a mutual CONTACT exchange."""

    phone: str | None = None
    telegram: str | None = None  # "@username"

    def __bool__(self) -> bool:
        return bool(self.phone or self.telegram)

    def text(self) -> str:
        """The contact as one line: number and username."""
        return ", ".join(part for part in (self.phone, self.telegram) if part)


def _utc(moment: datetime) -> datetime:
    """Columns come back without a zone on SQLite; every time here is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def other(introduction: Introduction, member_id: int) -> int:
    """The other member of the introduction."""
    return introduction.member_b if introduction.member_a == member_id \
        else introduction.member_a


def new_code(*, session: Session, rng: random.Random) -> str:
    """A relay code that no active introduction holds."""
    for attempt in range(TWO_DIGIT_TRIES + 200):
        digits = 2 if attempt < TWO_DIGIT_TRIES else 3
        code = LETTER + str(rng.randrange(10 ** (digits - 1), 10 ** digits))
        taken = session.exec(select(Introduction.id).where(
            Introduction.relay_code == code, Introduction.status == "active").limit(1))
        if taken.first() is None:
            return code
    raise RuntimeError("no free relay code; close old relays")


def pending_request(*, session: Session, member_id: int) -> Introduction | None:
    """The newest request to meet this member that they have not answered yet."""
    return session.exec(select(Introduction).where(
        Introduction.member_b == member_id, Introduction.status == "proposed",
        Introduction.b_accepted.is_(None)).order_by(Introduction.id.desc())).first()


def answer(*, session: Session, introduction: Introduction, member_id: int, yes: bool,
           now: datetime, rng: random.Random, ttl: timedelta = TTL) -> Introduction:
    """Records one member's yes or no; both yes opens the relay, a no declines it."""
    if introduction.status != "proposed":
        raise ValueError(f"introduction {introduction.id} is {introduction.status}")
    if member_id == introduction.member_a:
        introduction.a_accepted = yes
    elif member_id == introduction.member_b:
        introduction.b_accepted = yes
    else:
        raise ValueError(f"member {member_id} is not in introduction {introduction.id}")
    if not yes:
        introduction.status, introduction.closed_at = "declined", _utc(now)
        introduction.closed_by = member_id
    elif introduction.a_accepted and introduction.b_accepted:
        introduction.status = "active"
        introduction.relay_code = new_code(session=session, rng=rng)
        introduction.expires_at = _utc(now) + ttl
        session.add(introduction)
        session.flush()
        schedule(session=session, kind=EXPIRY, due_at=introduction.expires_at,
                 ref_id=introduction.id)
    session.add(introduction)
    return introduction


def find(*, session: Session, member_id: int, code: str) -> Introduction | None:
    """The member's introduction with this relay code: the active one, else the last
    one that had it (closed, reported or expired); None if the code was never theirs."""
    rows = session.exec(select(Introduction).where(
        Introduction.relay_code == code.upper(),
        or_(Introduction.member_a == member_id, Introduction.member_b == member_id))
        .order_by(Introduction.id.desc())).all()
    active = [row for row in rows if row.status == "active"]
    return (active or rows or [None])[0]


def close(*, session: Session, introduction: Introduction, now: datetime,
          member_id: int | None = None, report_text: str | None = None) -> bool:
    """Closes an active relay: by END (member_id), by REPORT (with report_text, even
    empty) or at expiry (neither). False if it was not active."""
    if introduction.status != "active":
        return False
    introduction.status = "closed" if report_text is None else "reported"
    introduction.closed_at, introduction.closed_by = _utc(now), member_id
    if report_text is not None:
        introduction.report_text = report_text
    session.add(introduction)
    return True


def expired(introduction: Introduction, now: datetime) -> bool:
    """Whether an active relay's time is up."""
    return introduction.expires_at is not None and _utc(introduction.expires_at) <= _utc(now)


def share_contact(*, session: Session, introduction: Introduction, member_id: int) -> bool:
    """Records that this member agrees to give their contact; True once both have."""
    if member_id == introduction.member_a:
        introduction.a_shares_contact = True
    else:
        introduction.b_shares_contact = True
    session.add(introduction)
    return introduction.a_shares_contact and introduction.b_shares_contact


def contact_of(*, session: Session, member_id: int) -> Contact:
    """The member's phone number (a phone identity, or the contact they shared on
    Telegram) and public handle (a Telegram @username, from their latest messages)."""
    found = session.exec(select(Identity.provider, Identity.address).where(
        Identity.member_id == member_id, Identity.channel.in_(sorted(phone_channels())))
        .order_by(Identity.id.desc())).first()
    phone = sandbox.typed(*found) if found else None  # a simulated number as typed
    username = None
    payloads = session.exec(select(InboundMessage.payload).where(
        InboundMessage.member_id == member_id)  # channels that have them put them there
        .order_by(InboundMessage.id.desc()).limit(RECENT_INBOUND)).all()
    for payload in payloads:  # the adapter's neutral keys: phone/own, handle
        phone = phone or _shared_phone(payload)
        username = username or payload.get("handle")
    return Contact(phone=_e164(phone), telegram=username or None)


def _e164(phone: str | None) -> str | None:
    """The number in E.164 form (Telegram gives shared numbers without the +)."""
    if not phone:
        return None
    return to_e164(phone if phone.startswith("+") else f"+{phone}") or phone


def _shared_phone(payload: dict) -> str | None:
    """The number of a contact the member shared that is their own."""
    if payload.get("own") and payload.get("phone"):
        return str(payload["phone"])
    return None
