"""A broadcast on its way to Twilio (Prism on Twilio's spec): its own approved template on
WhatsApp, the text by SMS, the 24-hour window without a template, a lost answer found in
Twilio's log, and the test a staff member sends to her own phone."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.broadcasts.trial import send_trial
from bot.db import utcnow
from bot.messaging.models import SMS, WHATSAPP, Message
from bot.messaging.processing import drain
from bot.messaging.senders import TwilioSender
from bot.messaging.services import latest_conversation
from tests.integration.test_twilio_contract import twilio_settings
from tests.support.broadcasts import TEXTS, broadcast, staff_member, tick_until_quiet
from tests.support.fakes import FakeRasa
from tests.support.trainings import registered_woman

pytestmark = [pytest.mark.prism, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]

OWN_TEMPLATE = "HX" + "b" * 32
LANGUAGE_TEMPLATE = "HX" + "c" * 32
VARIABLES = {"1": "Fès", "2": "samedi 12 décembre"}


def sent(session: Session, twilio_mock, sender: TwilioSender) -> list[Message]:  # type: ignore[no-untyped-def]
    for beneficiary_id in tick_until_quiet(session, utcnow()):
        drain(session, beneficiary_id, FakeRasa(), sender)
    return list(session.scalars(select(Message).where(Message.kind == Message.BROADCAST)))


def test_its_own_template_goes_to_whatsapp_and_the_text_by_sms(session, twilio_mock) -> None:  # type: ignore[no-untyped-def]
    now = utcnow()
    on_whatsapp = registered_woman(session, now, language="ary")  # wrote an hour ago
    on_sms = registered_woman(session, now, language="ary_Latn", channel=SMS)
    broadcast(
        session,
        staff_member(session),
        now,
        content_sid=OWN_TEMPLATE,
        content_variables=VARIABLES,
    )
    sender = TwilioSender(twilio_settings(twilio_mock.url))
    messages = sent(session, twilio_mock, sender)

    assert all(m.twilio_sid and m.status == "queued" for m in messages)
    call = twilio_mock.messages_to(f"whatsapp:{on_whatsapp.phone}")[-1]
    assert call.status == 201, call.response
    assert call.form["ContentSid"] == [OWN_TEMPLATE]  # even inside her window
    assert json.loads(call.form["ContentVariables"][0]) == VARIABLES
    sms = twilio_mock.messages_to(on_sms.phone)[-1]
    assert sms.status == 201 and sms.form["Body"] == [TEXTS["ary_Latn"]]


def test_without_its_own_template_the_window_decides(session, twilio_mock) -> None:  # type: ignore[no-untyped-def]
    now = utcnow()
    inside = registered_woman(session, now, language="fr")
    outside = registered_woman(session, now, language="ar")
    conversation = latest_conversation(session, outside.id)
    assert conversation is not None
    conversation.last_inbound_at = now - timedelta(days=2)
    session.commit()
    broadcast(session, staff_member(session), now)
    sender = TwilioSender(
        twilio_settings(twilio_mock.url, whatsapp_templates=f"ar={LANGUAGE_TEMPLATE}")
    )
    sent(session, twilio_mock, sender)

    free = twilio_mock.messages_to(f"whatsapp:{inside.phone}")[-1]
    assert free.form["Body"] == [TEXTS["fr"]] and "ContentSid" not in free.form
    template = twilio_mock.messages_to(f"whatsapp:{outside.phone}")[-1]
    assert template.form["ContentSid"] == [LANGUAGE_TEMPLATE]
    assert json.loads(template.form["ContentVariables"][0]) == {"1": TEXTS["ar"]}


def test_a_template_send_whose_answer_was_lost_is_found_not_repeated(session, twilio_mock) -> None:  # type: ignore[no-untyped-def]
    now = utcnow()
    her = registered_woman(session, now)
    broadcast(
        session, staff_member(session), now, content_sid=OWN_TEMPLATE, content_variables=VARIABLES
    )
    tick_until_quiet(session, now)
    message = session.scalar(select(Message).where(Message.kind == Message.BROADCAST))
    assert message is not None and message.channel == WHATSAPP
    sender = TwilioSender(twilio_settings(twilio_mock.url))
    # The worker called Twilio, then died before storing the answer.
    message.status = Message.SUBMITTING
    session.commit()
    sender.send(message, her.phone)
    message.updated_at = utcnow() - timedelta(minutes=5)
    session.commit()

    drain(session, her.id, FakeRasa(), sender)

    posts = [c for c in twilio_mock.messages_to(f"whatsapp:{her.phone}") if c.method == "POST"]
    assert len(posts) == 1
    session.refresh(message)
    assert message.twilio_sid == posts[0].response["sid"]


def test_a_staff_member_sends_herself_a_test(session, twilio_mock) -> None:  # type: ignore[no-untyped-def]
    author = staff_member(session)
    made = broadcast(session, author, utcnow())
    sender = TwilioSender(twilio_settings(twilio_mock.url))

    result = send_trial(sender, made, author.phone or "", "ary", SMS)

    call = twilio_mock.messages_to(author.phone or "")[-1]
    assert call.status == 201 and call.form["Body"] == [TEXTS["ary"]]
    assert result.sid == call.response["sid"]
    # Nothing is stored: she is not a beneficiary.
    assert session.scalar(select(Message.id).where(Message.kind == Message.BROADCAST)) is None
