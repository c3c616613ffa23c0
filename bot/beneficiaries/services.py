"""Finding and creating beneficiaries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.beneficiaries.models import Beneficiary
from bot.db import insert_unless_exists


def get_or_create_by_phone(session: Session, phone: str) -> Beneficiary:
    """Return her record, creating it on first contact (safe against concurrent webhooks)."""
    found = session.scalar(select(Beneficiary).where(Beneficiary.phone == phone))
    return found if found is not None else create_by_phone(session, phone)


def create_by_phone(session: Session, phone: str) -> Beneficiary:
    """Create her record, or take the one a concurrent webhook has just created."""
    created = insert_unless_exists(session, Beneficiary, {"phone": phone}, [Beneficiary.phone])
    return created or session.scalars(select(Beneficiary).where(Beneficiary.phone == phone)).one()


def get_by_public_id(session: Session, public_id: str) -> Beneficiary | None:
    return session.scalar(select(Beneficiary).where(Beneficiary.public_id == public_id))
