"""Members' own clocks: their timezone and quiet hours, one rule for every service.

Quiet hours run from `start` to `end` (local hours) and may wrap midnight (21 to 7 is
the night); start == end means none. A member whose timezone is unknown counts as
reachable: better a message at an odd hour than none.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


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


def reachable(timezone: str | None, start: int, end: int, now: datetime) -> bool:
    """Outside quiet hours on the member's own clock (an unknown timezone is reachable)."""
    found = zone(timezone)
    if found is None:
        return True
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return not is_quiet(now.astimezone(found).hour, start, end)
