"""When counsellors answer, and which messages must reach one at once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.handoffs.distress import is_distress
from bot.handoffs.office_hours import OfficeHours, OfficeHoursError

HOURS = OfficeHours.parse("mon-fri 09:00-17:00; sat 09:00-12:00", "2026-12-01")


def test_open_on_a_weekday_morning_in_morocco_time() -> None:
    # Monday 30 November 2026, 08:30 UTC = 09:30 in Casablanca (UTC+1).
    assert HOURS.is_open(datetime(2026, 11, 30, 8, 30, tzinfo=UTC))
    assert not HOURS.is_open(datetime(2026, 11, 30, 7, 30, tzinfo=UTC))  # 08:30 there


def test_the_offset_follows_ramadan_not_a_fixed_hour() -> None:
    # During Ramadan 2026 Morocco is on UTC+0: 09:30 UTC is 09:30 there, still open,
    # and 16:30 UTC is 16:30 there (with a fixed UTC+1 it would be 17:30, closed).
    assert HOURS.is_open(datetime(2026, 3, 5, 16, 30, tzinfo=UTC))
    assert not HOURS.is_open(datetime(2026, 6, 5, 16, 30, tzinfo=UTC))


def test_holidays_and_sundays_are_closed_and_the_next_opening_skips_them() -> None:
    # Monday evening → Tuesday is a holiday → Wednesday 09:00.
    opening = HOURS.next_opening(datetime(2026, 11, 30, 18, 0, tzinfo=UTC))
    assert opening is not None and opening.isoformat() == "2026-12-02T09:00:00+01:00"
    # Saturday afternoon → Monday 09:00 (Sunday is closed).
    opening = HOURS.next_opening(datetime(2026, 12, 5, 13, 0, tzinfo=UTC))
    assert opening is not None and opening.isoformat() == "2026-12-07T09:00:00+01:00"
    assert HOURS.next_opening(datetime(2026, 12, 2, 10, 0, tzinfo=UTC)) is None  # open now


@pytest.mark.parametrize(
    "hours",
    ["lundi 9h-17h", "mon-fri 17:00-09:00", "xyz 09:00-10:00", "mon-fri 9-17"],
)
def test_unreadable_office_hours_are_refused(hours: str) -> None:
    with pytest.raises(OfficeHoursError):
        OfficeHours.parse(hours)


def test_unreadable_holidays_are_refused() -> None:
    with pytest.raises(OfficeHoursError):
        OfficeHours.parse(None, "2026-13-40")


@pytest.mark.parametrize(
    "text",
    [
        "rajli kaydrbni kol nhar",
        "il me frappe, je ne sais pas quoi faire",
        "جوزي كيضربني",
        "أتعرض للعنف في البيت",
        "bghit nmout, ma b9a walo",
        "je suis en danger",
        "راني ف خطر",
    ],
)
def test_distress_is_spotted_in_every_variety(text: str) -> None:
    assert is_distress(text)


@pytest.mark.parametrize(
    "text",
    ["bghit nsjel", "Fès", "c'est quoi le programme", "مشروع خطير بزاف", "bghit formation", ""],
)
def test_ordinary_messages_are_not_distress(text: str) -> None:
    assert not is_distress(text)
