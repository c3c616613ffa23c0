"""A per-beneficiary lease in the database, so her messages are handled one at a time.

It works on SQLite and PostgreSQL alike and needs no broker feature. A worker killed
while holding it blocks her for at most LEASE_SECONDS.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from bot.beneficiaries.models import Beneficiary
from bot.db import utcnow

LEASE_SECONDS = 120


def acquire(session: Session, beneficiary_id: int, seconds: int = LEASE_SECONDS) -> str | None:
    """Take her lease; return its token, or None when another worker holds it."""
    token = uuid.uuid4().hex
    now = utcnow()
    result = session.execute(
        update(Beneficiary)
        .where(
            Beneficiary.id == beneficiary_id,
            or_(Beneficiary.lease_until.is_(None), Beneficiary.lease_until < now),
        )
        .values(lease_token=token, lease_until=now + timedelta(seconds=seconds))
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return token if result.rowcount == 1 else None


def renew(session: Session, beneficiary_id: int, token: str, seconds: int = LEASE_SECONDS) -> bool:
    result = session.execute(
        update(Beneficiary)
        .where(Beneficiary.id == beneficiary_id, Beneficiary.lease_token == token)
        .values(lease_until=utcnow() + timedelta(seconds=seconds))
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount == 1


def release(session: Session, beneficiary_id: int, token: str) -> None:
    session.execute(
        update(Beneficiary)
        .where(Beneficiary.id == beneficiary_id, Beneficiary.lease_token == token)
        .values(lease_token=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    session.commit()
