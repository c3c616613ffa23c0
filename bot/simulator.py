"""Signed Twilio-style webhooks, as Twilio would send them (simulator, CLI chat, tests)."""

from __future__ import annotations

import uuid

import requests
from twilio.request_validator import RequestValidator

from bot.messaging.models import WHATSAPP
from bot.phones import to_address

SIMULATOR_TO = "+212500000000"  # the programme's number, as the simulator shows it


def new_message_sid() -> str:
    return "SM" + uuid.uuid4().hex


def inbound_form(
    phone: str,
    channel: str,
    body: str,
    sid: str | None = None,
    profile_name: str | None = None,
    account_sid: str = "AC" + "0" * 32,
) -> dict[str, str]:
    """The form fields Twilio posts for an inbound message."""
    form = {
        "MessageSid": sid or new_message_sid(),
        "AccountSid": account_sid,
        "From": to_address(channel, phone),
        "To": to_address(channel, SIMULATOR_TO),
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
    }
    if channel == WHATSAPP:
        form["WaId"] = phone.lstrip("+")
        if profile_name:
            form["ProfileName"] = profile_name
    return form


def sign(auth_token: str, url: str, form: dict[str, str]) -> str:
    return str(RequestValidator(auth_token).compute_signature(url, form))


def post_signed(
    post_url: str,
    form: dict[str, str],
    auth_token: str,
    signed_url: str | None = None,
    timeout: float = 10.0,
) -> requests.Response:
    """POST `form` to `post_url`, signed for `signed_url` (the public URL, when proxied)."""
    signature = sign(auth_token, signed_url or post_url, form)
    return requests.post(
        post_url, data=form, headers={"X-Twilio-Signature": signature}, timeout=timeout
    )
