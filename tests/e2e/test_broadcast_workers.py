"""Broadcasts go exactly once with two Celery workers and a beat on a real Redis broker and
PostgreSQL: when one worker is killed (SIGKILL) mid-run and restarted, when staff pause and
resume the broadcast, and when they cancel it (nothing more leaves once the messages
already on their way are out).

Twilio is Prism on Twilio's spec behind a recording proxy: the proxy counts what reached
"Twilio", so a duplicate or a loss shows.
"""

from __future__ import annotations

import re
import signal
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from celery import Celery
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.broadcasts import services, tracking
from bot.broadcasts.dispatch import UNSENT
from bot.broadcasts.models import Broadcast
from bot.celery_app import create_celery
from bot.db import make_engine, make_session_factory, utcnow
from bot.messaging.models import SMS, WHATSAPP, Message
from bot.messaging.services import record_status
from bot.migrate import upgrade
from bot.phones import to_address
from bot.settings import Settings
from tests.support.broadcasts import TEXTS, broadcast, staff_member
from tests.support.databases import REDIS_TEST_URL, fresh_postgres_database, require_redis
from tests.support.processes import ManagedProcess
from tests.support.trainings import registered_woman
from tests.support.twilio_mock import RecordingProxy
from tests.support.workers import let_time_pass, wait_for, worker_env

WOMEN = 120
LANGUAGES = ("fr", "ar", "ary", "ary_Latn")
# Messages released per second per sender: slow enough that a kill, a pause or a cancel
# lands mid-run (120 women take about 4 s), quick enough for a short test.
RATE = 20
TICK_DONE = re.compile(r"Task broadcasts\.tick\[[^\]]+\] succeeded")


@dataclass
class Fleet:
    """Two workers and a beat on one fresh database, and the women a broadcast goes to."""

    env: dict[str, str]
    sessions: sessionmaker[Session]
    proxy: RecordingProxy
    celery: Celery
    logs: Path
    women: list[tuple[int, str]]  # (id, address) of each woman it goes to
    workers: dict[str, ManagedProcess] = field(default_factory=dict)

    @property
    def addresses(self) -> set[str]:
        return {address for _, address in self.women}

    def start_worker(self, name: str) -> ManagedProcess:
        process = ManagedProcess(
            name,
            ["celery", "-A", "bot.worker", "worker", "--concurrency", "1", "--loglevel", "INFO",
             "--hostname", f"{name}@e2e"],
            self.logs, env=self.env,
        ).start()  # fmt: skip
        self.workers[name] = process
        return process

    def posts(self, marker: str = "") -> Counter[str]:
        """Creates that reached Twilio, per woman's address (of one broadcast's text when
        `marker` is given)."""
        return Counter(
            call.form["To"][0]
            for call in self.proxy.snapshot()
            if call.method == "POST"
            and call.form.get("To", [""])[0] in self.addresses
            and marker in call.form.get("Body", [""])[0]
        )

    def ticks_done(self) -> int:
        return sum(
            len(TICK_DONE.findall(p.log_path.read_text(errors="replace")))
            for p in self.workers.values()
            if p.log_path.exists()
        )

    def wait_for_ticks(self, count: int) -> None:
        """Until `count` more broadcast ticks have run (beat sends one a second)."""
        target = self.ticks_done() + count
        wait_for(lambda: self.ticks_done() >= target, 30, f"{count} broadcast ticks")


@pytest.fixture
def fleet(twilio_mock: RecordingProxy, tmp_path: Path) -> Iterator[Fleet]:
    require_redis()
    import redis

    redis.Redis.from_url(REDIS_TEST_URL).flushdb()
    with fresh_postgres_database() as url:
        engine = make_engine(url)
        upgrade(engine)
        sessions = make_session_factory(engine)
        env = worker_env(url, twilio_mock.url, MINAJLIKI_BROADCAST_RATE=str(RATE))
        with sessions() as session:
            now = utcnow()
            # Every third on SMS, the rest on WhatsApp inside her window; four languages.
            women = [
                registered_woman(
                    session,
                    now,
                    language=LANGUAGES[i % len(LANGUAGES)],
                    channel=SMS if i % 3 == 0 else WHATSAPP,
                )
                for i in range(WOMEN)
            ]
            addressed = [
                (woman.id, to_address(SMS if i % 3 == 0 else WHATSAPP, woman.phone))
                for i, woman in enumerate(women)
            ]
        celery = create_celery(Settings.from_env(env))
        fleet = Fleet(env, sessions, twilio_mock, celery, tmp_path, addressed)
        beat = ManagedProcess(
            "beat",
            ["celery", "-A", "bot.worker", "beat", "--loglevel", "INFO",
             "--schedule", str(tmp_path / "beat-schedule")],
            tmp_path, env=env,
        )  # fmt: skip
        try:
            for name in ("worker-a", "worker-b"):
                fleet.start_worker(name)
            for process in fleet.workers.values():
                process.wait_until(process.log_contains("ready."), 60)
            beat.start()
            yield fleet
        finally:
            # Side by side: each waits for its warm shutdown.
            with ThreadPoolExecutor() as pool:
                list(pool.map(ManagedProcess.stop, [beat, *fleet.workers.values()]))
            engine.dispose()


