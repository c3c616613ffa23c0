"""Twilio request signatures: every webhook must be signed with our auth token."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, request
from twilio.request_validator import RequestValidator

from webhooks.context import runtime


def signed_url() -> str:
    """The URL Twilio signed: PUBLIC_URL when set, else the request URL seen by ProxyFix."""
    public_url = runtime().settings.public_url
    if not public_url:
        return request.url
    query = request.query_string.decode("latin-1")
    return public_url.rstrip("/") + request.path + (f"?{query}" if query else "")


def is_valid_twilio_request() -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    validator = RequestValidator(runtime().settings.webhook_auth_token)
    return bool(validator.validate(signed_url(), request.form.to_dict(flat=True), signature))


def twilio_signed(view: Callable[..., Any]) -> Callable[..., Any]:
    """Answer 403 to a request Twilio did not sign."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not is_valid_twilio_request():
            abort(403)
        return view(*args, **kwargs)

    return wrapper
