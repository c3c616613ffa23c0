"""Twilio addresses: "whatsapp:+2126..." on WhatsApp, "+2126..." on SMS."""

from __future__ import annotations

import re

from bot.messaging.models import SMS, WHATSAPP

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


class InvalidAddress(ValueError):
    """Not a phone number Twilio could have sent."""


def split_address(address: str) -> tuple[str, str]:
    """Return (channel, E.164 phone) for a Twilio From/To address."""
    address = address.strip()
    channel = SMS
    if address.lower().startswith("whatsapp:"):
        channel, address = WHATSAPP, address.split(":", 1)[1].strip()
    phone = re.sub(r"[\s\-().]", "", address)
    if not _E164.match(phone):
        raise InvalidAddress(f"not an E.164 number: {address[:40]!r}")
    return channel, phone


def to_address(channel: str, phone: str) -> str:
    return f"whatsapp:{phone}" if channel == WHATSAPP else phone


def mask(phone: str) -> str:
    """+212612345678 -> +2126*****678, for logs."""
    return phone[:5] + "*" * max(len(phone) - 8, 0) + phone[-3:] if len(phone) > 8 else "***"
