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
from bot.db import DATABASE_UNAVAILABLE, utcnow

LEASE_SECONDS = 120


# Leases this process took but could not give back (the database went down meanwhile):
# given back as soon as it answers again, not left to run out (LEASE_SECONDS).
_unreleased: dict[int, str] = {}


def acquire(session: Session, beneficiary_id: int, seconds: int = LEASE_SECONDS) -> str | None:
    """Take her lease; return its token, or None when another worker holds it."""
    taken = take(session, beneficiary_id, seconds)
    return taken[0] if taken is not None else None


def take(
    session: Session, beneficiary_id: int, seconds: int = LEASE_SECONDS
) -> tuple[str, Beneficiary] | None:
    """Take her lease; return its token and her row as it is now (read by the same
    statement, RETURNING, so the worker need not load her again), or None when another
    worker holds it. Commits."""
    release_unreleased(session)
    token = uuid.uuid4().hex
    now = utcnow()
    beneficiary = session.scalars(
        update(Beneficiary)
        .where(
            Beneficiary.id == beneficiary_id,
            or_(Beneficiary.lease_until.is_(None), Beneficiary.lease_until < now),
        )
        .values(lease_token=token, lease_until=now + timedelta(seconds=seconds))
        .returning(Beneficiary)
        .execution_options(synchronize_session=False, populate_existing=True)
    ).one_or_none()
    session.commit()
    return (token, beneficiary) if beneficiary is not None else None


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
    try:
        session.execute(
            update(Beneficiary)
            .where(Beneficiary.id == beneficiary_id, Beneficiary.lease_token == token)
            .values(lease_token=None, lease_until=None)
            .execution_options(synchronize_session=False)
        )
        session.commit()
    except DATABASE_UNAVAILABLE:
        _unreleased[beneficiary_id] = token
        raise
    _unreleased.pop(beneficiary_id, None)


def release_unreleased(session: Session) -> None:
    """Give back the leases a database outage kept this process from giving back."""
    for beneficiary_id, token in list(_unreleased.items()):
        release(session, beneficiary_id, token)
