"""The moderators' JSON API under `/api/moderation`, beside the console's pages.

Every route needs a console account's credentials with a role allowed to use it (HTTP
Basic or a personal token; see auth.py), and every action that changes something is
written to the audit log. Responses carry ids, languages and texts, never phone numbers or
chat ids; the one exception is a member's own data export (a POST, audit-logged).
Each area has its own file: questions and answers (questions.py), introductions and
relay reports (peers.py), member-documented practices, visits and replication
(practices.py), resource persons and roles (members.py).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from web.moderation import members, peers, practices, questions
from web.moderation.nul import refuse_nul

PREFIX = "/api/moderation"


def make_router(services) -> APIRouter:
    """All moderation routes; each checks its own permission (auth.require) and refuses
    text PostgreSQL cannot hold (nul.py)."""
    router = APIRouter(prefix=PREFIX, tags=["moderation"], dependencies=[Depends(refuse_nul)])
    for area in (questions, peers, practices, members):
        router.include_router(area.make_router(services))
    return router
