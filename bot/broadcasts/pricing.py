"""The price table a broadcast's cost is estimated from (MINAJLIKI_PRICES).

"sms=0.30, whatsapp_template=0.05, whatsapp_session=0.005, currency=USD": an SMS segment,
a WhatsApp template message (outside her 24-hour window), a WhatsApp message inside it.
The defaults are rough public list prices for Morocco: set the programme's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

DEFAULT_PRICES = "sms=0.30, whatsapp_template=0.05, whatsapp_session=0.005, currency=USD"
PRICE_KEYS = ("sms", "whatsapp_template", "whatsapp_session")


class PricesError(ValueError):
    """MINAJLIKI_PRICES cannot be read."""


@dataclass(frozen=True)
class Prices:
    sms: Decimal  # one SMS segment
    whatsapp_template: Decimal
    whatsapp_session: Decimal
    currency: str = "USD"

    @classmethod
    def parse(cls, raw: str | None) -> Prices:
        values: dict[str, str] = {}
        for item in (raw or DEFAULT_PRICES).split(","):
            if not item.strip():
                continue
            key, sep, value = item.partition("=")
            key, value = key.strip(), value.strip()
            if not sep or key not in (*PRICE_KEYS, "currency"):
                raise PricesError(f"expected one of {', '.join(PRICE_KEYS)}=price, got {item!r}")
            values[key] = value
        defaults = {} if raw is None else cls._defaults()
        prices: dict[str, Decimal] = {}
        for key in PRICE_KEYS:
            text = values.get(key, defaults.get(key, ""))
            try:
                price = Decimal(text)
            except InvalidOperation:
                raise PricesError(f"{key}: {text!r} is not a price") from None
            if not price.is_finite() or price < 0:
                raise PricesError(f"{key}: a price cannot be {text!r}")
            prices[key] = price
        currency = values.get("currency", "USD").upper()
        if not (currency.isalpha() and len(currency) == 3):
            raise PricesError(f"currency: expected a code like USD or MAD, got {currency!r}")
        return cls(currency=currency, **prices)

    @staticmethod
    def _defaults() -> dict[str, str]:
        return {
            key.strip(): value.strip()
            for key, _, value in (item.partition("=") for item in DEFAULT_PRICES.split(","))
        }
