"""SMS segment arithmetic (GSM-7 and UCS-2 at their edges) and the price table."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.broadcasts.pricing import Prices, PricesError
from bot.broadcasts.sms_parts import GSM7, UCS2, count
from bot.settings import ConfigError, Settings


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", GSM7, 0, 0),
        ("a" * 160, GSM7, 160, 1),  # one full SMS
        ("a" * 161, GSM7, 161, 2),  # one more: two parts of 153
        ("a" * 306, GSM7, 306, 2),
        ("a" * 307, GSM7, 307, 3),
        ("é" * 160, GSM7, 160, 1),  # é, è, à, ù, ì, ò, Ç are in GSM-7
        ("€" * 80, GSM7, 160, 1),  # extension characters cost two septets
        ("€" * 81, GSM7, 162, 2),
        # 152 plain then "{": the escape pair cannot straddle parts, so it opens part two.
        ("a" * 152 + "{" + "a" * 10, GSM7, 164, 2),
        ("a" * 152 + "{" + "a" * 152, GSM7, 306, 3),
        ("ê" + "a" * 69, UCS2, 70, 1),  # ê is not GSM-7: the whole text is UCS-2
        ("ب" * 70, UCS2, 70, 1),  # Arabic: 70 a segment
        ("ب" * 71, UCS2, 71, 2),  # then parts of 67
        ("ب" * 134, UCS2, 134, 2),
        ("ب" * 135, UCS2, 135, 3),
        ("😀" * 35, UCS2, 70, 1),  # an emoji is two UTF-16 units
        ("😀" * 36, UCS2, 72, 2),
        # 66 units then an emoji (2 units): it cannot be cut, part two holds it.
        ("ب" * 66 + "😀" + "ب" * 5, UCS2, 73, 2),
        ("ب" * 66 + "😀" + "ب" * 66, UCS2, 134, 3),
        ("Salam 👋", UCS2, 8, 1),
    ],
)
def test_segments(text: str, encoding: str, units: int, segments: int) -> None:
    counted = count(text)
    assert (counted.encoding, counted.units, counted.segments) == (encoding, units, segments)


def test_prices_are_read_and_checked() -> None:
    prices = Prices.parse("sms=0.35, whatsapp_template=0.06, whatsapp_session=0, currency=mad")
    assert prices == Prices(Decimal("0.35"), Decimal("0.06"), Decimal("0"), "MAD")
    defaults = Prices.parse(None)
    assert defaults.sms > 0 and defaults.currency == "USD"
    # Keys left out keep their default.
    assert Prices.parse("sms=1").whatsapp_template == defaults.whatsapp_template
    for bad in ("sms=cheap", "sms=-1", "mms=0.1", "sms", "currency=dollars", "sms=nan"):
        with pytest.raises(PricesError):
            Prices.parse(bad)


def test_broadcast_settings_are_validated() -> None:
    with pytest.raises(ConfigError) as problem:
        Settings.from_env(
            {
                "MINAJLIKI_BROADCAST_RATE": "0.5",
                "MINAJLIKI_BROADCAST_APPROVAL": "maybe",
                "MINAJLIKI_PRICES": "sms=free",
            }
        ).validate()
    message = str(problem.value)
    for name in ("MINAJLIKI_BROADCAST_RATE", "MINAJLIKI_BROADCAST_APPROVAL", "MINAJLIKI_PRICES"):
        assert name in message
    assert Settings.from_env({"MINAJLIKI_BROADCAST_APPROVAL": "on"}).approval_required
    assert not Settings.from_env({}).approval_required
