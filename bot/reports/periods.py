"""The period a report covers: Moroccan calendar days, their bounds in UTC, and the buckets
(days, weeks or months) its charts are drawn in.

Timestamps are stored in UTC; staff count days in Morocco's time, which is UTC+1 except
around Ramadan (UTC+0). The database is never asked to know time zones: the period's
offsets are worked out here with zoneinfo and handed to SQL as a CASE (see `sql`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.i18n import MOROCCO_TZ

DAY = "day"
WEEK = "week"
MONTH = "month"
# Few enough bars to read on a phone: days up to a month, weeks up to half a year.
DAYS_UP_TO = 31
WEEKS_UP_TO = 183
MAX_DAYS = 3660  # ten years: a longer period is a typo

MONTHS_FR = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
             "nov.", "déc.")  # fmt: skip


def local_midnight(day: date) -> datetime:
    """The instant (UTC) a Moroccan day begins."""
    return datetime.combine(day, time(0), MOROCCO_TZ).astimezone(UTC)


def local_date(at: datetime) -> date:
    return at.astimezone(MOROCCO_TZ).date()


def _offset(at: datetime) -> int:
    delta = at.astimezone(MOROCCO_TZ).utcoffset()
    return int(delta.total_seconds()) if delta is not None else 0


def offset_spans(start: datetime, end: datetime) -> tuple[tuple[datetime, int], ...]:
    """Morocco's offset from UTC (seconds) over [start, end): ((from, offset), ...), each
    span lasting until the next one begins. Transitions fall on the hour, so a day-by-day
    walk refined hour by hour finds them exactly."""
    spans = [(start, _offset(start))]
    day = start
    while day < end:
        following = min(day + timedelta(days=1), end)
        if _offset(following) != spans[-1][1]:
            hour = day
            while hour < following and _offset(hour) == spans[-1][1]:
                hour += timedelta(hours=1)
            spans.append((hour, _offset(hour)))
        day = following
    return tuple(spans)


@dataclass(frozen=True)
class Period:
    """From `first` to `last`, both included, in Morocco's calendar."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("a period ends after it begins")

    @classmethod
    def last_days(cls, today: date, days: int = 30) -> Period:
        return cls(today - timedelta(days=days - 1), today)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        return local_midnight(self.first)

    @property
    def end(self) -> datetime:
        """The first instant after the period (exclusive bound)."""
        return local_midnight(self.last + timedelta(days=1))

    @property
    def unit(self) -> str:
        if self.days <= DAYS_UP_TO:
            return DAY
        return WEEK if self.days <= WEEKS_UP_TO else MONTH

    def offsets(self) -> tuple[tuple[datetime, int], ...]:
        return offset_spans(self.start, self.end)

    def buckets(self) -> list[str]:
        """The keys SQL gives each bucket (`sql.local_bucket`), every one, in order."""
        if self.unit == DAY:
            return [(self.first + timedelta(days=n)).isoformat() for n in range(self.days)]
        if self.unit == WEEK:
            monday = self.first - timedelta(days=self.first.weekday())
            keys = []
            while monday <= self.last:
                keys.append(monday.isoformat())
                monday += timedelta(days=7)
            return keys
        keys, year, month = [], self.first.year, self.first.month
        while (year, month) <= (self.last.year, self.last.month):
            keys.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return keys

    def bucket_label(self, key: str) -> str:
        """A bucket as staff read it: 29/11, sem. du 24/11, nov. 2026."""
        if self.unit == MONTH:
            year, month = key.split("-")
            return f"{MONTHS_FR[int(month) - 1]} {year}"
        day = date.fromisoformat(key)
        text = day.strftime("%d/%m")
        return f"sem. du {text}" if self.unit == WEEK else text

    def label(self) -> str:
        return f"du {self.first.strftime('%d/%m/%Y')} au {self.last.strftime('%d/%m/%Y')}"