def count(fleet: Fleet, broadcast_id: int, *statuses: str, with_sid: bool = False) -> int:
    with fleet.sessions() as session:
        query = select(func.count(Message.id)).where(Message.broadcast_id == broadcast_id)
        if statuses:
            query = query.where(Message.status.in_(statuses))
        if with_sid:
            query = query.where(Message.twilio_sid.is_not(None))
        return int(session.scalar(query) or 0)


def status_of(fleet: Fleet, broadcast_id: int) -> str:
    with fleet.sessions() as session:
        return str(session.scalar(select(Broadcast.status).where(Broadcast.id == broadcast_id)))


def start_broadcast(fleet: Fleet, texts: dict[str, str] | None = None) -> int:
    with fleet.sessions() as session:
        return broadcast(session, staff_member(session), utcnow(), texts=texts).id


def change(fleet: Fleet, broadcast_id: int, action: Callable[[Session, Broadcast], object]) -> None:
    """What the console does: a service on the broadcast, committed."""
    with fleet.sessions() as session:
        made = session.get(Broadcast, broadcast_id)
        assert made is not None
        action(session, made)
        session.commit()


def settle_in_flight(fleet: Fleet, broadcast_id: int) -> None:
    """Until the messages already handed to the workers have gone to Twilio."""
    in_flight = (Message.PENDING, Message.SUBMITTING)
    wait_for(lambda: count(fleet, broadcast_id, *in_flight) == 0, 30, "messages in flight")


