"""People: resource persons (experts) and roles.

- `GET /members?role=expert` lists members of a role with what they offer and how much
  they have done (answers given, introductions taken part in).
- `POST /members/{id}/expert` makes a member a resource person.
- `POST /members/{id}/role` changes a member's role (member, expert, moderator).

Members are shown by their public profile only: never a phone number, chat id or
username.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field
from sqlmodel import Session

from content.db import session_scope
from content.models import Member
from services import moderation
from web.moderation import auth

ROLE_PATTERN = "^(" + "|".join(moderation.ROLES) + ")$"


class Profile(BaseModel):
    """What moderators see of any member."""

    member_id: int
    name: str | None
    country: str | None
    role: str
    sector: str | None

    @classmethod
    def of(cls, member: Member) -> Profile:
        """The public profile of a member."""
        return cls(member_id=member.id, name=member.name, country=member.country,
                   role=member.role, sector=member.sector)


class Person(Profile):
    """A member with what they offer and how much they have done."""

    organisation: str | None
    topics_offered: list[str]
    language: str
    languages: list[str]  # every language they read, their interface language first
    timezone: str | None
    answers: int
    introductions: int

    @classmethod
    def of_row(cls, member: Member, organisation: str | None, answers: int = 0,
               introductions: int = 0) -> Person:
        """The listing row of a member."""
        return cls(**Profile.of(member).model_dump(), organisation=organisation,
                   topics_offered=list(member.topics_offered), language=member.language,
                   languages=[member.language, *member.languages],
                   timezone=member.timezone, answers=answers, introductions=introductions)


class ExpertIn(BaseModel):
    """What makes a resource person."""

    topics_offered: list[str] = Field(min_length=1, max_length=30)
    languages: list[str] = Field(default_factory=list, max_length=9)
    timezone: str | None = Field(default=None, max_length=64)
    organisation: str | None = Field(default=None, max_length=80)  # the slug


class RoleIn(BaseModel):
    """A new role; a moderator also needs an organisation (slug) unless they have one."""

    role: str = Field(pattern=ROLE_PATTERN)
    organisation: str | None = Field(default=None, max_length=80)


def refused(exc: moderation.NotFound | moderation.Refused) -> HTTPException:
    """404 for what does not exist, 409 for a state that forbids it, 422 otherwise."""
    if isinstance(exc, moderation.NotFound):
        return HTTPException(404, str(exc))
    return HTTPException(409 if isinstance(exc, moderation.Conflict) else 422, str(exc))


def make_router(services) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    # A default, not an Annotated alias: postponed annotations cannot see locals.
    moderator = Depends(auth.require(services, "members.act"))

    @router.get("/members", dependencies=[Depends(auth.require(services, "members.read"))])
    def people(role: Annotated[str, Query(pattern=ROLE_PATTERN)] = "expert",
               limit: Annotated[int, Query(ge=1, le=500)] = 100,
               offset: Annotated[int, Query(ge=0)] = 0) -> list[Person]:
        """Members of a role (experts by default), oldest first."""
        with session_scope(services.db) as session:
            rows = moderation.people(session=session, role=role, limit=limit, offset=offset)
            return [Person.of_row(*row) for row in rows]

    @router.post("/members/{member_id}/expert")
    def make_expert(member_id: int, body: ExpertIn, actor: str = moderator) -> Person:
        """Makes the member a resource person."""
        profile = moderation.ExpertProfile(body.topics_offered, body.languages,
                                           body.timezone, body.organisation)
        return _change(services, lambda session: moderation.make_expert(
            session=session, member_id=member_id, profile=profile, actor=actor))

    @router.post("/members/{member_id}/role")
    def set_role(member_id: int, body: RoleIn, actor: str = moderator) -> Person:
        """Changes the member's role."""
        return _change(services, lambda session: moderation.set_role(
            session=session, member_id=member_id, role=body.role, actor=actor,
            organisation=body.organisation))

    return router


def _change(services, change: Callable[[Session], Member]) -> Person:
    """Runs a change in one transaction and shows the member as it is now."""
    try:
        with session_scope(services.db) as session:
            member = change(session)
            session.flush()
            (row,) = moderation.people(session=session, role=None, ids=[member.id])
            return Person.of_row(*row)
    except (moderation.NotFound, moderation.Refused) as exc:
        raise refused(exc) from None
