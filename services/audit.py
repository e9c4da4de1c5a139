"""The audit log: every moderator or operator action, written in the caller's
transaction. The actor is a console account (a Principal: its e-mail, id and
organisation are recorded, so organisations can read their own actions) or a name such
as `cli:ana` for a command. `entries` reads the log for the console's audit page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import false
from sqlmodel import Session, select

from content.models import AuditLog, Organisation
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


@dataclass(frozen=True)
class Filters:
    """The audit page's filters; None or "" is "any"."""

    actor: str | None = None  # part of the actor (an e-mail, `cli:ana`)
    action: str | None = None  # an action or its beginning ("member." for every one)
    target_type: str | None = None
    target_id: str | None = None
    organisation: str | None = None  # slug; only admins see other organisations'
    since: datetime | None = None
    until: datetime | None = None  # exclusive


def entries(*, session: Session, principal: Principal, filters: Filters = Filters(),
            limit: int = 50, offset: int = 0) -> list[AuditLog]:
    """Audit rows the account may read, newest first: admins every row, everyone else
    their organisation's accounts' actions."""
    query = select(AuditLog)
    if not principal.is_admin:
        query = query.where(AuditLog.organisation_id == principal.organisation_id) \
            if principal.organisation_id is not None else query.where(false())
    for condition in _conditions(filters):
        query = query.where(condition)
    return list(session.exec(query.order_by(AuditLog.at.desc(), AuditLog.id.desc())
                             .offset(offset).limit(limit)))


def _conditions(filters: Filters) -> list:
    found = []
    if filters.actor:
        found.append(AuditLog.actor.ilike(f"%{_literal(filters.actor)}%", escape="\\"))
    if filters.action:
        found.append(AuditLog.action.like(f"{_literal(filters.action)}%", escape="\\"))
    if filters.target_type:
        found.append(AuditLog.target_type == filters.target_type)
    if filters.target_id:
        found.append(AuditLog.target_id == filters.target_id)
    if filters.organisation:
        found.append(AuditLog.organisation_id == select(Organisation.id).where(
            Organisation.slug == filters.organisation).scalar_subquery())
    if filters.since:
        found.append(AuditLog.at >= filters.since)
    if filters.until:
        found.append(AuditLog.at < filters.until)
    return found


def _literal(text: str) -> str:
    """Text for LIKE with its wildcards taken literally."""
    for char in ("\\", "%", "_"):
        text = text.replace(char, "\\" + char)
    return text.strip()