def test_a_killed_worker_sends_no_broadcast_twice_and_loses_none(fleet: Fleet) -> None:
    broadcast_id = start_broadcast(fleet)
    # The worst moment to die: her create has reached Twilio, its answer (the SID) has not
    # come back. The proxy keeps that answer back until the worker sending it is dead.
    her_id, her_address = fleet.women[WOMEN // 2]
    hold = fleet.proxy.hold_answer(her_address)
    assert hold.arrived.wait(30), "her message never reached Twilio"
    dead = sending_to(fleet.celery, her_id)
    fleet.workers[dead].stop(signal.SIGKILL)
    hold.release.set()
    assert fleet.posts().total() < WOMEN, "the broadcast ended before the kill"
    alive = next(name for name in fleet.workers if name != dead)

    # The other worker goes on with the ticks and the sends.
    wait_for(lambda: count(fleet, broadcast_id, Message.WAITING) == 0, 60, f"{alive}'s releases")
    # What the dead worker held (her lease and her "submitting" message, women released
    # to it but not yet sent) waits for its lease to run out and for the sweep. The live
    # worker stops taking tasks first, so that no send of its own is under a lease
    # expired below.
    stop_consuming(fleet.celery, f"{alive}@e2e")
    with fleet.sessions() as session:
        let_time_pass(session)
    fleet.start_worker(dead).wait_until(fleet.workers[dead].log_contains("ready."), 60)
    fleet.celery.control.add_consumer("celery", destination=[f"{alive}@e2e"], reply=True)
    fleet.celery.send_task("messaging.sweep")
    wait_for(lambda: status_of(fleet, broadcast_id) == Broadcast.DONE, 60, "the broadcast done")

    # Her send was looked for in Twilio's log, found and adopted, not sent again.
    assert fleet.posts()[her_address] == 1
    assert any(
        c.method == "GET" and parse_qs(urlsplit(c.path).query).get("To") == [her_address]
        for c in fleet.proxy.snapshot()
    ), "her send was never looked for"
    posts = fleet.posts()
    twice = {address: n for address, n in posts.items() if n > 1}
    assert not twice, f"sent twice: {twice}"
    assert set(posts) == fleet.addresses, f"never sent: {fleet.addresses - set(posts)}"
    creates = [c for c in fleet.proxy.snapshot() if c.form.get("To", [""])[0] in fleet.addresses]
    assert all(c.status == 201 for c in creates if c.method == "POST"), "Prism refused a create"
    assert count(fleet, broadcast_id, with_sid=True) == WOMEN
    with fleet.sessions() as session:
        done = session.get(Broadcast, broadcast_id)
        assert done is not None and done.recipients == WOMEN and done.fanned_out
        assert done.finished_at is not None
        # Twilio's callbacks come in: the counts add up to the recipients.
        sids = session.scalars(
            select(Message.twilio_sid)
            .where(Message.broadcast_id == broadcast_id)
            .order_by(Message.id)
        ).all()
        for i, sid in enumerate(sids):
            assert sid is not None
            if i % 10 == 0:
                record_status(session, sid, "undelivered", 30003, "Unreachable handset")
            elif i % 3 == 0:
                record_status(session, sid, "read", None, None)
            else:
                record_status(session, sid, "delivered", None, None)
        counts = tracking.status_counts(session, broadcast_id)
    undelivered = len(range(0, WOMEN, 10))
    read = len([i for i in range(WOMEN) if i % 10 and i % 3 == 0])
    assert counts.total == WOMEN == counts.left
    assert counts.by_bucket["undelivered"] == undelivered
    assert counts.by_bucket["read"] == read
    assert counts.by_bucket["delivered"] == WOMEN - undelivered - read
    assert counts.by_error == [(30003, undelivered)]


def test_pause_resume_and_cancel_mid_run(fleet: Fleet) -> None:
    first = {lang: f"{text} [premier]" for lang, text in TEXTS.items()}
    paused_id = start_broadcast(fleet, first)
    wait_for(lambda: fleet.posts("[premier]").total() >= 20, 30, "the first messages")
    change(fleet, paused_id, services.pause)
    settle_in_flight(fleet, paused_id)
    sent, waiting = fleet.posts("[premier]").total(), count(fleet, paused_id, Message.WAITING)
    assert waiting > 0, "the broadcast ended before the pause"
    fleet.wait_for_ticks(2)  # the beat goes on: nothing more is released
    assert fleet.posts("[premier]").total() == sent
    assert count(fleet, paused_id, Message.WAITING) == waiting
    assert status_of(fleet, paused_id) == Broadcast.PAUSED

    change(fleet, paused_id, lambda session, made: services.resume(session, made, utcnow()))
    wait_for(lambda: status_of(fleet, paused_id) == Broadcast.DONE, 60, "the resumed broadcast")
    posts = fleet.posts("[premier]")
    assert set(posts) == fleet.addresses and set(posts.values()) == {1}

    second = {lang: f"{text} [second]" for lang, text in TEXTS.items()}
    canceled_id = start_broadcast(fleet, second)
    wait_for(lambda: fleet.posts("[second]").total() >= 20, 30, "the second broadcast's start")
    change(fleet, canceled_id, lambda session, made: services.cancel(session, made, utcnow()))
    settle_in_flight(fleet, canceled_id)
    sent = fleet.posts("[second]").total()
    fleet.wait_for_ticks(2)
    assert fleet.posts("[second]").total() == sent, "a message left after the cancel"
    assert status_of(fleet, canceled_id) == Broadcast.CANCELED
    canceled = count(fleet, canceled_id, services.CANCELED)
    assert canceled > 0, "the broadcast ended before the cancel"
    # Each message either left once (it was on its way) or is cancelled; none waits.
    assert count(fleet, canceled_id, *UNSENT) == 0
    assert count(fleet, canceled_id, with_sid=True) == sent
    assert canceled + sent == count(fleet, canceled_id)
    assert set(fleet.posts("[second]").values()) == {1}
    with fleet.sessions() as session:
        counts = tracking.status_counts(session, canceled_id)
    assert counts.by_bucket["canceled"] == canceled and counts.by_bucket["queued"] == sent


def sending_to(celery: Celery, beneficiary_id: int) -> str:
    """The worker whose task is handling her messages right now."""
    active = celery.control.inspect(timeout=5, limit=2).active() or {}
    for node, tasks in active.items():
        if any(task["args"] == [beneficiary_id] for task in tasks):
            return node.split("@")[0]
    raise AssertionError(f"no worker is sending to woman {beneficiary_id}: {active}")


def stop_consuming(celery: Celery, worker: str) -> None:
    """The worker takes no more tasks; returns once it has none running or reserved."""
    celery.control.cancel_consumer("celery", destination=[worker], reply=True)

    def idle() -> bool:
        inspect = celery.control.inspect(destination=[worker], timeout=5, limit=1)
        for what in ("active", "reserved", "scheduled"):
            replies = getattr(inspect, what)() or {}
            if worker not in replies or replies[worker]:
                return False  # no answer counts as busy
        return True

    wait_for(idle, 30, f"{worker} to be idle")
