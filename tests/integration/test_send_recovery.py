"""A worker killed while calling Twilio: the message is looked up, then adopted or resent."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.messaging.models import Message
from bot.messaging.processing import drain, send_pending
from bot.messaging.recovery import recover_submitting
from bot.messaging.services import latest_conversation
from tests.support.fakes import FakeRasa, FakeSender
from tests.support.trainings import registered_woman


def stuck_message(session: Session, body: str) -> Message:
    her = registered_woman(session, utcnow())
    conversation = latest_conversation(session, her.id)
    assert conversation is not None
    message = Message(
        conversation_id=conversation.id,
        beneficiary_id=her.id,
        direction=Message.OUTBOUND,
        channel=conversation.channel,
        body=body,
        status=Message.SUBMITTING,  # the worker died during the create call
        kind=Message.REMINDER,
        attempts=1,
        updated_at=utcnow() - timedelta(minutes=5),
    )
    session.add(message)
    session.commit()
    return message


def test_a_send_that_reached_twilio_is_adopted_not_repeated(session: Session) -> None:
    message = stuck_message(session, "Rappel : votre formation est demain.")
    sender = FakeSender()
    sender.sent.append((message.beneficiary.phone, message.body))  # Twilio got it

    drain(session, message.beneficiary_id, FakeRasa(), sender)

    session.refresh(message)
    assert message.status == Message.QUEUED
    assert message.twilio_sid == f"SMfake{1:030d}"
    assert len(sender.sent) == 1


def test_a_send_that_never_reached_twilio_goes_once(session: Session) -> None:
    message = stuck_message(session, "Rappel : votre formation est demain.")
    sender = FakeSender()

    drain(session, message.beneficiary_id, FakeRasa(), sender)
    drain(session, message.beneficiary_id, FakeRasa(), sender)

    session.refresh(message)
    assert message.status == Message.QUEUED
    assert sender.sent == [(message.beneficiary.phone, message.body)]


def test_while_twilio_cannot_be_asked_the_message_waits(session: Session) -> None:
    message = stuck_message(session, "Rappel")
    sender = FakeSender(down=True)
    result = drain(session, message.beneficiary_id, FakeRasa(), sender)
    session.refresh(message)
    assert result.send_retry and message.status == Message.SUBMITTING


def test_recovery_never_takes_an_earlier_message_with_the_same_words_for_this_one(
    session: Session,
) -> None:
    her = registered_woman(session, utcnow())
    conversation = latest_conversation(session, her.id)
    assert conversation is not None
    sender = FakeSender()
    earlier = Message(
        conversation_id=conversation.id, beneficiary_id=her.id, direction=Message.OUTBOUND,
        channel=conversation.channel, body="Atelier samedi", status=Message.PENDING,
        kind=Message.BROADCAST,
    )  # fmt: skip
    session.add(earlier)
    session.commit()
    send_pending(session, her.id, sender)
    assert earlier.twilio_sid is not None
    # The same words again (a resend), and the worker died before calling Twilio.
    again = Message(
        conversation_id=conversation.id, beneficiary_id=her.id, direction=Message.OUTBOUND,
        channel=conversation.channel, body="Atelier samedi", status=Message.SUBMITTING,
        kind=Message.BROADCAST,
    )  # fmt: skip
    session.add(again)
    session.commit()

    assert recover_submitting(session, her.id, sender)
    assert again.status == Message.PENDING and again.twilio_sid is None  # sent again
    send_pending(session, her.id, sender)
    assert len(sender.sent) == 2 and again.twilio_sid != earlier.twilio_sid
