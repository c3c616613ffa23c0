"""The Twilio webhooks through Flask: signatures, idempotency, statuses, proxies."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.beneficiaries.models import Beneficiary
from bot.messaging.models import Conversation, Message
from bot.simulator import inbound_form, sign
from tests.conftest import AUTH_TOKEN

MESSAGES_URL = "http://localhost/webhooks/twilio/messages"
STATUS_URL = "http://localhost/webhooks/twilio/status"


def post_signed(client, url: str, form: dict[str, str], headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    signature = sign(AUTH_TOKEN, url, form)
    path = url.split("://", 1)[1].split("/", 1)[1]
    return client.post(
        "/" + path, data=form, headers={"X-Twilio-Signature": signature, **(headers or {})}
    )


def test_inbound_message_is_stored_answered_with_empty_twiml_and_enqueued(
    client, session: Session, enqueued
) -> None:
    form = inbound_form("+212600000001", "whatsapp", "Salam", profile_name="Fatima")
    response = post_signed(client, MESSAGES_URL, form)
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    assert b"<Response />" in response.data or b"<Response></Response>" in response.data
    message = session.scalars(select(Message)).one()
    assert (message.direction, message.channel, message.body) == ("in", "whatsapp", "Salam")
    assert message.status == Message.RECEIVED
    assert message.twilio_sid == form["MessageSid"]
    beneficiary = session.scalars(select(Beneficiary)).one()
    assert beneficiary.phone == "+212600000001"
    assert beneficiary.profile_name == "Fatima"
    assert session.scalars(select(Conversation)).one().last_inbound_at is not None
    assert enqueued.calls == [beneficiary.id]


def test_forged_signature_is_refused_and_nothing_stored(client, session: Session, enqueued) -> None:
    form = inbound_form("+212600000001", "sms", "Salam")
    response = client.post(
        "/webhooks/twilio/messages", data=form, headers={"X-Twilio-Signature": "Zm9yZ2Vk"}
    )
    assert response.status_code == 403
    assert session.scalars(select(Message)).all() == []
    assert enqueued.calls == []


def test_missing_signature_is_refused(client, session: Session) -> None:
    response = client.post("/webhooks/twilio/messages", data=inbound_form("+2126", "sms", "x"))
    assert response.status_code == 403
    assert session.scalars(select(Message)).all() == []


def test_signature_over_other_fields_is_refused(client, session: Session) -> None:
    form = inbound_form("+212600000001", "sms", "Salam")
    signature = sign(AUTH_TOKEN, MESSAGES_URL, form)
    tampered = {**form, "Body": "something else"}
    response = client.post(
        "/webhooks/twilio/messages", data=tampered, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 403


def test_duplicate_message_sid_is_stored_and_processed_once(
    client, session: Session, enqueued
) -> None:
    form = inbound_form("+212600000002", "sms", "bghit nsjel")
    first = post_signed(client, MESSAGES_URL, form)
    second = post_signed(client, MESSAGES_URL, form)
    assert first.status_code == second.status_code == 200
    assert len(session.scalars(select(Message)).all()) == 1
    assert len(enqueued.calls) == 1


def test_same_number_on_sms_and_whatsapp_is_one_beneficiary(client, session: Session) -> None:
    post_signed(client, MESSAGES_URL, inbound_form("+212600000003", "sms", "slm"))
    post_signed(client, MESSAGES_URL, inbound_form("+212600000003", "whatsapp", "slm"))
    assert len(session.scalars(select(Beneficiary)).all()) == 1
    channels = {c.channel for c in session.scalars(select(Conversation))}
    assert channels == {"sms", "whatsapp"}


def test_signed_request_without_a_phone_number_gets_400(client, session: Session) -> None:
    form = inbound_form("+212600000001", "sms", "x")
    form["From"] = "not-a-number"
    assert post_signed(client, MESSAGES_URL, form).status_code == 400
    form.pop("From")
    assert post_signed(client, MESSAGES_URL, form).status_code == 400
    assert session.scalars(select(Message)).all() == []


def test_hostile_text_is_stored_as_text(client, session: Session) -> None:
    body = "<script>alert(1)</script>'; DROP TABLE messages;--\x00\u202e"
    form = inbound_form("+212600000004", "whatsapp", body, profile_name="<b>x</b>\x00")
    assert post_signed(client, MESSAGES_URL, form).status_code == 200
    stored = session.scalars(select(Message)).one()
    assert stored.body == body.replace("\x00", "")


def test_media_items_are_recorded(client, session: Session) -> None:
    form = inbound_form("+212600000005", "whatsapp", "")
    form.update(
        NumMedia="2",
        MediaUrl0="https://api.twilio.com/media/ME1",
        MediaContentType0="audio/ogg",
        MediaUrl1="https://api.twilio.com/media/ME2",
        MediaContentType1="image/jpeg",
    )
    assert post_signed(client, MESSAGES_URL, form).status_code == 200
    media = session.scalars(select(Message)).one().media
    assert [m["content_type"] for m in media] == ["audio/ogg", "image/jpeg"]


def test_request_behind_a_proxy_is_validated_against_the_public_url(
    client, session: Session
) -> None:
    form = inbound_form("+212600000006", "sms", "salam")
    public = "https://bot.example.org/webhooks/twilio/messages"
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "bot.example.org"}
    assert post_signed(client, public, form, headers).status_code == 200
    # The same signature without the proxy headers does not match the URL the app sees.
    form2 = inbound_form("+212600000006", "sms", "salam")
    assert post_signed(client, public, form2).status_code == 403


def test_public_url_setting_wins_over_the_request_host(settings, engine, enqueued) -> None:
    from webhooks import create_app

    app = create_app(settings.with_overrides(public_url="https://public.example.ma"), enqueued)
    form = inbound_form("+212600000007", "sms", "salam")
    signed_for = "https://public.example.ma/webhooks/twilio/messages"
    response = app.test_client().post(
        "/webhooks/twilio/messages",
        data=form,
        headers={"X-Twilio-Signature": sign(AUTH_TOKEN, signed_for, form)},
    )
    app.extensions["minajliki"].engine.dispose()
    assert response.status_code == 200


def _outbound(session: Session, sid: str, status: str = Message.QUEUED) -> Message:
    beneficiary = Beneficiary(phone="+212600000009")
    conversation = Conversation(beneficiary=beneficiary, channel="sms")
    message = Message(
        conversation=conversation,
        beneficiary=beneficiary,
        direction=Message.OUTBOUND,
        channel="sms",
        body="Salam",
        status=status,
        twilio_sid=sid,
    )
    session.add(message)
    session.commit()
    return message


def test_status_callback_updates_status_and_error_code(client, session: Session) -> None:
    message = _outbound(session, "SM" + "1" * 32)
    form = {"MessageSid": message.twilio_sid, "MessageStatus": "delivered"}
    assert post_signed(client, STATUS_URL, form).status_code == 204
    session.refresh(message)
    assert message.status == "delivered"

    failed = _outbound_second(session)
    form = {
        "MessageSid": failed.twilio_sid,
        "MessageStatus": "undelivered",
        "ErrorCode": "30003",
        "ErrorMessage": "Unreachable destination handset",
    }
    assert post_signed(client, STATUS_URL, form).status_code == 204
    session.refresh(failed)
    assert (failed.status, failed.error_code) == ("undelivered", 30003)


def _outbound_second(session: Session) -> Message:
    message = session.scalars(select(Message)).one()
    second = Message(
        conversation_id=message.conversation_id,
        beneficiary_id=message.beneficiary_id,
        direction=Message.OUTBOUND,
        channel="sms",
        body="Menu",
        status=Message.SENT,
        twilio_sid="SM" + "2" * 32,
    )
    session.add(second)
    session.commit()
    return second


def test_late_status_callback_does_not_move_status_back(client, session: Session) -> None:
    message = _outbound(session, "SM" + "3" * 32, status=Message.DELIVERED)
    form = {"MessageSid": message.twilio_sid, "MessageStatus": "sent"}
    assert post_signed(client, STATUS_URL, form).status_code == 204
    session.refresh(message)
    assert message.status == "delivered"


def test_status_callback_is_signed_and_unknown_sids_are_harmless(client) -> None:
    form = {"MessageSid": "SM" + "4" * 32, "MessageStatus": "sent"}
    assert client.post("/webhooks/twilio/status", data=form).status_code == 403
    assert post_signed(client, STATUS_URL, form).status_code == 204


def test_healthz(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"
