"""Who may use the moderation API: the console's accounts, with the same roles.

A request carries either HTTP Basic (the account's e-mail and password; failures count
towards the same login throttle as the console's form) or a personal token the account
created in the console (`Authorization: Bearer plt_...`). Without valid credentials:
401; with a role that lacks the route's permission: 403.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import timedelta

from fastapi import HTTPException, Request
from fastapi.concurrency import run_in_threadpool

from content.db import session_scope
from content.models import utcnow
from services import accounts
from services.access import Principal, allowed
from services.accounts import throttle, tokens

CHALLENGE = {"WWW-Authenticate": 'Basic realm="peerlearn moderation"'}


def require(services, permission: str) -> Callable[..., Principal]:
    """A dependency returning the Principal of a request allowed `permission`."""
    limits = throttle.Limits(per_account=services.settings.login_failures_per_account,
                             per_address=services.settings.login_failures_per_address)

    async def check(request: Request) -> Principal:
        principal = await run_in_threadpool(_principal, services, request, limits)
        if principal is None:
            raise HTTPException(401, "moderator credentials needed", headers=CHALLENGE)
        if not allowed(principal, permission):
            raise HTTPException(403, f"the {principal.role} role may not do this")
        return principal
    return check


def _principal(services, request: Request, limits: throttle.Limits) -> Principal | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    scheme = scheme.lower()
    now = utcnow()
    try:
        with session_scope(services.db) as session:
            if scheme == "bearer":
                account = tokens.find(session=session, secret=value.strip(), now=now)
            elif scheme == "basic":
                email, password = _basic(value)
                address = request.client.host if request.client else None
                try:
                    account = accounts.authenticate(session=session, email=email,
                                                    password=password, address=address,
                                                    now=now, limits=limits)
                except accounts.LoginRefused:
                    account = None
            else:
                return None
            return accounts.principal_of(session, account) if account else None
    except accounts.Throttled as exc:
        retry = int(timedelta(seconds=exc.retry_after).total_seconds())
        raise HTTPException(429, "too many failed logins",
                            headers={"Retry-After": str(retry)}) from None


def _basic(value: str) -> tuple[str, str]:
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return "", ""
    email, _, password = decoded.partition(":")
    return email, password
