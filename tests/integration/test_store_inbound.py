"""Storing an inbound message: its SQL round trips, duplicates, first contacts, races."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, any_, column, event, func, literal, select, table
from sqlalchemy.orm import Session

from bot.beneficiaries.models import Beneficiary
from bot.db import make_session_factory
from bot.messaging.models import Conversation, Message
from bot.messaging.services import InboundMessage, store_inbound
from bot.simulator import new_message_sid

PHONE = "+212600000020"
ON_POSTGRES = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def inbound(
    body: str = "salam", channel: str = "whatsapp", sid: str | None = None, name: str = "Sara"
) -> InboundMessage:
    prefix = "whatsapp:" if channel == "whatsapp" else ""
    return InboundMessage(
        sid or new_message_sid(), prefix + PHONE, prefix + "+2125", body, profile_name=name
    )


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements sent on `engine` meanwhile, and "COMMIT" for each commit."""
    sent: list[str] = []

    def on_execute(*args: object) -> None:
        sent.append(str(args[2]).split(None, 1)[0])

    def on_commit(_connection: object) -> None:
        sent.append("COMMIT")

    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(engine, "commit", on_commit)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        event.remove(engine, "commit", on_commit)


@ON_POSTGRES
def test_a_known_woman_s_new_message_is_three_statements_and_one_commit(
    engine: Engine, session: Session
) -> None:
    store_inbound(session, inbound("salam"))
    with statements(engine) as sent:
        message, created = store_inbound(session, inbound("bghit nsjel"))
    # Her row and conversation read together, the message inserted unless its SID is
    # known, the conversation's last_inbound_at: one transaction (was 7 statements).
    assert sent == ["SELECT", "INSERT", "UPDATE", "COMMIT"]
    assert created and message.body == "bghit nsjel" and message.status == Message.RECEIVED
    with statements(engine) as sent:
        store_inbound(session, inbound("3", name="Sara B."))
    assert sent == ["SELECT", "INSERT", "UPDATE", "UPDATE", "COMMIT"]  # her new profile name


@ON_POSTGRES
def test_her_first_message_adds_an_insert_for_her_and_one_for_her_conversation(
    engine: Engine, session: Session
) -> None:
    with statements(engine) as sent:
        message, created = store_inbound(session, inbound("salam"))
    # No look-up of the SID first and no savepoints (was 12 statements): ON CONFLICT
    # answers a concurrent webhook creating her too.
    assert sent == ["SELECT", "INSERT", "INSERT", "INSERT", "UPDATE", "UPDATE", "COMMIT"]
    assert created and message.beneficiary_id is not None


def test_the_stored_message_is_a_usable_row(session: Session) -> None:
    sent = inbound("ana hna", channel="sms")
    message, created = store_inbound(session, sent)
    assert created and message.id is not None
    assert (message.direction, message.channel, message.body) == ("in", "sms", "ana hna")
    assert (message.twilio_sid, message.status, message.kind) == (sent.sid, "received", "reply")
    assert message.media == [] and message.attempts == 0 and message.created_at is not None
    assert message.beneficiary.phone == PHONE
    assert message.conversation.channel == "sms"
    assert message.conversation.last_inbound_at is not None


def test_a_retried_sid_returns_the_stored_message_and_changes_nothing(
    session: Session,
) -> None:
    first, _ = store_inbound(session, inbound("salam", sid="SM" + "1" * 32))
    then = datetime(2024, 1, 1, tzinfo=UTC)
    first.conversation.last_inbound_at = then
    session.commit()
    again, created = store_inbound(
        session, inbound("autre chose", sid="SM" + "1" * 32, name="Quelqu'une")
    )
    assert (again.id, created, again.body) == (first.id, False, "salam")
    session.rollback()  # whatever the call left open, it changed nothing
    her = session.scalars(select(Beneficiary)).one()
    assert her.profile_name == "Sara"
    assert session.scalars(select(Conversation.last_inbound_at)).one() == then
    assert session.scalar(select(func.count(Message.id))) == 1


def test_a_retried_sid_from_another_number_creates_no_one(session: Session) -> None:
    first, _ = store_inbound(session, inbound(sid="SM" + "2" * 32))
    other = InboundMessage("SM" + "2" * 32, "+212600000099", "+2125", "x")
    again, created = store_inbound(session, other)
    assert (again.id, created) == (first.id, False)
    assert session.scalars(select(Beneficiary.phone)).all() == [PHONE]


