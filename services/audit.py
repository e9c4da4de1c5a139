"""The audit log: every moderator or operator action, written in the caller's
transaction. The actor is a console account (a Principal: its e-mail, id and
organisation are recorded, so organisations can read their own actions) or a name such
as `cli:ana` for a command."""

from __future__ import annotations

from sqlmodel import Session

from content.models import AuditLog
from services.access import Principal


def record(*, session: Session, actor: Principal | str, action: str, target_type: str,
           target_id: int | str | None, **details: object) -> AuditLog:
    """Adds one audit row; returns it."""
    row = AuditLog(actor=str(actor)[:120], action=action[:64], target_type=target_type,
                   target_id=None if target_id is None else str(target_id)[:80],
                   details=details)
    if isinstance(actor, Principal):
        row.account_id, row.organisation_id = actor.account_id, actor.organisation_id
    session.add(row)
    return row
