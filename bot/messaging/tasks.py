"""Celery tasks for messages: thin, they take ids and reload rows."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import Task, shared_task
from sqlalchemy import and_, or_, select

from bot.beneficiaries.models import Beneficiary
from bot.celery_app import STATUS_TASK, STORE_TASK
from bot.db import DATABASE_UNAVAILABLE, connected_session_scope, session_scope, utcnow
from bot.messaging.leases import LEASE_SECONDS
from bot.messaging.models import Message
from bot.messaging.processing import drain
from bot.messaging.services import InboundMessage, record_status, store_inbound
from bot.rasa_client import RasaUnavailable
from bot.runtime import get_runtime

log = logging.getLogger(__name__)

STALLED_AFTER = timedelta(seconds=60)


def backoff(retries: int) -> float:
    """1, 2, 4 … seconds, capped at a minute: outages delay replies, never drop them."""
    return float(min(2**retries, 60))


@shared_task(name="messaging.process_beneficiary", bind=True, max_retries=None)
def process_beneficiary(self: Task, beneficiary_id: int) -> None:
    """Handle her queued messages; retried until Rasa and Twilio have taken them."""
    runtime = get_runtime()
    try:
        # One connection for the whole task: the turn commits several times per message.
        with connected_session_scope(runtime.sessions) as session:
            result = drain(
                session,
                beneficiary_id,
                runtime.rasa,
                runtime.sender,
                runtime.tracker,
                runtime.office_hours,
                runtime.quiet_hours,
            )
    except RasaUnavailable as exc:
        log.warning("bot unavailable, retrying beneficiary %s: %s", beneficiary_id, exc)
        raise self.retry(countdown=backoff(self.request.retries)) from None
    except DATABASE_UNAVAILABLE as exc:
        # Her messages are safe in the database; look again once it is back. (Connecting
        # is inside the try: the connection is taken as the scope opens.)
        log.warning("database unavailable, retrying beneficiary %s: %s", beneficiary_id,
                    exc.__class__.__name__)  # fmt: skip
        raise self.retry(countdown=backoff(self.request.retries)) from None
    for other in result.others:
        process_beneficiary.delay(other)
    if result.busy:
        # Another worker is on her messages; look again shortly for any it missed.
        raise self.retry(countdown=0.5)
    if result.send_retry:
        raise self.retry(countdown=backoff(self.request.retries))


@shared_task(name=STORE_TASK, bind=True, max_retries=None)
def store_spooled_inbound(self: Task, fields: dict[str, Any]) -> None:
    """A message the webhook took while the database was down: store it (once per
    MessageSid, so a Twilio retry that got through meanwhile is no second message),
    then handle it. Retried until the database is back."""
    runtime = get_runtime()
    try:
        with session_scope(runtime.sessions) as session:
            message, created = store_inbound(session, InboundMessage(**fields))
            beneficiary_id = message.beneficiary_id
    except DATABASE_UNAVAILABLE:
        raise self.retry(countdown=backoff(self.request.retries)) from None
    if created:
        process_beneficiary.delay(beneficiary_id)


@shared_task(name=STATUS_TASK, bind=True, max_retries=None)
def record_spooled_status(self: Task, fields: dict[str, Any]) -> None:
    """A status callback the webhook took while the database was down: applied once it
    is back (a status never moves a message backwards, so a late one changes nothing
    newer). Retried until the database is back."""
    runtime = get_runtime()
    try:
        with session_scope(runtime.sessions) as session:
            result = record_status(session, **fields)
    except DATABASE_UNAVAILABLE:
        raise self.retry(countdown=backoff(self.request.retries)) from None
    if result.resend_for is not None:
        process_beneficiary.delay(result.resend_for)


@shared_task(name="messaging.sweep")
def sweep() -> int:
    """Requeue beneficiaries whose messages wait too long (lost task, outage)."""
    runtime = get_runtime()
    cutoff = utcnow() - STALLED_AFTER
    with session_scope(runtime.sessions) as session:
        ids = session.scalars(
            select(Message.beneficiary_id)
            .where(
                Message.updated_at < cutoff,
                or_(
                    and_(Message.direction == Message.INBOUND, Message.status == Message.RECEIVED),
                    and_(
                        Message.direction == Message.OUTBOUND,
                        Message.status == Message.PENDING,
                        or_(Message.not_before.is_(None), Message.not_before <= utcnow()),
                    ),
                    # A worker died calling Twilio: settled once her lease has run out.
                    and_(
                        Message.direction == Message.OUTBOUND,
                        Message.status == Message.SUBMITTING,
                        Message.updated_at < utcnow() - timedelta(seconds=LEASE_SECONDS),
                    ),
                ),
            )
            .distinct()
            .limit(1000)
        ).all()
        # Erasures left unfinished (her confirmation was still waiting to be sent).
        ids += session.scalars(
            select(Beneficiary.id)
            .where(Beneficiary.erasure_requested_at < cutoff, Beneficiary.erased_at.is_(None))
            .limit(1000)
        ).all()
    for beneficiary_id in set(ids):
        process_beneficiary.delay(beneficiary_id)
    return len(ids)
