"""What a report covers: the period, the provinces and the partner asked for, narrowed to
what the person asking may see (a counsellor: her partner, her provinces).

`parse_filters` reads the console's query string or the command line's options and says
what is wrong in problem codes (the console words them in French, the CLI in English).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from bot import gazetteer
from bot.directory.models import partner_name
from bot.reports.periods import MAX_DAYS, Period
from bot.staff.models import StaffUser

DEFAULT_DAYS = 30

# Problem codes
DATE_INVALID = "date_invalid"
PERIOD_REVERSED = "period_reversed"
PERIOD_TOO_LONG = "period_too_long"
PROVINCE_UNKNOWN = "province_unknown"


@dataclass(frozen=True)
class Filters:
    """What was asked: a period, one province (None: all), one partner (None: all)."""

    period: Period
    province: str | None = None
    partner: str | None = None


@dataclass(frozen=True)
class Scope:
    """What the figures count. `provinces` None: every province; () none at all (a
    counsellor without provinces). `partner` is upper-cased (ANAPEC, RESOFEM, …)."""

    period: Period
    provinces: tuple[str, ...] | None = None
    partner: str | None = None
    restricted: bool = False  # narrowed by her role, whatever she asked

    @classmethod
    def everything(cls, period: Period) -> Scope:
        return cls(period)


def _date(text: str | None, problems: list[str]) -> date | None:
    if not text or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        problems.append(DATE_INVALID)
        return None


def parse_filters(args: Mapping[str, str], today: date) -> tuple[Filters, list[str]]:
    """Filters from `from`, `to` (YYYY-MM-DD), `province` and `partner`; what cannot be read
    falls back to its default (the last 30 days, everything) and is named in the problems."""
    problems: list[str] = []
    first, last = _date(args.get("from"), problems), _date(args.get("to"), problems)
    last = last or today
    first = first or Period.last_days(last, DEFAULT_DAYS).first
    if last < first:
        problems.append(PERIOD_REVERSED)
        first, last = Period.last_days(last, DEFAULT_DAYS).first, last
    if (last - first).days + 1 > MAX_DAYS:
        problems.append(PERIOD_TOO_LONG)
        first = Period.last_days(last, MAX_DAYS).first
    province = (args.get("province") or "").strip() or None
    if province is not None and gazetteer.get(province) is None:
        problems.append(PROVINCE_UNKNOWN)
        province = None
    partner = " ".join((args.get("partner") or "").split()) or None
    return Filters(Period(first, last), province, partner), problems


def scope_for(user: StaffUser | None, filters: Filters) -> Scope:
    """Admins and programme staff get what they asked; a counsellor only ever her partner's
    figures in her provinces (a province of hers narrows it further). `user` None: the
    command line, which sees everything."""
    partner = partner_name(filters.partner).upper() if filters.partner else None
    provinces = (filters.province,) if filters.province else None
    if user is None or user.sees_every_province:
        return Scope(filters.period, provinces, partner)
    own = tuple(user.provinces or ())
    if filters.province in own:
        own = (filters.province,)
    return Scope(filters.period, own, partner_name(user.partner or "").upper(), restricted=True)
