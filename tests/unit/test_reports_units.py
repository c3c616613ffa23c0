"""The reports' pure parts: periods in Morocco's calendar, filters, pseudonym keys, the
charts' geometry and the French numbers of the dashboard."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.reports.anonymised import pseudonym, pseudonym_key
from bot.reports.filters import (
    DATE_INVALID,
    PERIOD_REVERSED,
    PERIOD_TOO_LONG,
    PROVINCE_UNKNOWN,
    parse_filters,
)
from bot.reports.periods import DAY, MONTH, WEEK, Period
from bot.settings import Settings

TODAY = date(2026, 11, 29)


def test_a_period_starts_at_moroccan_midnight_in_utc() -> None:
    # UTC+1 in January; UTC+0 during Ramadan 2026 (15 February - 22 March).
    assert Period(date(2026, 1, 10), date(2026, 1, 10)).start == datetime(
        2026, 1, 9, 23, tzinfo=UTC
    )
    ramadan = Period(date(2026, 3, 1), date(2026, 3, 1))
    assert (ramadan.start, ramadan.end) == (
        datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 2, tzinfo=UTC)
    )  # fmt: skip
    across = Period(date(2026, 3, 16), date(2026, 3, 29))
    assert across.offsets() == (
        (datetime(2026, 3, 16, tzinfo=UTC), 0), (datetime(2026, 3, 22, 2, tzinfo=UTC), 3600)
    )  # fmt: skip
    with pytest.raises(ValueError):
        Period(date(2026, 3, 2), date(2026, 3, 1))


@pytest.mark.parametrize(
    ("first", "last", "unit", "count", "keys", "label"),
    [
        (date(2026, 11, 1), date(2026, 11, 30), DAY, 30, ("2026-11-01", "2026-11-30"), "01/11"),
        (date(2026, 1, 1), date(2026, 6, 30), WEEK, 27, ("2025-12-29", "2026-06-29"),
         "sem. du 29/12"),
        (date(2025, 12, 15), date(2026, 11, 29), MONTH, 12, ("2025-12", "2026-11"), "déc. 2025"),
    ],
)  # fmt: skip
def test_buckets_are_days_weeks_or_months_by_the_length_of_the_period(
    first: date, last: date, unit: str, count: int, keys: tuple[str, str], label: str
) -> None:
    period = Period(first, last)
    buckets = period.buckets()
    assert (period.unit, len(buckets), (buckets[0], buckets[-1])) == (unit, count, keys)
    assert period.bucket_label(buckets[0]) == label


def test_filters_fall_back_to_the_last_30_days_and_say_why() -> None:
    filters, problems = parse_filters({}, TODAY)
    assert (filters.period, filters.province, filters.partner, problems) == (
        Period(date(2026, 10, 31), TODAY), None, None, []
    )  # fmt: skip
    filters, problems = parse_filters(
        {"from": "2026-13-01", "to": "2026-11-01", "province": "gotham", "partner": " anapec "},
        TODAY,
    )
    assert problems == [DATE_INVALID, PROVINCE_UNKNOWN]
    assert (filters.period.last, filters.partner) == (date(2026, 11, 1), "anapec")
    assert parse_filters({"from": "2026-11-02", "to": "2026-11-01"}, TODAY)[1] == [PERIOD_REVERSED]
    long = parse_filters({"from": "2000-01-01", "to": "2026-11-01"}, TODAY)
    assert long[1] == [PERIOD_TOO_LONG] and long[0].period.days == 3660


def test_the_pseudonym_key_is_its_setting_or_derived_from_the_secret_key() -> None:
    settings = Settings.from_env({"SECRET_KEY": "one"})
    assert pseudonym_key(settings) != pseudonym_key(Settings.from_env({"SECRET_KEY": "two"}))
    assert pseudonym_key(settings) != b"one"
    chosen = Settings.from_env({"SECRET_KEY": "one", "MINAJLIKI_PSEUDONYM_KEY": "study"})
    assert pseudonym_key(chosen) == b"study"
    assert pseudonym(b"study", 7) == pseudonym(b"study", 7) != pseudonym(b"study", 8)
    assert len(pseudonym(b"study", 7)) == 24


def test_bars_scale_to_the_largest_or_to_a_hundred() -> None:
    from console.charts import VALUE_ROOM, WIDTH, bars

    chart = bars("t", [("a", [10, 30]), ("b", [20, None]), ("c", [0])], str, ("x", "y"))
    room = WIDTH - VALUE_ROOM
    a, b, c = chart.rows
    assert [(s.x, s.width, s.series) for s in a.segments] == [
        (0, room / 4, 0),
        (room / 4, room * 3 / 4, 1),
    ]
    assert a.end == room and b.end == room / 2 and c.segments == () and c.end == 0
    assert (a.y, b.y, chart.height) == (0, 36, 108)
    assert bars("t", [("half", [50.0])], str, scale=100).rows[0].end == room / 2
    long = bars("t", [("n" * 80, [1])], str).rows[0]
    assert len(long.label) == 46 and long.label.endswith("…") and long.full_label == "n" * 80


def test_columns_over_time() -> None:
    from console.charts import COLUMNS_BOTTOM, COLUMNS_TOP, columns

    chart = columns("t", [(f"{n:02d}/03", n % 3) for n in range(30)])
    assert len(chart.columns) == 30 and len(chart.labels) == 6
    tallest = max(chart.columns, key=lambda c: c.height)
    assert (tallest.height, tallest.y) == (COLUMNS_BOTTOM - COLUMNS_TOP, COLUMNS_TOP)
    assert chart.top_text == "2" and not chart.empty
    assert columns("t", [("a", 0)]).empty


@pytest.mark.parametrize(
    ("value", "kind", "unit", "text"),
    [
        (12345, "count", "", "12\u202f345"),
        (66.666, "percent", "", "66,7\u202f%"),
        (50.0, "percent", "", "50\u202f%"),
        (4.5, "minutes", "", "4,5\u202fmin"),
        (51.0, "minutes", "", "51\u202fmin"),
        (216.0, "minutes", "", "3\u202fh\u202f36"),
        (3.6, "hours", "", "3\u202fh\u202f36"),
        (72.0, "hours", "", "3\u202fj"),
        (12.5, "number", "%", "12,5\u202f%"),
        (None, "percent", "", "—"),
    ],
)
def test_figures_in_french(value: object, kind: str, unit: str, text: str) -> None:
    from console.dashboard import figure

    assert figure(value, kind, unit) == text
