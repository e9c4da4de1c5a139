"""People: resource persons (experts), roles, blocking, export and erasure.

- `GET /members?role=expert` lists members of a role with what they offer and how much
  they have done (answers given, introductions taken part in).
- `GET /members/search` finds members by name, enterprise or number, country, language,
  role, blocked, organisation (newest first), with their channels and a masked number
  (masked for admins too: the API answers no GET with a number; admins read whole
  numbers in the console).
- `POST /members/{id}/expert` makes a member a resource person (who is told, and asked
  whether answers may carry their name); `POST /members/{id}/unexpert` undoes it.
- `POST /members/{id}/role` changes a member's role (member, expert, moderator).
- `POST /members/{id}/block` (with a reason) and `/unblock`.
- `POST /members/{id}/export`: everything about the member (audit-logged), their
  numbers and chat ids included: it is their data.
- `POST /members/{id}/erase` (admins, `{"confirm": "<id>"}`): personal data removed.

Every route sees only the members of the account's scope (others are 404). Apart from
the search's masked numbers and the export, members are shown by their public profile:
never a phone number, chat id or username.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from annotated_types import Le
from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field
from sqlmodel import Session

from bot import member_actions
from content.db import session_scope
from content.languages import LANGUAGE_CODES
from content.models import Member, utcnow
from services import moderation
from services.access import Principal
from services.members_admin import actions, export, search, visible_member
from web.moderation import auth
from web.params import Limit, Offset, RowId

ROLE_PATTERN = "^(" + "|".join(moderation.ROLES) + ")$"
LANG_PATTERN = "^(" + "|".join(LANGUAGE_CODES) + ")$"


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


class Found(Profile):
    """A member found by the search: profile, organisation, channels, number (masked
    unless the account is an admin), blocked or erased."""

    enterprise: str | None
    language: str
    organisation: str | None
    channels: list[str]
    phone: str | None
    blocked: bool
    erased: bool

    @classmethod
    def of(cls, row: search.Listed) -> Found:
        """The search's row."""
        member = row.member
        return cls(**Profile.of(member).model_dump(), enterprise=member.enterprise,
                   language=member.language, organisation=row.organisation,
                   channels=list(row.channels), phone=row.phone,
                   blocked=member.blocked_at is not None, erased=member.erased_at is not None)


class BlockIn(BaseModel):
    """Why the member is blocked (moderators read it, the member does not)."""

    reason: str = Field(min_length=1, max_length=actions.REASON_MAX)


class EraseIn(BaseModel):
    """The member's id again, to confirm an erasure."""

    confirm: str = Field(max_length=20)


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
    reader = Depends(auth.require(services, "members.read"))
    eraser = Depends(auth.require(services, "members.erase"))

    @router.get("/members")
    def people(role: Annotated[str, Query(pattern=ROLE_PATTERN)] = "expert",
               limit: Limit = 100,
               offset: Offset = 0,
               principal: Principal = reader) -> list[Person]:
        """Members of a role (experts by default), oldest first."""
        with session_scope(services.db) as session:
            rows = moderation.people(session=session, role=role, limit=limit, offset=offset,
                                     principal=principal)
            return [Person.of_row(*row) for row in rows]

    @router.get("/members/search")
    def find(q: Annotated[str, Query(max_length=120)] = "",
             country: Annotated[str | None, Query(pattern="^[A-Za-z]{2}$")] = None,
             lang: Annotated[str | None, Query(pattern=LANG_PATTERN)] = None,
             role: Annotated[str | None, Query(pattern=ROLE_PATTERN)] = None,
             blocked: bool | None = None,
             organisation: Annotated[str | None, Query(max_length=80)] = None,
             limit: Annotated[Limit, Le(200)] = search.PAGE,
             offset: Offset = 0,
             principal: Principal = reader) -> list[Found]:
        """Members matching the filters, newest first."""
        filters = search.Filters(q, country, lang, role, blocked, organisation)
        with session_scope(services.db) as session:
            return [Found.of(row) for row in search.search(
                session=session, principal=principal, filters=filters, limit=limit,
                offset=offset, whole_numbers=False)]

    @router.post("/members/{member_id}/expert")
    def make_expert(member_id: RowId, body: ExpertIn,
                    principal: Principal = moderator) -> Person:
        """Makes the member a resource person; a new one is told and asked about
        attribution."""
        profile = moderation.ExpertProfile(body.topics_offered, body.languages,
                                           body.timezone, body.organisation)

        def change(session: Session) -> Member:
            member, _ = member_actions.make_expert(session, services.catalog, principal,
                                                   member_id, profile, now=utcnow())
            return member
        return _change(services, change)

    @router.post("/members/{member_id}/unexpert")
    def unexpert(member_id: RowId, principal: Principal = moderator) -> Person:
        """Makes a resource person a member again, with a polite note."""
        def change(session: Session) -> Member:
            return member_actions.unmake_expert(session, services.catalog, principal,
                                                member_id, now=utcnow())
        return _change(services, change)

    @router.post("/members/{member_id}/role")
    def set_role(member_id: RowId, body: RoleIn, principal: Principal = moderator) -> Person:
        """Changes the member's role."""
        def change(session: Session) -> Member:
            visible_member(session=session, principal=principal, member_id=member_id)
            if not principal.is_admin and body.organisation not in (
                    None, principal.organisation_slug):
                raise moderation.Refused("a moderator names their own organisation only")
            return moderation.set_role(session=session, member_id=member_id,
                                       role=body.role, actor=principal,
                                       organisation=body.organisation)
        return _change(services, change)

    @router.post("/members/{member_id}/block")
    def block(member_id: RowId, body: BlockIn, principal: Principal = moderator) -> Person:
        """Blocks the member; their open introductions close and everyone is told."""
        def change(session: Session) -> Member:
            return member_actions.block(session, services.catalog, principal, member_id,
                                        body.reason, now=utcnow())
        return _change(services, change)

    @router.post("/members/{member_id}/unblock")
    def unblock(member_id: RowId, principal: Principal = moderator) -> Person:
        """Lets the member be introduced and asked again."""
        def change(session: Session) -> Member:
            return member_actions.unblock(session, services.catalog, principal, member_id,
                                          now=utcnow())
        return _change(services, change)

    @router.post("/members/{member_id}/export")
    def export_member(member_id: RowId, principal: Principal = moderator) -> dict:
        """Everything about the member, identities unmasked (audit-logged): an action,
        so a POST, and the one answer of this API that carries their numbers."""
        try:
            with session_scope(services.db) as session:
                return export.export(session=session, principal=principal,
                                     member_id=member_id)
        except moderation.NotFound as exc:
            raise refused(exc) from None

    @router.post("/members/{member_id}/erase")
    def erase_member(member_id: RowId, body: EraseIn, principal: Principal = eraser) -> Person:
        """Erases the member's personal data for good; counts stay."""
        def change(session: Session) -> Member:
            return member_actions.erase_member(session, services.catalog, principal,
                                               member_id, body.confirm, now=utcnow())
        return _change(services, change)

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
