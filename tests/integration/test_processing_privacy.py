"""The worker's turn and her rights: first contact, STOP/START, cancelled announcements,
erasure and refusal once the replies are out, paused sending lifted when she writes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from bot.beneficiaries.models import Beneficiary
from bot.db import utcnow
from bot.i18n import render
from bot.messaging.models import Conversation, Message
from bot.messaging.outreach import CANCELED, announce
from bot.messaging.processing import FIRST_CONTACT, drain
from bot.messaging.services import record_status
from bot.rasa_tracker import TrackerStore
from bot.registration.services import record_consent
from tests.integration.test_processing import outbound, receive
from tests.support.fakes import FakeRasa, FakeSender

PHONE = "+212600000050"


@pytest.fixture
def tracker(tmp_path: Path) -> Iterator[TrackerStore]:
    """Rasa's tracker store on SQLite, holding a few events of one conversation."""
    store = TrackerStore(f"sqlite:///{tmp_path / 'tracker.sqlite'}")
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, "
                "timestamp REAL, intent_name TEXT, action_name TEXT, data TEXT)"
            )
        )
    yield store
    store.engine.dispose()


def remember(store: TrackerStore, sender_id: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO events (sender_id, type_name, data) VALUES (:s, 'user', '{}')"),
            {"s": sender_id},
        )


def remembered(store: TrackerStore) -> list[str]:
    with store.engine.connect() as conn:
        return list(conn.scalars(text("SELECT sender_id FROM events")))


def her(session: Session, message: Message) -> Beneficiary:
    beneficiary = session.get(Beneficiary, message.beneficiary_id)
    assert beneficiary is not None
    return beneficiary


def sent_bodies(sender: FakeSender) -> list[str]:
    return [body for _, body in sender.sent]


# ---------------------------------------------------------------------------- first contact


def test_her_first_message_asks_rasa_for_the_welcome_then_her_words_go(
    session: Session,
) -> None:
    first = receive(session, "salam", phone=PHONE, welcomed=False)
    rasa, sender = FakeRasa(), FakeSender()
    drain(session, first.beneficiary_id, rasa, sender)
    assert her(session, first).welcomed_at is not None
    receive(session, "bghit nsjel", phone=PHONE, welcomed=False)
    drain(session, first.beneficiary_id, rasa, sender)
    assert [text for _, text, _ in rasa.calls] == [FIRST_CONTACT, "bghit nsjel"]


# ------------------------------------------------------------------------------ STOP, START


def test_stop_is_answered_without_rasa_and_opts_her_out(session: Session) -> None:
    message = receive(session, "STOP", phone=PHONE)
    her(session, message).language = "ary_Latn"
    session.commit()
    rasa, sender = FakeRasa(), FakeSender()
    drain(session, message.beneficiary_id, rasa, sender)
    assert rasa.calls == []
    assert sender.sent == [(PHONE, render("utter_opted_out", "ary_Latn"))]
    beneficiary = her(session, message)
    assert beneficiary.opted_out_at is not None and beneficiary.opt_out_source == "keyword"


def test_stop_works_while_a_counsellor_holds_the_conversation(session: Session) -> None:
    message = receive(session, "Arrêt", phone=PHONE)
    conversation = session.get(Conversation, message.conversation_id)
    assert conversation is not None
    conversation.status = Conversation.STATUS_HELD
    session.commit()
    rasa, sender = FakeRasa(), FakeSender()
    drain(session, message.beneficiary_id, rasa, sender)
    assert rasa.calls == [] and sent_bodies(sender) == [render("utter_opted_out", "fr")]
    assert her(session, message).opted_out_at is not None


def test_start_opts_her_back_in(session: Session) -> None:
    message = receive(session, "STOP", phone=PHONE)
    rasa, sender = FakeRasa(), FakeSender()
    drain(session, message.beneficiary_id, rasa, sender)
    receive(session, "START", phone=PHONE)
    drain(session, message.beneficiary_id, rasa, sender)
    assert rasa.calls == []
    assert sent_bodies(sender)[-1] == render("utter_opted_in", "fr")
    beneficiary = her(session, message)
    assert beneficiary.opted_out_at is None and beneficiary.accepts_unsolicited


# ------------------------------------------------------------------ cancelled announcements


def test_an_announcement_queued_before_she_opted_out_is_cancelled_but_replies_go(
    session: Session,
) -> None:
    first = receive(session, "salam", phone=PHONE)
    sender = FakeSender()
    drain(session, first.beneficiary_id, FakeRasa(), sender)
    announce(session, {"fr": "Atelier à Casa samedi"}, [her(session, first)])
    # Twilio reports she had replied STOP to it: she opts out before the worker sends.
    reply = outbound(session)[0]  # the answer to "salam"
    assert reply.twilio_sid is not None
    record_status(session, reply.twilio_sid, "failed", 21610, "Unsubscribed")
    receive(session, "wach kayn chi formation f Casa?", phone=PHONE)
    drain(session, first.beneficiary_id, FakeRasa(), sender)
    assert sent_bodies(sender) == ["echo: salam", "echo: wach kayn chi formation f Casa?"]
    announcement = session.scalars(
        select(Message).where(Message.kind == Message.ANNOUNCEMENT)
    ).one()
    assert announcement.status == CANCELED and announcement.twilio_sid is None


