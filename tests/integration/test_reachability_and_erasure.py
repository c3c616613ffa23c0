"""Opt-out, failing deliveries, announcements and erasure (on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from bot.beneficiaries import reachability
from bot.beneficiaries.erasure import erase
from bot.beneficiaries.models import Beneficiary
from bot.db import utcnow
from bot.messaging.models import Message
from bot.messaging.outreach import announce
from bot.messaging.processing import drain
from bot.messaging.services import InboundMessage, record_status, store_inbound
from bot.rasa_tracker import TrackerStore
from bot.simulator import new_message_sid
from tests.integration.test_processing import receive
from tests.support.fakes import FakeRasa, FakeSender

FATIMA = "+212600000031"
KHADIJA = "+212600000032"


@pytest.fixture
def tracker(tmp_path: Path) -> Iterator[TrackerStore]:
    """Rasa's tracker store on its own SQLite file (no `events` table yet)."""
    store = TrackerStore(f"sqlite:///{tmp_path / 'tracker.sqlite'}")
    yield store
    store.engine.dispose()


def add_events(store: TrackerStore, *sender_ids: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id TEXT, "
                "type_name TEXT, timestamp REAL, intent_name TEXT, action_name TEXT, data TEXT)"
            )
        )
        for sender_id in sender_ids:
            for type_name in ("user", "bot"):
                conn.execute(
                    text(
                        "INSERT INTO events (sender_id, type_name, timestamp, data) "
                        "VALUES (:sender, :type, 1.0, '{}')"
                    ),
                    {"sender": sender_id, "type": type_name},
                )


def event_senders(store: TrackerStore) -> list[str]:
    with store.engine.connect() as conn:
        return list(conn.scalars(text("SELECT sender_id FROM events ORDER BY id")))


def woman(session: Session, phone: str = FATIMA) -> Beneficiary:
    beneficiary = receive(session, "salam", phone=phone).beneficiary
    assert isinstance(beneficiary, Beneficiary)
    return beneficiary


def sent_message(session: Session, beneficiary: Beneficiary, sid: str) -> Message:
    """A reply already handed to Twilio, waiting for its status callbacks."""
    inbound = session.scalars(
        select(Message).where(Message.beneficiary_id == beneficiary.id).order_by(Message.id)
    ).first()
    assert inbound is not None
    message = Message(
        conversation_id=inbound.conversation_id,
        beneficiary_id=beneficiary.id,
        direction=Message.OUTBOUND,
        channel=inbound.channel,
        body="Merhba",
        status=Message.SENT,
        twilio_sid=sid,
    )
    session.add(message)
    session.commit()
    return message


def sid(number: int) -> str:
    return f"SM{number:032d}"


# ------------------------------------------------------------------------- opt-out, opt-in


def test_opt_out_keeps_its_first_time_and_source(session: Session) -> None:
    fatima = woman(session)
    reachability.opt_out(session, fatima, source="keyword")
    first = fatima.opted_out_at
    reachability.opt_out(session, fatima, source="intent")
    session.expire_all()
    assert fatima.opted_out_at == first and fatima.opt_out_source == "keyword"
    assert not fatima.accepts_unsolicited


def test_opt_in_clears_the_opt_out_and_a_pause(session: Session) -> None:
    fatima = woman(session)
    reachability.opt_out(session, fatima, source="keyword")
    fatima.sending_paused_at, fatima.consecutive_failures = utcnow(), 3
    session.commit()
    reachability.opt_in(session, fatima)
    session.expire_all()
    assert fatima.opted_out_at is None and fatima.opt_out_source is None
    assert fatima.sending_paused_at is None and fatima.consecutive_failures == 0
    assert fatima.accepts_unsolicited


# ----------------------------------------------------------------------------- deliveries


def test_twilio_unsubscribed_error_opts_her_out(session: Session) -> None:
    fatima = woman(session)
    reachability.note_delivery(fatima, "failed", reachability.UNSUBSCRIBED_ERROR)
    session.commit()
    assert fatima.opted_out_at is not None and fatima.opt_out_source == "twilio_21610"


def test_three_failed_deliveries_in_a_row_pause_sending(session: Session) -> None:
    fatima = woman(session)
    for status in ("failed", "undelivered"):
        reachability.note_delivery(fatima, status, 30003)
    assert fatima.sending_paused_at is None
    reachability.note_delivery(fatima, "failed", 30003)
    session.commit()
    assert fatima.sending_paused_at is not None and not fatima.accepts_unsolicited
    assert fatima.opted_out_at is None


