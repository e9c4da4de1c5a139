"""Who may moderate: HTTP Basic with ADMIN_EMAIL / ADMIN_PASSWORD, compared in
constant time. Unless both are set (the password not empty), the moderation API answers
503 and says what to set, so a local `make run` never exposes it by accident."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException
from fastapi.security import HTTPBasic, HTTPBasicCredentials

BASIC = HTTPBasic(auto_error=False, realm="peerlearn moderation")


def moderator(settings) -> Callable[..., str]:
    """A dependency returning the moderator's name (for the audit log)."""
    def check(credentials: Annotated[HTTPBasicCredentials | None, Depends(BASIC)]) -> str:
        # An empty password counts as none: it would let anyone in with the e-mail.
        if not settings.admin_email or not settings.admin_password \
                or not settings.admin_password.get_secret_value():
            raise HTTPException(503, "moderation is off: set ADMIN_EMAIL and ADMIN_PASSWORD")
        if credentials is None or not (
                secrets.compare_digest(credentials.username.encode(),
                                       settings.admin_email.encode())
                and secrets.compare_digest(credentials.password.encode(),
                                           settings.admin_password.get_secret_value()
                                           .encode())):
            raise HTTPException(401, "moderator credentials needed",
                                headers={"WWW-Authenticate": 'Basic realm="peerlearn"'})
        return credentials.username
    return check
