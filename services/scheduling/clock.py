"""Members' local time: their timezone (Asia/Phnom_Penh when unknown or invalid) and
quiet hours, which run from `quiet_start` to `quiet_end` and may wrap midnight."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from services import localtime
from services.localtime import is_quiet

DEFAULT_TIMEZONE = "Asia/Phnom_Penh"


def zone(name: str | None) -> ZoneInfo:
    """The member's zone; the default for an unknown or invalid name (a weekly story is
    timed by it, so every member needs a clock)."""
    return localtime.zone(name) or localtime.zone(DEFAULT_TIMEZONE)


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
