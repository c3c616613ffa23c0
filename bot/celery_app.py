"""The Celery application: Redis broker when REDIS_URL is set, embedded SQLite otherwise."""

from __future__ import annotations

from celery import Celery

from bot.settings import Settings

SWEEP_EVERY_SECONDS = 30.0


def create_celery(settings: Settings) -> Celery:
    app = Celery("minajliki", broker=settings.broker_url, set_as_current=True)
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
        # The embedded broker polls its SQLite file; poll often for snappy replies.
        broker_transport_options={"polling_interval": 0.1, "visibility_timeout": 3600},
        beat_schedule={
            "sweep-stalled-messages": {
                "task": "messaging.sweep",
                "schedule": SWEEP_EVERY_SECONDS,
            },
        },
    )
    app.autodiscover_tasks(["bot.messaging"], force=True)
    return app
