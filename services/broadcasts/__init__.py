"""Broadcasts: one message to many members, at broadcast priority, through the outbox.
audience.py says who, texts.py what each gets, plan.py previews it with its cost and
duration, send.py queues, cancels and counts progress."""

from __future__ import annotations

from sqlmodel import Session

from content.models import Broadcast
from services.broadcasts.audience import Audience
from services.broadcasts.plan import Line, Plan, plan
from services.broadcasts.send import NotSendable, cancel, progress, queue
from services.sms import prices

__all__ = ["Audience", "Broadcast", "Line", "NotSendable", "Plan", "cancel", "plan",
           "progress", "queue", "send_now"]


def send_now(*, session: Session, text: str | dict[str, str],
             audience: Audience | None = None, title: str = "",
             organisation_id: int | None = None) -> int:
    """Creates a broadcast of `text` (or a text per language) and queues it now;
    returns how many rows it queued (the CLI, and tests)."""
    texts = text if isinstance(text, dict) else {"en": text}
    audience = audience or Audience()
    pricer = prices.Pricer(prices.stored(session.get_bind()))
    broadcast = Broadcast(title=title or next(iter(texts.values()))[:80], texts=texts,
                          audience=audience.to_json(), sandbox=audience.sandbox,
                          organisation_id=organisation_id)
    session.add(broadcast)
    session.flush()
    return queue(session, broadcast, pricer)
