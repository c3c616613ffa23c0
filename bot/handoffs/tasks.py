"""Celery tasks for handoffs: conversations left idle go back to the bot."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task

from bot.db import session_scope
from bot.handoffs import services
from bot.i18n import render
from bot.runtime import get_runtime

log = logging.getLogger(__name__)


@shared_task(name="handoffs.release_idle")
def release_idle() -> int:
    """Hand idle conversations back to the bot, telling each woman so in her language."""
    runtime = get_runtime()
    idle_for = timedelta(hours=runtime.settings.handoff_idle_hours)
    released: list[int] = []
    with session_scope(runtime.sessions) as session:
        for handoff in services.idle_handoffs(session, idle_for):
            language = handoff.beneficiary.reply_language
            services.resolve(
                session, handoff, by="idle", notice=render("utter_handoff_idle", language)
            )
            released.append(handoff.beneficiary_id)
        session.commit()
    from bot.messaging.tasks import process_beneficiary

    for beneficiary_id in released:
        process_beneficiary.delay(beneficiary_id)  # sends the notice
    return len(released)
