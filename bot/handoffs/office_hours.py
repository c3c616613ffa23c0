"""When counsellors answer: weekly hours and holidays, in Morocco's own time zone.

Configured as text so it fits an environment variable:
MINAJLIKI_OFFICE_HOURS="mon-fri 09:00-17:00; sat 09:00-12:00" and
MINAJLIKI_HOLIDAYS="2026-01-01, 2026-01-11, 2026-05-01". Times are Africa/Casablanca
(zoneinfo: Morocco changes its UTC offset around Ramadan, never a fixed offset).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MOROCCO = ZoneInfo("Africa/Casablanca")
DEFAULT_HOURS = "mon-fri 09:00-17:00"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RULE = re.compile(r"^(\w{3})(?:-(\w{3}))?\s+(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


class OfficeHoursError(ValueError):
    """The office hours or holidays setting cannot be read."""


@dataclass(frozen=True)
class OfficeHours:
    # weekday (0 = Monday) -> (opens, closes)
    week: dict[int, tuple[time, time]]
    holidays: frozenset[date]

    @classmethod
    def parse(cls, hours: str | None, holidays: str | None = None) -> OfficeHours:
        week: dict[int, tuple[time, time]] = {}
        for part in (hours or DEFAULT_HOURS).split(";"):
            match = _RULE.match(part.strip().lower())
            if (
                not match
                or match.group(1) not in DAYS
                or (match.group(2) and match.group(2) not in DAYS)
            ):
                raise OfficeHoursError(f"cannot read office hours {part.strip()!r}")
            first = DAYS.index(match.group(1))
            last = DAYS.index(match.group(2)) if match.group(2) else first
            h1, m1, h2, m2 = (int(match.group(i)) for i in range(3, 7))
            opens, closes = time(h1, m1), time(h2, m2)
            if opens >= closes:
                raise OfficeHoursError(f"office hours close before they open: {part.strip()!r}")
            for day in range(first, last + 1):
                week[day] = (opens, closes)
        days: set[date] = set()
        for item in (holidays or "").replace(";", ",").split(","):
            if item.strip():
                try:
                    days.add(date.fromisoformat(item.strip()))
                except ValueError as exc:
                    raise OfficeHoursError(f"cannot read holiday {item.strip()!r}") from exc
        return cls(week, frozenset(days))

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(MOROCCO)
        hours = self.week.get(local.weekday())
        if hours is None or local.date() in self.holidays:
            return False
        return hours[0] <= local.time() < hours[1]

    def next_opening(self, moment: datetime) -> datetime | None:
        """None when counsellors are in now; else when they next are (Morocco time)."""
        if self.is_open(moment):
            return None
        local = moment.astimezone(MOROCCO)
        for offset in range(0, 60):
            day = local.date() + timedelta(days=offset)
            hours = self.week.get(day.weekday())
            if hours is None or day in self.holidays:
                continue
            opening = datetime.combine(day, hours[0], tzinfo=MOROCCO)
            if opening > local:
                return opening
        return None  # no opening in two months: the caller says "as soon as possible"
