"""Introductions between peers and what members reported about them.

- `GET /introductions?status=reported` lists introductions (newest first) with both
  members' public profiles and the report text; without `status`, all of them.
- `POST /introductions/{id}/close` closes one (the relay stops forwarding) and tells
  both members a moderator closed it.

The relay code is not shown: with it anyone could write into the conversation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from bot.notify import deliver
from bot.replies import Notice, Reply
from content.db import session_scope
from content.models import Introduction, Member, utcnow
from services import moderation
from web.moderation import auth
from web.moderation.members import Profile, refused

STATUSES = ("proposed", "active", "declined", "closed", "reported")
STATUS_PATTERN = "^(" + "|".join(STATUSES) + ")$"
CLOSED = "moderation.introduction_closed"


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


class Closed(IntroductionOut):
    """A closed introduction and how many of its two members were told."""

    notified: int


def make_router(services) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    # A default, not an Annotated alias: postponed annotations cannot see locals.
    moderator = Depends(auth.require(services, "relays.act"))

    @router.get("/introductions", dependencies=[Depends(auth.require(services, "queues.read"))])
    def introductions(status: Annotated[str | None, Query(pattern=STATUS_PATTERN)] = None,
                      limit: Annotated[int, Query(ge=1, le=500)] = 100,
                      offset: Annotated[int, Query(ge=0)] = 0) -> list[IntroductionOut]:
        """Introductions of one status (all without it), newest first."""
        with session_scope(services.db) as session:
            intros = moderation.introductions(session=session, status=status, limit=limit,
                                              offset=offset)
            members = moderation.members_by_id(
                session=session, ids={m for i in intros for m in (i.member_a, i.member_b)})
            return [IntroductionOut.of(intro, members) for intro in intros]

    @router.post("/introductions/{introduction_id}/close")
    def close(introduction_id: int, actor: str = moderator) -> Closed:
        """Closes the introduction and tells both members."""
        now = utcnow()
        try:
            with session_scope(services.db) as session:
                intro = moderation.close_introduction(
                    session=session, introduction_id=introduction_id, actor=actor, now=now)
                told = sum(bool(deliver(session, services.catalog,
                                        Notice(member_id, (Reply(CLOSED),)), now=now))
                           for member_id in (intro.member_a, intro.member_b))
                members = moderation.members_by_id(
                    session=session, ids={intro.member_a, intro.member_b})
                return Closed(**IntroductionOut.of(intro, members).model_dump(),
                              notified=told)
        except (moderation.NotFound, moderation.Refused) as exc:
            raise refused(exc) from None

    return router
