"""Sending a broadcast: its outbox rows are queued at once, in one transaction (bulk
inserts, as the weekly story's), each due when the broadcast is (`send_at`) or, for a
member in their quiet hours then, when those end. The dispatcher sends them after the
replies (broadcast priority) and checks opt-out again. Cancelling withdraws the rows not
sent yet; progress counts the rows by what became of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, select, update
from sqlmodel import Session

from content.models import Broadcast, OutboundMessage, utcnow
from content.models.messages import PRIORITY_BROADCAST
from services.broadcasts.plan import walk
from services.scheduling.bulk import insert_rows
from services.scheduling.clock import LocalClock
from services.sms.prices import Pricer

OUTBOX = OutboundMessage.__table__
WITHDRAWN = "withdrawn"  # an unsent row of a cancelled broadcast
# What became of the rows, as the progress page names it.
# Every status an outbox row may have (services/delivery/status.py); a row counts as
# waiting only while it is queued or being sent.
STAGES = {"queued": "queued", "sending": "queued", "sent": "sent", "accepted": "sent",
          "scheduled": "sent", "delivered": "delivered", "read": "delivered",
          "failed": "failed", "undelivered": "failed", "dead": "failed", "skipped": "failed",
          "suppressed": "opted out", WITHDRAWN: "withdrawn", "canceled": "withdrawn"}


class NotSendable(ValueError):
    """The broadcast cannot be sent as it is; the message says why."""


def queue(session: Session, broadcast: Broadcast, pricer: Pricer,
          now: datetime | None = None) -> int:
    """Queues the broadcast's rows in the caller's transaction; returns how many.
    Refuses a broadcast already sent or cancelled, or one whose texts leave a recipient
    without a text or over their SMS budget (the preview shows which)."""
    now = now or utcnow()
    if broadcast.status not in ("draft", "scheduled"):
        raise NotSendable(f"this broadcast is {broadcast.status}")
    at = max(broadcast.send_at or now, now)
    clock, rows, dues = LocalClock(at), [], {}
    for row, rendered, unit in walk(session, broadcast, pricer):
        if rendered is None or rendered.over:
            raise NotSendable("some recipients have no text in a language they read, or "
                              "an SMS over their segment budget: see the preview")
        quiet = (row.timezone, row.quiet_start, row.quiet_end)
        if quiet not in dues:  # a few dozen zones and hours among 100,000 members
            dues[quiet] = (clock.quiet_over(row.timezone, row.quiet_end)
                           if clock.quiet(*quiet) else at)
        due = dues[quiet]
        rows.append(dict(
            member_id=row.member_id, identity_id=row.identity_id, provider=row.provider,
            channel=row.channel, address=row.address, text=rendered.text,
            segments=rendered.segments, encoding=rendered.encoding, next_attempt_at=due,
            unit_price=unit, cost_estimate=None if unit is None or rendered.segments is None
            else round(unit * rendered.segments, 6)))
    stamp = utcnow()
    insert_rows(session.connection(), OUTBOX, rows, inbound_id=None, buttons=[],
                priority=PRIORITY_BROADCAST, purpose="broadcast", status="queued",
                attempts=0, created_at=stamp, updated_at=stamp, broadcast_id=broadcast.id)
    broadcast.status, broadcast.recipients, broadcast.queued_at = "queued", len(rows), stamp
    session.add(broadcast)
    return len(rows)


def cancel(session: Session, broadcast: Broadcast) -> int:
    """Withdraws the rows not sent yet; returns how many."""
    if broadcast.status == "cancelled":
        return 0
    now = utcnow()
    withdrawn = session.execute(update(OUTBOX).where(
        OUTBOX.c.broadcast_id == broadcast.id, OUTBOX.c.status == "queued")
        .values(status=WITHDRAWN, updated_at=now)).rowcount
    broadcast.status, broadcast.cancelled_at = "cancelled", now
    session.add(broadcast)
    return withdrawn


def progress(session: Session, broadcast_id: int) -> dict:
    """Rows per stage (STAGES' names), the estimated cost and the billed one so far."""
    stage = case(*((OUTBOX.c.status == status, name) for status, name in STAGES.items()),
                 else_="sent")
    counts = {name: 0 for name in dict.fromkeys(STAGES.values())}
    for name, number in session.execute(select(stage, func.count()).where(
            OUTBOX.c.broadcast_id == broadcast_id).group_by(stage)):
        counts[name] += number
    estimate, billed = session.execute(select(
        func.sum(OUTBOX.c.cost_estimate),
        func.sum(OUTBOX.c.unit_price * OUTBOX.c.billed_segments)).where(
        OUTBOX.c.broadcast_id == broadcast_id)).one()
    total = sum(counts.values())
    done = total - counts["queued"]
    return {"stages": counts, "total": total, "done": done,
            "percent": round(100 * done / total) if total else 100,
            "estimate": estimate, "billed": billed}
