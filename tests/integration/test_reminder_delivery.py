"""A reminder on its way to Twilio (Prism on Twilio's spec): WhatsApp's 24-hour window
(free text inside, the approved template outside, SMS without a template), Twilio's
63016 answered by a fallback instead of a silent loss, and a send whose answer was lost."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.messaging.models import Message
from bot.messaging.processing import drain
from bot.messaging.quiet_hours import QuietHours
from bot.messaging.senders import TwilioSender
from bot.messaging.services import latest_conversation
from bot.trainings import reminders, services
from bot.trainings.offsets import parse_offsets
from tests.integration.test_twilio_contract import twilio_settings
from tests.integration.test_webhooks import STATUS_URL, post_signed
from tests.support.fakes import FakeRasa
from tests.support.trainings import registered_woman, training

pytestmark = pytest.mark.prism

TEMPLATE = "HX" + "c" * 32


def reminder_for(session: Session, wrote_hours_ago: float, language: str = "ary_Latn") -> Message:
    """Her 2-hour reminder, queued; she last wrote on WhatsApp `wrote_hours_ago` ago."""
    now = utcnow()
    her = registered_woman(session, now, language=language)
    course = training(session, now + timedelta(minutes=90))
    services.enroll(session, course.id, her, now - timedelta(days=3))
    found = latest_conversation(session, her.id)
    assert found is not None
    found.last_inbound_at = now - timedelta(hours=wrote_hours_ago)
    session.commit()
    assert reminders.queue_due(session, now, parse_offsets("2h"), QuietHours.parse("off"))
    reminder = session.scalar(select(Message).where(Message.kind == Message.REMINDER))
    assert reminder is not None
    return reminder


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_inside_the_window_the_reminder_goes_as_free_text(session, twilio_mock) -> None:  # type: ignore[no-untyped-def]
    reminder = reminder_for(session, wrote_hours_ago=3)
    sender = TwilioSender(twilio_settings(twilio_mock.url, whatsapp_templates=f"fr={TEMPLATE}"))
    drain(session, reminder.beneficiary_id, FakeRasa(), sender)
    call = twilio_mock.messages_to(f"whatsapp:{reminder.beneficiary.phone}")[-1]
    assert call.status == 201, call.response
    assert call.form["Body"] == [reminder.body] and "ContentSid" not in call.form


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_outside_the_window_the_reminder_goes_as_her_languages_template(
    session, twilio_mock
) -> None:  # type: ignore[no-untyped-def]
    reminder = reminder_for(session, wrote_hours_ago=30)
    sender = TwilioSender(
        twilio_settings(twilio_mock.url, whatsapp_templates=f"ary_Latn={TEMPLATE}")
    )
    drain(session, reminder.beneficiary_id, FakeRasa(), sender)
    call = twilio_mock.messages_to(f"whatsapp:{reminder.beneficiary.phone}")[-1]
    assert call.status == 201, call.response
    assert call.form["ContentSid"] == [TEMPLATE]
    assert json.loads(call.form["ContentVariables"][0]) == {"1": reminder.body}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_outside_the_window_without_a_template_the_reminder_goes_by_sms(
    session, twilio_mock
) -> None:  # type: ignore[no-untyped-def]
    reminder = reminder_for(session, wrote_hours_ago=30)
    drain(
        session, reminder.beneficiary_id, FakeRasa(), TwilioSender(twilio_settings(twilio_mock.url))
    )
    call = twilio_mock.messages_to(reminder.beneficiary.phone)[-1]
    assert call.status == 201, call.response
    assert call.form["From"] == ["+15005550006"] and call.form["Body"] == [reminder.body]
    session.refresh(reminder)
    assert reminder.channel == "sms"


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_a_63016_status_sends_the_reminder_again_by_sms_once(  # type: ignore[no-untyped-def]
    session, client, enqueued, twilio_mock
) -> None:
    # Our clock said the window was open; WhatsApp said no, in the status callback.
    reminder = reminder_for(session, wrote_hours_ago=23.99)
    sender = TwilioSender(twilio_settings(twilio_mock.url))
    drain(session, reminder.beneficiary_id, FakeRasa(), sender)
    session.refresh(reminder)
    assert reminder.twilio_sid is not None
    refused = {
        "MessageSid": reminder.twilio_sid,
        "MessageStatus": "undelivered",
        "ErrorCode": "63016",
        "ErrorMessage": "Failed to send freeform message because you are outside the window",
    }
    failed = {**refused, "MessageStatus": "failed"}
    assert post_signed(client, STATUS_URL, refused).status_code == 204
    assert post_signed(client, STATUS_URL, failed).status_code == 204
    assert enqueued.calls == [reminder.beneficiary_id]  # one re-send, however many callbacks

    session.expire_all()
    copies = session.scalars(select(Message).where(Message.fallback_of_id == reminder.id)).all()
    assert len(copies) == 1 and copies[0].kind == Message.REMINDER
    drain(session, reminder.beneficiary_id, FakeRasa(), sender)
    call = twilio_mock.messages_to(reminder.beneficiary.phone)[-1]
    assert call.status == 201, call.response
    assert call.form["Body"] == [reminder.body]  # by SMS, the same words


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_send_whose_answer_was_lost_is_found_in_twilios_log(session, twilio_mock) -> None:  # type: ignore[no-untyped-def]
    reminder = reminder_for(session, wrote_hours_ago=3)
    sender = TwilioSender(twilio_settings(twilio_mock.url))
    # The worker called Twilio, then died before storing the answer.
    reminder.status = Message.SUBMITTING
    session.commit()
    sender.send(reminder, reminder.beneficiary.phone)
    reminder.updated_at = utcnow() - timedelta(minutes=5)
    session.commit()
    address = f"whatsapp:{reminder.beneficiary.phone}"
    before = [c for c in twilio_mock.messages_to(address) if c.method == "POST"]

    drain(session, reminder.beneficiary_id, FakeRasa(), sender)

    after = [c for c in twilio_mock.messages_to(address) if c.method == "POST"]
    assert len(after) == len(before) == 1  # asked, found, not sent again
    session.refresh(reminder)
    assert reminder.twilio_sid == before[0].response["sid"]
