"""The worker's turn: order, outages of Rasa and Twilio, leases (fakes for Rasa and Twilio)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.beneficiaries import reachability
from bot.beneficiaries.models import Beneficiary
from bot.db import make_session_factory, utcnow
from bot.messaging import leases
from bot.messaging.models import Conversation, Message
from bot.messaging.processing import drain
from bot.messaging.services import InboundMessage, add_reply, store_inbound
from bot.rasa_client import BotReply, RasaUnavailable
from bot.simulator import new_message_sid
from tests.support.fakes import FakeRasa, FakeSender


def receive(  # type: ignore[no-untyped-def]
    session: Session,
    body: str,
    phone: str = "+212600000010",
    channel: str = "sms",
    welcomed: bool = True,
):
    """Her message, stored by the webhook; `welcomed`: her first contact is behind her."""
    prefix = "whatsapp:" if channel == "whatsapp" else ""
    message, _ = store_inbound(
        session, InboundMessage(new_message_sid(), prefix + phone, prefix + "+2125", body)
    )
    if welcomed and message.beneficiary.welcomed_at is None:
        message.beneficiary.welcomed_at = utcnow()
        session.commit()
    return message


def outbound(session: Session) -> list[Message]:
    return list(
        session.scalars(
            select(Message).where(Message.direction == Message.OUTBOUND).order_by(Message.id)
        )
    )


def test_messages_are_handled_in_arrival_order_and_replies_sent_in_order(
    session: Session,
) -> None:
    first = receive(session, "salam")
    receive(session, "bghit nsjel")
    receive(session, "3")
    rasa, sender = FakeRasa(), FakeSender()
    result = drain(session, first.beneficiary_id, rasa, sender)
    assert (result.handled, result.sent, result.busy) == (3, 3, False)
    assert [text for _, text, _ in rasa.calls] == [
        "salam",
        "bghit nsjel",
        '/choose_option{"choice": "3"}',
    ]
    assert [body for _, body in sender.sent] == [
        "echo: salam",
        "echo: bghit nsjel",
        'echo: /choose_option{"choice": "3"}',
    ]
    replies = outbound(session)
    assert all(r.status == Message.QUEUED and r.twilio_sid for r in replies)
    assert all(r.reply_to_id is not None for r in replies)


def test_rasa_gets_her_public_id_language_and_channel(session: Session) -> None:
    message = receive(session, "bghit nsjel f lbarnamaj", channel="whatsapp")
    rasa = FakeRasa()
    drain(session, message.beneficiary_id, rasa, FakeSender())
    beneficiary = session.get(Beneficiary, message.beneficiary_id)
    assert beneficiary is not None
    sender_id, _, metadata = rasa.calls[0]
    assert sender_id == beneficiary.public_id and "+212" not in sender_id
    assert metadata == {
        "language": "ary_Latn",
        "channel": "whatsapp",
        "text": "bghit nsjel f lbarnamaj",
    }


def test_rasa_outage_keeps_the_message_queued_then_handles_it(session: Session) -> None:
    message = receive(session, "salam")
    rasa, sender = FakeRasa(down=True), FakeSender()
    with pytest.raises(RasaUnavailable):
        drain(session, message.beneficiary_id, rasa, sender)
    session.refresh(message)
    assert message.status == Message.RECEIVED
    assert outbound(session) == []
    # The lease was released, so the retry can take her messages.
    rasa.down = False
    result = drain(session, message.beneficiary_id, rasa, sender)
    assert result.handled == 1 and len(sender.sent) == 1


def test_twilio_outage_keeps_replies_pending_and_order_is_kept(session: Session) -> None:
    message = receive(session, "salam")
    rasa, sender = FakeRasa(), FakeSender(down=True)
    result = drain(session, message.beneficiary_id, rasa, sender)
    assert result.send_retry and result.sent == 0
    assert [r.status for r in outbound(session)] == [Message.PENDING]
    receive(session, "wach kayn chi formation?")
    # Still down: the second message waits behind the unsent reply.
    result = drain(session, message.beneficiary_id, rasa, sender)
    assert result.handled == 0
    sender.down = False
    result = drain(session, message.beneficiary_id, rasa, sender)
    assert result.handled == 1
    assert [b for _, b in sender.sent] == ["echo: salam", "echo: wach kayn chi formation?"]


def test_a_held_lease_makes_another_worker_back_off(session: Session) -> None:
    message = receive(session, "salam")
    token = leases.acquire(session, message.beneficiary_id)
    assert token is not None
    assert drain(session, message.beneficiary_id, FakeRasa(), FakeSender()).busy
    leases.release(session, message.beneficiary_id, token)
    assert drain(session, message.beneficiary_id, FakeRasa(), FakeSender()).handled == 1


def test_an_expired_lease_from_a_killed_worker_is_taken_over(session: Session) -> None:
    message = receive(session, "salam")
    beneficiary = session.get(Beneficiary, message.beneficiary_id)
    assert beneficiary is not None
    beneficiary.lease_token = "dead-worker"
    beneficiary.lease_until = utcnow() - timedelta(seconds=1)
    session.commit()
    assert drain(session, message.beneficiary_id, FakeRasa(), FakeSender()).handled == 1


def test_two_sessions_cannot_both_hold_her_lease(engine) -> None:  # type: ignore[no-untyped-def]
    factory = sessionmaker(engine)
    with factory() as one, factory() as two:
        beneficiary = Beneficiary(phone="+212600000011")
        one.add(beneficiary)
        one.commit()
        first = leases.acquire(one, beneficiary.id)
        second = leases.acquire(two, beneficiary.id)
        assert first is not None and second is None


def test_a_conversation_held_by_a_counsellor_gets_no_bot_reply(session: Session) -> None:
    message = receive(session, "salam")
    conversation = session.get(Conversation, message.conversation_id)
    assert conversation is not None
    conversation.status = Conversation.STATUS_HELD
    session.commit()
    rasa = FakeRasa()
    result = drain(session, message.beneficiary_id, rasa, FakeSender())
    assert result.handled == 1 and rasa.calls == []
    session.refresh(message)
    assert message.status == Message.HANDLED


def test_an_empty_message_shows_her_the_menu(session: Session) -> None:
    message = receive(session, "")
    rasa = FakeRasa()
    drain(session, message.beneficiary_id, rasa, FakeSender())
    assert rasa.calls[0][1] == "/help"


def test_outbox_mode_keeps_replies_for_the_simulator(session: Session) -> None:
    from bot.messaging.senders import OutboxSender

    message = receive(session, "salam")
    drain(session, message.beneficiary_id, FakeRasa(), OutboxSender())
    assert [r.status for r in outbound(session)] == [Message.OUTBOX]


def test_every_twilio_status_fits_the_status_column(session: Session) -> None:
    message = receive(session, "salam")
    drain(session, message.beneficiary_id, FakeRasa(), FakeSender(status="partially_delivered"))
    assert [r.status for r in outbound(session)] == ["partially_delivered"]


def test_a_woman_waiting_on_a_bot_that_is_down_is_told_once_that_the_answer_comes(
    session: Session,
) -> None:
    from bot.i18n import gettext
    from bot.responses import ANSWER_SOON

    message = receive(session, "bghit nsjel")
    rasa, sender = FakeRasa(down=True), FakeSender()
    with pytest.raises(RasaUnavailable):  # the first try: too soon to say anything
        drain(session, message.beneficiary_id, rasa, sender)
    assert sender.sent == []
    message.created_at = utcnow() - timedelta(seconds=30)
    session.commit()
    for _ in range(3):  # retries while the outage lasts: told once
        with pytest.raises(RasaUnavailable):
            drain(session, message.beneficiary_id, rasa, sender)
    assert [body for _, body in sender.sent] == [gettext(ANSWER_SOON, "ary_Latn")]
    session.refresh(message)
    assert message.status == Message.RECEIVED  # still queued for the bot

    rasa.down = False
    drain(session, message.beneficiary_id, rasa, sender)
    assert [body for _, body in sender.sent][1:] == ["echo: bghit nsjel"]
    kinds = [m.kind for m in outbound(session)]
    assert kinds == [Message.HOLDING, Message.REPLY]


def test_an_opt_out_recorded_during_her_turn_stops_a_reminder_held_behind_it(
    session: Session, engine: Engine
) -> None:
    """The actions server records her opt-out (the intent, not the keyword) through its
    own connection while the worker waits on Rasa: the reminder held behind her message
    is checked against her row as it is then, and cancelled."""
    message = receive(session, "ma bghitch had les messages")
    reminder = add_reply(session, message, "Tadkir: formation ghedda", None)
    reminder.kind = Message.REMINDER
    reminder.reply_to_id = None
    session.commit()

    class OptOutDuringTurn(FakeRasa):
        def send(self, sender: str, text: str, metadata: dict[str, Any]) -> list[BotReply]:
            with make_session_factory(engine)() as actions:
                her = actions.get(Beneficiary, message.beneficiary_id)
                assert her is not None
                reachability.opt_out(actions, her, source="intent")
            return super().send(sender, text, metadata)

    sender = FakeSender()
    drain(session, message.beneficiary_id, OptOutDuringTurn(), sender)
    assert [body for _, body in sender.sent] == ["echo: ma bghitch had les messages"]
    session.refresh(reminder)
    assert reminder.status == "canceled"
