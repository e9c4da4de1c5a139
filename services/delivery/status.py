"""Delivery status reported by a provider, applied to the outbox row.

Callbacks arrive out of order (Twilio may report `sent` after `delivered`), so a status
only ever moves forward by rank; the billed segment count is stored whenever given. A
report may name no message but a time instead (Messenger's read receipts): every message
sent to the address up to then reached the status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from content.models import Identity, OutboundMessage, utcnow

RANK = {
    "queued": 0, "sending": 1, "accepted": 2, "scheduled": 2, "sent": 3,
    "delivered": 4, "undelivered": 4, "failed": 4, "canceled": 4, "dead": 4,
    "suppressed": 4, "skipped": 4, "withdrawn": 4, "read": 5,
}
# Provider statuses we keep as they are; Twilio's own `queued`/`sending` mean accepted.
PROVIDER_STATUS = {"queued": "accepted", "accepted": "accepted", "sending": "accepted",
                   "scheduled": "scheduled", "sent": "sent", "delivered": "delivered",
                   "undelivered": "undelivered", "failed": "failed", "read": "read",
                   "canceled": "canceled"}
OPT_OUT_CODES = frozenset({"21610"})
# A watermark is the provider's time of the last message read or delivered; `sent_at` is
# ours, written when the provider's answer arrived, a little later than it stamped it.
WATERMARK_SLACK = timedelta(seconds=5)


class UnknownMessage(LookupError):
    """No outbox row carries this provider id (yet): the callback may beat our commit."""


@dataclass(frozen=True)
class StatusReport:
    """One status callback, as the adapter parsed it."""

    provider: str
    provider_id: str
    status: str
    error_code: str | None = None
    segments: int | None = None
    # A watermark report (provider_id ""): every message sent to `address` up to `up_to`
    # (milliseconds since the epoch, the provider's clock) reached `status`.
    address: str | None = None
    up_to: int | None = None


def apply_status(*, session: Session, report: StatusReport) -> bool:
    """Moves the row forward if the status is newer; returns whether it changed.

    Raises UnknownMessage when no row has the provider id, so the stored callback is
    retried later rather than dropped.
    """
    if report.up_to is not None:
        return apply_watermark(session=session, report=report) > 0
    row = session.exec(select(OutboundMessage).where(
        OutboundMessage.provider == report.provider,
        OutboundMessage.provider_id == report.provider_id)).first()
    if row is None:
        raise UnknownMessage(report.provider_id)
    if report.segments:
        row.billed_segments = report.segments
    status = PROVIDER_STATUS.get(report.status)
    changed = status is not None and RANK[status] > RANK.get(row.status, 0)
    if changed:
        row.status = status
        if report.error_code:
            row.error_code = report.error_code
    if report.error_code in OPT_OUT_CODES:
        identity = session.get(Identity, row.identity_id)
        identity.opted_out, identity.opted_out_at = True, utcnow()
        session.add(identity)
    row.updated_at = utcnow()
    session.add(row)
    return changed


def apply_watermark(*, session: Session, report: StatusReport) -> int:
    """Moves every message sent to the report's address up to its watermark forward to
    its status (only messages that went out: nothing dead or held back becomes "read");
    returns how many changed. A watermark no row reaches changes nothing."""
    status = PROVIDER_STATUS.get(report.status)
    if status is None or not report.address:
        return 0
    until = datetime.fromtimestamp(report.up_to / 1000, UTC) + WATERMARK_SLACK
    earlier = [name for name in ("accepted", "sent", "delivered") if RANK[name] < RANK[status]]
    rows = session.exec(select(OutboundMessage).where(
        OutboundMessage.provider == report.provider,
        OutboundMessage.address == report.address,
        OutboundMessage.status.in_(earlier),
        OutboundMessage.sent_at.is_not(None), OutboundMessage.sent_at <= until)).all()
    now = utcnow()
    for row in rows:
        row.status, row.updated_at = status, now
        session.add(row)
    return len(rows)
