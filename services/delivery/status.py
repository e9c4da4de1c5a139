"""Delivery status reported by a provider, applied to the outbox row.

Callbacks arrive out of order (Twilio may report `sent` after `delivered`), so a status
only ever moves forward by rank; the billed segment count is stored whenever given.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from content.models import Identity, OutboundMessage, utcnow

RANK = {
    "queued": 0, "sending": 1, "accepted": 2, "scheduled": 2, "sent": 3,
    "delivered": 4, "undelivered": 4, "failed": 4, "canceled": 4, "dead": 4,
    "suppressed": 4, "skipped": 4, "read": 5,
}
# Provider statuses we keep as they are; Twilio's own `queued`/`sending` mean accepted.
PROVIDER_STATUS = {"queued": "accepted", "accepted": "accepted", "sending": "accepted",
                   "scheduled": "scheduled", "sent": "sent", "delivered": "delivered",
                   "undelivered": "undelivered", "failed": "failed", "read": "read",
                   "canceled": "canceled"}
OPT_OUT_CODES = frozenset({"21610"})


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


def apply_status(*, session: Session, report: StatusReport) -> bool:
    """Moves the row forward if the status is newer; returns whether it changed.

    Raises UnknownMessage when no row has the provider id, so the stored callback is
    retried later rather than dropped.
    """
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
