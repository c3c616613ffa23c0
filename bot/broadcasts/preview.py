"""What a broadcast will cost before it goes: recipients per language and channel, SMS
segments per language, and an estimate from the price table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import case, func
from sqlalchemy.orm import Session

from bot.beneficiaries.models import Beneficiary
from bot.broadcasts import audience, sms_parts
from bot.broadcasts.models import Broadcast
from bot.broadcasts.pricing import Prices
from bot.i18n import DEFAULT_LANGUAGE
from bot.messaging.models import SMS, WHATSAPP, Conversation
from bot.messaging.window import WINDOW


@dataclass
class LanguageLine:
    language: str
    text: str
    sms: int = 0  # recipients on SMS
    whatsapp_open: int = 0  # on WhatsApp, inside her 24-hour window: free text
    whatsapp_closed: int = 0  # outside it: a template (or SMS when there is none)
    count: sms_parts.SmsCount = field(default_factory=lambda: sms_parts.count(""))
    cost: Decimal = Decimal(0)

    @property
    def recipients(self) -> int:
        return self.sms + self.whatsapp_open + self.whatsapp_closed


@dataclass
class Preview:
    lines: list[LanguageLine]
    left_out: int  # in the segment, but opted out, paused, erased or without consent
    currency: str
    sms_fallback: bool  # some WhatsApp outside the window may go by SMS (no template)

    @property
    def recipients(self) -> int:
        return sum(line.recipients for line in self.lines)

    @property
    def cost(self) -> Decimal:
        return sum((line.cost for line in self.lines), Decimal(0))

    @property
    def sms_segments(self) -> int:
        """SMS segments billed if every SMS recipient gets it."""
        return sum(line.sms * line.count.segments for line in self.lines)


def text_in(broadcast: Broadcast, language: str) -> str:
    texts = broadcast.texts or {}
    return (texts.get(language) or "").strip() or (texts.get(DEFAULT_LANGUAGE) or "").strip()


def preview(
    session: Session,
    broadcast: Broadcast,
    now: datetime,
    prices: Prices,
    templates: dict[str, str],
    sms_available: bool,
) -> Preview:
    segment = audience.Segment.from_dict(broadcast.segment)
    language = audience.sent_language(broadcast.texts or {})
    open_window = case((Conversation.last_inbound_at > now - WINDOW, 1), else_=0)
    rows = session.execute(
        audience.recipients(
            segment,
            broadcast.texts or {},
            broadcast.missing_language,
            language.label("language"),
            Conversation.channel,
            open_window.label("open"),
            func.count(Beneficiary.id),
        ).group_by(language, Conversation.channel, open_window)
    ).all()
    lines: dict[str, LanguageLine] = {}
    for lang, channel, is_open, n in rows:
        line = lines.setdefault(lang, LanguageLine(lang, text_in(broadcast, lang)))
        if channel == SMS:
            line.sms += n
        elif channel == WHATSAPP and is_open:
            line.whatsapp_open += n
        else:
            line.whatsapp_closed += n
    # As bot.messaging.window.fallback: her language's template, else French's, else SMS.
    sms_fallback = not broadcast.content_sid and not templates.get(DEFAULT_LANGUAGE)
    for line in lines.values():
        line.count = sms_parts.count(line.text)
        sms_cost = prices.sms * line.count.segments
        template = bool(
            broadcast.content_sid or templates.get(line.language) or templates.get(DEFAULT_LANGUAGE)
        )
        closed_cost = prices.whatsapp_template if template else sms_cost
        open_cost = prices.whatsapp_template if broadcast.content_sid else prices.whatsapp_session
        if not template and not sms_available:
            closed_cost = Decimal(0)  # nothing can carry it: Twilio will refuse it (63016)
        line.cost = (
            line.sms * sms_cost
            + line.whatsapp_open * open_cost
            + line.whatsapp_closed * closed_cost
        )
    left_out = session.scalar(audience.left_out(segment, func.count(Beneficiary.id)))
    return Preview(
        lines=sorted(lines.values(), key=lambda line: audience.LANGUAGES.index(line.language)),
        left_out=int(left_out or 0),
        currency=prices.currency,
        sms_fallback=sms_fallback,
    )
