"""Celery task for broadcasts: the tick beat runs every second."""

from __future__ import annotations

import logging

from celery import shared_task

from bot.broadcasts.dispatch import tick as dispatch_tick
from bot.db import session_scope, utcnow
from bot.messaging.tasks import process_beneficiary
from bot.runtime import get_runtime

log = logging.getLogger(__name__)


@shared_task(name="broadcasts.tick", ignore_result=True)
def tick() -> int:
    """Start due broadcasts, write their next recipients, release messages at the rate."""
    runtime = get_runtime()
    with session_scope(runtime.sessions) as session:
        result = dispatch_tick(
            session, utcnow(), runtime.quiet_hours, runtime.settings.broadcast_rate
        )
    for beneficiary_id in result.to_send:
        process_beneficiary.delay(beneficiary_id)
    for broadcast_id in result.finished:
        log.info("broadcast %s: every message has left", broadcast_id)
    return len(result.to_send)
