"""Twilio's webhooks: inbound messages and delivery statuses (contract URLs)."""

from __future__ import annotations

import logging
from dataclasses import asdict

from flask import Blueprint, Response, abort, request
from twilio.twiml.messaging_response import MessagingResponse

from bot.celery_app import STATUS_TASK, STORE_TASK
from bot.db import DATABASE_UNAVAILABLE
from bot.messaging.models import STATUS_LENGTH
from bot.messaging.services import InboundMessage, record_status, store_inbound
from bot.phones import InvalidAddress, split_address
from webhooks.context import db, enqueue, spool
from webhooks.signature import twilio_signed

bp = Blueprint("twilio", __name__, url_prefix="/webhooks/twilio")
log = logging.getLogger(__name__)
MAX_MEDIA = 10  # Twilio sends at most 10 media items per message


def _empty_twiml() -> Response:
    return Response(str(MessagingResponse()), mimetype="text/xml")


def parse_inbound(form: dict[str, str]) -> InboundMessage:
    sid = form.get("MessageSid") or form.get("SmsMessageSid") or ""
    if not sid or not form.get("From"):
        abort(400, "MessageSid and From are required")
    try:
        count = min(int(form.get("NumMedia") or 0), MAX_MEDIA)
    except ValueError:
        count = 0
    media = [
        {"url": form[f"MediaUrl{i}"], "content_type": form.get(f"MediaContentType{i}", "")}
        for i in range(count)
        if form.get(f"MediaUrl{i}")
    ]
    latitude, longitude = parse_location(form)
    return InboundMessage(
        sid=sid[:64],
        from_address=form["From"],
        to_address=form.get("To", ""),
        body=form.get("Body", ""),
        media=media,
        profile_name=form.get("ProfileName") or None,
        latitude=latitude,
        longitude=longitude,
    )


def parse_location(form: dict[str, str]) -> tuple[float | None, float | None]:
    """A WhatsApp location (Latitude, Longitude); anything unreadable is no location."""
    try:
        latitude, longitude = float(form["Latitude"]), float(form["Longitude"])
    except (KeyError, ValueError):
        return None, None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):  # also rejects nan
        return None, None
    return latitude, longitude


@bp.post("/messages")
@twilio_signed
def inbound_message() -> Response:
    """Store the message and answer at once; the worker does the rest."""
    inbound = parse_inbound(request.form.to_dict(flat=True))
    try:
        split_address(inbound.from_address)
    except InvalidAddress:
        abort(400, "From is not a phone number")
    try:
        message, created = store_inbound(db(), inbound)
    except DATABASE_UNAVAILABLE:
        # Twilio retries for 15 s at most (and only with connection overrides): an outage
        # outlasts that. The broker keeps her message until the worker can store it.
        return spool_inbound(inbound)
    if created:
        try:
            enqueue(message.beneficiary_id)
        except Exception:  # the broker is down: the sweeper requeues it later
            log.exception("could not enqueue message %s; it stays queued", message.id)
    return _empty_twiml()


def spool_inbound(inbound: InboundMessage) -> Response:
    try:
        spool(STORE_TASK, asdict(inbound))
    except Exception:  # the broker is down too: only Twilio's retries are left
        log.exception("database and broker unreachable; message %s refused", inbound.sid)
        abort(503)
    log.warning("database unreachable; message %s handed to the worker", inbound.sid)
    return _empty_twiml()


@bp.post("/status")
@twilio_signed
def message_status() -> tuple[str, int]:
    sid = request.form.get("MessageSid", "")
    status = request.form.get("MessageStatus") or request.form.get("SmsStatus") or ""
    if not sid or not status:
        abort(400, "MessageSid and MessageStatus are required")
    code = request.form.get("ErrorCode")
    fields = {
        "sid": sid,
        "status": status.lower()[:STATUS_LENGTH],
        "error_code": int(code) if code and code.isdigit() else None,
        "error_message": request.form.get("ErrorMessage"),
    }
    try:
        result = record_status(db(), **fields)
    except DATABASE_UNAVAILABLE:
        # Twilio does not send a status again: kept by the broker, applied once the
        # database is back (a failure there is what sends her message another way).
        try:
            spool(STATUS_TASK, fields)
        except Exception:  # the broker is down too
            log.exception("database and broker unreachable; status of %s refused", sid)
            abort(503)
        log.warning("database unreachable; status %s of %s handed to the worker", status, sid)
        return "", 204
    if not result.known:
        log.info("status %s for unknown message %s", status, sid)
    if result.resend_for is not None:
        try:
            enqueue(result.resend_for)
        except Exception:  # the broker is down: the sweeper requeues it later
            log.exception("could not enqueue a re-send for beneficiary %s", result.resend_for)
    return "", 204
