"""Celery tasks for trainings: thin, they read the clock and hand work to the services."""

from __future__ import annotations

from celery import shared_task

from bot.db import session_scope, utcnow
from bot.messaging.tasks import process_beneficiary
from bot.runtime import get_runtime
from bot.trainings import reminders


@shared_task(name="trainings.queue_reminders")
def queue_reminders() -> int:
    """Write the reminders due now (beat, every minute) and send them."""
    runtime = get_runtime()
    with session_scope(runtime.sessions) as session:
        ids = reminders.queue_due(session, utcnow(), runtime.reminder_offsets, runtime.quiet_hours)
    for beneficiary_id in set(ids):
        process_beneficiary.delay(beneficiary_id)
    return len(ids)
