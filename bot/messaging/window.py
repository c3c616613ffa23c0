"""WhatsApp's 24-hour window: free text inside it; outside, an approved template, else SMS.

WhatsApp refuses free text more than 24 hours after her last message (Twilio error
63016). Outside the window a message goes as the approved template of her language
(`ContentSid`, her text in variable 1), or, with no template for it, by SMS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

WHATSAPP = "whatsapp"  # bot.messaging.models.WHATSAPP (not imported: settings read this module)
WINDOW = timedelta(hours=24)
# Twilio: "Failed to send freeform message because you are outside the allowed window".
OUTSIDE_WINDOW_ERROR = 63016

FREE_TEXT = "free_text"
TEMPLATE = "template"
SMS_FALLBACK = "sms"


@dataclass(frozen=True)
class Route:
    kind: str
    content_sid: str | None = None


class TemplatesError(ValueError):
    """MINAJLIKI_WHATSAPP_TEMPLATES cannot be read."""


def parse_templates(raw: str | None) -> dict[str, str]:
    """'fr=HX…, ar=HX…' → {"fr": "HX…", "ar": "HX…"} (Content API SIDs start with HX)."""
    templates: dict[str, str] = {}
    for item in (raw or "").split(","):
        if not item.strip():
            continue
        language, _, sid = item.partition("=")
        if not sid.strip().startswith("HX"):
            raise TemplatesError(f"expected language=HX…, got {item.strip()!r}")
        templates[language.strip()] = sid.strip()
    return templates


def inside_window(last_inbound_at: datetime | None, now: datetime) -> bool:
    return last_inbound_at is not None and now - last_inbound_at < WINDOW


def route(
    channel: str,
    last_inbound_at: datetime | None,
    now: datetime,
    language: str | None,
    templates: dict[str, str],
    sms_available: bool,
) -> Route:
    if channel != WHATSAPP or inside_window(last_inbound_at, now):
        return Route(FREE_TEXT)
    return fallback(language, templates, sms_available)


def fallback(language: str | None, templates: dict[str, str], sms_available: bool) -> Route:
    """What to send when free text cannot go on WhatsApp."""
    sid = templates.get(language or "") or templates.get("fr")
    if sid:
        return Route(TEMPLATE, sid)
    if sms_available:
        return Route(SMS_FALLBACK)
    return Route(FREE_TEXT)  # nothing better: Twilio will say 63016, recorded on the message
