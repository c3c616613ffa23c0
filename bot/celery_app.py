"""The Celery application: Redis broker when REDIS_URL is set, embedded SQLite otherwise."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from celery import Celery

from bot.settings import Settings

SWEEP_EVERY_SECONDS = 30.0
RELEASE_IDLE_EVERY_SECONDS = 300.0
REMINDERS_EVERY_SECONDS = 60.0
BROADCAST_TICK_SECONDS = 1.0
EMBEDDED_POLLING_SECONDS = 0.1


def create_celery(settings: Settings) -> Celery:
    app = Celery("minajliki", broker=settings.broker_url, set_as_current=True)
    # Also the default for every thread, so shared tasks never reach Celery's amqp default.
    app.set_default()
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        timezone="Africa/Casablanca",
        enable_utc=True,
        beat_schedule={
            "sweep-stalled-messages": {
                "task": "messaging.sweep",
                "schedule": SWEEP_EVERY_SECONDS,
            },
            "queue-training-reminders": {
                "task": "trainings.queue_reminders",
                "schedule": REMINDERS_EVERY_SECONDS,
            },
            "broadcast-tick": {
                "task": "broadcasts.tick",
                "schedule": BROADCAST_TICK_SECONDS,
            },
            "release-idle-handoffs": {
                "task": "handoffs.release_idle",
                "schedule": RELEASE_IDLE_EVERY_SECONDS,
            },
        },
    )
    if settings.redis_url:
        app.conf.broker_transport_options = {"visibility_timeout": 3600}
    else:
        _poll_embedded_broker_often()
    app.autodiscover_tasks(
        ["bot.messaging", "bot.handoffs", "bot.trainings", "bot.broadcasts"], force=True
    )
    return app


def _poll_embedded_broker_often() -> None:
    """The embedded broker polls its SQLite file, once a second by default: too slow for chat.

    kombu hands every transport option to SQLAlchemy's create_engine, so the interval
    cannot go through broker_transport_options; it is a class attribute instead.
    """
    from kombu.transport import sqlalchemy

    sqlalchemy.Transport.polling_interval = EMBEDDED_POLLING_SECONDS


Enqueue = Callable[[int], None]
Spool = Callable[[str, dict[str, Any]], None]  # (task name, its fields)
PROCESS_TASK = "messaging.process_beneficiary"
STORE_TASK = "messaging.store_inbound"  # an inbound message, spooled
STATUS_TASK = "messaging.record_status"  # a status callback, spooled
MAX_UNSENT = 10_000


def celery_enqueue(settings: Settings) -> Enqueue:
    """Hand a beneficiary's queued messages to the worker, from any process."""
    celery = create_celery(settings)
    # By name on this app: Celery's "current app" is per thread, and gunicorn's request
    # threads would otherwise publish to the default (amqp://) broker.
    return remembering(lambda beneficiary_id: celery.send_task(PROCESS_TASK, [beneficiary_id]))


def remembering(send: Enqueue) -> Enqueue:
    """`send`, which remembers whom it could not hand over while the broker was down.

    The call still raises then (her message is stored; the caller goes on), and the first
    hand-over that works once the broker is back sends the others too, so they need not
    wait for the sweep. Each process remembers its own."""
    unsent: set[int] = set()
    lock = threading.Lock()

    def enqueue(beneficiary_id: int) -> None:
        try:
            send(beneficiary_id)
        except Exception:
            with lock:
                if len(unsent) < MAX_UNSENT:  # beyond, the sweep finds them
                    unsent.add(beneficiary_id)
            raise
        with lock:
            waiting = sorted(unsent - {beneficiary_id})
            unsent.clear()
        for index, other in enumerate(waiting):
            try:
                send(other)
            except Exception:  # down again: keep the rest for the next time
                with lock:
                    unsent.update(waiting[index:])
                return

    return enqueue


def celery_spool(settings: Settings) -> Spool:
    """Hand what Twilio posted (an inbound message, a status callback) to the worker to
    be stored later: the database is down. Its Celery app is made at the first outage,
    not with the web app."""
    made: list[Celery] = []
    lock = threading.Lock()

    def spool(task: str, fields: dict[str, Any]) -> None:
        with lock:
            if not made:
                made.append(create_celery(settings))
        made[0].send_task(task, args=[fields])

    return spool
