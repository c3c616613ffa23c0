"""Celery workers for the end-to-end tests that kill one: their settings, waiting for a
condition, and making time pass for leases and the sweep."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.beneficiaries.models import Beneficiary
from bot.db import utcnow
from bot.messaging.models import Message
from tests.e2e.conftest import ACCOUNT_SID, AUTH_TOKEN, SMS_FROM, WHATSAPP_FROM
from tests.support.databases import REDIS_TEST_URL


def worker_env(database_url: str, twilio_url: str, **settings: str) -> dict[str, str]:
    """Workers on PostgreSQL and the test Redis, sending to the Twilio mock, no quiet
    hours; `settings` adds environment variables."""
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_TEST_URL,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_SMS_FROM": SMS_FROM,
        "TWILIO_WHATSAPP_FROM": WHATSAPP_FROM,
        "TWILIO_API_BASE_URL": twilio_url,
        "PUBLIC_URL": "http://127.0.0.1:9",
        "MINAJLIKI_QUIET_HOURS": "off",
        "PYTHONUNBUFFERED": "1",
        **settings,
    }


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def let_time_pass(session: Session) -> None:
    """Ten minutes later, as far as leases and the sweep can tell."""
    past = utcnow() - timedelta(minutes=10)
    session.execute(
        update(Beneficiary).where(Beneficiary.lease_until.is_not(None)).values(lease_until=past)
    )
    session.execute(
        update(Message)
        .where(Message.status.in_((Message.PENDING, Message.SUBMITTING)))
        .values(updated_at=past)
    )
    session.commit()
