"""Broadcasts as the console and the CLI keep them: a draft made from a form (checked,
and narrowed to the account's members: a moderator reaches their organisation's members
and those of no organisation in its country, as services/access.py scopes them), the
list an account sees, sending and cancelling, each written to the audit log."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlmodel import Session, select

from content.models import Broadcast, Practice, utcnow
from services import audit
from services.access import Principal
from services.broadcasts.audience import Audience
from services.broadcasts.send import cancel, queue
from services.sms.prices import Pricer

MAX_TEXT = 1600  # what one SMS row may carry (Twilio's limit)


class Refused(ValueError):
    """The form cannot make a broadcast; the message says what to change."""


def create(session: Session, principal: Principal, *, title: str, texts: dict[str, str],
           practice_id: int | None, audience: Audience,
           send_at: datetime | None = None) -> Broadcast:
    """A draft broadcast, checked, with the account's scope on its audience."""
    texts = {lang: text.strip() for lang, text in texts.items() if text and text.strip()}
    if not title.strip():
        raise Refused("Give the broadcast a title (only staff see it).")
    if practice_id is None and not texts:
        raise Refused("Write a text in at least one language, or choose a practice.")
    if practice_id is not None and session.exec(select(Practice.id).where(
            Practice.id == practice_id, Practice.status == "published")).first() is None:
        raise Refused("That practice is not published.")
    if any(len(text) > MAX_TEXT for text in texts.values()):
        raise Refused(f"A text is longer than {MAX_TEXT} characters.")
    if send_at is not None and send_at < utcnow() - timedelta(minutes=1):
        raise Refused("The time to send is in the past.")
    if not principal.is_admin:
        audience = replace(audience, organisation_id=principal.organisation_id,
                           organisation_country=principal.country)
    row = Broadcast(title=title.strip()[:200], texts={} if practice_id else texts,
                    practice_id=practice_id, audience=audience.to_json(),
                    sandbox=audience.sandbox, send_at=send_at,
                    organisation_id=audience.organisation_id or principal.organisation_id,
                    created_by=principal.account_id)
    session.add(row)
    session.flush()
    audit.record(session=session, actor=principal, action="broadcast.create",
                 target_type="broadcast", target_id=row.id)
    return row


def visible(principal: Principal):
    """The broadcasts an account sees: all for admins, else its organisation's."""
    query = select(Broadcast).order_by(Broadcast.id.desc())
    if not principal.is_admin:
        query = query.where(Broadcast.organisation_id == principal.organisation_id)
    return query


def find(session: Session, principal: Principal, broadcast_id: int) -> Broadcast | None:
    """One broadcast, if the account sees it."""
    return session.exec(visible(principal).where(Broadcast.id == broadcast_id)).first()


def send(session: Session, principal: Principal, broadcast: Broadcast, pricer: Pricer) -> int:
    """Queues it (scheduled if it has a time); returns how many rows."""
    queued = queue(session, broadcast, pricer)
    audit.record(session=session, actor=principal, action="broadcast.send",
                 target_type="broadcast", target_id=broadcast.id, recipients=queued)
    return queued


def withdraw(session: Session, principal: Principal, broadcast: Broadcast) -> int:
    """Cancels it: the rows not sent yet are withdrawn; returns how many."""
    withdrawn = cancel(session, broadcast)
    audit.record(session=session, actor=principal, action="broadcast.cancel",
                 target_type="broadcast", target_id=broadcast.id, withdrawn=withdrawn)
    return withdrawn
