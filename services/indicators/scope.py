"""Which members a figure counts: those the account may see, in the chosen country and
organisation, never the simulator's (member.sandbox set)."""

from __future__ import annotations

from sqlalchemy import and_
from sqlalchemy.sql.elements import ColumnElement

from content.models import Member
from services.access import Principal, member_scope
from services.indicators.period import Filters


def counted(principal: Principal, filters: Filters, member=Member, *,
            rolled_up: bool = False) -> ColumnElement[bool]:
    """SQL: the member (or an alias of the table) counts under these filters. With
    `rolled_up`, `member` is a roll-up table with the members' country and organisation
    (content/models/programme.py: SmsDay), simulator members left out when it was kept."""
    conditions = [member_scope(principal, member)]
    if not rolled_up:
        conditions.append(member.sandbox.is_(None))
    if filters.country:
        conditions.append(member.country == filters.country)
    if filters.organisation_id is not None:
        # An organisation's members as its own accounts see them.
        conditions.append(member_scope(organisation_reader(
            filters.organisation_id, filters.organisation_country), member))
    return and_(*conditions)


def organisation_reader(organisation_id: int, country: str | None) -> Principal:
    """A viewer of the organisation: whose members it sees is whose are its."""
    return Principal(account_id=None, email="", name="", role="viewer",
                     organisation_id=organisation_id, country=country)


def between(column, filters: Filters) -> ColumnElement[bool]:
    """SQL: the timestamp falls in the period."""
    return and_(column >= filters.since, column < filters.until)
