"""Members' local time: their timezone (Asia/Phnom_Penh when unknown or invalid) and
quiet hours, which run from `quiet_start` to `quiet_end` and may wrap midnight."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Asia/Phnom_Penh"


@lru_cache(maxsize=512)
def zone(name: str | None) -> ZoneInfo:
    """The member's zone; the default for an unknown or invalid name."""
    try:
        return ZoneInfo(name) if name else ZoneInfo(DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def is_quiet(hour: int, start: int, end: int) -> bool:
    """Whether a local hour falls in [start, end), wrapping midnight (21..7 is the
    night); start == end means no quiet hours at all."""
    if start == end:
        return False
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end


def quiet_over(local: datetime, end: int) -> datetime:
    """The next time the local clock reads `end`:00, as UTC-aware time."""
    candidate = local.replace(hour=end % 24, minute=0, second=0, microsecond=0)
    if candidate <= local:
        # The calendar day moves on; re-attach the zone so a DST change is respected.
        candidate = (candidate.replace(tzinfo=None) + timedelta(days=1)).replace(
            tzinfo=local.tzinfo)
    return candidate.astimezone(ZoneInfo("UTC"))


class LocalClock:
    """`now` in every zone met, computed once per zone per run."""

    def __init__(self, now: datetime):
        self.now = now
        self._local: dict[str | None, datetime] = {}
        self._ends: dict[tuple[str | None, int], datetime] = {}

    def local(self, timezone: str | None) -> datetime:
        if timezone not in self._local:
            self._local[timezone] = self.now.astimezone(zone(timezone))
        return self._local[timezone]

    def quiet(self, timezone: str | None, start: int, end: int) -> bool:
        return is_quiet(self.local(timezone).hour, start, end)

    def quiet_over(self, timezone: str | None, end: int) -> datetime:
        key = (timezone, end)
        if key not in self._ends:
            self._ends[key] = quiet_over(self.local(timezone), end)
        return self._ends[key]
