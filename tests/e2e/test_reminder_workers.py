"""Reminders go exactly once with two Celery workers on a real Redis broker and
PostgreSQL, even when one worker is killed (SIGKILL) in the middle and restarted.

Twilio is Prism on Twilio's spec behind a recording proxy: the proxy counts what
reached "Twilio", so a duplicate or a loss shows.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.celery_app import create_celery
from bot.db import make_engine, make_session_factory, utcnow
from bot.messaging.models import Message
from bot.migrate import upgrade
from bot.phones import to_address
from bot.settings import Settings
from bot.trainings import services
from bot.trainings.models import Reminder
from tests.support.databases import REDIS_TEST_URL, fresh_postgres_database, require_redis
from tests.support.processes import ManagedProcess
from tests.support.trainings import registered_woman, training
from tests.support.twilio_mock import RecordingProxy
from tests.support.workers import let_time_pass, wait_for, worker_env

WOMEN = 30


@pytest.fixture
def database() -> Iterator[str]:
    with fresh_postgres_database() as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


def worker(name: str, env: dict[str, str], logs: Path) -> ManagedProcess:
    return ManagedProcess(
        name,
        ["celery", "-A", "bot.worker", "worker", "--concurrency", "1", "--loglevel", "INFO",
         "--hostname", f"{name}@%h"],
        logs, env=env,
    ).start()  # fmt: skip


def test_two_workers_and_a_killed_one_send_each_reminder_once(
    database: str, twilio_mock: RecordingProxy, tmp_path: Path
) -> None:
    require_redis()
    import redis

    redis.Redis.from_url(REDIS_TEST_URL).flushdb()
    env = worker_env(database, twilio_mock.url, MINAJLIKI_REMINDER_OFFSETS="2h")
    engine = make_engine(database)
    session: Session = make_session_factory(engine)()
    now = utcnow()
    course = training(session, now + timedelta(minutes=90), capacity=WOMEN)
    women = [registered_woman(session, now) for _ in range(WOMEN)]  # wrote an hour ago
    for woman in women:
        services.enroll(session, course.id, woman, now - timedelta(days=3))
    session.commit()
    addresses = [to_address("whatsapp", woman.phone) for woman in women]

    def posts() -> int:
        return sum(
            1 for a in addresses for call in twilio_mock.messages_to(a) if call.method == "POST"
        )

    first, second = worker("worker-a", env, tmp_path), worker("worker-b", env, tmp_path)
    for process in (first, second):
        process.wait_until(process.log_contains("ready."), 60)
    celery = create_celery(Settings.from_env(env))
    try:
        # Both workers are asked to write the due reminders at once (two beats, a retry).
        for _ in range(2):
            celery.send_task("trainings.queue_reminders")
        wait_for(lambda: posts() >= 3, 60, "the first reminders to leave")
        first.stop(signal.SIGKILL)  # killed mid-run, maybe mid-call to Twilio
        wait_for(lambda: _settled(session) + _stuck(session) == WOMEN, 60, "worker-b")
        # Restart it; time passes for whatever it held when it died (its leases, its
        # unacknowledged tasks): the sweep hands those women to the live workers.
        first = worker("worker-a", env, tmp_path)
        first.wait_until(first.log_contains("ready."), 60)
        let_time_pass(session)
        celery.send_task("messaging.sweep")
        wait_for(lambda: _settled(session) == WOMEN, 90, "every reminder to be settled")

        assert posts() == WOMEN, "a reminder was sent twice or not at all"
        for address in addresses:
            assert len([c for c in twilio_mock.messages_to(address) if c.method == "POST"]) == 1
        session.expire_all()
        assert session.scalar(select(func.count(Reminder.id))) == WOMEN
        assert (
            session.scalar(
                select(func.count(Message.id)).where(
                    Message.kind == Message.REMINDER, Message.twilio_sid.is_not(None)
                )
            )
            == WOMEN
        )
    finally:
        for process in (first, second):
            process.stop()
        session.close()
        engine.dispose()


def _settled(session: Session) -> int:
    """Reminders Twilio has taken (they have its SID)."""
    session.expire_all()
    return int(
        session.scalar(
            select(func.count(Message.id)).where(
                Message.kind == Message.REMINDER, Message.twilio_sid.is_not(None)
            )
        )
        or 0
    )


def _stuck(session: Session) -> int:
    """Reminders waiting on the killed worker: its leases, its half-done call."""
    session.expire_all()
    return int(
        session.scalar(
            select(func.count(Message.id)).where(
                Message.kind == Message.REMINDER,
                Message.twilio_sid.is_(None),
                Message.status.in_((Message.PENDING, Message.SUBMITTING)),
            )
        )
        or 0
    ) + _unwritten(session)


def _unwritten(session: Session) -> int:
    written = session.scalar(select(func.count(Reminder.id))) or 0
    return WOMEN - int(written)
