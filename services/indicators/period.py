"""The filters every figure takes (period, country, organisation), the weeks of a
period, and the one SQL expression that differs between the databases: the ISO week
(its Monday, UTC, as YYYY-MM-DD) of a timestamp."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

DEFAULT_WEEKS = 12


@dataclass(frozen=True)
class Filters:
    """A period (first day, last day, both included), a country and an organisation
    (id, with its country: its members are counted as services/access.py reads them),
    None being "any"; and what the members' figures are broken down by."""

    start: date
    end: date
    country: str | None = None
    organisation_id: int | None = None
    organisation_country: str | None = None
    by: str = "country"  # members' figures: country | language | channel | role

    @property
    def since(self) -> datetime:
        """The period's first moment (UTC)."""
        return datetime.combine(self.start, time(), tzinfo=UTC)

    @property
    def until(self) -> datetime:
        """The moment after the period's last day (exclusive)."""
        return datetime.combine(self.end + timedelta(days=1), time(), tzinfo=UTC)

    def weeks(self) -> list[str]:
        """The Mondays of the weeks the period touches, as YYYY-MM-DD."""
        monday = self.start - timedelta(days=self.start.weekday())
        found = []
        while monday <= self.end:
            found.append(monday.isoformat())
            monday += timedelta(days=7)
        return found


def default_filters(today: date, **values) -> Filters:
    """The last DEFAULT_WEEKS weeks up to today, this week included."""
    monday = today - timedelta(days=today.weekday())
    return Filters(start=monday - timedelta(weeks=DEFAULT_WEEKS - 1), end=today, **values)


class week_of(FunctionElement):  # noqa: N801 (an SQL function reads as one)
    """SQL: the Monday of the timestamp's week, 'YYYY-MM-DD' (UTC)."""

    type = String()
    inherit_cache = True


@compiles(week_of, "sqlite")
def _week_sqlite(element, compiler, **kw) -> str:
    # 'weekday 0' moves forward to the Sunday (itself if Sunday); six days back is Monday.
    column = compiler.process(element.clauses, **kw)
    return f"date({column}, 'weekday 0', '-6 days')"


@compiles(week_of, "postgresql")
def _week_postgresql(element, compiler, **kw) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"to_char(date_trunc('week', {column} AT TIME ZONE 'UTC'), 'YYYY-MM-DD')"


class week_of_day(FunctionElement):  # noqa: N801
    """SQL: the Monday of a date's week, 'YYYY-MM-DD'."""

    type = String()
    inherit_cache = True


@compiles(week_of_day, "sqlite")
def _week_day_sqlite(element, compiler, **kw) -> str:
    return _week_sqlite(element, compiler, **kw)


@compiles(week_of_day, "postgresql")
def _week_day_postgresql(element, compiler, **kw) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"to_char(date_trunc('week', CAST({column} AS timestamp)), 'YYYY-MM-DD')"
