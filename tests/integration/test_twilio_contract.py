"""Our REST calls to Twilio, checked by Prism against Twilio's own OpenAPI spec."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bot.beneficiaries.models import Beneficiary
from bot.messaging.models import Conversation, Message
from bot.messaging.senders import TransientSendError, TwilioSender
from bot.settings import Settings

pytestmark = pytest.mark.prism

ACCOUNT = "AC" + "a1" * 16


def twilio_settings(base_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "twilio_account_sid": ACCOUNT,
        "twilio_auth_token": "secret",
        "twilio_sms_from": "+15005550006",
        "twilio_whatsapp_from": "whatsapp:+14155238886",
        "public_url": "https://bot.example.ma",
        "twilio_api_base_url": base_url,
    }
    values.update(overrides)
    return Settings.from_env({}, **values).validate()


def reply(session: Session, channel: str, body: str, media: list[dict] | None = None) -> Message:  # type: ignore[type-arg]
    beneficiary = Beneficiary(phone="+212611111111")
    from bot.db import utcnow

    message = Message(
        # She has just written: inside WhatsApp's 24-hour window.
        conversation=Conversation(
            beneficiary=beneficiary, channel=channel, last_inbound_at=utcnow()
        ),
        beneficiary=beneficiary,
        direction=Message.OUTBOUND,
        channel=channel,
        body=body,
        media=media or [],
        status=Message.PENDING,
    )
    session.add(message)
    session.commit()
    return message


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("channel", "to", "from_"),
    [
        ("sms", "+212611111111", "+15005550006"),
        ("whatsapp", "whatsapp:+212611111111", "whatsapp:+14155238886"),
    ],
)
def test_send_is_a_valid_twilio_call(session, twilio_mock, channel, to, from_) -> None:  # type: ignore[no-untyped-def]
    sender = TwilioSender(twilio_settings(twilio_mock.url))
    result = sender.send(reply(session, channel, "Salam 👋 مرحبا"), "+212611111111")
    call = twilio_mock.messages_to(to)[-1]
    assert call.status == 201, call.response
    assert call.path == f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    assert call.form["From"] == [from_]
    assert call.form["Body"] == ["Salam 👋 مرحبا"]
    assert call.form["StatusCallback"] == ["https://bot.example.ma/webhooks/twilio/status"]
    assert result.sid and result.sid.startswith(("SM", "MM"))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_unreachable_twilio_is_a_transient_error(session) -> None:  # type: ignore[no-untyped-def]
    sender = TwilioSender(twilio_settings("http://127.0.0.1:9"))
    with pytest.raises(TransientSendError):
        sender.send(reply(session, "sms", "Salam"), "+212611111111")


def _old_whatsapp_reply(session: Session, language: str = "ary_Latn") -> Message:
    from datetime import timedelta

    from bot.db import utcnow

    message = reply(session, "whatsapp", "Salam, 3andna formation jdida f Fès")
    message.language = language
    message.conversation.last_inbound_at = utcnow() - timedelta(hours=30)
    session.commit()
    return message


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_outside_the_window_an_approved_template_goes_with_her_text(session, twilio_mock) -> None:  # type: ignore[no-untyped-def]
    import json

    template = "HX" + "b" * 32
    sender = TwilioSender(
        twilio_settings(twilio_mock.url, whatsapp_templates=f"ary_Latn={template}")
    )
    result = sender.send(_old_whatsapp_reply(session), "+212611111111")
    call = twilio_mock.messages_to("whatsapp:+212611111111")[-1]
    assert call.status == 201, call.response
    assert call.form["ContentSid"] == [template]
    assert json.loads(call.form["ContentVariables"][0]) == {
        "1": "Salam, 3andna formation jdida f Fès"
    }
    assert "Body" not in call.form
    assert result.sid is not None


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_outside_the_window_without_a_template_it_goes_by_sms(session, twilio_mock) -> None:  # type: ignore[no-untyped-def]
    sender = TwilioSender(twilio_settings(twilio_mock.url))
    message = _old_whatsapp_reply(session)
    sender.send(message, "+212611111111")
    call = twilio_mock.messages_to("+212611111111")[-1]
    assert call.status == 201, call.response
    assert call.form["From"] == ["+15005550006"]
    assert call.form["Body"] == ["Salam, 3andna formation jdida f Fès"]
    assert message.channel == "sms"  # recorded as what it really went out as
