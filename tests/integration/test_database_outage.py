"""The database down: her message is kept by the broker, stored once it is back, and no
lease is left behind (found by bench/faults.py: a 30 s PostgreSQL outage outlasts the
15 s Twilio retries for at most, and lost the messages written meanwhile)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from celery.exceptions import Retry
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.beneficiaries.models import Beneficiary
from bot.beneficiaries.services import get_or_create_by_phone
from bot.celery_app import STATUS_TASK, STORE_TASK
from bot.db import DATABASE_UNAVAILABLE, make_engine, make_session_factory
from bot.messaging import leases, tasks
from bot.messaging.models import Message
from bot.runtime import Runtime, set_runtime
from bot.settings import Settings
from bot.simulator import inbound_form, sign
from tests.conftest import AUTH_TOKEN
from tests.support.fakes import RecordingEnqueue
from tests.support.processes import free_port

MESSAGES_URL = "http://localhost/webhooks/twilio/messages"


def unreachable_database() -> str:
    """A PostgreSQL URL nothing listens on: every connection is refused at once."""
    return f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nowhere"


@dataclass
class RecordingSpool:
    down: bool = False
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def __call__(self, task: str, fields: dict[str, Any]) -> None:
        if self.down:
            raise ConnectionError("the broker is down too (fake)")
        self.calls.append((task, fields))


def post(client, form: dict[str, str]):  # type: ignore[no-untyped-def]
    signature = sign(AUTH_TOKEN, MESSAGES_URL, form)
    return client.post("/webhooks/twilio/messages", data=form,
                       headers={"X-Twilio-Signature": signature})  # fmt: skip


def app_without_database(spool: RecordingSpool, enqueued: RecordingEnqueue):  # type: ignore[no-untyped-def]
    from webhooks import create_app

    settings = Settings.from_env(
        {}, database_url=unreachable_database(), simulator_auth_token=AUTH_TOKEN
    )
    app = create_app(settings, enqueue=enqueued, spool=spool)
    return app.test_client()


def test_the_webhook_hands_her_message_to_the_worker_while_the_database_is_down() -> None:
    spool, enqueued = RecordingSpool(), RecordingEnqueue()
    client = app_without_database(spool, enqueued)
    form = inbound_form("+212600000001", "whatsapp", "bghit nsjel", profile_name="Sara")

    response = post(client, form)

    assert response.status_code == 200  # Twilio will not send it again: it is ours now
    assert response.mimetype == "text/xml"
    [(task, fields)] = spool.calls
    assert task == STORE_TASK
    assert fields["sid"] == form["MessageSid"]
    assert (fields["from_address"], fields["body"]) == ("whatsapp:+212600000001", "bghit nsjel")
    assert fields["profile_name"] == "Sara"
    assert enqueued.calls == []


def test_with_the_broker_down_too_twilio_is_asked_to_retry() -> None:
    client = app_without_database(RecordingSpool(down=True), RecordingEnqueue())
    response = post(client, inbound_form("+212600000001", "sms", "salam"))
    assert response.status_code == 503


def test_a_bad_number_is_refused_before_the_database_is_asked() -> None:
    spool = RecordingSpool()
    client = app_without_database(spool, RecordingEnqueue())
    form = inbound_form("+212600000001", "sms", "salam")
    form["From"] = "not a number"
    assert post(client, form).status_code == 400
    assert spool.calls == []  # nothing the worker could never store


STATUS_URL = "http://localhost/webhooks/twilio/status"


def post_status(client, form: dict[str, str]):  # type: ignore[no-untyped-def]
    signature = sign(AUTH_TOKEN, STATUS_URL, form)
    return client.post("/webhooks/twilio/status", data=form,
                       headers={"X-Twilio-Signature": signature})  # fmt: skip


FAILED_OUTSIDE_WINDOW = {"MessageSid": "SM" + "7" * 32, "MessageStatus": "undelivered",
                         "ErrorCode": "63016", "ErrorMessage": "Outside the window"}  # fmt: skip


def test_a_status_callback_is_handed_to_the_worker_while_the_database_is_down() -> None:
    spool = RecordingSpool()
    client = app_without_database(spool, RecordingEnqueue())

    response = post_status(client, FAILED_OUTSIDE_WINDOW)

    assert response.status_code == 204  # Twilio never sends a status again: it is ours now
    assert spool.calls == [(STATUS_TASK, {"sid": "SM" + "7" * 32, "status": "undelivered",
                                          "error_code": 63016,
                                          "error_message": "Outside the window"})]  # fmt: skip


def test_a_status_callback_with_the_broker_down_too_is_refused() -> None:
    client = app_without_database(RecordingSpool(down=True), RecordingEnqueue())
    assert post_status(client, FAILED_OUTSIDE_WINDOW).status_code == 503


@pytest.fixture
def handed_over(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The beneficiaries the task hands to processing (instead of a broker)."""
    calls: list[int] = []
    monkeypatch.setattr(tasks.process_beneficiary, "delay", calls.append)
    return calls


