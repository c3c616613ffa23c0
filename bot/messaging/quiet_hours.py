"""Quiet hours: no message she did not ask for between, by default, 21:00 and 08:00.

Configured as text (MINAJLIKI_QUIET_HOURS="21:00-08:00") in Morocco's own time zone
(zoneinfo: Morocco changes its UTC offset around Ramadan, never a fixed offset).
Replies to her own messages are never held: only reminders, notices and broadcasts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

MOROCCO = ZoneInfo("Africa/Casablanca")
DEFAULT_QUIET_HOURS = "21:00-08:00"
_RANGE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


class QuietHoursError(ValueError):
    """MINAJLIKI_QUIET_HOURS cannot be read."""


@dataclass(frozen=True)
class QuietHours:
    starts: time | None  # None: never quiet
    ends: time | None

    @classmethod
    def parse(cls, raw: str | None) -> QuietHours:
        text = (DEFAULT_QUIET_HOURS if raw is None else raw).strip().lower()
        if text in ("", "none", "off"):
            return cls(None, None)
        match = _RANGE.match(text)
        if not match:
            raise QuietHoursError(f"expected HH:MM-HH:MM, got {raw!r}")
        h1, m1, h2, m2 = (int(group) for group in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise QuietHoursError(f"not a time of day: {raw!r}")
        if (h1, m1) == (h2, m2):
            raise QuietHoursError(f"quiet hours start and end at the same time: {raw!r}")
        return cls(time(h1, m1), time(h2, m2))

    def contains(self, moment: datetime) -> bool:
        if self.starts is None or self.ends is None:
            return False
        local = moment.astimezone(MOROCCO).time()
        if self.starts < self.ends:  # e.g. 13:00-15:00
            return self.starts <= local < self.ends
        return local >= self.starts or local < self.ends  # across midnight

    def next_allowed(self, moment: datetime) -> datetime:
        """`moment` itself when it is not quiet, else the end of these quiet hours (UTC)."""
        if not self.contains(moment) or self.ends is None:
            return moment
        local = moment.astimezone(MOROCCO)
        end = datetime.combine(local.date(), self.ends, tzinfo=MOROCCO)
        if end <= local:
            end = datetime.combine(local.date() + timedelta(days=1), self.ends, tzinfo=MOROCCO)
        return end.astimezone(moment.tzinfo)
