"""Introductions between peers and what members reported about them.

- `GET /introductions?status=reported` lists introductions (newest first) with both
  members' public profiles and the report text; without `status`, all of them.
- `POST /introductions/{id}/close` closes one (the relay stops forwarding) and tells
  both members a moderator closed it.
- `GET /introductions/{id}/messages`: the messages of a reported relay, and only of
  that relay (services/members_admin/relays.py); admins and moderators, audit-logged.

An account sees the introductions one of whose members is in its scope (others: 404).
The relay code is not shown: with it anyone could write into the conversation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from bot import member_notices
from content.db import session_scope
from content.models import Introduction, Member, utcnow
from services import moderation
from services.access import Principal, sees_member
from services.members_admin import relays
from web.moderation import auth
from web.moderation.members import Profile, refused
from web.params import Limit, Offset, RowId

STATUSES = ("proposed", "active", "declined", "closed", "reported")
STATUS_PATTERN = "^(" + "|".join(STATUSES) + ")$"
CLOSED = member_notices.CLOSED


class IntroductionOut(BaseModel):
    """An introduction as moderators see it."""

    id: int
    topic: str | None
    reasons: list[str]
    status: str
    member_a: Profile  # who asked for a peer
    member_b: Profile
    report_text: str | None
    created_at: datetime
    closed_at: datetime | None
    closed_by: int | None  # the member who ended or reported it; None: expired or moderator

    @classmethod
    def of(cls, intro: Introduction, members: dict[int, Member]) -> IntroductionOut:
        """The introduction with both members' public profiles."""
        return cls(id=intro.id, topic=intro.topic, reasons=list(intro.reasons),
                   status=intro.status, member_a=Profile.of(members[intro.member_a]),
                   member_b=Profile.of(members[intro.member_b]),
                   report_text=intro.report_text, created_at=intro.created_at,
                   closed_at=intro.closed_at, closed_by=intro.closed_by)


class RelayOut(BaseModel):
    """One message a member sent through the relay (the text after the code)."""

    id: int
    member_id: int
    at: datetime
    text: str
    lang: str


class Closed(IntroductionOut):
    """A closed introduction and how many of its two members were told."""

    notified: int


def make_router(services) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    # A default, not an Annotated alias: postponed annotations cannot see locals.
    moderator = Depends(auth.require(services, "relays.act"))
    reader = Depends(auth.require(services, "queues.read"))
    support = Depends(auth.require(services, "members.history"))

    @router.get("/introductions")
    def introductions(status: Annotated[str | None, Query(pattern=STATUS_PATTERN)] = None,
                      limit: Limit = 100,
                      offset: Offset = 0,
                      principal: Principal = reader) -> list[IntroductionOut]:
        """Introductions of one status (all without it), newest first."""
        with session_scope(services.db) as session:
            intros = moderation.introductions(session=session, status=status, limit=limit,
                                              offset=offset, principal=principal)
            members = moderation.members_by_id(
                session=session, ids={m for i in intros for m in (i.member_a, i.member_b)})
            return [IntroductionOut.of(intro, members) for intro in intros]

    @router.post("/introductions/{introduction_id}/close")
    def close(introduction_id: RowId, principal: Principal = moderator) -> Closed:
        """Closes the introduction and tells both members."""
        now = utcnow()
        try:
            with session_scope(services.db) as session:
                _visible(session, principal, introduction_id)
                intro = moderation.close_introduction(
                    session=session, introduction_id=introduction_id, actor=principal,
                    now=now)
                told = member_notices.introduction_closed(session, services.catalog, intro,
                                                          now=now)
                members = moderation.members_by_id(
                    session=session, ids={intro.member_a, intro.member_b})
                return Closed(**IntroductionOut.of(intro, members).model_dump(),
                              notified=told)
        except (moderation.NotFound, moderation.Refused) as exc:
            raise refused(exc) from None

    @router.get("/introductions/{introduction_id}/messages")
    def messages(introduction_id: RowId, principal: Principal = support) -> list[RelayOut]:
        """The messages of a reported relay, oldest first."""
        try:
            with session_scope(services.db) as session:
                return [RelayOut(**vars(m)) for m in relays.messages(
                    session=session, principal=principal, introduction_id=introduction_id)]
        except moderation.NotFound as exc:
            raise refused(exc) from None

    return router


def _visible(session, principal: Principal, introduction_id: int) -> None:
    """NotFound unless the account sees one of the introduction's members."""
    intro = session.get(Introduction, introduction_id)
    if intro is None:
        return  # close_introduction says so
    members = moderation.members_by_id(session=session, ids={intro.member_a, intro.member_b})
    if not any(sees_member(principal, m) for m in members.values()):
        raise moderation.NotFound(f"no introduction {introduction_id}")