def spooled(body: str, sid: str) -> dict[str, Any]:
    return {"sid": sid, "from_address": "+212600000002", "to_address": "+212500000000",
            "body": body, "media": [], "profile_name": None, "latitude": None,
            "longitude": None}  # fmt: skip


def test_a_spooled_message_is_stored_once_and_handled(
    settings: Settings, session: Session, handed_over: list[int]
) -> None:
    runtime = Runtime(settings)
    set_runtime(runtime)
    try:
        tasks.store_spooled_inbound(spooled("salam", "SM" + "1" * 32))
        # The broker may deliver it twice, or Twilio's own retry may have got through.
        tasks.store_spooled_inbound(spooled("salam", "SM" + "1" * 32))
    finally:
        set_runtime(None)
        runtime.engine.dispose()
    stored = session.scalars(select(Message).where(Message.direction == Message.INBOUND)).all()
    assert [(m.body, m.status) for m in stored] == [("salam", Message.RECEIVED)]
    assert handed_over == [stored[0].beneficiary_id]


def test_spooled_messages_and_processing_wait_for_the_database(handed_over: list[int]) -> None:
    runtime = Runtime(Settings.from_env({}, database_url=unreachable_database()))
    set_runtime(runtime)
    try:
        with pytest.raises(Retry):
            tasks.store_spooled_inbound(spooled("salam", "SM" + "2" * 32))
        with pytest.raises(Retry):
            tasks.process_beneficiary(1)
    finally:
        set_runtime(None)
        runtime.engine.dispose()
    assert handed_over == []


def test_a_lease_the_outage_kept_is_given_back_when_the_database_returns(
    session: Session,
) -> None:
    her = get_or_create_by_phone(session, "+212600000003")
    other = get_or_create_by_phone(session, "+212600000004")
    session.commit()
    token = leases.acquire(session, her.id)
    assert token is not None
    down = make_engine(unreachable_database())
    try:
        with make_session_factory(down)() as dead, pytest.raises(DATABASE_UNAVAILABLE):
            leases.release(dead, her.id, token)  # the database went down meanwhile
    finally:
        down.dispose()

    # Back up: the next lease this process takes, for anyone, gives hers back first.
    other_token = leases.acquire(session, other.id)
    assert other_token is not None
    assert leases.acquire(session, her.id) is not None
    holders = session.scalar(
        select(func.count()).select_from(Beneficiary).where(Beneficiary.lease_token.is_not(None))
    )
    assert holders == 2


def test_a_spooled_status_is_applied_once_the_database_is_back(
    settings: Settings, session: Session, handed_over: list[int]
) -> None:
    from bot.messaging.models import WHATSAPP, Conversation

    her = get_or_create_by_phone(session, "+212600000003")
    sent = Message(conversation=Conversation(beneficiary=her, channel=WHATSAPP),
                   beneficiary=her, direction=Message.OUTBOUND, channel=WHATSAPP,
                   body="Marhba", status="sent", twilio_sid="SM" + "7" * 32)  # fmt: skip
    session.add(sent)
    session.commit()
    fields = {"sid": "SM" + "7" * 32, "status": "undelivered", "error_code": 63016,
              "error_message": "Outside the window"}  # fmt: skip
    runtime = Runtime(settings)
    set_runtime(runtime)
    try:
        tasks.record_spooled_status(fields)
        tasks.record_spooled_status(fields)  # the broker may deliver it twice
    finally:
        set_runtime(None)
        runtime.engine.dispose()
    session.expire_all()
    assert (sent.status, sent.error_code) == ("undelivered", 63016)
    again = session.scalars(select(Message).where(Message.fallback_of_id == sent.id)).all()
    assert len(again) == 1  # her message goes another way, once
    assert handed_over == [her.id]


def test_a_spooled_status_waits_for_the_database() -> None:
    runtime = Runtime(Settings.from_env({}, database_url=unreachable_database()))
    set_runtime(runtime)
    try:
        with pytest.raises(Retry):
            tasks.record_spooled_status({"sid": "SM" + "8" * 32, "status": "delivered",
                                         "error_code": None, "error_message": None})  # fmt: skip
    finally:
        set_runtime(None)
        runtime.engine.dispose()
