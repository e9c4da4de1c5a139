"""Members' own clocks: their timezone and quiet hours, one rule for every service.

Quiet hours run from `start` to `end` (local hours) and may wrap midnight (21 to 7 is
the night); start == end means none. A member whose timezone is unknown counts as
reachable: better a message at an odd hour than none.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@lru_cache(maxsize=1024)
def zone(name: str | None) -> ZoneInfo | None:
    """The IANA zone, or None for an empty, unknown or invalid name."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def is_quiet(hour: int, start: int, end: int) -> bool:
    """Whether a local hour falls in the quiet hours [start, end)."""
    if start == end:
        return False
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end


@lru_cache(maxsize=4096)  # matching asks it for hundreds of candidates at one `now`
def reachable(timezone: str | None, start: int, end: int, now: datetime) -> bool:
    """Outside quiet hours on the member's own clock (an unknown timezone is reachable)."""
    found = zone(timezone)
    if found is None:
        return True
    return not is_quiet(_utc(now).astimezone(found).hour, start, end)


def local_hours(now: datetime) -> dict[str, int]:
    """The local hour at `now` in every IANA zone that `zone` knows (for SQL that checks
    many members' quiet hours at once; a zone missing here is an unknown one)."""
    return _local_hours(quarter(now))


def quarter(now: datetime) -> datetime:
    """`now` in UTC (naive counts as UTC), down to the quarter hour: no zone's offset
    has a finer step (+5:45), so the local hour is the same throughout the quarter."""
    now = _utc(now)
    return now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)


@lru_cache(maxsize=8)
def _local_hours(start: datetime) -> dict[str, int]:
    return {name: start.astimezone(zone(name)).hour for name in zone_names()}


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """Every IANA zone name that `zone` opens, sorted."""
    return tuple(sorted(n for n in available_timezones() if zone(n) is not None))


def _utc(now: datetime) -> datetime:
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
