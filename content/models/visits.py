"""Exchange visits ("to see is believing"): a visit window a host offers, and the members
invited to it with their answers and, afterwards, their reflection.

A Visit is one window at one place: dates (whole days, the host's local calendar),
capacity, the languages spoken there, what to bring, whether travel costs are covered.
An invitation is one member on one visit; its status moves
invited → yes | no | maybe | waiting (full when they said yes), and a seat freed by a
"no" is offered to the first waiting member (`offered`, answered like an invitation).
An offer not answered by `offer_expires_at` becomes `lapsed` (no seat) and the seat goes
to the next waiting member. After the visit a moderator may record who came
(`attended`); None means not recorded.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from content.models.base import created_field, json_field

ANSWERS = ("yes", "no", "maybe")  # the numbered answers, in order
PENDING = ("invited", "offered")  # waiting for the member's answer
OPEN = (*PENDING, "yes", "maybe", "waiting")  # VISIT asks again: the answer may change
NOTIFIED = ("yes", "maybe", "waiting")  # told when the visit changes or is cancelled
STATUSES = ("yes", "maybe", "no", "waiting", "offered", "lapsed", "invited")  # as listed


class Visit(SQLModel, table=True):
    """A window in which a practice's host welcomes visitors.

    status: planned | cancelled. A visit whose last day has passed took place.
    """

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id",
                                        index=True)  # who organises it
    host_member_id: int | None = Field(default=None, foreign_key="member.id")
    starts_on: date = Field(index=True)
    ends_on: date
    place: str = Field(max_length=200)
    capacity: int
    languages: list[str] = json_field()
    bring: str | None = Field(default=None, max_length=300)
    costs_covered: bool = False
    status: str = Field(default="planned", max_length=12, index=True)
    created_by: str = Field(max_length=200)
    created_at: datetime = created_field()
    updated_at: datetime | None = None


class VisitInvite(SQLModel, table=True):
    """One member invited to one visit, their answer and their reflection."""

    __table_args__ = (Index("ux_visitinvite_visit_member", "visit_id", "member_id",
                            unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    visit_id: int = Field(foreign_key="visit.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    status: str = Field(default="invited", max_length=12)
    invited_at: datetime = created_field()
    answered_at: datetime | None = None  # also when a waiting member got the seat
    waiting_since: datetime | None = None  # the waiting list's order
    offer_expires_at: datetime | None = None  # an offered seat is held until then
    attended: bool | None = None  # came to the visit; None: not recorded
    seen: str | None = Field(default=None, sa_type=Text)  # what did you see
    will_try: str | None = Field(default=None, sa_type=Text)  # what will you try
    reflected_at: datetime | None = None
