"""What staff see of referrals: a counsellor her partner's, in her provinces."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session

from bot.orientation.models import Referral
from bot.staff.models import StaffUser


def _scope(user: StaffUser) -> ColumnElement[bool]:
    if user.sees_every_province:
        return true()
    return (func.upper(Referral.partner) == (user.partner or "").upper()) & Referral.province.in_(
        user.provinces or []
    )


def can_see(user: StaffUser, referral: Referral) -> bool:
    if user.sees_every_province:
        return True
    return referral.partner.upper() == (user.partner or "").upper() and user.sees_province(
        referral.province
    )


def visible_referrals(
    session: Session, user: StaffUser, status: str | None, limit: int = 200
) -> list[Referral]:
    """Newest first; `status` None for all."""
    query = select(Referral).where(_scope(user))
    if status:
        query = query.where(Referral.status == status)
    return list(session.scalars(query.order_by(Referral.created_at.desc()).limit(limit)))
