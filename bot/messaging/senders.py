"""Sending through Twilio's REST API, or keeping replies in the outbox without an account."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from bot.db import utcnow
from bot.http_sessions import read_environment_once
from bot.messaging import window
from bot.messaging.models import SMS, WHATSAPP, Message
from bot.phones import to_address
from bot.settings import Settings

SEND_TIMEOUT_SECONDS = 15
RECENT = 50  # messages to her looked through for a send whose answer was lost


class TransientSendError(RuntimeError):
    """Twilio could not be reached or failed on its side: try again later."""


@dataclass(frozen=True)
class SendResult:
    status: str
    sid: str | None = None
    error_code: int | None = None
    error_message: str | None = None


class Sender(Protocol):
    def send(self, message: Message, phone: str) -> SendResult: ...

    def find_sent(
        self, message: Message, phone: str, since: datetime, known: frozenset[str] = frozenset()
    ) -> SendResult | None:
        """The message as Twilio recorded it, if a send that lost its answer reached it.
        `known`: SIDs already ours (an earlier message with the same words), never it."""
        ...


class OutboxSender:
    """No Twilio account: the reply is kept for the simulator and never leaves."""

    def send(self, message: Message, phone: str) -> SendResult:
        return SendResult(status=Message.OUTBOX)

    def find_sent(
        self, message: Message, phone: str, since: datetime, known: frozenset[str] = frozenset()
    ) -> SendResult | None:
        return None  # nothing left the machine: keeping it again is harmless


class TwilioSender:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        http_client = TwilioHttpClient(timeout=SEND_TIMEOUT_SECONDS)
        if http_client.session is not None:
            read_environment_once(http_client.session)
        self.client = Client(
            settings.twilio_account_sid, settings.twilio_auth_token, http_client=http_client
        )
        self.templates = window.parse_templates(settings.whatsapp_templates)
        if settings.twilio_api_base_url:
            # twilio-python has no setting for this; the Api domain holds the base URL.
            self.client.api.base_url = settings.twilio_api_base_url.rstrip("/")

    def _from_address(self, channel: str) -> str | None:
        if channel == WHATSAPP:
            return self.settings.twilio_whatsapp_from
        return self.settings.twilio_sms_from

    def _status_callback(self) -> str | None:
        if not self.settings.public_url:
            return None
        return self.settings.public_url.rstrip("/") + "/webhooks/twilio/status"

    def send(self, message: Message, phone: str) -> SendResult:
        if message.content_sid and message.channel == WHATSAPP and message.fallback_of_id is None:
            # A broadcast's own approved template: WhatsApp takes it inside or outside
            # her window alike.
            return self._send(message, phone, window.Route(window.TEMPLATE, message.content_sid))
        if message.fallback_of_id is not None:
            # WhatsApp already refused it as free text: straight to template or SMS.
            chosen = window.fallback(
                message.language, self.templates, bool(self.settings.twilio_sms_from)
            )
            return self._send(message, phone, chosen)
        chosen = window.route(
            message.channel,
            message.conversation.last_inbound_at,
            utcnow(),
            message.language,
            self.templates,
            sms_available=bool(self.settings.twilio_sms_from),
        )
        result = self._send(message, phone, chosen)
        if chosen.kind == window.FREE_TEXT and result.error_code == window.OUTSIDE_WINDOW_ERROR:
            # WhatsApp refused free text after all (her window closed): fall back now.
            second = window.fallback(
                message.language, self.templates, bool(self.settings.twilio_sms_from)
            )
            if second.kind != window.FREE_TEXT:
                result = self._send(message, phone, second)
        return result

    def find_sent(
        self, message: Message, phone: str, since: datetime, known: frozenset[str] = frozenset()
    ) -> SendResult | None:
        """Look for it in Twilio's log of messages to her (WhatsApp, and SMS for a
        fallback). A template carries the text as its variable, so the text is searched
        inside the body."""
        addresses = {to_address(message.channel, phone)}
        if self.settings.twilio_sms_from:
            addresses.add(to_address(SMS, phone))
        for address in sorted(addresses):
            try:
                # Her latest messages, newest first. Not filtered on DateSent: a message
                # Twilio has queued but not yet sent has none, and must be found too.
                found = self.client.messages.list(to=address, limit=RECENT)
            except TwilioRestException as exc:
                raise TransientSendError(f"Twilio HTTP {exc.status}") from exc
            except (TwilioException, OSError) as exc:
                raise TransientSendError(str(exc)) from exc
            for record in found:
                created = record.date_created
                if (
                    record.sid not in known
                    and _carries(record.body or "", message)
                    and (created is None or created >= since)
                ):
                    return SendResult(status=record.status or Message.QUEUED, sid=record.sid)
        return None

    def _send(self, message: Message, phone: str, chosen: window.Route) -> SendResult:
        channel = SMS if chosen.kind == window.SMS_FALLBACK else message.channel
        from_ = self._from_address(channel)
        if not from_:
            return SendResult(Message.FAILED, error_message=f"no sender for {channel}")
        kwargs: dict[str, object] = {"to": to_address(channel, phone), "from_": from_}
        if chosen.kind == window.TEMPLATE:
            kwargs["content_sid"] = chosen.content_sid
            kwargs["content_variables"] = json.dumps(
                _variables(message, chosen), ensure_ascii=False
            )
        else:
            kwargs["body"] = message.body
        callback = self._status_callback()
        if callback:
            kwargs["status_callback"] = callback
        media = [item["url"] for item in message.media if item.get("url")]
        if media and chosen.kind == window.FREE_TEXT:
            kwargs["media_url"] = media
        message.channel = channel  # what it really went out as (SMS when it fell back)
        try:
            created = self.client.messages.create(**kwargs)  # type: ignore[arg-type]
        except TwilioRestException as exc:
            if exc.status >= 500 or exc.status == 429:
                raise TransientSendError(f"Twilio HTTP {exc.status}") from exc
            return SendResult(Message.FAILED, error_code=exc.code, error_message=exc.msg)
        except TwilioException as exc:  # network errors surface as TwilioException
            raise TransientSendError(str(exc)) from exc
        except OSError as exc:
            raise TransientSendError(str(exc)) from exc
        return SendResult(status=created.status or Message.QUEUED, sid=created.sid)


def _variables(message: Message, chosen: window.Route) -> dict[str, str]:
    """Its own template's variables, or the text as variable 1 of a language template."""
    if message.content_sid and chosen.content_sid == message.content_sid:
        return dict(message.content_variables or {})
    return {"1": message.body}


def _carries(sent_body: str, message: Message) -> bool:
    """Whether a message in Twilio's log is this one: its text, or every value of its own
    template's variables (Twilio logs the template as rendered)."""
    if message.content_sid and message.channel == WHATSAPP:
        values = [v for v in (message.content_variables or {}).values() if v]
        return bool(values) and all(v in sent_body for v in values)
    return bool(message.body) and message.body in sent_body


def make_sender(settings: Settings) -> Sender:
    return TwilioSender(settings) if settings.twilio_enabled else OutboxSender()
