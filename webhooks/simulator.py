"""A phone in the browser: try the bot without a Twilio account (not in production)."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, request, url_for

from bot.messaging.models import CHANNELS, Message
from bot.messaging.services import recent_messages
from bot.phones import InvalidAddress, split_address
from bot.simulator import inbound_form, post_signed
from webhooks.context import db, runtime

bp = Blueprint("simulator", __name__, url_prefix="/simulator")


@bp.before_request
def _only_outside_production() -> None:
    if runtime().settings.is_production:
        abort(404)


def _phone_and_channel(phone: str, channel: str) -> tuple[str, str]:
    if channel not in CHANNELS:
        abort(400, "channel must be sms or whatsapp")
    try:
        return split_address(phone)[1], channel
    except InvalidAddress:
        abort(400, "phone must look like +212612345678")


@bp.get("")
def page() -> str:
    return render_template("simulator.html")


@bp.post("/send")
def send():  # type: ignore[no-untyped-def]
    """Send what she typed as a real signed webhook to this app's own endpoint."""
    data = request.get_json(silent=True) or {}
    phone, channel = _phone_and_channel(str(data.get("phone", "")), str(data.get("channel", "")))
    body = str(data.get("body", ""))[:1600]
    form = inbound_form(phone, channel, body, profile_name=data.get("profile_name") or None)
    if data.get("latitude") not in (None, "") and data.get("longitude") not in (None, ""):
        # Twilio's WhatsApp location fields; the webhook checks they are numbers.
        form["Latitude"] = str(data["latitude"])[:32]
        form["Longitude"] = str(data["longitude"])[:32]
    path = url_for("twilio.inbound_message")
    public_url = runtime().settings.public_url
    signed_url = public_url.rstrip("/") + path if public_url else None
    response = post_signed(
        request.host_url.rstrip("/") + path, form, runtime().settings.webhook_auth_token, signed_url
    )
    return jsonify(status=response.status_code, sid=form["MessageSid"]), (
        202 if response.ok else 502
    )


WAITING = (Message.PENDING, Message.SUBMITTING)


@bp.get("/messages")
def messages():  # type: ignore[no-untyped-def]
    phone, _ = _phone_and_channel(request.args.get("phone", ""), "sms")
    after = request.args.get("after", "0")
    rows = recent_messages(db(), phone, after_id=int(after) if after.isdigit() else 0)
    # Her phone shows a message once it has left: the thread stops at the first one still
    # waiting to be sent (the page asks again from there), as a reminder queued for
    # later is not on her screen yet.
    unsent = next(
        (i for i, m in enumerate(rows) if m.direction == Message.OUTBOUND and m.status in WAITING),
        len(rows),
    )
    rows = rows[:unsent]
    return jsonify(
        messages=[
            {
                "id": m.id,
                "direction": m.direction,
                "channel": m.channel,
                "body": m.body,
                "status": m.status,
                "language": m.language,
                "at": m.created_at.isoformat(),
            }
            for m in rows
        ]
    )