def test_a_stop_waiting_in_the_queue_cancels_an_earlier_announcement(session: Session) -> None:
    first = receive(session, "salam", phone=PHONE)
    sender = FakeSender()
    drain(session, first.beneficiary_id, FakeRasa(), sender)
    announce(session, {"fr": "Atelier à Casa samedi"}, [her(session, first)])
    receive(session, "STOP", phone=PHONE)
    drain(session, first.beneficiary_id, FakeRasa(), sender)
    assert sent_bodies(sender) == ["echo: salam", render("utter_opted_out", "fr")]
    kinds = [(m.kind, m.status) for m in outbound(session)]
    assert (Message.ANNOUNCEMENT, CANCELED) in kinds


def test_an_announcement_goes_to_a_woman_who_did_not_opt_out(session: Session) -> None:
    first = receive(session, "salam", phone=PHONE)
    sender = FakeSender()
    drain(session, first.beneficiary_id, FakeRasa(), sender)
    announce(session, {"fr": "Atelier à Casa samedi"}, [her(session, first)])
    receive(session, "merci", phone=PHONE)
    drain(session, first.beneficiary_id, FakeRasa(), sender)
    assert "Atelier à Casa samedi" in sent_bodies(sender)


# ------------------------------------------------------------------- erasure and refusal


def test_she_is_erased_once_the_reply_to_her_has_gone(
    session: Session, tracker: TrackerStore
) -> None:
    message = receive(session, "ah, msse7 ga3 dakchi", phone=PHONE)
    beneficiary = her(session, message)
    beneficiary.erasure_requested_at = utcnow()
    session.commit()
    old_public_id = beneficiary.public_id
    remember(tracker, old_public_id)
    remember(tracker, "khadija-public-id")
    sender = FakeSender()
    drain(session, message.beneficiary_id, FakeRasa(), sender, tracker)
    assert sender.sent == [(PHONE, "echo: ah, msse7 ga3 dakchi")]
    session.expire_all()
    beneficiary = her(session, message)
    assert beneficiary.erased_at is not None and beneficiary.phone.startswith("erased-")
    assert beneficiary.public_id != old_public_id
    assert all(m.body == "" for m in session.scalars(select(Message)))
    assert remembered(tracker) == ["khadija-public-id"]


def test_erasure_waits_while_her_reply_cannot_be_sent(session: Session) -> None:
    message = receive(session, "ah, msse7 ga3 dakchi", phone=PHONE)
    her(session, message).erasure_requested_at = utcnow()
    session.commit()
    sender = FakeSender(down=True)
    drain(session, message.beneficiary_id, FakeRasa(), sender, tracker=None)
    assert her(session, message).erased_at is None
    sender.down = False
    drain(session, message.beneficiary_id, FakeRasa(), sender, tracker=None)
    assert sender.sent == [(PHONE, "echo: ah, msse7 ga3 dakchi")]
    session.expire_all()
    assert her(session, message).erased_at is not None


def test_after_a_refusal_her_messages_keep_no_content(
    session: Session, tracker: TrackerStore
) -> None:
    message = receive(session, "la, ma bghitch", phone=PHONE)
    beneficiary = her(session, message)
    record_consent(session, beneficiary, given=False)
    remember(tracker, beneficiary.public_id)
    sender = FakeSender()
    drain(session, message.beneficiary_id, FakeRasa(), sender, tracker)
    assert sent_bodies(sender) == ["echo: la, ma bghitch"]
    session.expire_all()
    messages = session.scalars(select(Message)).all()
    assert len(messages) == 2 and all(m.body == "" for m in messages)
    assert her(session, message).phone == PHONE
    assert remembered(tracker) == []


# ------------------------------------------------------------------------ paused sending


def test_her_message_lifts_a_pause_on_sending(session: Session) -> None:
    message = receive(session, "salam", phone=PHONE)
    beneficiary = her(session, message)
    beneficiary.sending_paused_at, beneficiary.consecutive_failures = utcnow(), 3
    session.commit()
    drain(session, message.beneficiary_id, FakeRasa(), FakeSender())
    session.expire_all()
    beneficiary = her(session, message)
    assert beneficiary.sending_paused_at is None and beneficiary.consecutive_failures == 0
    assert beneficiary.accepts_unsolicited
