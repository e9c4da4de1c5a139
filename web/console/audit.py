"""The audit log page: who did what to which row, newest first, with filters (actor,
action, target, organisation, dates). Admins read every row; everyone else the actions
of their own organisation's accounts (services.audit.entries)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from services import audit
from web.console.core import Console, Current
from web.console.members import organisation_choices
from web.params import Offset

PAGE = 50


def make_router(console: Console) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    reader = Depends(console.allow("audit.read"))

    @router.get("/audit", response_class=HTMLResponse)
    def audit_log(request: Request, current: Current = reader,
                  actor: Annotated[str, Query(max_length=120)] = "",
                  action: Annotated[str, Query(max_length=64)] = "",
                  target_type: Annotated[str, Query(max_length=32)] = "",
                  target_id: Annotated[str, Query(max_length=80)] = "",
                  org: Annotated[str, Query(max_length=80)] = "",
                  since: Annotated[date | None, Query()] = None,
                  until: Annotated[date | None, Query()] = None,
                  offset: Offset = 0) -> HTMLResponse:
        """Audit rows the account may read."""
        filters = audit.Filters(
            actor=actor or None, action=action or None, target_type=target_type or None,
            target_id=target_id or None,
            organisation=(org or None) if current.principal.is_admin else None,
            since=_start_of(since), until=_start_of(until + timedelta(days=1))
            if until else None)
        with console.db() as session:
            rows = audit.entries(session=session, principal=current.principal,
                                 filters=filters, limit=PAGE, offset=offset)
            orgs = organisation_choices(session, current.principal)
            names = {o.id: o.slug for o in orgs}
        values = {"actor": actor, "action": action, "target_type": target_type,
                  "target_id": target_id, "org": org,
                  "since": since.isoformat() if since else "",
                  "until": until.isoformat() if until else ""}
        return console.render(request, current, "console/audit/list.html", {
            "rows": [(row, details(row.details)) for row in rows], "values": values,
            "organisations": orgs, "org_names": names, "offset": offset, "limit": PAGE,
            "params": {k: v for k, v in values.items() if v}})

    return router


def details(value: dict) -> str:
    """An audit row's details as compact JSON (shown escaped, never as markup)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str) \
        if value else ""


def _start_of(day: date | None) -> datetime | None:
    return datetime.combine(day, time(0), tzinfo=UTC) if day else None