def test_a_delivery_resets_the_count_of_failures(session: Session) -> None:
    fatima = woman(session)
    for status in ("failed", "failed", "delivered", "failed", "undelivered"):
        reachability.note_delivery(fatima, status, None)
    session.commit()
    assert fatima.consecutive_failures == 2 and fatima.sending_paused_at is None


def test_a_repeated_failed_callback_counts_once(session: Session) -> None:
    fatima = woman(session)
    message = sent_message(session, fatima, sid(1))
    for _ in range(3):
        assert record_status(session, sid(1), "failed", 30003, "Unreachable").known
    session.expire_all()
    assert message.status == "failed" and fatima.consecutive_failures == 1


def test_failed_callbacks_for_three_messages_pause_sending(session: Session) -> None:
    fatima = woman(session)
    for number in (1, 2, 3):
        sent_message(session, fatima, sid(number))
        record_status(session, sid(number), "undelivered", 30003, "Unreachable")
    session.expire_all()
    assert fatima.consecutive_failures == 3 and fatima.sending_paused_at is not None


def test_a_delivered_callback_resets_the_failures(session: Session) -> None:
    fatima = woman(session)
    for number in (1, 2):
        sent_message(session, fatima, sid(number))
        record_status(session, sid(number), "failed", 30003, None)
    sent_message(session, fatima, sid(3))
    record_status(session, sid(3), "delivered", None, None)
    session.expire_all()
    assert fatima.consecutive_failures == 0


def test_an_unsubscribed_callback_opts_her_out(session: Session) -> None:
    fatima = woman(session)
    sent_message(session, fatima, sid(1))
    record_status(session, sid(1), "failed", reachability.UNSUBSCRIBED_ERROR, "Unsubscribed")
    session.expire_all()
    assert fatima.opt_out_source == "twilio_21610"


# -------------------------------------------------------------------------- announcements


def test_an_announcement_is_queued_in_her_language_or_in_french(session: Session) -> None:
    fatima, khadija = woman(session, FATIMA), woman(session, KHADIJA)
    fatima.language, khadija.language = "ary_Latn", "ar"
    session.commit()
    texts = {"fr": "Atelier à Fès samedi", "ary_Latn": "Atelier f Fes nhar sebt"}
    result = announce(session, texts, [fatima, khadija])
    assert result.queued == [fatima.id, khadija.id] and result.skipped == []
    queued = session.scalars(
        select(Message).where(Message.kind == Message.ANNOUNCEMENT).order_by(Message.id)
    ).all()
    assert [(m.beneficiary_id, m.body, m.language) for m in queued] == [
        (fatima.id, "Atelier f Fes nhar sebt", "ary_Latn"),
        (khadija.id, "Atelier à Fès samedi", "fr"),
    ]
    assert all(m.status == Message.PENDING and m.direction == Message.OUTBOUND for m in queued)


def test_an_announcement_skips_who_must_not_get_one(session: Session) -> None:
    opted_out, paused, erasing, reachable = (woman(session, f"+21260000004{n}") for n in range(4))
    reachability.opt_out(session, opted_out, source="keyword")
    paused.sending_paused_at = utcnow()
    erasing.erasure_requested_at = utcnow()
    never_wrote = Beneficiary(phone="+212600000049")
    session.add(never_wrote)
    session.commit()
    everyone = [opted_out, paused, erasing, never_wrote, reachable]
    result = announce(session, {"fr": "Formation à Casa"}, everyone)
    assert result.queued == [reachable.id]
    assert result.skipped == [opted_out.id, paused.id, erasing.id, never_wrote.id]
    announcements = session.scalars(
        select(Message).where(Message.kind == Message.ANNOUNCEMENT)
    ).all()
    assert [m.beneficiary_id for m in announcements] == [reachable.id]


# -------------------------------------------------------------------------------- erasure


