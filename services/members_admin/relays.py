"""Reported relays: the introductions members reported, and the messages of one relay.

Which messages belong to a relay. Nothing links a forwarded message to its
introduction: bot/relay.py reads the member's text "P12 hello", finds the member's
introduction with that code (relay.find) and forwards "hello". So the messages of a
relay are, exactly, the inbound rows
- of its two members (member_a, member_b),
- whose text starts with its relay code (services.routing.parse_code, the parser the
  bot used: any case, leading spaces, "P12:" or "p12 hello"),
- received while it was active: after it opened and no later than it closed (the
  REPORT or END that closed it included).
Its opening is not stored, only its creation (the request to meet), and a relay code is
unique among active relays only (a unique partial index since 0007), so the same code
may belong to an earlier relay of the same members that was still active after this
one was requested. Two relays holding one code are never active at the same time,
though: so this relay opened after every other relay with its code that closed between
its creation and its closing, and its window starts at the latest such closing. A
message sent with the code outside the window (before it opened, or after it closed,
which the bot answers with "relay closed") is not the relay's, nor is anything the two
members said to the bot or to other peers. The forwarded copies (outbound rows) are not
listed: they repeat the inbound text.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from content.models import InboundMessage, Introduction, Member, utcnow
from services.access import Principal, sees_member
from services.audit import record as audit
from services.members_admin import NotFound, numbers_hidden, shown, text_lang
from services.routing import parse_code

MAX_MESSAGES = 500


@dataclass(frozen=True)
class RelayMessage:
    """One message a member sent through the relay (the text after the code)."""

    id: int
    member_id: int
    at: datetime
    text: str  # Unicode, never Zawgyi
    lang: str  # for the page's lang attribute (members_admin.text_lang)


def reported(*, session: Session, principal: Principal,
             introduction_id: int) -> tuple[Introduction, Member, Member]:
    """A reported introduction (still in the queue, or closed since) with both members,
    if the account sees one of them."""
    intro = session.get(Introduction, introduction_id)
    if intro is None or intro.report_text is None or intro.relay_code is None:
        raise NotFound(f"no reported relay {introduction_id}")
    a, b = session.get(Member, intro.member_a), session.get(Member, intro.member_b)
    if not (sees_member(principal, a) or sees_member(principal, b)):
        raise NotFound(f"no reported relay {introduction_id}")
    return intro, a, b


def window(session: Session, intro: Introduction) -> tuple[datetime, datetime]:
    """When the relay was active: from its opening (see the module docstring) to its
    closing (now, while it is active)."""
    end = _utc(intro.closed_at) if intro.closed_at else utcnow()
    start = _utc(intro.created_at)
    before = session.exec(select(func.max(Introduction.closed_at)).where(
        Introduction.relay_code == intro.relay_code, Introduction.id != intro.id,
        Introduction.closed_at > start, Introduction.closed_at <= end)).one()
    return (max(start, _utc(before)) if before else start), end


def messages(*, session: Session, principal: Principal,
             introduction_id: int) -> list[RelayMessage]:
    """The messages of one reported relay, oldest first (numbers in them masked but for
    admins); the reading is audit-logged."""
    intro, a, b = reported(session=session, principal=principal,
                           introduction_id=introduction_id)
    found = [replace(m, text=numbers_hidden(m.text, principal)) for m in relay_messages(
        session=session, introduction=intro, languages={a.id: a.language, b.id: b.language})]
    audit(session=session, actor=principal, action="relay.read",
          target_type="introduction", target_id=intro.id, shown=len(found))
    return found


def relay_messages(*, session: Session, introduction: Introduction,
                   languages: dict[int, str]) -> list[RelayMessage]:
    """The inbound rows of the relay (module docstring), oldest first."""
    start, end = window(session, introduction)
    code = introduction.relay_code
    rows = session.exec(select(InboundMessage).where(
        InboundMessage.member_id.in_([introduction.member_a, introduction.member_b]),
        InboundMessage.received_at >= start, InboundMessage.received_at <= end)
        .order_by(InboundMessage.received_at, InboundMessage.id)).all()
    found = []
    for row in rows:
        parsed = parse_code(row.text)
        if parsed is None or parsed[0] != code:
            continue
        text = shown(parsed[1])
        found.append(RelayMessage(row.id, row.member_id, row.received_at, text,
                                  text_lang(text, languages.get(row.member_id, "und"))))
        if len(found) >= MAX_MESSAGES:
            break
    return found


def _utc(moment: datetime) -> datetime:
    """SQLite gives times back without a zone; every time here is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