def test_her_first_message_creates_her_and_her_conversation(session: Session) -> None:
    message, created = store_inbound(session, inbound("salam"))
    assert created
    her = session.scalars(select(Beneficiary)).one()
    conversation = session.scalars(select(Conversation)).one()
    assert (her.phone, her.profile_name) == (PHONE, "Sara")
    assert (conversation.beneficiary_id, conversation.channel) == (her.id, "whatsapp")
    assert (message.beneficiary_id, message.conversation_id) == (her.id, conversation.id)


def test_another_channel_is_another_conversation_with_the_same_woman(session: Session) -> None:
    on_whatsapp, _ = store_inbound(session, inbound("salam", channel="whatsapp"))
    by_sms, _ = store_inbound(session, inbound("salam", channel="sms"))
    again, _ = store_inbound(session, inbound("wach kayn", channel="sms"))
    assert on_whatsapp.beneficiary_id == by_sms.beneficiary_id == again.beneficiary_id
    assert on_whatsapp.conversation_id != by_sms.conversation_id == again.conversation_id
    channels = session.scalars(select(Conversation.channel).order_by(Conversation.id)).all()
    assert channels == ["whatsapp", "sms"]


def test_her_profile_name_is_not_kept_once_she_refused_consent(session: Session) -> None:
    message, _ = store_inbound(session, inbound(name="Sara"))
    message.beneficiary.consent = Beneficiary.CONSENT_REFUSED
    message.beneficiary.profile_name = None
    session.commit()
    store_inbound(session, inbound(name="Sara"))
    session.expire_all()
    assert session.scalars(select(Beneficiary.profile_name)).one() is None


@ON_POSTGRES
def test_a_first_contact_racing_another_webhook_joins_her_record(engine: Engine) -> None:
    """The other request created her and had not committed when this one looked her up:
    this one waits on her phone's unique index, then takes her record and goes on."""
    sessions = make_session_factory(engine)
    first, second = sessions(), sessions()
    results: list[tuple[Message, bool]] = []
    first.add(Beneficiary(phone=PHONE))
    first.add(Beneficiary(phone="+212600000021"))  # noise: another woman
    first.flush()  # her row written, not committed
    worker = threading.Thread(target=lambda: results.append(store_inbound(second, inbound())))
    worker.start()
    wait_for_a_lock_wait(engine, first)
    first.commit()
    worker.join(timeout=30)
    assert results and results[0][1] is True
    her = first.scalars(select(Beneficiary).where(Beneficiary.phone == PHONE)).one()
    assert results[0][0].beneficiary_id == her.id
    assert first.scalar(select(func.count(Conversation.id))) == 1
    first.close()
    second.close()


def wait_for_a_lock_wait(engine: Engine, session: Session, timeout: float = 10.0) -> None:
    """Until another connection waits on a lock `session`'s transaction holds."""
    holder = session.scalar(select(func.pg_backend_pid()))
    activity = table("pg_stat_activity", column("pid"))
    blocked = (
        select(func.count())
        .select_from(activity)
        .where(literal(holder) == any_(func.pg_blocking_pids(activity.c.pid)))
    )
    deadline = time.monotonic() + timeout
    while True:
        # Asked on another connection: a transaction keeps one snapshot of the activity.
        with engine.connect() as connection:
            if connection.scalar(blocked):
                return
        assert time.monotonic() < deadline, "the other request never waited"
        time.sleep(0.02)


@ON_POSTGRES
def test_the_same_first_message_twice_at_once_is_stored_once(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    sent = inbound(sid="SM" + "3" * 32)
    barrier = threading.Barrier(2)
    results: list[bool] = []

    def webhook() -> None:
        with sessions() as session:
            barrier.wait()
            results.append(store_inbound(session, sent)[1])

    threads = [threading.Thread(target=webhook) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [False, True]
    with sessions() as session:
        assert session.scalar(select(func.count(Message.id))) == 1
        assert session.scalar(select(func.count(Beneficiary.id))) == 1
        assert session.scalar(select(func.count(Conversation.id))) == 1
