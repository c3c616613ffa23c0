"""Logs: phone numbers masked in every line (text and JSON, messages and tracebacks)."""

from __future__ import annotations

import json
import logging

import pytest

from bot.logs import JSON, TEXT, formatter, mask_phones


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("to whatsapp:+212612345678 failed", "to whatsapp:+212*******78 failed"),
        ("from +33612345678.", "from +336******78."),
        ("local 0612345678 and 0712345678", "local 0612****78 and 0712****78"),
        ("intl 00212612345678", "intl 0021********78"),
        (
            "GET /Messages.json?To=whatsapp%3A%2B212612345678",
            "GET /Messages.json?To=whatsapp%3A%2B212*******78",
        ),
        # Not phone numbers: ids, SIDs, amounts, dates, short numbers.
        ("message 12345 SM0123456789abcdef", "message 12345 SM0123456789abcdef"),
        ("2026-11-29 09:30:00 took 1234567 µs", "2026-11-29 09:30:00 took 1234567 µs"),
    ],
)
def test_phone_numbers_are_masked(raw: str, masked: str) -> None:
    assert mask_phones(raw) == masked


def record(message: str, *args: object, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError("Twilio refused To=+212699887766")
        except ValueError:
            import sys

            exc_info = sys.exc_info()
    return logging.LogRecord("bot.test", logging.WARNING, __file__, 1, message, args, exc_info)


def test_json_lines_carry_the_fields_and_no_whole_number() -> None:
    line = formatter(JSON).format(record("send to %s delayed", "+212612345678", exc=True))
    data = json.loads(line)
    assert data["level"] == "WARNING" and data["name"] == "bot.test" and "time" in data
    assert data["message"] == "send to +212*******78 delayed"
    assert "+212699887766" not in line and "+212*******66" in data["exc_info"]


def test_text_lines_are_masked_too() -> None:
    line = formatter(TEXT).format(record("inbound from %s", "whatsapp:+212612345678", exc=True))
    assert "+212612345678" not in line and "+212699887766" not in line
    assert "WARNING bot.test: inbound from whatsapp:+212*******78" in line
