"""Reading the quiet hours and reminder offsets, and which reminder is due when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.messaging.quiet_hours import QuietHours, QuietHoursError
from bot.settings import ConfigError, Settings
from bot.trainings.models import Reminder
from bot.trainings.offsets import OffsetsError, parse_offsets
from bot.trainings.reminders import plan

H = timedelta(hours=1)
START = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)
OFFSETS = (48 * H, 2 * H)


def test_offsets_are_read_farthest_first() -> None:
    assert parse_offsets("2h, 48h") == (48 * H, 2 * H)
    assert parse_offsets("1d, 30m") == (24 * H, timedelta(minutes=30))
    assert parse_offsets(None) == (48 * H, 2 * H)
    assert parse_offsets("") == ()


@pytest.mark.parametrize("raw", ["48", "2 hours", "0h", "-2h", "h"])
def test_unreadable_offsets_are_refused(raw: str) -> None:
    with pytest.raises(OffsetsError):
        parse_offsets(raw)


@pytest.mark.parametrize("raw", ["21:00", "25:00-08:00", "21:00-21:00", "soir"])
def test_unreadable_quiet_hours_are_refused(raw: str) -> None:
    with pytest.raises(QuietHoursError):
        QuietHours.parse(raw)


def test_settings_name_the_bad_variable() -> None:
    with pytest.raises(ConfigError, match="MINAJLIKI_QUIET_HOURS"):
        Settings.from_env({"MINAJLIKI_QUIET_HOURS": "tard"}).validate()
    with pytest.raises(ConfigError, match="MINAJLIKI_REMINDER_OFFSETS"):
        Settings.from_env({"MINAJLIKI_REMINDER_OFFSETS": "bientot"}).validate()


def test_quiet_hours_across_midnight_end_in_the_morning_in_casablanca() -> None:
    quiet = QuietHours.parse("21:00-08:00")
    evening = datetime(2026, 12, 1, 20, 30, tzinfo=UTC)  # 21:30 in Casablanca
    assert quiet.contains(evening)
    assert quiet.next_allowed(evening) == datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
    early = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)  # 06:00
    assert quiet.next_allowed(early) == datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
    noon = datetime(2026, 12, 2, 11, 0, tzinfo=UTC)
    assert not quiet.contains(noon) and quiet.next_allowed(noon) == noon


def test_quiet_hours_within_a_day_and_off() -> None:
    nap = QuietHours.parse("13:00-15:00")
    assert nap.contains(datetime(2026, 12, 1, 12, 30, tzinfo=UTC))  # 13:30 local
    assert not nap.contains(datetime(2026, 12, 1, 14, 0, tzinfo=UTC))  # 15:00 local
    assert not QuietHours.parse("off").contains(datetime(2026, 12, 1, 2, 0, tzinfo=UTC))


def test_nothing_is_due_before_the_first_offset_or_after_the_start() -> None:
    enrolled = START - 10 * 24 * H
    assert plan(enrolled, START, START - 49 * H, OFFSETS) == (None, [])
    assert plan(enrolled, START, START, OFFSETS) == (None, [])


def test_each_offset_in_turn() -> None:
    enrolled = START - 10 * 24 * H
    assert plan(enrolled, START, START - 48 * H, OFFSETS) == (48 * H, [])
    send, skipped = plan(enrolled, START, START - 2 * H, OFFSETS)
    # The 48-hour reminder is listed as superseded: the caller skips it only if unwritten.
    assert send == 2 * H and skipped == [(48 * H, Reminder.SUPERSEDED)]


def test_a_reminder_from_before_her_enrollment_is_skipped() -> None:
    enrolled = START - 30 * H
    assert plan(enrolled, START, START - 29 * H, OFFSETS) == (
        None,
        [(48 * H, Reminder.ENROLLED_LATE)],
    )
