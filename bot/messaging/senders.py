"""Sending through Twilio's REST API, or keeping replies in the outbox without an account."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from bot.messaging.models import WHATSAPP, Message
from bot.phones import to_address
from bot.settings import Settings

SEND_TIMEOUT_SECONDS = 15


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


class OutboxSender:
    """No Twilio account: the reply is kept for the simulator and never leaves."""

    def send(self, message: Message, phone: str) -> SendResult:
        return SendResult(status=Message.OUTBOX)


class TwilioSender:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.client = Client(
            settings.twilio_account_sid,
            settings.twilio_auth_token,
            http_client=TwilioHttpClient(timeout=SEND_TIMEOUT_SECONDS),
        )
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
        from_ = self._from_address(message.channel)
        if not from_:
            return SendResult(Message.FAILED, error_message=f"no sender for {message.channel}")
        kwargs: dict[str, object] = {
            "to": to_address(message.channel, phone),
            "from_": from_,
            "body": message.body,
        }
        callback = self._status_callback()
        if callback:
            kwargs["status_callback"] = callback
        media = [item["url"] for item in message.media if item.get("url")]
        if media:
            kwargs["media_url"] = media
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


def make_sender(settings: Settings) -> Sender:
    return TwilioSender(settings) if settings.twilio_enabled else OutboxSender()