def her_history(
    session: Session, phone: str, name: str = "Fatima", sender: FakeSender | None = None
) -> Beneficiary:
    """She wrote (with a photo), the bot answered and she registered."""
    media = [{"url": "https://api.twilio.com/media/ME1", "content_type": "image/jpeg"}]
    address = "whatsapp:" + phone
    inbound = InboundMessage(new_message_sid(), address, "whatsapp:+2125", f"smiti {name}", media)
    message, _ = store_inbound(session, inbound)
    beneficiary = message.beneficiary
    beneficiary.welcomed_at = utcnow()
    beneficiary.profile_name = f"{name} B."
    beneficiary.consent = Beneficiary.CONSENT_GIVEN
    beneficiary.first_name, beneficiary.age, beneficiary.age_band = name, 27, "25-34"
    beneficiary.province, beneficiary.education_level = "fes", "baccalaureate"
    session.commit()
    drain(session, beneficiary.id, FakeRasa(), sender or FakeSender())
    return beneficiary


def test_erasure_removes_what_names_or_reaches_her_and_keeps_the_counts(
    session: Session, tracker: TrackerStore
) -> None:
    fatima = her_history(session, FATIMA)
    old_public_id = fatima.public_id
    add_events(tracker, old_public_id)
    erase(session, fatima, tracker)
    session.expire_all()
    assert fatima.phone.startswith("erased-") and FATIMA not in fatima.phone
    assert fatima.public_id != old_public_id
    assert (fatima.first_name, fatima.age, fatima.profile_name) == (None, None, None)
    assert (fatima.province, fatima.age_band, fatima.education_level) == (
        "fes",
        "25-34",
        "baccalaureate",
    )
    assert fatima.erased_at is not None
    messages = session.scalars(select(Message).where(Message.beneficiary_id == fatima.id)).all()
    assert [m.direction for m in messages] == [Message.INBOUND, Message.OUTBOUND]
    assert all(m.body == "" and m.media == [] and m.twilio_sid is None for m in messages)


def test_erasure_leaves_other_women_alone(session: Session, tracker: TrackerStore) -> None:
    sender = FakeSender()
    fatima = her_history(session, FATIMA, sender=sender)
    khadija = her_history(session, KHADIJA, "Khadija", sender)
    khadija_public_id = khadija.public_id
    add_events(tracker, fatima.public_id, khadija_public_id)
    erase(session, fatima, tracker)
    session.expire_all()
    assert (khadija.phone, khadija.public_id, khadija.first_name) == (
        KHADIJA,
        khadija_public_id,
        "Khadija",
    )
    bodies = session.scalars(
        select(Message.body).where(Message.beneficiary_id == khadija.id).order_by(Message.id)
    ).all()
    assert bodies == ["smiti Khadija", "echo: smiti Khadija"]
    assert event_senders(tracker) == [khadija_public_id, khadija_public_id]


def test_tracker_forget_deletes_only_her_events(tracker: TrackerStore) -> None:
    add_events(tracker, "fatima-public-id", "khadija-public-id")
    assert tracker.forget("fatima-public-id") == 2
    assert event_senders(tracker) == ["khadija-public-id", "khadija-public-id"]


def test_tracker_forget_without_an_events_table_forgets_nothing(tracker: TrackerStore) -> None:
    assert tracker.forget("fatima-public-id") == 0


def test_forgetting_after_a_refusal_spares_the_message_not_yet_handled(session: Session) -> None:
    from bot.beneficiaries.erasure import blank_messages

    handled = receive(session, "la ma bghitch")
    handled.status = Message.HANDLED
    waiting = receive(session, "sm7li, bghit nsjel daba")
    session.commit()
    blank_messages(session, handled.beneficiary_id, only_done=True)
    session.commit()
    session.refresh(handled)
    session.refresh(waiting)
    assert (handled.body, waiting.body) == ("", "sm7li, bghit nsjel daba")


def test_forgetting_after_a_refusal_reads_each_status_by_direction(session: Session) -> None:
    from bot.beneficiaries.erasure import blank_messages

    handled = receive(session, "la")
    handled.status = Message.HANDLED
    sent = Message(
        conversation_id=handled.conversation_id,
        beneficiary_id=handled.beneficiary_id,
        direction=Message.OUTBOUND,
        channel=handled.channel,
        body="Machi mochkil.",
        status="received",  # any word Twilio may give: it is out, so it goes
    )
    session.add(sent)
    session.commit()
    blank_messages(session, handled.beneficiary_id, only_done=True)
    session.commit()
    session.refresh(sent)
    assert sent.body == ""
